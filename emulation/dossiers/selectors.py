"""Reads behind the dossier: everything its documents show, and what is still missing.

`dossier_for` runs a fixed number of queries whatever the number of members and
nominees; the documents are built from the `Dossier` it returns and nothing else.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext

from emulation.awards.models import AwardRecord
from emulation.awards.selectors import awards_received
from emulation.conference.models import Attendee, Conference
from emulation.dossiers.models import AchievementReport, DossierSettings
from emulation.nominations.models import NOMINEE_RELATED, AwardType, Nomination
from emulation.nominations.selectors import (
    COUNTED_AGAINST_QUOTA,
    VoteRules,
    legal_name_of,
    nominee_unit,
    vote_rules_for,
)
from emulation.reports.legal import issuing_symbol
from provinces.disbursements.models import Disbursement
from provinces.disbursements.selectors import FundTotals, disbursement_totals
from provinces.figures.models import FiguresStatus, YearlyFigures
from provinces.figures.selectors import previous_years
from provinces.organisation.models import Cluster, ClusterTerm, Province
from provinces.organisation.selectors import cluster_members, term_for

from .letter import date_refusal
from .report_fields import report_gaps
from .scoring_result import MemberResult, ScoringResult, scoring_result

# Nominees whose dossier goes to the VCA: endorsed by the conference (and later steps).
IN_DOSSIER = tuple(COUNTED_AGAINST_QUOTA)


@dataclass
class NomineeContext:
    """What access decisions about one nominee's achievement report need."""

    nomination: Nomination
    year: int
    term: ClusterTerm | None
    province: Province | None
    report: AchievementReport | None

    @property
    def in_dossier(self) -> bool:
        return self.nomination.status in IN_DOSSIER


def nominee_context(pk: int) -> NomineeContext:
    """404 for an unknown nomination. Three queries."""
    nomination = get_object_or_404(
        Nomination.objects.select_related("cluster", "award_type", *NOMINEE_RELATED),
        pk=pk,
    )
    report = AchievementReport.objects.filter(nomination=nomination).first()
    if report is not None:
        report.nomination = nomination
    return NomineeContext(
        nomination=nomination,
        year=nomination.year,
        term=term_for(nomination.cluster, nomination.year),
        province=nominee_unit(nomination),
        report=report,
    )


@dataclass
class Nominee:
    nomination: Nomination
    report: AchievementReport | None
    province: Province | None  # the unit writing the report
    result: MemberResult | None = None  # an alliance's score and rank
    figures: YearlyFigures | None = None  # an alliance's approved figures of the year
    previous: dict | None = None  # ... and of the year before (or its predecessors')
    disbursements_all: FundTotals = field(default_factory=FundTotals)
    disbursements_htx_dev: FundTotals = field(default_factory=FundTotals)
    awards: list[AwardRecord] = field(default_factory=list)  # received before the year

    @property
    def name(self) -> str:
        return self.nomination.nominee_name

    @property
    def short_name(self) -> str:
        """The full name without its province, for tables that have a province column."""
        return self.legal_name

    @property
    def kind(self) -> str:
        return self.nomination.nominee_kind

    @property
    def legal_name(self) -> str:
        """The full name every document prints, never an abbreviation: the alliance's and
        the cooperative's full legal names, the person's full name, "Hộ gia đình ông …"."""
        return legal_name_of(self.nomination)

    @property
    def is_alliance(self) -> bool:
        return self.nomination.nominee_alliance_id is not None

    @property
    def gaps(self) -> list[str]:
        """What its achievement report still lacks (report_fields.REQUIRED)."""
        return report_gaps(self.report, self.nomination)

    @property
    def cooperative(self):
        return self.nomination.nominee_cooperative

    @property
    def report_ready(self) -> bool:
        return self.report is not None and self.report.is_submitted

    def vote_passed(self, rules: VoteRules) -> bool:
        return bool(rules.passes(self.nomination))


@dataclass
class Missing:
    text: str
    url: str | None = None
    link_text: str = ""


