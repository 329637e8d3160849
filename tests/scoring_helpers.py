"""Named scoring objects for the tests, built through the services."""

import datetime
from decimal import Decimal

from emulation.models import ScoringAgreement
from emulation.scoring.criteria_io import parse_criteria_rows
from emulation.scoring.meeting import scoring_meeting_record, shown_sheet_versions
from emulation.scoring.selectors import ScoringYear, scoring_year
from emulation.scoring.services import (
    agreement_create,
    agreement_sign,
    criteria_replace,
    targets_set,
)
from emulation.scoring.sheets import sheet_cross_check, sheet_self_save, sheet_submit
from provinces.models import Cluster, Province
from tests.demo_data import Snapshot
from tests.versions import sheet_version, shown_version

HEADER = ("number", "title", "kind", "max_points", "indicator", "denominator", "bands")
SMALL = [
    ("I", "Phát triển kinh tế tập thể", "group", "60", "", "", ""),
    ("1", "Thành lập mới HTX", "target", "40", "htx_new", "", "≥100: 40; ≥80: 30; còn lại: 10"),  # noqa: E501
    ("2", "Tỷ lệ THT nông nghiệp", "band", "20", "tht_agri", "tht_total", "≥70: 20; ≥60: 15; còn lại: 5"),  # noqa: E501
    ("II", "Công tác phối hợp", "group", "40", "", "", ""),
    ("1", "Tham gia hoạt động của Cụm", "judged", "40", "", "", ""),
    ("III", "Điểm thưởng", "group", "5", "", "", ""),
    ("1", "Sáng kiến", "bonus", "5", "", "", ""),
    ("IV", "Điểm trừ", "group", "0", "", "", ""),
    ("1", "Báo cáo chậm", "penalty", "3", "", "", ""),
]  # fmt: skip
YEAR = 2023
SIGNED_ON = datetime.date(2022, 12, 8)


def cluster(slug: str = "tay-bac") -> Cluster:
    return Cluster.objects.get(slug=slug)


def data_for(slug: str = "tay-bac", year: int = YEAR, **kwargs) -> ScoringYear:
    return scoring_year(cluster(slug), year, **kwargs)


def unit(code: str, year: int = YEAR) -> Province:
    return Province.objects.valid_in(year).get(code=code)


def leaf(data: ScoringYear, path: str):
    """A criterion by its full number: "I.1", "II.1"."""
    numbers = {}
    for line in data.lines:
        c = line.criterion
        numbers[c.pk] = c.number if c.parent_id is None else f"{numbers[c.parent_id]}.{c.number}"
        if numbers[c.pk] == path:
            return c
    raise KeyError(path)


def build_agreement(
    slug: str = "tay-bac",
    year: int = YEAR,
    rows=None,
    *,
    targets: dict | None = None,
    target: Decimal = Decimal(50),
    sign: bool = True,
    total: Decimal = Decimal(100),
    by=None,
) -> ScoringAgreement:
    """An agreement with the `rows` criteria, a target on every target criterion for
    every member (`targets` by province code overrides), signed unless told."""
    c = cluster(slug)
    agreement = agreement_create(cluster=c, year=year, by=by, total_points=total)
    members = scoring_year(c, year).members
    parsed = parse_criteria_rows([HEADER, *(rows or SMALL)])
    assert not parsed.errors, parsed.errors
    criteria_replace(
        agreement=agreement,
        seen_version=shown_version(agreement),
        parsed=parsed,
        members=members,
        by=by,
    )
    data = scoring_year(c, year)
    values = {}
    for criterion in data.leaves:
        if criterion.kind == "target":
            for m in data.members:
                values[(criterion.pk, m.pk)] = (targets or {}).get(m.code, target)
    targets_set(agreement=agreement, seen_version=shown_version(agreement), values=values, by=by)
    if sign:
        agreement_sign(
            agreement=agreement,
            seen_version=shown_version(agreement),
            data=scoring_year(c, year),
            signed_on=SIGNED_ON,
            by=by,
        )
    agreement.refresh_from_db()
    return agreement


# `build_agreement()` and `build_agreement(sign=False)` made once per run through the services
# (tests/demo_data.py's Snapshot, built by conftest's `scoring_states` on the clean
# database) and written back by `signed_agreement` in each test that starts from them.
SIGNED = Snapshot("scoring-signed", build_agreement, offset=3_000_000)
UNSIGNED = Snapshot("scoring-unsigned", lambda: build_agreement(sign=False), offset=3_000_000)


def signed_agreement(sign: bool = True) -> ScoringAgreement:
    """`build_agreement(sign=sign)` from its snapshot (the module needs `scoring_states`)."""
    (SIGNED if sign else UNSIGNED).restore()
    return data_for().agreement


def self_score(code: str, points: dict, *, submit: bool = True, by=None, slug="tay-bac", year=YEAR):
    """Self-score `points` ({"II.1": 30, …}) for the member, and submit."""
    data = data_for(slug, year)
    province = unit(code, year)
    entries = {
        leaf(data, path): (Decimal(str(p)) if p is not None else None, "Có minh chứng.")
        for path, p in points.items()
    }
    entries = {c.pk: value for c, value in entries.items()}
    sheet = sheet_self_save(
        data=data,
        province=province,
        entries=entries,
        seen_version=sheet_version(data, province),
        by=by,
    )
    if submit:
        sheet = sheet_submit(
            data=data_for(slug, year), province=province, seen_version=sheet.version, by=by
        )
    return sheet


def cross_check(code: str, points: dict, *, by=None, slug="tay-bac", year=YEAR):
    data = data_for(slug, year)
    province = unit(code, year)
    entries = {
        leaf(data, path).pk: (Decimal(str(p)), reason) for path, (p, reason) in points.items()
    }
    return sheet_cross_check(
        data=data,
        province=province,
        entries=entries,
        seen_version=data.column(province.pk).sheet.version,
        by=by,
    )


def meeting_record(
    *, slug="tay-bac", year=YEAR, votes=None, present=7, by=None, meeting_date=None
) -> ScoringAgreement:
    """Record the scoring meeting of the cluster-year (30 November, all seven present),
    at the agreement's version as read now; `votes` by province code."""
    data = data_for(slug, year)
    return scoring_meeting_record(
        data=data,
        meeting_date=meeting_date or datetime.date(year, 11, 30),
        present=present,
        votes={unit(code, year).pk: v for code, v in (votes or {}).items()},
        by=by,
        seen_version=data.agreement.version,
        sheet_versions=shown_sheet_versions(data),
        # A "suy tôn" by secret ballot (the default rule): one valid ballot per member
        # present; no vote, no ballots.
        **(
            {"ballots_issued": present, "ballots_returned": present, "ballots_valid": present}
            if votes
            else {}
        ),
    )


def sheets_shown(slug="tay-bac", year=YEAR) -> dict:
    """The sheet versions the chair's meeting form carries, as a page opened now shows."""
    return {f"sheet-{pk}": v for pk, v in shown_sheet_versions(data_for(slug, year)).items()}


TAY_BAC_2023 = ["10", "11", "12", "14", "15", "17", "25"]
