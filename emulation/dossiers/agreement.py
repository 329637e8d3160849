"""The emulation agreement (giao ước thi đua) of a cluster-year as a document the members
sign at the conference: the NĐ 30 letterhead, the legal basis, the criteria with their
points, the targets each member takes on, and a signature block for every member's chair.
Built as plain content (`content.py`), so that the Word file and the PDF are one text.

The signers' names: the chair of each member alliance as the conference where the
agreement was signed (the year before) lists them, else as the year's conference does;
a blank line to sign on where the record names nobody."""

import datetime

from django.utils.translation import gettext_noop

from cluster_portal.number_style import format_exact, format_number, format_points
from emulation.conference.models import Conference
from emulation.reports.legal import issuing_symbol, legal_basis_on
from emulation.reports.letterhead import member_signer_lines
from emulation.scoring.models import CriterionKind
from emulation.scoring.selectors import ScoringYear
from provinces.figures.spec import BY_CODE
from provinces.organisation.models import Province

from .content import (
    Document,
    Heading,
    Para,
    Row,
    Signer,
    Table,
    cluster_file_name,
    cluster_issuer,
    in_vietnamese,
    number_line,
    place_date,
    two_digits,
)

# The two scoring indicators that are not figures of the data dictionary (the loans).
LOAN_UNITS = {"loans_count": "lượt", "loans_amount": "triệu đồng"}
DRAFT_NOTE = "DỰ THẢO — giao ước chưa được các thành viên ký kết"


def _conferences(data: ScoringYear) -> list[Conference]:
    """The conference where the agreement was signed (the year before), then the year's.
    One query, with their attendees."""
    found = (
        Conference.objects.filter(cluster=data.cluster, year__in=[data.year - 1, data.year])
        .select_related("host")
        .prefetch_related("attendees")
        .order_by("year")
    )
    return list(found)


def chair_names(members: list[Province], conferences: list[Conference]) -> dict[int, str]:
    """Each member alliance's chair by the conference records: an attendee of the alliance
    whose title ends in "Chủ tịch" (not "Phó Chủ tịch")."""
    names: dict[int, str] = {}
    for conference in conferences:
        for attendee in conference.attendees.all():
            title = attendee.title.replace("–", ",").split(",")[-1].strip().lower()
            if title != "chủ tịch":
                continue
            for member in members:
                if member.pk not in names and attendee.organisation.endswith(member.name):
                    names[member.pk] = attendee.name
    return names


def _value(criterion, value) -> str:
    indicator = BY_CODE.get(criterion.indicator)
    return format_number(value, indicator.decimals) if indicator else format_exact(value)


def _criteria_table(data: ScoringYear) -> Table:
    rows = []
    for line in data.lines:
        c = line.criterion
        sign = "−" if c.kind == CriterionKind.PENALTY else ""
        rows.append(
            Row(
                [
                    c.number,
                    ("\u00a0\u00a0" * line.depth) + c.title,
                    sign + format_points(c.max_points),
                ],
                bold=c.is_group,
            )
        )
    rows.append(Row(["", "Tổng điểm", format_points(data.agreement.total_points)], bold=True))
    return Table(
        ["TT", "Nội dung tiêu chí", "Điểm tối đa"],
        rows,
        widths=[1.2, 10.5, 2],
        align="llc",
        name="t-criteria",
    )


def _targets_table(data: ScoringYear) -> Table | None:
    targeted = [c for c in data.leaves if c.kind == CriterionKind.TARGET]
    if not targeted:
        return None
    rows = []
    for order, c in enumerate(targeted, start=1):
        unit = BY_CODE[c.indicator].unit if c.indicator in BY_CODE else LOAN_UNITS.get(c.indicator)
        values = [_value(c, data.targets.get((c.pk, m.pk))) for m in data.members]
        rows.append(Row([str(order), c.title, unit or "", *values]))
    return Table(
        ["TT", "Chỉ tiêu", "Đơn vị tính", *[m.name for m in data.members]],
        rows,
        widths=[0.9, 4.6, 1.6, *[1.3] * len(data.members)],
        align="llc",
        font_size=9,
        name="t-targets",
    )


def _signed_on(data: ScoringYear, conferences: list[Conference]) -> datetime.date:
    """The day the members signed; unsigned: the conference of the year before, else the
    last day of that year (a draft is never dated today)."""
    if data.agreement.signed_on:
        return data.agreement.signed_on
    before = next((c for c in conferences if c.year == data.year - 1), None)
    return before.date if before else datetime.date(data.year - 1, 12, 31)


@in_vietnamese
def agreement_document(data: ScoringYear) -> Document:
    """The agreement of `data` (which has one). Three queries."""
    cluster, year, agreement = data.cluster, data.year, data.agreement
    conferences = _conferences(data)
    day = _signed_on(data, conferences)
    before = next((c for c in conferences if c.year == year - 1), None)
    head = data.term.head if data.term else None
    place = before.host.name if before else (head.name if head else "")
    blocks: list = [
        Para(line, italic=True)
        for line in legal_basis_on(day, cluster=cluster, year=year, agreement=True)
    ]
    blocks.append(
        Para(
            f"Để đẩy mạnh phong trào thi đua năm {year}, Liên minh HTX "
            f"{two_digits(len(data.members))} tỉnh thành viên {cluster.name} thống nhất ký kết "
            "giao ước thi đua với các nội dung sau:"
        )
    )
    blocks += [
        Heading("I. NỘI DUNG THI ĐUA VÀ THANG ĐIỂM"),
        Para(
            f"Tổng điểm tối đa {format_points(agreement.total_points)} điểm, chưa kể điểm "
            "thưởng; điểm trừ ghi dấu trừ.",
            italic=True,
        ),
        _criteria_table(data),
    ]
    targets = _targets_table(data)
    if targets is not None:
        blocks += [Heading("II. CHỈ TIÊU GIAO CHO TỪNG THÀNH VIÊN"), targets]
    blocks += [
        Heading(f"{'III' if targets is not None else 'II'}. TỔ CHỨC THỰC HIỆN"),
        Para(
            "Liên minh HTX các tỉnh thành viên tổ chức thực hiện các nội dung giao ước; tự "
            f"chấm điểm và gửi Cụm trưởng năm {year} đúng thời hạn. Cụm trưởng tổng hợp, tổ "
            "chức chấm chéo và họp bình xét, suy tôn theo Quy chế hoạt động của Cụm."
        ),
        Para(
            f"Giao ước được lập thành {two_digits(len(data.members) + 1)} bản, mỗi thành viên "
            "giữ 01 bản, gửi Liên minh HTX Việt Nam 01 bản./."
        ),
    ]
    names = chair_names(data.members, conferences)
    return Document(
        filename=f"Giao-uoc-thi-dua-{cluster_file_name(cluster)}-{year}",
        issuer=cluster_issuer(cluster),
        number_line=number_line(f"GƯ-{issuing_symbol(cluster, year)}"),
        place_date=place_date(place, day),
        kind=gettext_noop("GIAO ƯỚC THI ĐUA"),  # translated where a page names it
        subject=f"Năm {year} của {cluster.name}",
        blocks=blocks,
        signers=[Signer(member_signer_lines(m), names.get(m.pk, "")) for m in data.members],
        draft_note="" if agreement.is_signed else DRAFT_NOTE,
    )
