"""Reads of the calendar: a cluster-year's deadlines. Whether a feature met one is that
feature's rule (figures: `provinces.figures.timeliness`)."""

from provinces.organisation.models import Cluster

from .models import Deadlines


def deadlines_for(cluster: Cluster, year: int) -> Deadlines | None:
    # One row per cluster-year: no ordering (the model's joins the cluster to sort).
    return Deadlines.objects.filter(cluster=cluster, year=year).order_by().first()


def deadlines_or_defaults(cluster: Cluster, year: int) -> tuple[Deadlines, bool]:
    """The saved deadlines of the year, or an unsaved row holding last year's dates one
    year on; the flag says whether they are defaults still to be confirmed."""
    saved = deadlines_for(cluster, year)
    if saved is not None:
        return saved, False
    last = deadlines_for(cluster, year - 1)
    defaults = last.next_year_defaults() if last else {}
    return Deadlines(cluster=cluster, year=year, version=0, **defaults), True


def deadlines_by_cluster_year(cluster_ids, years) -> dict[tuple[int, int], Deadlines]:
    """Saved deadlines keyed by (cluster id, year): one query."""
    return {
        (d.cluster_id, d.year): d
        for d in Deadlines.objects.filter(cluster_id__in=list(cluster_ids), year__in=list(years))
    }
