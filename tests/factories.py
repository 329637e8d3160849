"""Named test objects built in code, not loaded from opaque fixtures."""

from decimal import Decimal

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from emulation.nominations.models import AwardType
from provinces.models import FiguresStatus, YearlyFigures
from provinces.organisation.selectors import province_for_code

GOOD_VALUES = {
    "tht_new": 100,
    "tht_total": 1600,
    "tht_members": 13000,
    "tht_agri": 1100,
    "tht_avg_revenue": Decimal("236.8"),
    "tht_avg_profit": Decimal("43.7"),
    "htx_new": 50,
    "htx_total": 600,
    "htx_members": 31000,
    "htx_avg_revenue": Decimal("1637"),
    "htx_avg_profit": Decimal("177"),
    "htx_workers": 11000,
    "htx_avg_income": Decimal("51.3"),
    "bulletins": 4,
    "tv_reports": 9,
    "press_articles": 19,
    "online_posts": 196,
    "training_courses": 8,
    "training_participants": 680,
}


def make_figures(
    code: str, year: int, status: str = FiguresStatus.DRAFT, **values
) -> YearlyFigures:
    figures = YearlyFigures(
        province=province_for_code(code, year),
        year=year,
        status=status,
        **{**GOOD_VALUES, **values},
    )
    figures.full_clean()
    figures.save()
    return figures


def make_legacy_figures(
    code: str, year: int, status: str = FiguresStatus.DRAFT, **values
) -> YearlyFigures:
    """Figures stored before the precision rule (spec.precision_problem): values with more
    decimals than their indicator takes (1.637,5 for a 0-decimal average) are written to
    the database as they are, as older records may hold them; the rest as make_figures."""
    from provinces.figures.spec import precision_problem

    precise = {k: v for k, v in values.items() if precision_problem(k, v) is None}
    figures = make_figures(code, year, status, **precise)
    YearlyFigures.objects.filter(pk=figures.pk).update(**values)
    figures.refresh_from_db()
    return figures


def make_disbursement(
    code: str, date, amount, fund: str = "htx_dev", borrower: str = "HTX Bình Minh", kind="HTX"
):
    """A disbursement in the register, its borrower found in or added to the directory."""
    import datetime as _dt

    from provinces.disbursements.services import borrower_find_or_create
    from provinces.models import Disbursement, Province

    day = _dt.date.fromisoformat(date) if isinstance(date, str) else date
    province = Province.objects.valid_on(day).get(code=code)
    cooperative, _ = borrower_find_or_create(province=province, name=borrower, kind=kind)
    disbursement = Disbursement(
        province=province, fund=fund, date=day, borrower=cooperative, amount=Decimal(amount)
    )
    disbursement.full_clean()
    disbursement.save()
    return disbursement


def admin_renames_an_award():
    """An award type renamed in the admin: a table without history of its own, so only the
    admin's log says it changed."""
    award = AwardType.objects.first() or AwardType.objects.create(code="x", name="Bằng khen")
    award.name += " (sửa)"
    award.save()
    LogEntry.objects.create(
        user=get_user_model().objects.create_superuser("editor", password="x"),
        content_type=ContentType.objects.get_for_model(AwardType),
        object_id=str(award.pk),
        object_repr=award.name,
        action_flag=CHANGE,
    )
