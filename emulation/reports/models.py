"""What the chair sets on the annual report as a signed document (Nghị định 30/2020,
Phụ lục I): its number, date and place, the signer and the recipients, and the two sections
the chair writes ("Khó khăn, hạn chế", "Phương hướng, nhiệm vụ năm sau"); and the legal
basis its opening lines cite ("Căn cứ …"), which the admin keeps.

Every field may be left empty: the report then takes its default from the conference
record (date, place, the head alliance's chair as signer) and says so on the settings
page; it never prints today's date in place of a date nobody chose.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.organisation.models import YEAR_VALIDATORS, Cluster

from .letterhead import cluster_symbol

# A document's symbol is its kind's abbreviation (NĐ 30/2020, Phụ lục III) before the
# issuing body's symbol, the same for every document of the cluster-year: the report
# "BC-CTĐ-TB", the submission letter "TTr-CTĐ-TB", the minutes "BB-CTĐ-TB".
KIND_PREFIXES = ("BC", "TTr", "BB", "BTH", "GƯ", "QĐ")
SYMBOL_VALIDATORS = [
    RegexValidator(
        r"^[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$",
        _("Ký hiệu gồm chữ in hoa và số, nối bằng dấu gạch ngang, ví dụ CTĐ-TB."),
    ),
    RegexValidator(
        r"^(BC|TTR|BB|BTH|QĐ)-",
        _(
            "Chỉ ghi ký hiệu của Cụm (ví dụ CTĐ-TB): phần tên loại văn bản (BC-, TTr-, BB-…) "
            "cổng tự thêm."
        ),
        inverse_match=True,
    ),
]
DEFAULT_RECIPIENTS = (
    "Liên minh HTX Việt Nam (để báo cáo);\n"
    "Ban Thi đua - Khen thưởng Liên minh HTX Việt Nam;\n"
    "Liên minh HTX các tỉnh trong Cụm;\n"
    "Lưu: VT, Cụm trưởng."
)


NUMBER_VALIDATORS = [MinValueValidator(1), MaxValueValidator(9999)]


class LetterSettings(models.Model):
    """What every signed document of a cluster-year sets (Nghị định 30/2020): its number,
    date, place, signer and recipients, and the `version` checked on save. A document kind
    gives a field its own label and help text with `worded` (the report's "số văn bản",
    the submission letter's "số tờ trình"); the columns are the same."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cụm"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    number = models.PositiveSmallIntegerField(
        _("số văn bản"), null=True, blank=True, validators=NUMBER_VALIDATORS
    )
    document_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=200, blank=True)
    recipients = models.TextField(
        _("nơi nhận"),
        blank=True,
        help_text=_("Mỗi dòng một nơi nhận. Để trống: danh sách mặc định."),
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # What `clean` says of a date outside the year and the next (%(year)s: the year).
    document_year_error = ""

    class Meta:
        abstract = True

    @classmethod
    def worded(cls, name: str, **texts) -> models.Field:
        """The letter's field `name` as a document kind words it (`verbose_name`,
        `help_text`): the same column."""
        _name, _path, args, kwargs = cls._meta.get_field(name).deconstruct()
        return type(cls._meta.get_field(name))(*args, **{**kwargs, **texts})

    def clean(self) -> None:
        if (
            self.document_date
            and self.year
            and self.document_date.year not in (self.year, self.year + 1)
        ):
            raise ValidationError({"document_date": self.document_year_error % {"year": self.year}})


class ReportSettings(LetterSettings):
    """The chair's settings of one cluster-year's report. Two people may edit them: the
    `version` is checked on save (see `report_settings_save`)."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cụm"), on_delete=models.CASCADE, related_name="report_settings"
    )
    number = LetterSettings.worded(
        "number",
        help_text=_(
            "Số thứ tự văn bản trong năm của Cụm, ví dụ 5 → “Số: 05/BC-CTĐ-TB”. "
            "Để trống: in “Số: …/BC-CTĐ-TB” để điền tay."
        ),
    )
    symbol = models.CharField(
        _("ký hiệu của Cụm"),
        max_length=40,
        blank=True,
        validators=SYMBOL_VALIDATORS,
        help_text=_(
            "Dùng chung cho mọi văn bản của Cụm trong năm: báo cáo BC-…, tờ trình TTr-…, "
            "biên bản BB-…, giao ước GƯ-…. Ví dụ: CTĐ-TB. Để trống: theo tên Cụm."
        ),
    )
    document_date = LetterSettings.worded(
        "document_date", help_text=_("Để trống: ngày họp hội nghị của Cụm.")
    )
    place = LetterSettings.worded(
        "place", help_text=_("Để trống: tỉnh đăng cai hội nghị, hoặc tỉnh Cụm trưởng.")
    )
    signer_title = LetterSettings.worded(
        "signer_title", help_text=_("Ví dụ: Chủ tịch. Để trống: theo biên bản hội nghị.")
    )
    signer_name = LetterSettings.worded(
        "signer_name", help_text=_("Để trống: theo biên bản hội nghị.")
    )
    difficulties = models.TextField(
        _("khó khăn, hạn chế"),
        blank=True,
        help_text=_("Mỗi dòng một đoạn. Để trống: bản gợi ý từ số liệu (chữ mờ trong ô)."),
    )
    directions = models.TextField(
        _("phương hướng, nhiệm vụ năm sau"),
        blank=True,
        help_text=_("Mỗi dòng một đoạn. Để trống: bản gợi ý từ số liệu (chữ mờ trong ô)."),
    )

    history = HistoricalRecords(verbose_name=_("lịch sử thiết lập báo cáo"))
    document_year_error = "Báo cáo năm %(year)s ban hành trong năm %(year)s hoặc năm sau."

    class Meta:
        verbose_name = _("thiết lập văn bản báo cáo năm")
        verbose_name_plural = _("thiết lập văn bản báo cáo năm")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="report_settings_one_per_cluster_year",
                violation_error_message="Cụm đã có thiết lập báo cáo cho năm này.",
            ),
            models.UniqueConstraint(
                fields=["cluster", "year", "number", "symbol"],
                name="report_settings_number_unique",
                violation_error_message="Số và ký hiệu này đã dùng.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster.slug} {self.year}: {self.number_line}"

    @property
    def issuing_symbol(self) -> str:
        """The cluster's symbol of the year: the chair's, else the cluster's default."""
        return self.symbol or cluster_symbol(self.cluster)

    @property
    def number_line(self) -> str:
        number = f"{self.number:02d}" if self.number else "…"
        return f"Số: {number}/BC-{self.issuing_symbol}"


PLACEHOLDERS = ("{year}", "{cluster}")


class LegalBasis(models.Model):
    """One "Căn cứ …" (or "Thực hiện …") line the cluster's documents open with (the
    annual report, the submission letter, the agreement), in force between two dates: a
    document cites the lines in force on its date (the conference's, or 31 December). A
    line may belong to one cluster (its rules) and name the year and the cluster through
    {year} and {cluster} (the year's agreement). The admin keeps them; the initial ones
    come with migrations 0019, 0023 and 0025 (the alliance's own lines, which only its
    decisions cite: `alliance_only`)."""

    text = models.CharField(
        "nội dung",
        max_length=500,
        help_text="Cả dòng, ví dụ: Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 "
        "ngày 15 tháng 6 năm 2022; {year} và {cluster} được thay bằng năm và tên Cụm.",
    )
    cluster = models.ForeignKey(
        Cluster,
        verbose_name="cụm",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Để trống: dùng cho mọi Cụm.",
    )
    in_force_from = models.DateField("hiệu lực từ ngày", null=True, blank=True)
    in_force_until = models.DateField(
        "hiệu lực đến hết ngày", null=True, blank=True, help_text="Để trống: còn hiệu lực."
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    cited_by_agreement = models.BooleanField(
        "giao ước thi đua trích dẫn",
        default=True,
        help_text="Bỏ chọn với dòng nêu chính giao ước thi đua của năm.",
    )
    alliance_only = models.BooleanField(
        "chỉ văn bản của Liên minh HTX Việt Nam",
        default=False,
        help_text="Chọn với dòng chỉ quyết định khen thưởng của Liên minh HTX Việt Nam trích "
        "dẫn (Điều lệ, Quy chế thi đua của Liên minh); văn bản của Cụm không trích dẫn.",
    )
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)  # admin edits

    class Meta:
        verbose_name = "căn cứ pháp lý của báo cáo"
        verbose_name_plural = "căn cứ pháp lý của báo cáo"
        ordering = ["order", "in_force_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(in_force_from__isnull=True)
                | models.Q(in_force_until__isnull=True)
                | models.Q(in_force_until__gte=models.F("in_force_from")),
                name="legal_basis_until_after_from",
                violation_error_message="Ngày hết hiệu lực phải sau ngày có hiệu lực.",
            )
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        rest = self.text or ""
        for placeholder in PLACEHOLDERS:
            rest = rest.replace(placeholder, "")
        if "{" in rest or "}" in rest:
            raise ValidationError(
                {"text": "Chỉ dùng được {year} (năm) và {cluster} (tên Cụm) trong ngoặc nhọn."}
            )

    def text_for(self, *, year: int, cluster: Cluster | None = None) -> str:
        """The line with {year} and, when a cluster is given, {cluster} filled in."""
        text = self.text.replace("{year}", str(year))
        return text.replace("{cluster}", cluster.name) if cluster is not None else text
