"""Moved to provinces.spreadsheets.numbers; kept so that the modules the lead is moving
still import. TODO(lead): point forms, figures_rules, vn_format and emulation at
provinces.spreadsheets.numbers, then delete this module."""

from .spreadsheets.numbers import (  # noqa: F401
    NumberFormatError,
    format_vn_number,
    parse_vn_number,
)
