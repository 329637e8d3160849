"""A refused request's errors, one per field, in the portal's words: pydantic's error types
(`missing`, `int_type`, `less_than_equal`, …) become a Vietnamese `detail`; the portal's own
validators (the number reader, the text check: schemas.py) already speak Vietnamese."""

from django.utils.translation import gettext_lazy as _

# The request part ninja names first in `loc`, and the schema argument it names next.
_LOCATIONS = {"body": "body", "path": "path", "query": "query", "header": "header"}

_MESSAGES = {
    "missing": _("Thiếu trường bắt buộc."),
    "int_type": _("Cần một số nguyên."),
    "int_parsing": _("Cần một số nguyên."),
    "int_from_float": _("Cần một số nguyên."),
    "string_type": _("Cần một chuỗi."),
    "bool_type": _("Cần true hoặc false."),
    "bool_parsing": _("Cần true hoặc false."),
    "date_type": _("Cần một ngày dạng YYYY-MM-DD."),
    "date_parsing": _("Cần một ngày dạng YYYY-MM-DD."),
    "date_from_datetime_parsing": _("Cần một ngày dạng YYYY-MM-DD."),
    "date_from_datetime_inexact": _("Cần một ngày dạng YYYY-MM-DD."),
    "greater_than": _("Phải lớn hơn %(gt)s."),
    "greater_than_equal": _("Phải từ %(ge)s trở lên."),
    "less_than": _("Phải nhỏ hơn %(lt)s."),
    "less_than_equal": _("Phải không quá %(le)s."),
    "string_too_long": _("Dài quá %(max_length)s ký tự."),
    "string_too_short": _("Cần ít nhất %(min_length)s ký tự."),
    "too_long": _("Nhiều quá %(max_length)s phần tử."),
    "too_short": _("Cần ít nhất %(min_length)s phần tử."),
    "enum": _("Phải là một trong: %(expected)s."),
    "literal_error": _("Phải là một trong: %(expected)s."),
    "string_pattern_mismatch": _("Không đúng dạng (%(pattern)s)."),
    "model_type": _("Cần một đối tượng JSON."),
    "model_attributes_type": _("Cần một đối tượng JSON."),
    "dict_type": _("Cần một đối tượng JSON."),
    "list_type": _("Cần một danh sách JSON."),
    "json_invalid": _("Không phải JSON hợp lệ."),
    "extra_forbidden": _("Trường này không có trong lược đồ."),
    "string_unicode": _("Chuỗi không phải Unicode hợp lệ."),
}
_OTHER = _("Giá trị không hợp lệ.")


def _message(error: dict) -> str:
    message = _MESSAGES.get(error.get("type", ""))
    if message is None:
        # The portal's own validators (PydanticCustomError) speak Vietnamese already.
        return error.get("msg") if error.get("type") in ("number", "text", "money") else _OTHER
    try:
        return str(message) % {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return str(_OTHER)


def field_problems(errors: list[dict]) -> list[dict]:
    """ninja's `ValidationError.errors` (pydantic's, with `loc` starting with the request
    part and, for a body, the argument's name) as the problem's `errors`."""
    problems = []
    for error in errors:
        loc = list(error.get("loc") or [])
        location = _LOCATIONS.get(str(loc[0]), "body") if loc else "body"
        rest = loc[1:]
        if location == "body" and rest and rest[0] == "payload":
            rest = rest[1:]
        problems.append(
            {
                "location": location,
                "field": ".".join(str(part) for part in rest),
                "code": str(error.get("type", "invalid")),
                "detail": str(_message(error)),
            }
        )
    return problems
