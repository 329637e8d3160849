"""The two sections the chair writes, "Khó khăn, hạn chế" and "Phương hướng, nhiệm vụ năm
sau": drafted from the data where the data says something (members that reported late or
not at all, indicators that fell year on year, next year's head and agreement), for the
chair to start from. The report prints the chair's text when there is one, else the
draft; the settings page shows the draft in the empty field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cluster_portal.number_style import format_percent

if TYPE_CHECKING:
    from .selectors import ClusterReport

# A section with neither the chair's text nor anything in the data to draft from.
NOT_WRITTEN = "Cụm trưởng chưa viết mục này."


def _names(provinces) -> str:
    return ", ".join(province.name for province in provinces)


def fallen(report: ClusterReport) -> list:
    """The indicators that fell against last year, steepest first."""
    falls = [c for c in report.comparisons if c.change is not None and c.change < 0]
    return sorted(falls, key=lambda c: c.change)


def difficulties_draft(report: ClusterReport) -> list[str]:
    year, paragraphs = report.year, []
    if report.late:
        due = report.late[0][1].strftime("%d/%m/%Y")
        late = ", ".join(
            f"{province.name} (ngày {day.strftime('%d/%m/%Y')})" for province, _, day in report.late
        )
        paragraphs.append(
            f"Việc báo cáo số liệu năm {year} của một số tỉnh còn chậm so với thời hạn của "
            f"Cụm (ngày {due}): {late}."
        )
    unreported = [*report.missing, *report.withheld]
    if unreported:
        paragraphs.append(
            f"Đến thời điểm báo cáo, số liệu năm {year} của {_names(unreported)} chưa được "
            "duyệt, chưa tổng hợp vào báo cáo của Cụm."
        )
    falls = fallen(report)
    if falls:
        listed = "; ".join(
            f"{c.indicator.label_in_sentence} giảm {format_percent(-c.change)}" for c in falls
        )
        paragraphs.append(
            f"So với năm {year - 1}, một số chỉ tiêu của các tỉnh trong Cụm giảm: {listed}."
        )
    return paragraphs


def directions_draft(report: ClusterReport) -> list[str]:
    year, paragraphs = report.year + 1, []
    if report.next_term:
        head = report.next_term.head.alliance_name
        vice = report.next_term.vice
        paragraphs.append(
            f"Năm {year}, {head} nhận cờ luân lưu Cụm trưởng"
            + (f", {vice.alliance_name} là Cụm phó" if vice else "")
            + "; Cụm trưởng xây dựng kế hoạch hoạt động của Cụm năm "
            f"{year} và tổ chức hội nghị tổng kết theo quy chế."
        )
    conference = report.conference
    if conference is not None and conference.agreement_signed:
        paragraphs.append(
            f"Các tỉnh trong Cụm thực hiện các nội dung giao ước thi đua năm {year} đã ký "
            f"tại Hội nghị lần thứ {conference.ordinal}."
        )
    falls = fallen(report)
    if falls:
        labels = ", ".join(c.indicator.label_in_sentence for c in falls)
        paragraphs.append(f"Tập trung khắc phục các chỉ tiêu giảm trong năm {year - 1}: {labels}.")
    if report.late or report.missing or report.withheld:
        paragraphs.append(
            f"Các tỉnh báo cáo số liệu năm {year}, bảng tự chấm điểm thi đua đúng thời hạn của Cụm."
        )
    return paragraphs