@dataclass
class Dossier:
    cluster: Cluster
    year: int
    term: ClusterTerm | None
    members: list[Province]
    conference: Conference | None
    scoring: ScoringResult | None
    rules: VoteRules
    groups: list[tuple[AwardType, list[Nominee]]]
    generated_on: datetime.date = field(default_factory=timezone.localdate)
    missing: list[Missing] = field(default_factory=list)
    settings: DossierSettings | None = None  # the chair's (letter.py reads them)
    symbol: str = ""  # the cluster-year's issuing-body symbol, "CTĐ-TB"

    @property
    def nominees(self) -> list[Nominee]:
        return [nominee for _, nominees in self.groups for nominee in nominees]

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def head(self) -> Province | None:
        return self.term.head if self.term else None

    @property
    def place(self) -> str:
        """The place line: where the head alliance sits (its province's name)."""
        if self.head is not None:
            return self.head.name
        return self.conference.host.name if self.conference else ""

    @property
    def meeting_place(self) -> str:
        if self.scoring and self.scoring.place:
            return self.scoring.place
        return self.conference.venue if self.conference else ""

    @property
    def meeting_date(self) -> datetime.date | None:
        if self.scoring and self.scoring.meeting_date:
            return self.scoring.meeting_date
        return self.conference.date if self.conference else None

    @property
    def document_date(self) -> datetime.date:
        return self.meeting_date or self.generated_on

    @property
    def attendees(self) -> list[Attendee]:
        return list(self.conference.attendees.all()) if self.conference else []

    @property
    def head_signer(self) -> str:
        """The chair's name, when the conference lists someone of the head alliance."""
        if self.head is None:
            return ""
        for attendee in self.attendees:
            if attendee.organisation.strip().lower() == self.head.alliance_name.lower():
                return attendee.name
        return ""


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a page of a feature not installed in this build
        return None


def _missing(dossier: Dossier) -> list[Missing]:
    slug, year = dossier.cluster.slug, dossier.year
    found: list[Missing] = []
    if dossier.term is None:
        found.append(
            Missing(
                gettext("Chưa xác định Cụm trưởng năm %(year)s: tờ trình không có người ký.")
                % {"year": year},
                _url("rotation:terms", slug),
                gettext("Cụm trưởng, cụm phó"),
            )
        )
    scoring_url = _url("scoring:overview", slug, year)
    if dossier.scoring is None:
        found.append(
            Missing(
                gettext("Chưa có bảng chấm điểm thi đua năm %(year)s.") % {"year": year},
                scoring_url,
                gettext("Chấm điểm"),
            )
        )
    elif not dossier.scoring.recorded:
        found.append(
            Missing(
                gettext(
                    "Chưa ghi kết quả cuộc họp bình xét (ngày họp, số đại biểu, điểm thống nhất)."
                ),
                scoring_url,
                gettext("Ghi kết quả bình xét"),
            )
        )
    if not dossier.meeting_place:
        found.append(
            Missing(
                gettext("Chưa có địa điểm họp bình xét: ghi hội nghị của năm."),
                _url("conference:edit", slug, year),
                gettext("Hội nghị"),
            )
        )
    refusal = date_refusal(dossier, dossier.settings and dossier.settings.document_date)
    if refusal:
        found.append(Missing(refusal, _url("dossiers:settings", slug, year), gettext("Thiết lập")))
    nominations_url = _url("nominations:list", slug, year)
    if not dossier.nominees:
        found.append(
            Missing(
                gettext("Chưa có đề nghị khen thưởng nào được hội nghị thống nhất đề nghị."),
                nominations_url,
                gettext("Đề nghị khen thưởng"),
            )
        )
    for nominee in dossier.nominees:
        nomination = nominee.nomination
        name = nominee.name
        if not nomination.votes_present:
            found.append(
                Missing(
                    gettext("%(name)s: chưa ghi kết quả biểu quyết.") % {"name": name},
                    nominations_url,
                    gettext("Đề nghị khen thưởng"),
                )
            )
        report_url = _url("dossiers:report", nomination.pk)
        gaps = nominee.gaps
        if nominee.report is None or not nominee.report.achievements.strip():
            found.append(
                Missing(
                    gettext("%(name)s: chưa có báo cáo thành tích.") % {"name": name},
                    report_url,
                    gettext("Viết báo cáo"),
                )
            )
        elif gaps:
            found.append(
                Missing(
                    gettext("%(name)s: báo cáo thành tích còn thiếu: %(gaps)s.")
                    % {"name": name, "gaps": ", ".join(gaps)},
                    report_url,
                    gettext("Bổ sung báo cáo"),
                )
            )
        elif not nominee.report.is_submitted:
            found.append(
                Missing(
                    gettext("%(name)s: báo cáo thành tích chưa được tỉnh nộp.") % {"name": name},
                    report_url,
                    gettext("Xem báo cáo"),
                )
            )
        if nominee.is_alliance:
            code = nomination.nominee_alliance.code
            if nominee.figures is None:
                found.append(
                    Missing(
                        gettext("%(name)s: số liệu năm %(year)s chưa được duyệt.")
                        % {"name": name, "year": year},
                        _url("figures:detail", year, code),
                        gettext("Số liệu"),
                    )
                )
            if dossier.scoring is not None and nominee.result is None:
                found.append(
                    Missing(
                        gettext("%(name)s: không có trong bảng chấm điểm.") % {"name": name},
                        scoring_url,
                    )
                )
    return found


