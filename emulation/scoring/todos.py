"""The scoring's obligations for the home page and the reminders (emulation/home/todos.py):
a member's sheet to self-score and submit by the self-scores deadline, and for the chair
the submitted sheets still to cross-check by the cross-check deadline. Two queries
whatever the number of clusters, members and years."""

from collections.abc import Iterable

from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from emulation.scoring.models import ScoreSheet, ScoringAgreement, SheetStatus
from provinces.calendar.obligations import CHAIR, STAFF, Snapshot, Todo


def _open_agreements(snap: Snapshot) -> dict[tuple[int, int], ScoringAgreement]:
    """Signed agreements whose scoring meeting is not recorded yet, by (cluster, year)."""
    agreements = ScoringAgreement.objects.filter(
        cluster_id__in={cy.cluster.pk for cy in snap.cluster_years},
        year__in={cy.year for cy in snap.cluster_years},
    )
    return {(a.cluster_id, a.year): a for a in agreements if a.is_signed and not a.locked}


def scoring_todos(snap: Snapshot) -> Iterable[Todo]:
    agreements = _open_agreements(snap)
    if not agreements:
        return
    sheets = {
        (s.agreement_id, s.province_id): s
        for s in ScoreSheet.objects.filter(agreement__in=agreements.values()).only(
            "id", "agreement_id", "province_id", "status", "cross_checked_at"
        )
    }
    for cy in snap.cluster_years:
        agreement = agreements.get((cy.cluster.pk, cy.year))
        if agreement is None:
            continue
        deadlines = snap.deadlines_of(cy)
        for member in cy.members:
            sheet = sheets.get((agreement.pk, member.pk))
            # Lazy: reversed only for the to-dos a page or a reminder writes.
            url = reverse_lazy("scoring:sheet", args=[cy.cluster.slug, cy.year, member.code])
            common = {"cluster": cy.cluster, "year": cy.year, "owner": member, "url": url}
            if sheet is None or sheet.status != SheetStatus.SUBMITTED:
                yield Todo(
                    kind="self_score",
                    audience=STAFF,
                    title=_("Tự chấm điểm thi đua năm %(year)s và nộp bảng điểm")
                    % {"year": cy.year},
                    obligation=f"self_score:{cy.cluster.pk}:{cy.year}:{member.pk}",
                    due=deadlines.self_scores_due if deadlines else None,
                    deadline="self_scores_due",
                    **common,
                )
            elif sheet.cross_checked_at is None:
                yield Todo(
                    kind="cross_check",
                    audience=CHAIR,
                    title=_("Chấm chéo bảng điểm năm %(year)s của %(name)s")
                    % {"year": cy.year, "name": member.name},
                    obligation=f"cross_check:{cy.cluster.pk}:{cy.year}:{member.pk}",
                    due=deadlines.cross_check_due if deadlines else None,
                    deadline="cross_check_due",
                    **common,
                )
