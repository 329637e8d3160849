"""The annual cluster report: one selector builds every number the document shows.

Totals follow design.md's aggregation rules (provinces.figures.aggregation.combine): counts are
summed, averages weighted. A merged province is compared with its predecessors' figures
of the previous year combined, and the comparison is marked partial when one of them
reported nothing.

One truth per cluster-year (design.md, "Who reads what"): the report counts approved
records only, in this year and in the year it compares with, whoever reads it (the page,
the PDF, Excel and HTML files, the API, the `cluster_report` command): it names the members
whose record is not approved yet, the same for everyone, and says it is a draft unless all
members' records are approved. The working preview (`preview=True`, for the chair of the
year and admins: `access.can_preview_report`) counts the submitted records too, marked,
and says so in its title, on every page and in its file name.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from emulation.conference.models import Attendee, Conference, Recommendation
from emulation.nominations.models import Nomination
from emulation.nominations.selectors import nominations_by_award
from emulation.reports.models import ReportSettings
from provinces.calendar.selectors import deadlines_for
from provinces.disbursements.selectors import DisbursementTotals, FundTotals, disbursement_totals
from provinces.figures.aggregation import combine, percent_change
from provinces.figures.models import FiguresStatus, YearlyFigures
from provinces.figures.selectors import PreviousYear, previous_years
from provinces.figures.spec import BY_CODE, INDICATORS, Indicator
from provinces.figures.timeliness import Timeliness, figures_timeliness
from provinces.organisation.models import Cluster, ClusterTerm, Province
from provinces.organisation.selectors import cluster_members

from .drafts import difficulties_draft, directions_draft
from .legal import legal_basis_on
from .letterhead import signer_lines
from .models import DEFAULT_RECIPIENTS

# The signed document ---------------------------------------------------------------------


@dataclass
class Signature:
    """What the document prints, each item with where it came from."""

    number_line: str
    place: str
    date: datetime.date | None
    signer_title: str
    signer_name: str
    recipients: list[str]
    settings: ReportSettings | None
    # The signer block's capacity lines, as every document of the cluster writes them
    # (letterhead.signer_lines): "TM. CỤM THI ĐUA / CỤM TRƯỞNG / CHỦ TỊCH LIÊN MINH …".
    lines: list[str] = field(default_factory=list)


def _chair_of(conference, head) -> tuple[str, str]:
    """The head alliance's leader as the conference record names them: (title, name).
    "UV BCH Liên minh HTX Việt Nam, Chủ tịch" gives the title "Chủ tịch"."""
    if conference is None or head is None:
        return "", ""
    for attendee in conference.attendees.all():
        if head.name and attendee.organisation.endswith(head.name):
            title = attendee.title.replace("–", ",").split(",")[-1].strip()
            return title, attendee.name
    return "", ""


def signature_for(*, report_settings, conference, head, cluster: Cluster) -> Signature:
    chosen = report_settings or ReportSettings(cluster=cluster)
    title, name = _chair_of(conference, head)
    place = (
        chosen.place or (conference.host.name if conference else "") or (head.name if head else "")
    )
    recipients = [
        line.strip().lstrip("-").strip()
        for line in (chosen.recipients or DEFAULT_RECIPIENTS).splitlines()
        if line.strip()
    ]
    return Signature(
        number_line=chosen.number_line,
        place=place,
        date=chosen.document_date or (conference.date if conference else None),
        signer_title=chosen.signer_title or title,
        signer_name=chosen.signer_name or name,
        recipients=recipients,
        settings=report_settings,
        lines=signer_lines(head, title=chosen.signer_title or title),
    )


# The report --------------------------------------------------------------------------------


@dataclass
class ProvinceLine:
    province: Province
    figures: YearlyFigures | None
    comparison: PreviousYear
    disbursements_all: FundTotals = field(default_factory=FundTotals)
    disbursements_htx_dev: FundTotals = field(default_factory=FundTotals)
    withheld: bool = False  # a record exists but is not counted (not approved yet)

    @property
    def values(self) -> dict | None:
        return self.figures.values() if self.figures else None

    @property
    def previous(self) -> dict | None:
        return self.comparison.values

    @property
    def previous_units(self) -> list[Province]:
        return self.comparison.units

    @property
    def partial(self) -> bool:
        return self.comparison.partial

    @property
    def merged(self) -> bool:
        return self.comparison.merged


@dataclass
class Comparison:
    indicator: Indicator
    current: Decimal | int | None
    previous: Decimal | int | None

    @property
    def change(self) -> Decimal | None:
        return percent_change(self.current, self.previous)


@dataclass
class ClusterReport:
    cluster: Cluster
    year: int
    lines: list[ProvinceLine]
    totals: dict | None
    compared_totals: dict | None
    previous_totals: dict | None
    compared_count: int
    previous_partial: bool
    disbursements: DisbursementTotals
    term: ClusterTerm | None
    next_term: ClusterTerm | None
    conference: Conference | None
    nominations: list[tuple[object, list[Nomination]]]
    signature: Signature | None = None
    # The working preview: submitted records counted too (the chair of the year, admins).
    preview: bool = False
    # The members' approved records of the year (readable by every reader of the report):
    # what the scoring's computed criteria read, kept for its ranking section.
    approved_records: list[YearlyFigures] = field(default_factory=list, repr=False)
    # The "Căn cứ …" lines in force on the document's date (LegalBasis).
    legal_basis: list[str] = field(default_factory=list)
    # Members whose figures came in after the calendar's figures deadline:
    # (province, the deadline, the day they came in).
    late: list[tuple[Province, datetime.date, datetime.date]] = field(default_factory=list)

    def _chair_section(self, name: str, draft) -> tuple[list[str], bool]:
        """The chair's text of a section, one paragraph a line, else the data's draft;
        and whether it is the draft."""
        chosen = self.signature.settings if self.signature else None
        text = getattr(chosen, name, "") if chosen else ""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return (lines, False) if lines else (draft(self), True)

    @property
    def difficulties(self) -> tuple[list[str], bool]:
        """ "Khó khăn, hạn chế": (paragraphs, whether drafted from the data)."""
        return self._chair_section("difficulties", difficulties_draft)

    @property
    def directions(self) -> tuple[list[str], bool]:
        """ "Phương hướng, nhiệm vụ năm sau": (paragraphs, whether drafted from the data)."""
        return self._chair_section("directions", directions_draft)

    @property
    def members(self) -> list[Province]:
        return [line.province for line in self.lines]

    @property
    def member_count(self) -> int:
        return len(self.lines)

    @property
    def entered_count(self) -> int:
        return sum(1 for line in self.lines if line.figures)

    @property
    def approved_count(self) -> int:
        return sum(1 for line in self.lines if line.figures and line.figures.is_locked)

    @property
    def is_draft(self) -> bool:
        return self.approved_count < self.member_count

    @property
    def missing(self) -> list[Province]:
        return [line.province for line in self.lines if not line.figures and not line.withheld]

    @property
    def withheld(self) -> list[Province]:
        """Members whose record exists but is not counted: not approved yet (the working
        preview: not submitted either)."""
        return [line.province for line in self.lines if line.withheld]

    @property
    def previous_withheld(self) -> list[Province]:
        return [unit for line in self.lines for unit in line.comparison.withheld]

    @property
    def previous_unapproved(self) -> list[Province]:
        """Units whose submitted, not yet approved figures of the year before are compared
        with (the working preview only): the preview marks them."""
        return [unit for line in self.lines for unit in line.comparison.unapproved]

    @property
    def agri_share(self) -> Decimal | None:
        if not self.totals or not self.totals["tht_total"]:
            return None
        return Decimal(self.totals["tht_agri"]) * 100 / self.totals["tht_total"]

    @property
    def htx_new_per_province(self) -> Decimal | None:
        """New HTX per province with figures: a member without figures is not a zero."""
        if not self.totals or not self.entered_count:
            return None
        return Decimal(self.totals["htx_new"]) / self.entered_count

    @property
    def comparisons(self) -> list[Comparison]:
        return [
            Comparison(
                indicator,
                self.compared_totals[indicator.code] if self.compared_totals else None,
                self.previous_totals[indicator.code] if self.previous_totals else None,
            )
            for indicator in INDICATORS
        ]

    @property
    def not_compared(self) -> list[Province]:
        return [line.province for line in self.lines if line.figures and not line.previous]

    @property
    def merged_lines(self) -> list[ProvinceLine]:
        """The merged members the report counts, each noted with what it is compared with;
        a merged member whose record is not counted is compared with nothing."""
        return [line for line in self.lines if line.merged and line.figures]

    @property
    def partly_compared(self) -> bool:
        """Whether a member counted in the comparison misses a predecessor's figures."""
        return any(line.partial for line in self.merged_lines)

    @property
    def place(self) -> str:
        """The place line of the document: as the chair set it, else the conference's
        host, else the head alliance's province; empty when none is known."""
        return self.signature.place if self.signature else ""

    @property
    def document_date(self):
        """The date the chair set, else the conference's; None (a blank to fill in by
        hand) rather than the day the file happens to be printed."""
        return self.signature.date if self.signature else None

    @property
    def issuer_lines(self) -> list[str]:
        """The cluster's name in capitals on balanced lines of about 30 characters, as the
        issuing body is set in Phụ lục I (no single word left on a line of its own)."""
        words = self.cluster.name.upper().split()
        count = max(1, -(-len(" ".join(words)) // 30))
        lines, start = [], 0
        for index in range(count, 0, -1):
            rest = " ".join(words[start:])
            target = len(rest) / index
            end = start + 1
            while end < len(words) and len(" ".join(words[start : end + 1])) <= target + 3:
                end += 1
            lines.append(" ".join(words[start:end]) if index > 1 else rest)
            start = end
        return [line for line in lines if line]

    @property
    def sections(self) -> dict[str, str]:
        """Roman section numbers, continuous whichever sections have something to say."""
        numerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
        keys = ["tht_htx", "communication", "training"] if self.totals else []
        keys += ["provinces", "comparison", "difficulties", "directions"]
        keys += ["conference", "awards", "terms"]
        return dict(zip(keys, numerals, strict=False))

    @property
    def previous_year_has_data(self) -> bool:
        """Whether any member (or a unit merged into one) has figures of last year."""
        return any(line.previous for line in self.lines)


def counted_states(*, preview: bool) -> tuple[str, ...]:
    """The states of the records the report counts: approved ones; the working preview
    counts the submitted ones too."""
    if preview:
        return (FiguresStatus.APPROVED, FiguresStatus.SUBMITTED)
    return (FiguresStatus.APPROVED,)


def report_filename(slug: str, year: int, extension: str, *, preview: bool = False) -> str:
    """`bao-cao-tay-bac-2023.pdf`; the working preview's `bao-cao-tay-bac-2023-xem-truoc.pdf`."""
    return f"bao-cao-{slug}-{year}{'-xem-truoc' if preview else ''}.{extension}"


def cluster_report(
    *, cluster: Cluster, year: int, members: list[Province] | None = None, preview: bool = False
) -> ClusterReport:
    """Everything the annual report of `cluster` for `year` shows, the same for every
    reader: the approved records only (`preview`: the submitted ones too, the working
    preview of the chair of the year and admins), in a fixed number of queries whatever the
    number of provinces and years. `members`: the cluster's members that year by name
    (`cluster_members`), when the caller has them already."""
    if members is None:
        members = cluster_members(cluster, year)
    by_id = {member.pk: member for member in members}
    terms = {
        t.year: t
        for t in ClusterTerm.objects.with_alliances().filter(
            cluster=cluster, year__in=[year, year + 1]
        )
    }
    records = list(YearlyFigures.objects.filter(province__in=members, year=year).order_by())
    counted = counted_states(preview=preview)
    for record in records:
        record.province = by_id[record.province_id]
    figures = {record.province_id: record for record in records if record.status in counted}
    withheld = {record.province_id for record in records if record.status not in counted}
    # What each member compares with: itself a year earlier, or the units merged into it,
    # counted by the same rule.
    previous = previous_years(members, year, user=None, states=counted)
    disbursements = disbursement_totals(provinces=members, year=year)
    lines = report_lines(members, figures, withheld, previous, disbursements)
    conference = (
        Conference.objects.filter(cluster=cluster, year=year)
        .select_related("host")
        .prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.all()),
            Prefetch("recommendations", queryset=Recommendation.objects.all()),
        )
        .order_by()  # one per cluster-year
        .first()
    )
    report_settings = ReportSettings.objects.filter(cluster=cluster, year=year).first()
    term = terms.get(year)
    signature = signature_for(
        report_settings=report_settings,
        conference=conference,
        head=term.head if term else None,
        cluster=cluster,
    )
    nominations = nominations_by_award(cluster, year)
    on = signature.date or datetime.date(year, 12, 31)
    return ClusterReport(
        cluster=cluster,
        year=year,
        lines=lines,
        **report_totals(lines),
        disbursements=disbursements,
        term=term,
        next_term=terms.get(year + 1),
        conference=conference,
        nominations=nominations,
        signature=signature,
        preview=preview,
        approved_records=[r for r in records if r.status == FiguresStatus.APPROVED],
        legal_basis=legal_basis_on(on, cluster=cluster, year=year),
        late=late_members(cluster, year, records, members),
    )


