"""The achievement report (báo cáo thành tích) of one nominee, as plain content, after the
official form of its kind (NĐ 152/2025/NĐ-CP, 98/2023 before): the collective's (an
alliance, a cooperative, another unit: without a cooperative's business figures), the
individual's and the household's. The numbers the portal
holds (approved figures of the year and the year before, score and rank, disbursements)
and what the province wrote (particulars, business figures, texts, signers); every name in
full, never abbreviated."""

from django.utils import timezone
from django.utils.translation import gettext_noop

from cluster_portal.number_style import (
    format_exact,
    format_number,
    format_percent,
    format_points,
)
from emulation.nominations.models import COLLECTIVE_KINDS
from provinces.figures.aggregation import percent_change
from provinces.figures.spec import DISBURSEMENT_AMOUNT_DECIMALS, INDICATORS, format_indicator

from .achievement_parts import awards_table, business_table, paragraphs, particular
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
from .report_fields import fields_for
from .selectors import Dossier, Nominee


def _disbursement_amount(amount) -> str:
    """Disbursement amounts as the annual report writes them (million VND,
    DISBURSEMENT_AMOUNT_DECIMALS)."""
    return format_number(amount, DISBURSEMENT_AMOUNT_DECIMALS)


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


def _collective_particulars(nominee: Nominee, report, particulars=None) -> list:
    """Section I of the collective form: the unit's particulars and organisation, from the
    report (an alliance, a cooperative) or from `particulars` (another unit keeps them)."""
    r = particulars or report
    summary = report.summary if report else ""
    blocks: list = [
        Heading("I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH"),
        Heading("1. Đặc điểm, tình hình", level=2),
        particular("Tên đơn vị", nominee.legal_name),
    ]
    if nominee.kind == "other_unit":
        unit = nominee.nomination.nominee_other_unit
        blocks.append(particular("Loại hình đơn vị", unit.get_unit_type_display()))
        blocks.append(particular("Năm thành lập", str(unit.founded_year)))
    blocks += [
        particular("Địa chỉ trụ sở chính", r.head_office if r else ""),
        particular("Điện thoại", r.phone if r else ""),
    ]
    if r and r.website:
        blocks.append(particular("Trang thông tin điện tử, thư điện tử", r.website))
    if nominee.kind == "cooperative" and nominee.cooperative.registration_number:
        blocks.append(
            particular("Số giấy chứng nhận đăng ký", nominee.cooperative.registration_number)
        )
    blocks.append(particular("Quá trình thành lập và phát triển", r.founding if r else ""))
    if summary:
        blocks += paragraphs(summary)
    blocks += [
        Heading("2. Tổ chức bộ máy", level=2),
        *paragraphs(r.structure if r else ""),
        particular(
            "Tổng số cán bộ, nhân viên (lao động)",
            f"{format_exact(r.staff_count)} người" if r and r.staff_count is not None else "",
        ),
    ]
    return blocks


def _alliance_results(dossier: Dossier, nominee: Nominee) -> list:
    year, blocks = dossier.year, []
    if nominee.result is not None and dossier.scoring is not None:
        blocks.append(
            Para(
                f"Kết quả chấm điểm thi đua năm {year} của Cụm: đạt "
                f"{format_points(nominee.result.total)} điểm (thang điểm "
                f"{format_points(dossier.scoring.total_points)}, cộng điểm thưởng, trừ điểm "
                f"trừ), xếp thứ {nominee.result.rank}/{len(dossier.scoring.members)} "
                "Liên minh Hợp tác xã tỉnh thành viên."
            )
        )
    if nominee.figures is not None:
        compared = f", so với năm {year - 1}" if nominee.previous is not None else ""
        blocks.append(Para(f"Kết quả các chỉ tiêu năm {year}{compared}:"))
        blocks.append(_figures_table(nominee, year))
    return blocks


def _cooperative_results(dossier: Dossier, nominee: Nominee) -> list:
    year, report = dossier.year, nominee.report
    blocks: list = [
        Para(f"Kết quả sản xuất, kinh doanh năm {year} so với năm {year - 1}:"),
        business_table(report, year, fields_for("cooperative")),
    ]
    disbursements = nominee.disbursements_all
    if disbursements.count:
        blocks.append(
            Para(
                f"Trong năm {year}, đơn vị được vay {format_exact(disbursements.count)} lượt với "
                f"tổng số tiền {_disbursement_amount(disbursements.amount)} triệu đồng từ các "
                "Quỹ do Liên minh Hợp tác xã tỉnh quản lý."
            )
        )
    return blocks


def _person_particulars(person) -> list:
    since = person.working_since
    return [
        Heading("I. SƠ LƯỢC LÝ LỊCH"),
        particular("Họ và tên", person.full_name),
        particular("Sinh ngày", f"{person.date_of_birth:%d/%m/%Y}"),
        particular("Giới tính", person.get_sex_display()),
        particular("Quê quán", person.hometown),
        particular("Nơi thường trú", person.home_address),
        particular("Đơn vị công tác", person.workplace),
        particular("Chức vụ (Đảng, chính quyền, đoàn thể)", person.position),
        particular("Trình độ chuyên môn, nghiệp vụ", person.qualification),
        particular("Trình độ lý luận chính trị", person.political_theory),
        particular("Thời gian công tác", f"từ năm {since}" if since else ""),
    ]


