"""Numbers as Vietnamese people type them: 11.084 (thousands), 1.637,5 (decimal comma).

The one number reader, the other direction of `number_style`: it serves every web form
(`VietnameseNumberField`, scoring's points and targets), the scoring bands text and every
file cell, so that "1.250" means one thousand two hundred fifty wherever it is typed.
A single dot followed by other than three digits ("236.8") is read as a decimal point, as
people often type it that way.

Only the ASCII digits 0-9 are digits: a full-width "９４８" or an Arabic-Indic "9٥0" (which
Python's regular expressions and `str.isdigit()` accept) is not a number here, nor "2_025"
or "4e1" (which `int()` and `Decimal()` take). Every numeric input goes through here: the
form fields below (integers, years, the version a page carries), `as_argument` for the
commands' options, and `read_api_number` for the API, whose JSON numbers, strings and query
parameters write numbers as machines do ("236.80", `parse_plain_number`; never true).
"""

import argparse
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext

from .number_style import format_exact

_PLAIN = re.compile(r"^[0-9]+\Z")
_GROUPED = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+\Z")
_MACHINE = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?\Z")


class NumberFormatError(ValueError):
    pass


def parse_vn_number(text: str, *, integer: bool = False) -> Decimal | int:
    raw = str(text)
    value = raw.strip().replace("\u00a0", "").replace(" ", "")
    if not value:
        raise NumberFormatError(gettext("Chưa nhập số."))
    sign = ""
    if value[0] in "+-":
        sign, value = ("-" if value[0] == "-" else ""), value[1:]
    whole, fraction = value, ""
    if "," in value:
        whole, _, fraction = value.partition(",")
        if "," in fraction or not _PLAIN.match(fraction):
            raise NumberFormatError(_bad(raw))
    elif value.count(".") == 1 and not _GROUPED.match(value):
        whole, _, fraction = value.partition(".")
        if not _PLAIN.match(fraction):
            raise NumberFormatError(_bad(raw))
    if _GROUPED.match(whole):
        whole = whole.replace(".", "")
    if not _PLAIN.match(whole):
        raise NumberFormatError(_bad(raw))
    try:
        number = Decimal(f"{sign}{whole}.{fraction or 0}")
    except InvalidOperation:
        raise NumberFormatError(_bad(raw)) from None
    if integer:
        if number != number.to_integral_value():
            raise NumberFormatError(_not_whole(raw))
        return int(number)
    return number


def _not_whole(raw: str) -> str:
    return gettext("“%(raw)s” phải là số nguyên.") % {"raw": raw}


def _bad(raw: str) -> str:
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in raw):
        return gettext(
            "“%(raw)s” không phải là số: có chữ số không phải 0–9 (chữ số toàn khổ hoặc "
            "Ả Rập), hãy gõ lại bằng bàn phím thường."
        ) % {"raw": raw}
    return gettext("“%(raw)s” không phải là số (viết kiểu Việt Nam: 11.084 hoặc 1.637,5).") % {
        "raw": raw
    }


def parse_year(text) -> int:
    """A year as typed: ASCII digits only ("2025"); "２０２５", "2_025", "2.025" are refused."""
    raw = str(text).strip()
    if is_ascii_digits(raw):
        return int(raw)
    parse_vn_number(raw, integer=True)  # the usual message for what is no number at all
    message = gettext("“%(raw)s” không phải là một năm: viết bốn chữ số, ví dụ 2025.")
    raise NumberFormatError(message % {"raw": raw})


def parse_plain_number(text, *, integer: bool = False) -> Decimal | int:
    """A number as a machine writes it (the API): ASCII digits, an optional sign and, for a
    decimal, a decimal point ("236.80"); no grouping, exponent, "_" or other digits."""
    raw = str(text)
    value = raw.strip()
    if not _MACHINE.match(value):
        raise NumberFormatError(_bad_plain(raw))
    if integer and "." in value:  # "12.0" is written by no machine meaning a count
        raise NumberFormatError(_not_whole(raw))
    return _bounded(Decimal(value), raw, integer=integer)