def report_lines(members, figures, withheld, previous, disbursements) -> list[ProvinceLine]:
    """A line per member: its counted record (`figures`, by id), whether one is withheld,
    what it compares with (`previous_years`) and its disbursements."""
    return [
        ProvinceLine(
            province=member,
            figures=figures.get(member.pk),
            comparison=previous[member.pk],
            disbursements_all=disbursements.all_funds[member.pk],
            disbursements_htx_dev=disbursements.htx_dev[member.pk],
            withheld=member.pk in withheld,
        )
        for member in members
    ]


def report_totals(lines: list[ProvinceLine]) -> dict:
    """The totals of some lines by the aggregation rules (`combine`), and the year-over-year
    comparison like with like: the lines with figures in both years."""
    entered = [line.values for line in lines if line.figures]
    both = [line for line in lines if line.figures and line.previous]
    return {
        "totals": combine(entered) if entered else None,
        "compared_totals": combine(line.values for line in both) if both else None,
        "previous_totals": combine(line.previous for line in both) if both else None,
        "compared_count": len(both),
        "previous_partial": any(line.partial for line in both) or len(both) < len(entered),
    }


def late_members(
    cluster: Cluster, year: int, records: list[YearlyFigures], members: list[Province]
) -> list[tuple]:
    """(province, deadline, day submitted) of the members whose figures came in late
    (provinces.figures.timeliness), in the report's member order."""
    deadlines = deadlines_for(cluster, year)
    if deadlines is None or deadlines.figures_due is None:
        return []
    now = timezone.now()
    late = [
        (record.province, deadlines.figures_due, timezone.localdate(record.submitted_at))
        for record in records
        if figures_timeliness(record, deadlines, now=now) == Timeliness.LATE
    ]
    return sorted(late, key=lambda entry: members.index(entry[0]))


def indicator(code: str) -> Indicator:
    return BY_CODE[code]
