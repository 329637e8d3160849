"""The dossier's obligations for the home page and the reminders (emulation/home/todos.py):
the staff of each nominee's province write and submit its achievement report by the
achievement-reports deadline. One query whatever the number of clusters and years."""

from collections.abc import Iterable

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from emulation.nominations.models import Nomination
from emulation.nominations.selectors import nominee_unit
from provinces.calendar.obligations import STAFF, Snapshot, Todo

from .selectors import IN_DOSSIER


def achievement_report_todos(snap: Snapshot) -> Iterable[Todo]:
    in_play = {(cy.cluster.pk, cy.year): cy for cy in snap.cluster_years}
    nominations = Nomination.objects.filter(
        cluster_id__in={key[0] for key in in_play},
        year__in={key[1] for key in in_play},
        status__in=IN_DOSSIER,
    ).select_related(
        "achievement_report",
        "nominee_alliance__successor",
        "nominee_cooperative__province__successor",
    )
    for nomination in nominations:
        cy = in_play.get((nomination.cluster_id, nomination.year))
        if cy is None:
            continue
        try:
            if nomination.achievement_report.is_submitted:
                continue
        except ObjectDoesNotExist:
            pass
        deadlines = snap.deadlines_of(cy)
        yield Todo(
            kind="achievement_report",
            audience=STAFF,
            title=_("Viết và nộp báo cáo thành tích: %(name)s") % {"name": nomination.nominee_name},
            url=reverse_lazy("dossiers:report", args=[nomination.pk]),  # only if written
            cluster=cy.cluster,
            year=cy.year,
            owner=nominee_unit(nomination),
            obligation=f"achievement_report:{nomination.pk}",
            due=deadlines.achievement_reports_due if deadlines else None,
            deadline="achievement_reports_due",
        )
