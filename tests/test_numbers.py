from decimal import Decimal

import pytest
from django.utils import translation

from cluster_portal.number_style import format_exact
from cluster_portal.numbers import NumberFormatError, parse_vn_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11.084", Decimal("11084")),
        ("1.637,5", Decimal("1637.5")),
        ("236,8", Decimal("236.8")),
        ("236.8", Decimal("236.8")),
        ("1.250", Decimal("1250")),
        ("1.234.567", Decimal("1234567")),
        (" 42 ", Decimal("42")),
        ("-12,5", Decimal("-12.5")),
        ("1\u00a0250", Decimal("1250")),
    ],
)
def test_it_reads_vietnamese_numbers(text, expected):
    assert parse_vn_number(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1.23.4", "12a", "1.2,3,4", "--1", "1,"])
def test_it_refuses_what_is_not_a_number(text):
    with pytest.raises(NumberFormatError):
        parse_vn_number(text)


def test_integers_must_be_whole():
    assert parse_vn_number("11.084", integer=True) == 11084
    with pytest.raises(NumberFormatError, match="số nguyên"):
        parse_vn_number("12,5", integer=True)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_formats_without_trailing_zeros_in_either_language(language):
    # Vietnamese documents and messages: the English page keeps the Vietnamese figures.
    with translation.override(language):
        assert format_exact(Decimal("1637.50")) == "1.637,5"
        assert format_exact(Decimal("177.00")) == "177"
        assert format_exact(11084) == "11.084"
        assert format_exact(Decimal("-43.70")) == "-43,7"
        assert format_exact(0.25) == "0,25"
        assert format_exact(Decimal("1E+3")) == "1.000"
    assert [format_exact(v) for v in (None, True, "abc", float("nan"))] == ["", "", "", ""]


@pytest.mark.parametrize("text", ["９４８", "9٥0", "٩٤٨", "1.２５0", "1,５"])
def test_only_ascii_digits_are_digits(text):
    with pytest.raises(NumberFormatError, match="chữ số không phải 0–9"):
        parse_vn_number(text)
