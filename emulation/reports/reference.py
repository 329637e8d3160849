"""The legal basis the annual report cites ("Căn cứ …"), as it stood when this was
written (loaded on migrate, and by the demo when the table is empty); the admin keeps it
from there. Each line is in force from / until a day (None: open)."""

import datetime

LAW = "Luật Thi đua, khen thưởng"
DETAILS = f"của Chính phủ quy định chi tiết thi hành một số điều của {LAW}"
OLD_DETAILS = "của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, Khen thưởng"
BEFORE_2024, FROM_2024 = datetime.date(2023, 12, 31), datetime.date(2024, 1, 1)

LEGAL_BASIS = [
    (
        "Căn cứ Luật Thi đua, Khen thưởng ngày 26 tháng 11 năm 2003 và Luật sửa đổi, bổ sung "
        "một số điều của Luật Thi đua, Khen thưởng ngày 16 tháng 11 năm 2013;",
        None,
        BEFORE_2024,
        10,
    ),
    (f"Căn cứ {LAW} số 06/2022/QH15 ngày 15 tháng 6 năm 2022;", FROM_2024, None, 10),
    (
        f"Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 {OLD_DETAILS};",
        None,
        BEFORE_2024,
        20,
    ),
    (
        f"Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 {DETAILS};",
        FROM_2024,
        datetime.date(2025, 6, 30),
        20,
    ),
    (
        f"Căn cứ Nghị định số 152/2025/NĐ-CP {DETAILS};",
        datetime.date(2025, 7, 1),
        None,
        20,
    ),
]


# Added with migration 0020 (issue 23): the national alliance's own regulation and the
# cluster's two documents, named through {cluster} and {year}; the last one is not cited
# by the agreement it names (cited_by_agreement=False).
VCA_RULES = (
    "Căn cứ Quy chế Thi đua, khen thưởng của Liên minh Hợp tác xã Việt Nam ban hành kèm "
    "theo Quyết định số 429/QĐ-LMHTXVN năm 2019;"
)
CLUSTER_LINES = [
    (VCA_RULES, None, None, 30, True),
    ("Căn cứ Quy chế hoạt động của {cluster};", None, None, 40, True),
    ("Căn cứ Giao ước thi đua năm {year} của {cluster};", None, None, 50, False),
]


def load_cluster_lines(LegalBasis) -> None:
    """The lines of CLUSTER_LINES the table does not hold yet (by their text)."""
    held = set(LegalBasis.objects.values_list("text", flat=True))
    LegalBasis.objects.bulk_create(
        LegalBasis(
            text=text,
            in_force_from=start,
            in_force_until=until,
            order=order,
            cited_by_agreement=cited,
        )
        for text, start, until, order, cited in CLUSTER_LINES
        if text not in held
    )


# Added with migration 0025: the alliance's own lines, after the law's, cited by its award
# decisions alone (alliance_only), as the decision printed them when they were code.
ALLIANCE_LINES = [
    ("Căn cứ Điều lệ Liên minh Hợp tác xã Việt Nam;", 60),
    ("Căn cứ Quy chế thi đua, khen thưởng của Liên minh Hợp tác xã Việt Nam;", 70),
]


def load_alliance_lines(LegalBasis) -> None:
    """The lines of ALLIANCE_LINES the table does not hold yet (by their text)."""
    held = set(LegalBasis.objects.values_list("text", flat=True))
    LegalBasis.objects.bulk_create(
        LegalBasis(text=text, order=order, alliance_only=True, cited_by_agreement=False)
        for text, order in ALLIANCE_LINES
        if text not in held
    )


def load_legal_basis(LegalBasis) -> None:
    """The initial lines, unless the table holds some (the admin's are never replaced)."""
    if LegalBasis.objects.exists():
        return
    LegalBasis.objects.bulk_create(
        LegalBasis(text=text, in_force_from=start, in_force_until=until, order=order)
        for text, start, until, order in LEGAL_BASIS
    )
