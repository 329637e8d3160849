"""Validation of the yearly figures: the one place every entry path (form, upload, admin,
API) gets its rules from. Errors block saving; warnings need an explanation on submit."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

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
    return BY_CODE[code].shown_label


def _label_in_sentence(code: str) -> str:
    """The label inside a sentence: "tổng số HTX (cuối năm)", abbreviations kept."""
    label = _label(code)
    return label[:1].lower() + label[1:]


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
            add(
                code,
                gettext("%(label)s không được âm (đã nhập %(value)s).")
                % {"label": _label(code), "value": format_exact(value)},
            )
    for part, whole in PART_OF_WHOLE + PROFIT_LE_REVENUE:
        part_value, whole_value = values.get(part), values.get(whole)
        if part_value is not None and whole_value is not None and part_value > whole_value:
            add(
                part,
                gettext("%(part)s (%(part_value)s) không được lớn hơn %(whole)s (%(whole_value)s).")
                % {
                    "part": _label(part),
                    "part_value": format_exact(part_value),
                    "whole": _label_in_sentence(whole),
                    "whole_value": format_exact(whole_value),
                },
            )
    if year is not None:
        if year > today.year:
            add(
                "year",
                gettext("Năm %(year)s chưa đến: không nhập số liệu cho năm tương lai.")
                % {"year": year},
            )
        if province is not None and not province.is_valid_in(year):
            add(
                "year",
                gettext(
                    "%(unit)s không có hiệu lực vào ngày 31/12/%(year)s: số liệu năm %(year)s "
                    "thuộc về đơn vị có hiệu lực khi đó."
                )
                % {"unit": province, "year": year},
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
                    gettext(
                        "%(label)s (%(value)s) thấp hơn mức tối thiểu theo luật: %(minimum)s "
                        "thành viên mỗi %(kind)s × %(total)s %(kind)s = %(least)s."
                    )
                    % {
                        "label": _label(members),
                        "value": format_exact(values[members]),
                        "minimum": minimum,
                        "kind": kind,
                        "total": format_exact(values[total]),
                        "least": format_exact(minimum * values[total]),
                    },
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
                        gettext(
                            "%(label)s thay đổi %(change)s so với năm trước (%(before)s → %(now)s)."
                        )
                        % {
                            "label": _label(code),
                            "change": format_percent(change),
                            "before": format_exact(before),
                            "now": format_exact(now),
                        },
                    )
                )
    if all(values[code] == 0 for code in CODES):
        every_zero = gettext("Tất cả các chỉ tiêu của năm đều bằng 0.")
        warnings.append(FiguresWarning("__all__", every_zero))
    return warnings
