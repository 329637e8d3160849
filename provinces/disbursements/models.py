import functools

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.organisation.dates import fmt_date
from provinces.organisation.models import ClusterMembership, Province, fold_accents
from provinces.organisation.selectors import counts_as


@functools.lru_cache(maxsize=4096)
def directory_key(name: str) -> str:
    """How the directory matches names: case, accents and spacing do not count, so
    "HTX Nông nghiệp Bản Lướt" and "htx  nong nghiep ban luot" are one entity. Cached: an
    upload looks up the same funds, kinds and borrowers on thousands of rows."""
    return " ".join(fold_accents(name).split())


class BorrowerKind(models.TextChoices):
    HTX = "HTX", _("Hợp tác xã (HTX)")
    THT = "THT", _("Tổ hợp tác (THT)")


class CooperativeQuerySet(models.QuerySet):
    def matching(self, name: str) -> "CooperativeQuerySet":
        return self.filter(name_key=directory_key(name))


class Cooperative(models.Model):
    """A cooperative (HTX) or cooperative group (THT) of a province: the directory that
    disbursements and award nominations point at."""

    name = models.CharField(_("tên"), max_length=255)
    full_name = models.CharField(
        _("tên đầy đủ (không viết tắt)"),
        max_length=255,
        blank=True,
        help_text=_(
            "Tên ghi trong giấy chứng nhận đăng ký, dùng trong văn bản, ví dụ: Hợp tác xã "
            "Dịch vụ nông nghiệp Tân Lập."
        ),
    )
    name_key = models.CharField(_("khóa tra cứu"), max_length=255, editable=False, db_index=True)
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="cooperatives"
    )
    kind = models.CharField(_("loại hình"), max_length=3, choices=BorrowerKind.choices)
    registration_number = models.CharField(_("số đăng ký"), max_length=50, blank=True)
    is_active = models.BooleanField(_("còn hoạt động"), default=True)

    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    history = HistoricalRecords(verbose_name=_("lịch sử danh bạ"))
    objects = CooperativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("HTX, THT (danh bạ)")
        verbose_name_plural = _("HTX, THT (danh bạ)")
        ordering = ["province__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "name_key"],
                name="cooperative_one_name_per_province",
                violation_error_message="Danh bạ của tỉnh đã có HTX/THT trùng tên này.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=BorrowerKind.values), name="cooperative_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.province.name})"

    @property
    def legal_name(self) -> str:
        """The full name documents print; empty while the province has not written it
        (the dossier asks for it, never prints the directory's short name instead)."""
        return self.full_name

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        self.full_name = " ".join(self.full_name.split())
        self.name_key = directory_key(self.name)


class Fund(models.TextChoices):
    HTX_DEV = "htx_dev", _("Quỹ hỗ trợ phát triển HTX")
    OTHER = "other", _("Quỹ khác")


class DisbursementQuerySet(models.QuerySet):
    def in_year(self, year: int) -> "DisbursementQuerySet":
        return self.filter(date__year=year)


class Disbursement(models.Model):
    """One disbursement from a fund an alliance manages (one "lượt dự án")."""

    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="disbursements"
    )
    fund = models.CharField(_("quỹ"), max_length=10, choices=Fund.choices)
    date = models.DateField(_("ngày giải ngân"))
    # related_name "loans" is in the migrations' state (renaming it needs a migration);
    # no code uses the accessor.
    borrower = models.ForeignKey(
        Cooperative, verbose_name=_("đơn vị vay"), on_delete=models.PROTECT, related_name="loans"
    )
    amount = models.DecimalField(_("số tiền (triệu đồng)"), max_digits=14, decimal_places=2)
    purpose = models.CharField(_("mục đích vay"), max_length=500, blank=True)
    term_months = models.PositiveSmallIntegerField(_("thời hạn (tháng)"), null=True, blank=True)

    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    form_key = models.UUIDField(
        _("khóa biểu mẫu"), null=True, blank=True, unique=True, editable=False
    )  # the create form that made it: a second submission finds this record
    # The sending system's own reference (the API's bulk loans, an Excel column): a batch
    # sent again finds its loans by it and creates nothing new. Unique where given.
    client_ref = models.CharField(_("mã tham chiếu của hệ thống gửi"), max_length=100, blank=True)
    # When the loan was last written: incremental reads (`updated_since`) and ETags.
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, db_index=True)
    history = HistoricalRecords(verbose_name=_("lịch sử giải ngân"))
    objects = DisbursementQuerySet.as_manager()

    class Meta:
        verbose_name = _("khoản giải ngân")
        verbose_name_plural = _("sổ giải ngân")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["province", "date"], name="disbursement_province_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="disbursement_amount_positive",
                violation_error_message="Số tiền giải ngân phải lớn hơn 0.",
            ),
            models.CheckConstraint(
                condition=Q(fund__in=Fund.values), name="disbursement_fund_valid"
            ),
            models.UniqueConstraint(
                fields=["client_ref"],
                condition=~Q(client_ref=""),
                name="disbursement_one_per_client_ref",
                violation_error_message="Mã tham chiếu này đã dùng cho một khoản giải ngân khác.",
            ),
        ]

    def __str__(self) -> str:
        return f"{fmt_date(self.date)} {self.borrower.name}: {self.amount} triệu đồng"

    def clean(self) -> None:
        errors = {}
        # The portal's day (Asia/Ho_Chi_Minh) is never more than one day behind the UTC
        # day: a disbursement dated before today (UTC) is past without the time-zone conversion,
        # which was a tenth of the checks of an upload.
        recent = self.date and self.date >= timezone.now().date()
        if recent and self.date > timezone.localdate():
            errors["date"] = gettext("Ngày giải ngân %(date)s chưa đến.") % {
                "date": fmt_date(self.date)
            }
        if self.amount is not None and self.amount <= 0:
            errors["amount"] = gettext("Số tiền giải ngân phải lớn hơn 0.")
        if self.province_id and self.date:
            if not self.province.is_valid_on(self.date):
                errors["province"] = gettext(
                    "%(province)s không có hiệu lực vào ngày %(date)s: khoản vay "
                    "thuộc về đơn vị có hiệu lực vào ngày giải ngân."
                ) % {"province": self.province, "date": fmt_date(self.date)}
            elif not self._in_a_cluster():
                errors["province"] = gettext(
                    "%(province)s không là thành viên cụm thi đua nào năm %(year)s."
                ) % {"province": self.province.name, "year": self.date.year}
        if self.borrower_id and self.province_id:
            home = self.borrower.province
            if self.province_id not in (home.pk, home.successor_id):
                errors["borrower"] = gettext(
                    "%(borrower)s không thuộc danh bạ của %(province)s."
                ) % {"borrower": self.borrower.name, "province": self.province.name}
        if errors:
            raise ValidationError(errors)

    def _in_a_cluster(self) -> bool:
        """Whether the unit the disbursement's province counts as in the disbursement's year
        (itself, or for a unit that merged during the year the unit it merged into: `counts_as`) is
        a member of a cluster that year. An importer checking thousands of disbursements sets
        `preloaded_members` (the year's member ids, read once) so that this rule costs no
        query per disbursement."""
        units = {self.province_id, counts_as(self.province, self.date.year).pk}
        preloaded = getattr(self, "preloaded_members", None)
        if preloaded is not None:
            return bool(units & preloaded)
        return ClusterMembership.objects.in_year(self.date.year).filter(province__in=units).exists()
