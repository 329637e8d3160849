"""The data dictionary of the yearly figures (design.md): codes, labels, units, sections.

Column codes are the contract for imports, exports and the API; labels are for people.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    section: str
    money: bool = False  # Decimal in million VND; otherwise a whole count
    # An average is combined across units weighted by this count (design.md, aggregation
    # rules): never the plain mean of the units' averages.
    weighted_by: str | None = None

    @property
    def label_in_sentence(self) -> str:
        """The label inside a sentence: "tổng số HTX (cuối năm)", abbreviations kept."""
        return self.label[:1].lower() + self.label[1:]

    @property
    def may_be_negative(self) -> bool:
        return self.code.endswith("_avg_profit")


SECTIONS = {
    "A": "A. Tổ hợp tác (THT)",
    "B": "B. Hợp tác xã (HTX)",
    "C": "C. Công tác tuyên truyền",
    "D": "D. Đào tạo, tập huấn",
}

INDICATORS: tuple[Indicator, ...] = (
    Indicator("tht_new", "Số THT thành lập mới trong năm", "THT", "A"),
    Indicator("tht_total", "Tổng số THT (cuối năm)", "THT", "A"),
    Indicator("tht_members", "Số thành viên THT", "người", "A"),
    Indicator("tht_agri", "Số THT hoạt động trong lĩnh vực nông nghiệp", "THT", "A"),
    Indicator(
        "tht_avg_revenue",
        "Doanh thu bình quân của THT",
        "triệu đồng/THT/năm",
        "A",
        True,
        weighted_by="tht_total",
    ),
    Indicator(
        "tht_avg_profit",
        "Lợi nhuận bình quân của THT",
        "triệu đồng/THT/năm",
        "A",
        True,
        weighted_by="tht_total",
    ),
    Indicator("htx_new", "Số HTX thành lập mới trong năm", "HTX", "B"),
    Indicator("htx_total", "Tổng số HTX (cuối năm)", "HTX", "B"),
    Indicator("htx_members", "Số thành viên HTX", "thành viên", "B"),
    Indicator(
        "htx_avg_revenue",
        "Doanh thu bình quân của HTX",
        "triệu đồng/HTX/năm",
        "B",
        True,
        weighted_by="htx_total",
    ),
    Indicator(
        "htx_avg_profit",
        "Lợi nhuận bình quân của HTX",
        "triệu đồng/HTX/năm",
        "B",
        True,
        weighted_by="htx_total",
    ),
    Indicator("htx_workers", "Số lao động thường xuyên trong HTX", "người", "B"),
    Indicator(
        "htx_avg_income",
        "Thu nhập bình quân của lao động",
        "triệu đồng/người/năm",
        "B",
        True,
        weighted_by="htx_workers",
    ),
    Indicator("bulletins", "Số bản tin Kinh tế tập thể phát hành", "số", "C"),
    Indicator("tv_reports", "Số phóng sự truyền hình", "phóng sự", "C"),
    Indicator("press_articles", "Số bài báo đăng trên báo, đài của tỉnh", "bài", "C"),
    Indicator(
        "online_posts", "Số tin, bài trên trang thông tin điện tử, mạng xã hội", "tin, bài", "C"
    ),
    Indicator("training_courses", "Số khóa đào tạo, tập huấn", "khóa", "D"),
    Indicator("training_participants", "Số lượt người tham gia", "lượt người", "D"),
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


def by_section() -> list[tuple[str, str, list[Indicator]]]:
    return [
        (key, title, [i for i in INDICATORS if i.section == key]) for key, title in SECTIONS.items()
    ]
