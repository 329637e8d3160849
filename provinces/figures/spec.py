"""The data dictionary of the yearly figures (design.md): codes, labels, units, sections,
and how many decimals each figure is shown with.

Column codes are the contract for imports, exports and the API; labels are for people.
Every output (pages, report, Excel number formats, charts) shows an indicator through
`format_indicator`, so one figure looks the same everywhere.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext, gettext_noop

from cluster_portal.number_style import (
    excel_number_format,
    format_exact,
    format_number,
    round_half_up,
)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    section: str
    money: bool = False  # Decimal in million VND; otherwise a whole count
    # Shown with this many decimals everywhere (as the 2023 article does), and entered with
    # at most as many (`precision_problem`, on every entry path).
    decimals: int = 0
    # An average is combined across units weighted by this count (design.md, aggregation
    # rules): never the plain mean of the units' averages.
    weighted_by: str | None = None

    # `label` and `unit` stay Vietnamese: they are the documents' words and the headers an
    # import recognises. Pages show them in the reader's language (marked with
    # gettext_noop below so the catalogue holds them).
    @property
    def shown_label(self) -> str:
        return gettext(self.label)

    @property
    def shown_unit(self) -> str:
        return gettext(self.unit)

    @property
    def label_in_sentence(self) -> str:
        """The label inside a sentence: "tổng số HTX (cuối năm)", abbreviations kept."""
        return self.label[:1].lower() + self.label[1:]

    @property
    def may_be_negative(self) -> bool:
        return self.code.endswith("_avg_profit")


SECTIONS = {
    "A": gettext_noop("A. Tổ hợp tác (THT)"),
    "B": gettext_noop("B. Hợp tác xã (HTX)"),
    "C": gettext_noop("C. Công tác tuyên truyền"),
    "D": gettext_noop("D. Đào tạo, tập huấn"),
}

INDICATORS: tuple[Indicator, ...] = (
    Indicator("tht_new", gettext_noop("Số THT thành lập mới trong năm"), "THT", "A"),
    Indicator("tht_total", gettext_noop("Tổng số THT (cuối năm)"), "THT", "A"),
    Indicator("tht_members", gettext_noop("Số thành viên THT"), gettext_noop("người"), "A"),
    Indicator("tht_agri", gettext_noop("Số THT hoạt động trong lĩnh vực nông nghiệp"), "THT", "A"),
    Indicator(
        "tht_avg_revenue",
        gettext_noop("Doanh thu bình quân của THT"),
        gettext_noop("triệu đồng/THT/năm"),
        "A",
        True,
        decimals=1,
        weighted_by="tht_total",
    ),
    Indicator(
        "tht_avg_profit",
        gettext_noop("Lợi nhuận bình quân của THT"),
        gettext_noop("triệu đồng/THT/năm"),
        "A",
        True,
        decimals=1,
        weighted_by="tht_total",
    ),
    Indicator("htx_new", gettext_noop("Số HTX thành lập mới trong năm"), "HTX", "B"),
    Indicator("htx_total", gettext_noop("Tổng số HTX (cuối năm)"), "HTX", "B"),
    Indicator("htx_members", gettext_noop("Số thành viên HTX"), gettext_noop("thành viên"), "B"),
    Indicator(
        "htx_avg_revenue",
        gettext_noop("Doanh thu bình quân của HTX"),
        gettext_noop("triệu đồng/HTX/năm"),
        "B",
        True,
        decimals=0,
        weighted_by="htx_total",
    ),
    Indicator(
        "htx_avg_profit",
        gettext_noop("Lợi nhuận bình quân của HTX"),
        gettext_noop("triệu đồng/HTX/năm"),
        "B",
        True,
        decimals=0,
        weighted_by="htx_total",
    ),
    Indicator(
        "htx_workers",
        gettext_noop("Số lao động thường xuyên trong HTX"),
        gettext_noop("người"),
        "B",
    ),
    Indicator(
        "htx_avg_income",
        gettext_noop("Thu nhập bình quân của lao động"),
        gettext_noop("triệu đồng/người/năm"),
        "B",
        True,
        decimals=1,
        weighted_by="htx_workers",
    ),
    Indicator(
        "bulletins", gettext_noop("Số bản tin Kinh tế tập thể phát hành"), gettext_noop("số"), "C"
    ),
    Indicator("tv_reports", gettext_noop("Số phóng sự truyền hình"), gettext_noop("phóng sự"), "C"),
    Indicator(
        "press_articles",
        gettext_noop("Số bài báo đăng trên báo, đài của tỉnh"),
        gettext_noop("bài"),
        "C",
    ),
    Indicator(
        "online_posts",
        gettext_noop("Số tin, bài trên trang thông tin điện tử, mạng xã hội"),
        gettext_noop("tin, bài"),
        "C",
    ),
    Indicator(
        "training_courses", gettext_noop("Số khóa đào tạo, tập huấn"), gettext_noop("khóa"), "D"
    ),
    Indicator(
        "training_participants",
        gettext_noop("Số lượt người tham gia"),
        gettext_noop("lượt người"),
        "D",
    ),
)

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
CODES = tuple(BY_CODE)
COUNT_CODES = tuple(i.code for i in INDICATORS if not i.money)
MONEY_CODES = tuple(i.code for i in INDICATORS if i.money)
AVERAGE_WEIGHTS = {i.code: i.weighted_by for i in INDICATORS if i.weighted_by}

# (part, whole) pairs where the part may not exceed the whole.
PART_OF_WHOLE = (("tht_new", "tht_total"), ("htx_new", "htx_total"), ("tht_agri", "tht_total"))
# (profit, revenue) pairs: average profit may not exceed average revenue.
PROFIT_LE_REVENUE = (("tht_avg_profit", "tht_avg_revenue"), ("htx_avg_profit", "htx_avg_revenue"))
# Legal minimum members: a THT has at least 2, an HTX at least 5 (2023 Law on Cooperatives).
MINIMUM_MEMBERS = (("tht_members", "tht_total", 2, "THT"), ("htx_members", "htx_total", 5, "HTX"))
CHANGE_WARNING_RATIO = 0.5


# Figures derived from the indicators, with their decimals: the agricultural share of THT
# (per cent), new HTX per province, and the disbursements of the register (count; million VND).
AGRI_SHARE_DECIMALS = 1
PER_PROVINCE_DECIMALS = 0
DISBURSEMENT_AMOUNT_DECIMALS = 0


def format_indicator(code: str, value) -> str:
    """The one way a figure is written: "11.084", "236,8", "1.637"."""
    return format_number(value, BY_CODE[code].decimals)


def round_indicator(code: str, value):
    """The figure as shown, as a number (for Excel cells and comparisons)."""
    rounded = round_half_up(value, BY_CODE[code].decimals)
    if rounded is None:
        return None
    return int(rounded) if BY_CODE[code].decimals == 0 else rounded


def precision_problem(code: str, value) -> str | None:
    """The one precision rule of a figure: a value may have no more decimals than its
    indicator is shown with (a count none; "948,6" for a 0-decimal average would be stored
    and shown 949). The message names the indicator and its precision, as the other rules'
    messages do (it is read without its field, say when a record is submitted); None when
    the value fits."""
    decimals = BY_CODE[code].decimals
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number == round_half_up(number, decimals):
        return None
    return (
        f"{BY_CODE[code].label}: chỉ tiêu này nhập tối đa {decimals} chữ số thập phân "
        f"(đã nhập {format_exact(number)})."
    )


def excel_format(code: str) -> str:
    return excel_number_format(BY_CODE[code].decimals)


def by_section() -> list[tuple[str, str, list[Indicator]]]:
    """(key, title in the active language, indicators) of each section."""
    return [
        (key, gettext(title), [i for i in INDICATORS if i.section == key])
        for key, title in SECTIONS.items()
    ]
