"""The achievement report (báo cáo thành tích) of one nominee, as plain content: the
numbers the portal already holds (approved figures of the year and the year before, score
and rank, disbursements; for a cooperative its directory entry and disbursements) and the text its
province wrote."""

from django.utils import timezone
from django.utils.translation import gettext_noop

from cluster_portal.number_style import (
    format_exact,
    format_number,
    format_percent,
    format_points,
)
from provinces.figures.aggregation import percent_change
from provinces.figures.spec import DISBURSEMENT_AMOUNT_DECIMALS, INDICATORS, format_indicator

from .content import (
    Document,
    Heading,
    Para,
    Row,
    Signer,
    Table,
    ascii_name,
    in_vietnamese,
    number_line,
    place_date,
)
from .selectors import Dossier, Nominee


def _paragraphs(text: str, empty: str) -> list[Para]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return [Para(line) for line in lines] or [Para(empty, italic=True)]


def _disbursement_amount(amount) -> str:
    """Disbursement amounts as the annual report writes them (million VND,
    DISBURSEMENT_AMOUNT_DECIMALS)."""
    return format_number(amount, DISBURSEMENT_AMOUNT_DECIMALS)


def _awards_table(nominee: Nominee) -> Table | Para:
    """The awards received, from the province's award-history register (emulation/awards):
    year, award, decision number, date and issuer."""
    if not nominee.awards:
        return Para("Chưa có khen thưởng nào trong sổ theo dõi khen thưởng của tỉnh.", italic=True)
    rows = [
        Row(
            [
                str(record.year),
                record.award,
                record.decision_number,
                f"{record.decision_date:%d/%m/%Y}",
                record.issuer,
            ]
        )
        for record in nominee.awards
    ]
    return Table(
        ["Năm", "Hình thức khen thưởng", "Số quyết định", "Ngày quyết định", "Cơ quan ban hành"],
        rows,
        widths=[1.0, 4.4, 2.4, 1.8, 3.2],
        align="clccl",
    )


def _figures_table(nominee: Nominee, year: int) -> Table:
    """The year's approved figures, with the year before when the portal has it."""
    values = nominee.figures.values()
    previous = nominee.previous
    rows = []
    for indicator in INDICATORS:
        code = indicator.code
        now = values.get(code)
        if previous is None:
            rows.append(Row([indicator.label, indicator.unit, format_indicator(code, now)]))
            continue
        before = previous.get(code)
        change = format_percent(percent_change(now, before), signed=True)
        shown = [format_indicator(code, before), format_indicator(code, now), change]
        rows.append(Row([indicator.label, indicator.unit, *shown]))
    for label, unit, totals in (
        (
            "Giải ngân các Quỹ do Liên minh HTX tỉnh quản lý",
            "lượt dự án / triệu đồng",
            nominee.disbursements_all,
        ),  # noqa: E501
        ("Riêng Quỹ hỗ trợ phát triển HTX", "dự án / triệu đồng", nominee.disbursements_htx_dev),
    ):
        disbursements = f"{format_exact(totals.count)} / {_disbursement_amount(totals.amount)}"
        rows.append(
            Row(
                [label, unit, disbursements]
                if previous is None
                else [label, unit, "", disbursements, ""]
            )
        )
    if previous is None:
        return Table(
            ["Chỉ tiêu", "Đơn vị", f"Năm {year}"],
            rows,
            widths=[6.4, 3.2, 2.4],
            align="llr",
            font_size=10,
        )
    return Table(
        ["Chỉ tiêu", "Đơn vị", f"Năm {year - 1}", f"Năm {year}", "Tăng/giảm"],
        rows,
        widths=[5.4, 2.6, 1.5, 1.9, 1.4],
        align="llrrr",
        font_size=10,
    )


