"""The dossier's obligations for the home page and the reminders (emulation/home/todos.py):
the staff of each nominee's province write and submit its achievement report, with every
field its form requires and both signers' names, by the achievement-reports deadline. One
query whatever the number of clusters and years."""

from collections.abc import Iterable

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from emulation.nominations.models import NOMINEE_RELATED, Nomination
from emulation.nominations.selectors import nominee_unit
from provinces.calendar.obligations import STAFF, Snapshot, Todo

from .report_fields import report_gaps
from .selectors import IN_DOSSIER


def achievement_report_todos(snap: Snapshot) -> Iterable[Todo]:
    in_play = {(cy.cluster.pk, cy.year): cy for cy in snap.cluster_years}
    nominations = Nomination.objects.filter(
        cluster_id__in={key[0] for key in in_play},
        year__in={key[1] for key in in_play},
        status__in=IN_DOSSIER,
    ).select_related("achievement_report", *NOMINEE_RELATED)
    for nomination in nominations:
        cy = in_play.get((nomination.cluster_id, nomination.year))
        if cy is None:
            continue
        try:
            report = nomination.achievement_report
        except ObjectDoesNotExist:
            report = None
        # A submitted report still lacking a required field or a signer's name (one
        # submitted before the forms asked for them) keeps the dossier incomplete.
        if report is not None and report.is_submitted and not report_gaps(report, nomination):
            continue
        title = (
            _("Bổ sung báo cáo thành tích: %(name)s")
            if report is not None and report.is_submitted
            else _("Viết và nộp báo cáo thành tích: %(name)s")
        )
        deadlines = snap.deadlines_of(cy)
        yield Todo(
            kind="achievement_report",
            audience=STAFF,
            title=title % {"name": nomination.nominee_name},
            url=reverse_lazy("dossiers:report", args=[nomination.pk]),  # only if written
            cluster=cy.cluster,
            year=cy.year,
            owner=nominee_unit(nomination),
            obligation=f"achievement_report:{nomination.pk}",
            due=deadlines.achievement_reports_due if deadlines else None,
            deadline="achievement_reports_due",
        )
