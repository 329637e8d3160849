"""Demo data for development and trials: reference data, an admin, staff users and the
national alliance's user."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cluster_portal.number_style import round_half_up
from provinces.disbursements.models import Cooperative, Disbursement, Fund
from provinces.figures.models import YearlyFigures
from provinces.figures.rules import figures_warnings
from provinces.figures.selectors import previous_values
from provinces.figures.spec import BY_CODE, MONEY_CODES
from provinces.organisation.models import (
    Cluster,
    ClusterMembership,
    ClusterTerm,
    Province,
    StaffProfile,
)
from provinces.organisation.reference import load_clusters, load_provinces, load_terms


def organisation_seed() -> None:
    """The reference provinces, clusters, membership, terms and award types (as loaded
    on migrate)."""
    load_provinces(Province)
    load_clusters(Cluster, ClusterMembership, Province)
    load_terms(ClusterTerm, Cluster, Province)


def demo_email(username: str) -> str:
    return f"{username}@demo.invalid"


def demo_users_seed(*, password: str) -> list[str]:
    """`admin` and one staff user per member province, named by the province's name
    without accents or spaces. A staff user belongs to the earliest unit of that name and
    acts for its successor after a merger. Each has an address `<username>@demo.invalid`
    (a domain that never receives mail), so the notices of `make run` are printed on the
    console; an address changed since is kept. Returns the usernames."""
    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="admin")
    admin.is_superuser = admin.is_staff = admin.is_active = True
    admin.first_name, admin.last_name = "Quản trị", "viên"
    admin.email = admin.email or demo_email(admin.username)
    admin.set_password(password)
    admin.save()
    usernames = [admin.username]

    member_names = set(ClusterMembership.objects.values_list("province__name", flat=True))
    earliest: dict[str, Province] = {}
    units = Province.objects.filter(name__in=member_names)
    for unit in units.order_by(F("valid_from").asc(nulls_first=True)):
        earliest.setdefault(unit.name, unit)
    for name, unit in sorted(earliest.items(), key=lambda item: item[1].slug):
        user, _ = User.objects.get_or_create(username=unit.slug)
        user.first_name, user.last_name = "Cán bộ", f"LMHTX {name}"
        user.is_superuser = user.is_staff = False
        user.is_active = True
        user.email = user.email or demo_email(user.username)
        user.set_password(password)
        user.save()
        StaffProfile.objects.update_or_create(user=user, defaults={"province": unit})
        usernames.append(user.username)
    usernames.append(national_user_seed(password=password).username)
    return usernames


def national_user_seed(*, password: str):
    """`vca`: staff of the national alliance (Liên minh HTX Việt Nam), who reads every
    cluster's approved records and writes no province's data."""
    user, _ = get_user_model().objects.get_or_create(username="vca")
    user.first_name, user.last_name = "Cán bộ", "Liên minh HTX Việt Nam"
    user.is_superuser = user.is_staff = False
    user.is_active = True
    user.email = user.email or demo_email(user.username)
    user.set_password(password)
    user.save()
    StaffProfile.objects.update_or_create(user=user, defaults={"national": True, "province": None})
    return user


# The cluster each year's demo figures and disbursements belong to (the illustrative
# second cluster of emulation/demo_cluster.py has its own).
_DEMO_CLUSTERS = {2023: "tay-bac", 2024: "tay-bac", 2025: "mien-nui-phia-bac-1"}


def _demo_members(year: int) -> list[Province]:
    memberships = ClusterMembership.objects.in_year(year).filter(cluster__slug=_DEMO_CLUSTERS[year])
    return sorted(
        (m.province for m in memberships.select_related("province")), key=lambda p: p.sort_key
    )


# Demo statuses per year, in member order (alphabetical); None = nothing entered yet.
_DEMO_STATUSES = {
    2023: ["approved"] * 7,
    2024: ["approved", "approved", "submitted", "returned", "approved", "draft", "submitted"],
    2025: ["submitted", "approved", "draft", "returned", "approved", "submitted", None, "approved"],
}


# When the demo's records came in (a day apart, approved three days later), against the
# demo calendar (emulation/demo.py): 2023's and 2024's early in November, before the
# figures were due (15/11/2023, 15/01/2025) and before the conference that reported them
# (30/11/2023, 28/11/2024); 2025's around their deadline of 15/01/2026, one of them late.
_DEMO_SUBMITTED_FROM = {
    2023: datetime.date(2023, 11, 1),
    2024: datetime.date(2024, 11, 1),
    2025: datetime.date(2026, 1, 10),
}
_AT = datetime.time(9, 30)


def _demo_values(province: Province, year: int, *, merged_from: int = 1) -> dict:
    """Plausible invented figures, the same on every run: a base per province name, grown a
    little each year, and scaled by the number of units a merged province was formed from."""
    base = random.Random(province.name)
    jitter = random.Random(f"{province.name}-{year}")
    scale = merged_from * (1 + 0.04 * (year - 2023))

    def count(low: int, high: int) -> int:
        return int(base.randint(low, high) * scale * jitter.uniform(0.93, 1.07))

    def money(low: int, high: int) -> Decimal:
        return (Decimal(base.randint(low, high)) * Decimal(jitter.uniform(0.95, 1.08))).quantize(
            Decimal("0.1")
        )

    tht_total, htx_total = count(900, 2300), count(350, 900)
    tht_avg_revenue, htx_avg_revenue = money(150, 320), money(900, 2200)
    values = {
        "tht_new": count(60, 160),
        "tht_total": tht_total,
        "tht_members": tht_total * base.randint(6, 11),
        "tht_agri": int(tht_total * base.uniform(0.6, 0.8)),
        "tht_avg_revenue": tht_avg_revenue,
        "tht_avg_profit": (tht_avg_revenue * Decimal(base.randint(12, 25)) / 100).quantize(
            Decimal("0.1")
        ),
        "htx_new": count(30, 80),
        "htx_total": htx_total,
        "htx_members": htx_total * base.randint(30, 70),
        "htx_avg_revenue": htx_avg_revenue,
        "htx_avg_profit": (htx_avg_revenue * Decimal(base.randint(8, 14)) / 100).quantize(
            Decimal("0.1")
        ),
        "htx_workers": htx_total * base.randint(12, 25),
        "htx_avg_income": money(42, 62),
        "bulletins": count(3, 5),
        "tv_reports": count(7, 12),
        "press_articles": count(15, 25),
        "online_posts": count(150, 240),
        "training_courses": count(6, 10),
        "training_participants": count(500, 800),
    }
    # Typed as people would: no more decimals than each indicator takes (spec.decimals).
    for code in MONEY_CODES:
        values[code] = round_half_up(values[code], BY_CODE[code].decimals)
    return values


# The 2023 article's totals, split per province. THE SPLIT IS INVENTED: only the cluster
# totals and weighted averages are the article's (784 new THT; 11.084 THT; 91.411 members;
# ~70 % agricultural; 236,8 and 43,7 million per THT; 364 new HTX; 4.169 HTX; 215.203
# members; 1.637 and 177 million per HTX; 78.282 workers earning 51,3 million; 26
# bulletins, 65 TV reports, 134 articles, 1.371 posts; 56 courses, 4.752 participants).
# Columns in the order of ARTICLE_2023_CODES; tests/test_demo_article.py checks the sums.
ARTICLE_2023_CODES = (
    "tht_new", "tht_total", "tht_members", "tht_agri", "tht_avg_revenue", "tht_avg_profit",
    "htx_new", "htx_total", "htx_members", "htx_avg_revenue", "htx_avg_profit", "htx_workers",
    "htx_avg_income", "bulletins", "tv_reports", "press_articles", "online_posts",
    "training_courses", "training_participants",
)  # fmt: skip
# fmt: off
ARTICLE_2023_SPLIT = {  # province code in 2023: its (invented) share of the article's year
    "10": (112, 1520, 12410, 1098, "228.5", "41.2", 48, 612, 30850, "1585", "168", 11520, "50.6", 4, 10, 21, 205, 9, 760),  # noqa: E501
    "11": (74, 980, 8215, 742, "196.4", "35.8", 37, 398, 18420, "1205", "122", 6840, "44.8", 3, 7, 15, 158, 6, 510),  # noqa: E501
    "12": (58, 760, 6120, 561, "171.2", "30.5", 31, 287, 12960, "958", "96", 4910, "42.1", 3, 6, 12, 126, 5, 420),  # noqa: E501
    "14": (146, 2110, 17630, 1502, "251.6", "47.6", 62, 812, 45210, "1712", "190", 15380, "52.4", 4, 11, 22, 231, 9, 790),  # noqa: E501
    "15": (121, 1685, 13902, 1141, "240.3", "44.1", 55, 624, 32480, "1651", "181", 12150, "51.7", 4, 10, 20, 198, 8, 680),  # noqa: E501
    "17": (128, 1894, 15487, 1290, "232.7", "42.9", 58, 603, 29930, "1590", "171", 11260, "50.9", 4, 9, 19, 187, 8, 672),  # noqa: E501
    "25": (145, 2135, 17647, 1381, "270.9", "50.3", 73, 833, 45353, "2066", "227", 16222, "56.3", 4, 12, 25, 266, 11, 920),  # noqa: E501
}
# fmt: on


def article_2023_values(code: str) -> dict:
    """The (invented) 2023 figures of one Tây Bắc province, adding up to the article."""
    return {
        field: Decimal(value) if isinstance(value, str) else value
        for field, value in zip(ARTICLE_2023_CODES, ARTICLE_2023_SPLIT[code], strict=True)
    }


def demo_figures_seed() -> int:
    """Invented figures for 2023 and 2024 (the seven Tây Bắc provinces) and 2025 (the eight
    members of the northern cluster), in every state. Records that exist are left alone.
    Returns the number of records created."""
    profiles = list(
        StaffProfile.objects.filter(national=False).select_related(
            "user", "province__successor__successor"
        )
    )
    terms = ClusterTerm.objects.filter(cluster__slug__in=set(_DEMO_CLUSTERS.values()))
    terms = [term for term in terms.select_related("cluster") if term.year in _DEMO_CLUSTERS]
    terms = [term for term in terms if term.cluster.slug == _DEMO_CLUSTERS[term.year]]
    heads = {term.year: term.head_id for term in terms}
    vices = {term.year: term.vice_id for term in terms}
    admin = get_user_model().objects.filter(is_superuser=True).first()
    created = 0
    for year, statuses in _DEMO_STATUSES.items():
        # Who acts for each unit that year: its own staff (Phú Thọ's for the merged Phú
        # Thọ), else the staff of a unit merged into it (Yên Bái's for Lào Cai).
        staff_of = {}
        for profile in profiles:
            unit = profile.province.unit_in(year)
            if unit is not None and (unit.pk not in staff_of or profile.province.name == unit.name):
                staff_of[unit.pk] = profile.user
        members = _demo_members(year)
        for province, status in zip(members, statuses, strict=True):
            if (
                status is None
                or YearlyFigures.objects.filter(province=province, year=year).exists()
            ):
                continue
            staff = staff_of.get(province.pk)
            merged_from = len(province.predecessors.all()) or 1
            if year == 2023 and province.code in ARTICLE_2023_SPLIT:
                values = article_2023_values(province.code)
            else:
                values = _demo_values(province, year, merged_from=merged_from)
            figures = YearlyFigures(province=province, year=year, status=status, **values)
            figures.full_clean()
            if status != "draft" and figures_warnings(values, previous_values(figures)):
                figures.warnings_explanation = (
                    "Đã rà soát với các phòng, ban của tỉnh: số liệu đúng thực tế năm báo cáo."
                )
            start = _DEMO_SUBMITTED_FROM[year]
            when = timezone.make_aware(
                datetime.datetime.combine(start + datetime.timedelta(days=created % 15), _AT)
            )
            if status != "draft":
                figures.submitted_by, figures.submitted_at = staff, when
            # The history tells it as it happened, on the demo's calendar: the member's
            # staff enters (and sends) the figures; then, four eyes, the chair approves or
            # returns them, the vice-head the chair's own (an admin where there is none).
            judge = staff_of.get(
                vices.get(year) if province.pk == heads.get(year) else heads.get(year), admin
            )
            figures.status = "submitted" if status in ("approved", "returned") else status
            figures._history_user, figures._history_date = staff, when
            figures.save()
            if status == "returned":
                figures.status = status
                figures.status_reason = (
                    "Đề nghị kiểm tra lại số thành viên HTX và thu nhập bình quân."
                )
                figures._history_user = judge
                figures._history_date = when + datetime.timedelta(days=2)
                figures.save()
            if status == "approved":
                figures.status = status
                figures.approved_by = judge
                figures.approved_at = when + datetime.timedelta(days=3)
                figures._history_user, figures._history_date = judge, figures.approved_at
                figures.save()
            created += 1
    return created


# The 2023 article: "135 lượt dự án ... 62.375 triệu đồng; riêng Quỹ Hỗ trợ phát triển HTX
# đã giải ngân 120 dự án số tiền 61.175 triệu đồng". The demo register adds up to exactly that.
_ARTICLE_COOPERATIVES = {
    "Phú Thọ": ["HTX DVNN và điện năng Vĩnh Lại"],
    "Yên Bái": ["HTX dịch vụ tổng hợp Thắng Lợi"],
    "Sơn La": ["HTX dịch vụ nông nghiệp Mường Tấc"],
    "Lào Cai": ["HTX NN Hảo Anh"],
    "Điện Biên": ["HTX SX VLXD Hà Nam Bình"],
    "Hòa Bình": ["HTX đa ngành nghề Tâm Cương Tân Minh"],
}
_INVENTED = [
    "Nông nghiệp Bình Minh",
    "Chè Suối Giàng",
    "Dịch vụ tổng hợp Tân Tiến",
    "Rau an toàn Đồng Tâm",
    "Dược liệu Hoàng Liên",
    "Chăn nuôi Hợp Thành",
    "Du lịch cộng đồng Bản Lác",
    "Cây ăn quả Thuận Châu",
]
_PURPOSES = [
    "Mua giống, vật tư nông nghiệp",
    "Đầu tư máy chế biến",
    "Xây dựng nhà xưởng",
    "Vốn lưu động tiêu thụ sản phẩm",
    "Mở rộng chuồng trại",
]


def _demo_directory(province: Province) -> list[Cooperative]:
    names = (
        _ARTICLE_COOPERATIVES.get(province.name, [])
        + [f"HTX {name}" for name in _INVENTED[:6]]
        + [f"THT {name}" for name in _INVENTED[6:]]
    )
    entries = []
    for name in names:
        entry = Cooperative.objects.matching(name).filter(province=province).first()
        if entry is None:
            entry = Cooperative(province=province, name=name, kind=name[:3])
            entry.full_clean()
            entry.save()
        entries.append(entry)
    return entries


def _spread(total: int, parts: int, base: int) -> list[Decimal]:
    """`parts` amounts of about `base` adding up to exactly `total`."""
    step = (total - base * parts) // parts
    amounts = [Decimal(base + step + (i % 5 - 2) * base // 6) for i in range(parts)]
    amounts[-1] += total - sum(amounts)
    return amounts


# year: (htx_dev disbursements, htx_dev total, other disbursements, other total)
_DEMO_DISBURSEMENTS = {
    2023: (120, 61175, 15, 1200),
    2024: (112, 58400, 14, 1150),
    2025: (96, 52300, 12, 980),
}


def demo_disbursements_seed() -> int:
    """The demo disbursement register. Years that already have disbursements are left alone."""
    created = 0
    for year, (dev_count, dev_total, other_count, other_total) in _DEMO_DISBURSEMENTS.items():
        members = _demo_members(year)
        if Disbursement.objects.in_year(year).filter(province__in=members).exists():
            continue
        directories = {p.pk: _demo_directory(p) for p in members}
        plan = [(Fund.HTX_DEV, a) for a in _spread(dev_total, dev_count, 480)]
        plan += [(Fund.OTHER, a) for a in _spread(other_total, other_count, 75)]
        first_month = 7 if year == 2025 else 1  # merged units exist from 1 July 2025
        disbursements = []
        for index, (fund, amount) in enumerate(plan):
            province = members[index % len(members)]
            directory = directories[province.pk]
            disbursement = Disbursement(
                province=province,
                fund=fund,
                date=datetime.date(year, first_month + index % (12 - first_month), 1 + index % 27),
                borrower=directory[index % len(directory)],
                amount=amount,
                purpose=_PURPOSES[index % len(_PURPOSES)],
                term_months=(12, 24, 36)[index % 3],
            )
            disbursement.full_clean()
            disbursements.append(disbursement)
        bulk_create_with_history(disbursements, Disbursement)
        created += len(disbursements)
    return created
