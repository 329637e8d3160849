"""The words of a four-eyes refusal (`access.own_unit_refusal`), in the reader's language:
what is judged and who judges it instead of the user's own unit."""

from django.utils.translation import gettext, gettext_noop

JUDGING = {  # what is judged: figures (ProvinceYear), sheets (SheetContext), reports
    "approve": gettext_noop("duyệt số liệu"),
    "return": gettext_noop("trả lại số liệu"),
    "reopen": gettext_noop("mở khóa số liệu"),
    "cross": gettext_noop("chấm chéo"),
    "settle": gettext_noop("kết luận điểm"),
    "report": gettext_noop("trả lại báo cáo thành tích"),
}


def own_unit_words(action: str, who: str, year: int) -> str:
    """`action`: a key of JUDGING; `who` judges instead: "head" or "vice" (of `year`),
    "admin", or "other_admin" (when the user is an admin)."""
    judges = {
        "head": gettext("cụm trưởng năm %(year)s"),
        "vice": gettext("cụm phó năm %(year)s"),
        "admin": gettext("quản trị viên"),
        "other_admin": gettext("một quản trị viên khác"),
    }
    message = gettext("Đơn vị của bạn là đơn vị được xét: việc %(action)s do %(who)s thực hiện.")
    return message % {"action": gettext(JUDGING[action]), "who": judges[who] % {"year": year}}