def _household_particulars(household, report) -> list:
    blocks = [
        Heading("I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH"),
        particular("Họ và tên chủ hộ", household.head_name),
        particular("Địa chỉ", household.address),
        particular("Số nhân khẩu", f"{format_exact(household.members)} người"),
        particular("Ngành nghề sản xuất, kinh doanh chính", household.main_activity),
    ]
    return blocks + paragraphs(report.summary if report else "")


def _confirmation(report) -> Signer:
    """The direct superior's review and confirmation, as the province set it."""
    body = (report.superior_body if report else "") or ""
    title = (report.superior_title if report else "") or ""
    capacity = ["XÁC NHẬN CỦA CẤP TRÊN TRỰC TIẾP"]
    capacity += [line.upper() for line in (body, title) if line]
    return Signer(capacity, report.superior_name if report else "")


@in_vietnamese
def achievement_report(dossier: Dossier, nominee: Nominee) -> Document:
    """The report after the official form of the nominee's kind (collective,
    individual, household)."""
    year, report, nomination = dossier.year, nominee.report, nominee.nomination
    kind, unit = nominee.kind, nomination.nominee
    if kind in COLLECTIVE_KINDS:
        own_particulars = unit if kind == "other_unit" else None
        blocks = _collective_particulars(nominee, report, own_particulars)
        results = {
            "alliance": _alliance_results,
            "cooperative": _cooperative_results,
            "other_unit": lambda dossier, nominee: [],  # no business figures on its form
        }[kind](dossier, nominee)
        blocks += [
            Heading("II. THÀNH TÍCH ĐẠT ĐƯỢC"),
            Heading("1. Kết quả thực hiện nhiệm vụ được giao", level=2),
            *results,
            *paragraphs(report.achievements if report else ""),
            Heading("2. Những biện pháp, giải pháp đã thực hiện", level=2),
            *paragraphs(report.measures if report else ""),
            Heading(
                "3. Việc thực hiện chủ trương, chính sách của Đảng, pháp luật của Nhà nước",
                level=2,
            ),
            *paragraphs(report.compliance if report else ""),
        ]
        title = (report.signer_title if report else "") or (
            {"alliance": "Chủ tịch", "cooperative": "Giám đốc"}.get(kind, "Thủ trưởng đơn vị")
        )
        own = Signer([title.upper()], report.signer_name if report else "")
        issuer = [report.superior_body.upper()] if report and report.superior_body else []
        issuer.append(nominee.legal_name.upper())
        numbered = number_line({"alliance": "BC-LMHTX", "cooperative": "BC-HTX"}.get(kind, "BC"))
    else:
        if kind == "person":
            blocks = _person_particulars(unit)
            own = Signer(["NGƯỜI BÁO CÁO THÀNH TÍCH"], unit.full_name)
            issuer = [unit.workplace.upper()]
            duties = "1. Quyền hạn, nhiệm vụ được giao hoặc đảm nhận"
            blocks += [
                Heading("II. THÀNH TÍCH ĐẠT ĐƯỢC"),
                Heading(duties, level=2),
                *paragraphs(report.summary if report else ""),
            ]
        else:
            blocks = _household_particulars(unit, report)
            own = Signer(["CHỦ HỘ"], unit.head_name)
            issuer = [unit.display_name.upper()]
            blocks += [
                Heading("II. THÀNH TÍCH ĐẠT ĐƯỢC"),
                Heading("1. Kết quả sản xuất, kinh doanh", level=2),
                business_table(report, year, fields_for("household")),
            ]
        blocks += [
            Heading("2. Thành tích đạt được", level=2),
            *paragraphs(report.achievements if report else ""),
            Heading("3. Các giải pháp, biện pháp đã thực hiện", level=2),
            *paragraphs(report.measures if report else ""),
        ]
        numbered = ""
    blocks += [
        Heading("III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN"),
        awards_table(nominee.awards),
    ]
    day = (
        timezone.localdate(report.submitted_at)
        if report and report.submitted_at
        else dossier.document_date
    )
    province = nominee.province
    return Document(
        filename=f"Bao-cao-thanh-tich-{ascii_name(nominee.legal_name)}-{year}",
        issuer=issuer,
        number_line=numbered,
        place_date=place_date(province.name if province else "", day),
        kind=gettext_noop("BÁO CÁO THÀNH TÍCH"),  # translated where a page names it
        subject=f"Đề nghị tặng {nomination.award_type.name} năm {year}",
        blocks=blocks,
        signers=[_confirmation(report), own],
        recipients=[],
        draft_note="" if nominee.report_ready else "BẢN DỰ THẢO — báo cáo chưa được tỉnh nộp",
    )
