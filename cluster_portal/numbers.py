"""Numbers as Vietnamese people type them: 11.084 (thousands), 1.637,5 (decimal comma).

The one number reader, the other direction of `number_style`: it serves every web form
(`VietnameseNumberField`, scoring's points and targets), the scoring bands text and every
file cell, so that "1.250" means one thousand two hundred fifty wherever it is typed.
A single dot followed by other than three digits ("236.8") is read as a decimal point, as
people often type it that way.

Only the ASCII digits 0-9 are digits: a full-width "９４８" or an Arabic-Indic "9٥0" (which
Python's regular expressions and `str.isdigit()` accept) is not a number here.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from .number_style import format_exact

_PLAIN = re.compile(r"^[0-9]+\Z")
_GROUPED = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+\Z")


class NumberFormatError(ValueError):
    pass


def parse_vn_number(text: str, *, integer: bool = False) -> Decimal | int:
    raw = str(text)
    value = raw.strip().replace("\u00a0", "").replace(" ", "")
    if not value:
        raise NumberFormatError("Chưa nhập số.")
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
            raise NumberFormatError(f"“{raw}” phải là số nguyên.")
        return int(number)
    return number


def _bad(raw: str) -> str:
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in raw):
        return (
            f"“{raw}” không phải là số: có chữ số không phải 0–9 (chữ số toàn khổ hoặc "
            "Ả Rập), hãy gõ lại bằng bàn phím thường."
        )
    return f"“{raw}” không phải là số (viết kiểu Việt Nam: 11.084 hoặc 1.637,5)."


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
        if isinstance(value, int | Decimal):
            return value
        try:
            number = parse_vn_number(value, integer=self.integer)
        except NumberFormatError as exc:
            raise ValidationError(str(exc), code="invalid") from None
        if not self.integer:
            exponent = number.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > self.decimal_places:
                raise ValidationError(
                    f"Nhập tối đa {self.decimal_places} chữ số sau dấu phẩy.", code="decimal_places"
                )
            if abs(number) >= Decimal(10) ** (self.max_digits - self.decimal_places):
                raise ValidationError("Số quá lớn.", code="max_digits")
        elif abs(number) > 2_000_000_000:
            raise ValidationError("Số quá lớn.", code="max_value")
        low, high = self.min_value, self.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            if high is None:
                message = f"Nhập số từ {format_exact(low)} trở lên."
            elif low is None:
                message = f"Nhập số không quá {format_exact(high)}."
            else:
                message = f"Nhập số từ {format_exact(low)} đến {format_exact(high)}."
            raise ValidationError(message, code="out_of_range")
        return number

    def prepare_value(self, value):
        return format_exact(value) if isinstance(value, int | Decimal) else value
