"""Validation of the yearly figures: the one place every entry path (form, upload, admin,
API) gets its rules from. Errors block saving; warnings need an explanation on submit."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from cluster_portal.number_style import format_exact, format_percent
from provinces.figures.aggregation import percent_change
from provinces.figures.spec import (
    BY_CODE,
    CHANGE_WARNING_RATIO,
    CODES,
    COUNT_CODES,
    MINIMUM_MEMBERS,
    MONEY_CODES,
    PART_OF_WHOLE,
    PROFIT_LE_REVENUE,
    precision_problem,
)

# A change larger than this, in per cent of the year before, asks for an explanation.
_CHANGE_LIMIT_PERCENT = Decimal(str(CHANGE_WARNING_RATIO)) * 100


def _label(code: str) -> str:
    return BY_CODE[code].label


def figures_errors(values: dict, *, province, year: int | None, today: datetime.date) -> dict:
    """The rule violations of one province-year's figures, as {code: [message, ...]}.

    `values` maps indicator codes to numbers (missing or None values are left to the
    field-level "required" checks). Messages are in Vietnamese and name the rule.
    """
    errors: dict[str, list[str]] = {}

    def add(code: str, message: str) -> None:
        errors.setdefault(code, []).append(message)

    for code in COUNT_CODES + MONEY_CODES:
        problem = precision_problem(code, values.get(code))
        if problem:
            add(code, problem)
    for code in COUNT_CODES + MONEY_CODES:
        value = values.get(code)
        if value is None or BY_CODE[code].may_be_negative:
            continue
        if value < 0:
            add(code, f"{_label(code)} không được âm (đã nhập {format_exact(value)}).")
    for part, whole in PART_OF_WHOLE + PROFIT_LE_REVENUE:
        part_value, whole_value = values.get(part), values.get(whole)
        if part_value is not None and whole_value is not None and part_value > whole_value:
            add(
                part,
                f"{_label(part)} ({format_exact(part_value)}) không được lớn hơn "
                f"{BY_CODE[whole].label_in_sentence} ({format_exact(whole_value)}).",
            )
    if year is not None:
        if year > today.year:
            add("year", f"Năm {year} chưa đến: không nhập số liệu cho năm tương lai.")
        if province is not None and not province.is_valid_in(year):
            add(
                "year",
                f"{province} không có hiệu lực vào ngày 31/12/{year}: số liệu năm {year} "
                "thuộc về đơn vị có hiệu lực khi đó.",
            )
    return errors


@dataclass(frozen=True)
class FiguresWarning:
    code: str
    message: str


def figures_warnings(values: dict, previous: dict | None) -> list[FiguresWarning]:
    """Unusual figures that may be right but need a short explanation before submission.

    `previous` holds the same unit's figures of the year before, if any.
    """
    warnings: list[FiguresWarning] = []
    for members, total, minimum, kind in MINIMUM_MEMBERS:
        if values[members] < minimum * values[total]:
            warnings.append(
                FiguresWarning(
                    members,
                    f"{_label(members)} ({format_exact(values[members])}) thấp hơn mức tối "
                    f"thiểu theo luật: {minimum} thành viên mỗi {kind} × "
                    f"{format_exact(values[total])} {kind} = "
                    f"{format_exact(minimum * values[total])}.",
                )
            )
    if previous:
        for code in CODES:
            before, now = previous.get(code), values[code]
            change = percent_change(now, before)
            if change is None:
                continue
            if abs(change) > _CHANGE_LIMIT_PERCENT:
                warnings.append(
                    FiguresWarning(
                        code,
                        f"{_label(code)} thay đổi {format_percent(change)} so "
                        f"với năm trước ({format_exact(before)} → {format_exact(now)}).",
                    )
                )
    if all(values[code] == 0 for code in CODES):
        warnings.append(FiguresWarning("__all__", "Tất cả các chỉ tiêu của năm đều bằng 0."))
    return warnings