def read_api_number(value, *, integer: bool = False) -> Decimal | int:
    """A number the API was sent, by field: a JSON number (read as a Decimal from its text,
    never a float: emulation.api.api.NumbersParser) or a string as a machine writes it
    (`parse_plain_number`: "236.80"). true/false, null, lists and objects are no numbers,
    where pydantic alone would read true as 1."""
    if isinstance(value, bool):
        raise NumberFormatError(
            gettext(
                "“%(value)s” không phải là số: gửi một số JSON (236.8) hoặc một chuỗi số "
                "(“236.80”)."
            )
            % {"value": "true" if value else "false"}
        )
    if isinstance(value, str):
        return parse_plain_number(value, integer=integer)
    if isinstance(value, float):  # only code sends floats: the API reads JSON as Decimals
        value = Decimal(repr(value))
    if isinstance(value, int):
        value = Decimal(value)
    if not isinstance(value, Decimal):
        shown = "null" if value is None else type(value).__name__
        raise NumberFormatError(
            gettext("Cần một số (JSON: 236.8 hoặc “236.80”), không phải %(value)s.")
            % {"value": shown}
        )
    if not value.is_finite():
        raise NumberFormatError(gettext("“%(value)s” không phải là số.") % {"value": value})
    return _bounded(value, str(value), integer=integer)


# 10^15 and beyond: far past any figure, amount or year, and short of the numbers that take
# Python long to turn into an int or overflow arithmetic (1e999999999 is a JSON number).
_API_DIGITS = 15


def _bounded(number: Decimal, raw: str, *, integer: bool) -> Decimal | int:
    if number and number.adjusted() >= _API_DIGITS:  # read from the exponent: no arithmetic
        raise NumberFormatError(gettext("“%(value)s”: số quá lớn.") % {"value": raw})
    if integer:
        if number != number.to_integral_value():
            raise NumberFormatError(_not_whole(raw))
        return int(number)
    return number


def _bad_plain(raw: str) -> str:
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in raw):
        return gettext(
            "“%(value)s” không phải là số: có chữ số không phải 0–9 (chữ số toàn khổ, "
            "Devanagari, Ả Rập…); chỉ dùng các chữ số 0–9."
        ) % {"value": raw}
    return gettext(
        "“%(value)s” không phải là số: viết bằng các chữ số 0–9, dấu chấm thập phân nếu cần "
        "(236.80), không nhóm hàng nghìn, không số mũ."
    ) % {"value": raw}