@in_vietnamese
def achievement_report(dossier: Dossier, nominee: Nominee) -> Document:
    year, report, nomination = dossier.year, nominee.report, nominee.nomination
    province = nominee.province
    blocks: list = [Heading("I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH")]
    if nominee.is_alliance:
        blocks.append(Para(f"{nominee.name} là thành viên của {dossier.cluster.name} năm {year}."))
        symbol = "BC-LMHTX"
    else:
        coop = nominee.cooperative
        registration = (
            f", số đăng ký {coop.registration_number}" if coop.registration_number else ""
        )
        kind = coop.get_kind_display()
        state = "đang hoạt động" if coop.is_active else "đã ngừng hoạt động"
        blocks.append(
            Para(
                f"{coop.name}: {kind[:1].lower() + kind[1:]}{registration}, thuộc danh bạ "
                f"HTX, THT của tỉnh {coop.province.name}, {state}."
            )
        )
        symbol = "BC-HTX"
    if report and report.summary:
        blocks += _paragraphs(report.summary, "")
    blocks += [
        Heading("II. THÀNH TÍCH ĐẠT ĐƯỢC"),
        Heading("1. Kết quả thực hiện nhiệm vụ", level=2),
    ]
    if nominee.is_alliance:
        if nominee.result is not None and dossier.scoring is not None:
            blocks.append(
                Para(
                    f"Kết quả chấm điểm thi đua năm {year} của Cụm: đạt "
                    f"{format_points(nominee.result.total)} điểm (thang điểm "
                    f"{format_points(dossier.scoring.total_points)}, cộng điểm thưởng, trừ điểm "
                    "trừ), "
                    f"xếp thứ {nominee.result.rank}/{len(dossier.scoring.members)} Liên minh HTX "
                    "tỉnh thành viên."
                )
            )
        if nominee.figures is not None:
            compared = (
                f", so với năm {year - 1}:"
                if nominee.previous is not None
                else f" (cổng chưa có số liệu năm {year - 1} để so sánh):"
            )
            blocks.append(Para(f"Số liệu năm {year} đã được Cụm trưởng duyệt{compared}"))
            blocks.append(_figures_table(nominee, year))
        else:
            blocks.append(Para(f"Số liệu năm {year} chưa được duyệt.", italic=True))
    else:
        disbursements = nominee.disbursements_all
        blocks.append(
            Para(
                f"Trong năm {year}, đơn vị được vay {format_exact(disbursements.count)} lượt với "
                "tổng số "
                f"tiền {_disbursement_amount(disbursements.amount)} triệu đồng từ các Quỹ do Liên "
                "minh HTX tỉnh "
                "quản lý."
                if disbursements.count
                else f"Trong năm {year}, đơn vị không vay vốn từ các Quỹ do Liên minh HTX tỉnh "
                "quản lý."
            )
        )
    blocks.append(Heading("2. Thành tích nổi bật", level=2))
    blocks += _paragraphs(report.achievements if report else "", "Chưa có nội dung.")
    blocks.append(Heading("3. Các biện pháp, giải pháp đã thực hiện", level=2))
    blocks += _paragraphs(report.measures if report else "", "Chưa có nội dung.")
    blocks.append(Heading("III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN"))
    blocks.append(_awards_table(nominee))
    day = (
        timezone.localdate(report.submitted_at)
        if report and report.submitted_at
        else dossier.document_date
    )
    title = (report.signer_title if report else "") or (
        "Chủ tịch" if nominee.is_alliance else "Giám đốc"
    )
    issuer_name = nominee.name if nominee.is_alliance else nominee.cooperative.name
    return Document(
        filename=f"Bao-cao-thanh-tich-{ascii_name(issuer_name)}-{year}",
        issuer=[issuer_name.upper()],
        number_line=number_line(symbol),
        place_date=place_date(province.name if province else "", day),
        kind=gettext_noop("BÁO CÁO THÀNH TÍCH"),  # translated where a page names it
        subject=f"Đề nghị tặng {nomination.award_type.name} năm {year}",
        blocks=blocks,
        signers=[
            Signer(["XÁC NHẬN CỦA CỤM TRƯỞNG"]),
            Signer([title.upper()], report.signer_name if report else ""),
        ],
        recipients=[],
        draft_note="" if nominee.report_ready else "BẢN DỰ THẢO — báo cáo chưa được tỉnh nộp",
    )