def dossier_for(cluster: Cluster, year: int) -> Dossier:
    members = cluster_members(cluster, year)
    term = term_for(cluster, year)
    conference = (
        Conference.objects.filter(cluster=cluster, year=year)
        .select_related("host")
        .prefetch_related("attendees")
        .first()
    )
    scoring = scoring_result(cluster, year)
    nominations = list(
        Nomination.objects.filter(cluster=cluster, year=year, status__in=IN_DOSSIER)
        .select_related("award_type", "achievement_report", *NOMINEE_RELATED)
        .order_by("award_type__order", "award_type__name", "pk")
    )
    alliances = [n.nominee_alliance for n in nominations if n.nominee_alliance_id]
    approved = {
        f.province_id: f
        for f in YearlyFigures.objects.filter(
            province__in=alliances, year=year, status=FiguresStatus.APPROVED
        )
    }
    previous = previous_years(alliances, year, user=None, approved_only=True) if alliances else {}
    disbursements = disbursement_totals(provinces=alliances, year=year) if alliances else None
    cooperative_ids = [n.nominee_cooperative_id for n in nominations if n.nominee_cooperative_id]
    cooperative_disbursements = {
        row["borrower"]: FundTotals(row["count"], row["amount"])
        for row in Disbursement.objects.in_year(year)
        .filter(borrower__in=cooperative_ids)
        .values("borrower")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by()
    }
    received = awards_received(
        alliance_ids=[a.pk for a in alliances],
        cooperative_ids=cooperative_ids,
        person_ids=[n.nominee_person_id for n in nominations if n.nominee_person_id],
        household_ids=[n.nominee_household_id for n in nominations if n.nominee_household_id],
        other_unit_ids=[n.nominee_other_unit_id for n in nominations if n.nominee_other_unit_id],
    )
    groups: dict[int, tuple[AwardType, list[Nominee]]] = {}
    for nomination in nominations:
        nomination.cluster = cluster
        report = getattr(nomination, "achievement_report", None)
        nominee = Nominee(nomination=nomination, report=report, province=nominee_unit(nomination))
        kind = nomination.nominee_kind
        unit = (kind, getattr(nomination, f"nominee_{kind}_id"))
        nominee.awards = [r for r in received.get(unit, []) if r.year < year]
        if nomination.nominee_alliance_id:
            pid = nomination.nominee_alliance_id
            nominee.result = scoring.for_province(pid) if scoring else None
            nominee.figures = approved.get(pid)
            nominee.previous = previous[pid].values if pid in previous else None
            nominee.disbursements_all = disbursements.all_funds[pid]
            nominee.disbursements_htx_dev = disbursements.htx_dev[pid]
        elif nomination.nominee_cooperative_id:
            nominee.disbursements_all = cooperative_disbursements.get(
                nomination.nominee_cooperative_id, FundTotals()
            )
        groups.setdefault(nomination.award_type_id, (nomination.award_type, []))[1].append(nominee)
    dossier = Dossier(
        cluster=cluster,
        year=year,
        term=term,
        members=members,
        conference=conference,
        scoring=scoring,
        rules=vote_rules_for(cluster_id=cluster.pk, year=year),
        groups=list(groups.values()),
        settings=DossierSettings.objects.filter(cluster=cluster, year=year).first(),
        symbol=issuing_symbol(cluster, year),
    )
    dossier.missing = _missing(dossier)
    return dossier