def parse_id(text) -> int | None:
    """A record id a page posted ("12"); None for anything else ("１２", "1_2", "", None)."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    value = str(text if text is not None else "").strip()
    return int(value) if is_ascii_digits(value) and len(value) <= 18 else None


def is_ascii_digits(text: str) -> bool:
    """ "2024" yes; "２０２４", "٢٠٢٤" or "" no (unlike str.isdigit())."""
    return bool(_PLAIN.match(text))


class VietnameseNumberField(forms.Field):
    """A number typed the Vietnamese way ("11.084", "1.637,5"), shown the same way; every
    numeric input of the portal (Django's IntegerField would take "２７" or "2_5")."""

    def __init__(
        self,
        *,
        integer: bool,
        decimal_places: int = 2,
        max_digits: int = 14,
        min_value=None,
        max_value=None,
        **kwargs,
    ):
        self.integer, self.decimal_places, self.max_digits = integer, decimal_places, max_digits
        self.min_value, self.max_value = min_value, max_value
        attrs = {"inputmode": "numeric" if integer else "decimal", "autocomplete": "off"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            number = value  # a value given by code (a command's option, a test) is checked too
        else:
            try:
                number = parse_vn_number(value, integer=self.integer)
            except NumberFormatError as exc:
                raise ValidationError(str(exc), code="invalid") from None
        if not self.integer:
            exponent = number.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > self.decimal_places:
                raise ValidationError(
                    gettext("Nhập tối đa %(n)s chữ số sau dấu phẩy.") % {"n": self.decimal_places},
                    code="decimal_places",
                )
            if abs(number) >= Decimal(10) ** (self.max_digits - self.decimal_places):
                raise ValidationError(gettext("Số quá lớn."), code="max_digits")
        elif abs(number) > 2_000_000_000:
            raise ValidationError(gettext("Số quá lớn."), code="max_value")
        low, high = self.min_value, self.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            if "out_of_range" in self.error_messages:
                message = self.error_messages["out_of_range"]
            elif high is None:
                message = gettext("Nhập số từ %(low)s trở lên.") % {"low": format_exact(low)}
            elif low is None:
                message = gettext("Nhập số không quá %(high)s.") % {"high": format_exact(high)}
            else:
                message = gettext("Nhập số từ %(low)s đến %(high)s.") % {
                    "low": format_exact(low),
                    "high": format_exact(high),
                }
            raise ValidationError(message, code="out_of_range")
        return number

    def prepare_value(self, value):
        return format_exact(value) if isinstance(value, int | Decimal) else value


class VietnameseIntegerField(VietnameseNumberField):
    """A whole number typed the Vietnamese way ("11.084"); `error_messages["out_of_range"]`
    may say the bounds in the input's own words."""

    def __init__(self, **kwargs):
        for unused in ("max_digits", "decimal_places"):  # given by model fields' formfield()
            kwargs.pop(unused, None)
        super().__init__(integer=True, **kwargs)


class VietnameseDecimalField(VietnameseNumberField):
    """A decimal typed the Vietnamese way ("1.637,5"), for model decimal fields."""

    def __init__(self, **kwargs):
        super().__init__(integer=False, **kwargs)


def _year_message(low: int, high: int) -> str:
    return gettext("Năm phải từ %(low)s đến %(high)s.") % {"low": low, "high": high}


# Fields are built when their form class is: the message follows the reader's language.
_year_range = lazy(_year_message, str)


class YearField(VietnameseIntegerField):
    """A year: four ASCII digits within the years the portal holds."""

    def __init__(self, **kwargs):
        from .converters import FIRST_YEAR, LAST_YEAR

        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        low, high = kwargs["min_value"], kwargs["max_value"]
        messages = {
            "out_of_range": _year_range(low, high),
            **kwargs.pop("error_messages", {}),
        }
        super().__init__(error_messages=messages, **kwargs)
        self.widget.attrs.setdefault("maxlength", 4)

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                parse_year(value)
            except NumberFormatError as exc:
                raise ValidationError(str(exc), code="invalid") from None
        return super().to_python(value)

    def prepare_value(self, value):
        return str(value) if isinstance(value, int) else value


def as_argument(field: forms.Field):
    """A command option's `type=`: the option's text read by the form field of the same
    input, so that `--year ２０２５` is refused as the page refuses it."""

    def read(text: str):
        try:
            return field.clean(text)
        except ValidationError as exc:
            raise argparse.ArgumentTypeError(" ".join(exc.messages)) from None

    read.__name__ = "số"
    return read


def year_argument(text: str) -> int:
    """`--year`, `--to-year` of the commands: a year written as the pages read it (its
    range is each command's own check, with its own message)."""
    return as_argument(YearField(min_value=None, max_value=None))(text)


def vn_formfield(db_field, **kwargs):
    """A ModelForm's `formfield_callback`: the model's integer and decimal fields read
    through the one reader (Django's own would take "２７" or "2_5")."""
    from django.db import models

    if not db_field.choices and not db_field.primary_key:
        if isinstance(db_field, models.DecimalField):
            kwargs.pop("widget", None)
            return db_field.formfield(form_class=VietnameseDecimalField, **kwargs)
        if isinstance(db_field, models.IntegerField) and _is_year(db_field.name):
            from .converters import FIRST_YEAR, LAST_YEAR

            kwargs.pop("widget", None)
            bounds = {"min_value": FIRST_YEAR, "max_value": LAST_YEAR}
            return db_field.formfield(form_class=YearField, **{**kwargs, **bounds})
        if isinstance(db_field, models.IntegerField):
            kwargs.pop("widget", None)
            return db_field.formfield(form_class=VietnameseIntegerField, **kwargs)
    return db_field.formfield(**kwargs)


def _is_year(name: str) -> bool:
    return name == "year" or name.endswith("_year")
