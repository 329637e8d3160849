"""The award-history register in Excel (.xlsx) or CSV, through the one upload pipeline
(provinces.spreadsheets.pipeline): read, check every row, preview, confirm, all or
nothing (a single bad row and nothing is saved; every error named with its row).

A file is one province's (the page's): each row adds one award of its alliance, or of a
cooperative when the `cooperative` column names one of its directory.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from provinces.disbursements.models import Cooperative
from provinces.organisation.models import Province
from provinces.spreadsheets import cells
from provinces.spreadsheets.pipeline import Importer, UploadReport, run_import
from provinces.spreadsheets.reading import Layout

from .models import AwardRecord

AWARDS_IMPORT_MAX_ROWS = 1_000  # a province's whole history, many times over
COLUMNS = ("year", "award", "decision_number", "decision_date", "issuer")
OPTIONAL_COLUMNS = ("cooperative",)
COLUMN_LABELS = {
    "cooperative": gettext_noop("HTX/THT"),
    "year": gettext_noop("Năm thành tích"),
    "award": gettext_noop("Hình thức khen thưởng"),
    "decision_number": gettext_noop("Số quyết định"),
    "decision_date": gettext_noop("Ngày quyết định"),
    "issuer": gettext_noop("Cơ quan ban hành"),
}
COLUMN_HELP = {
    "cooperative": gettext_noop(
        "tên trong danh bạ HTX, THT của tỉnh; để trống: Liên minh HTX tỉnh"
    ),
    "year": gettext_noop("năm của thành tích được khen, ví dụ 2022"),
    "award": gettext_noop("ví dụ Bằng khen của Chủ tịch Liên minh HTX Việt Nam"),
    "decision_number": gettext_noop("ví dụ 123/QĐ-LMHTXVN"),
    "decision_date": gettext_noop("dd/mm/yyyy hoặc ô ngày của Excel"),
    "issuer": gettext_noop("ví dụ Liên minh HTX Việt Nam"),
}


class _Text(widgets.Widget):
    def __init__(self, label: str):
        super().__init__(coerce_to_string=False)
        self.label = label

    def clean(self, value, row=None, **kwargs):
        text = cells.text(value)
        if not text:
            raise ValueError(gettext("Chưa ghi %(what)s.") % {"what": gettext(self.label).lower()})
        return text


class _Year(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return cells.number(value, integer=True)


class _Date(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return cells.date(value)


class _Cooperative(widgets.Widget):
    """A name of the province's directory (case, accents and spacing aside); blank: the
    alliance itself."""

    def __init__(self, province: Province):
        super().__init__(coerce_to_string=False)
        self.province = province

    def clean(self, value, row=None, **kwargs):
        name = cells.text(value)
        if not name:
            return None
        found = Cooperative.objects.filter(province=self.province).matching(name).first()
        if found is None:
            raise ValueError(
                gettext("Không có HTX/THT “%(name)s” trong danh bạ của tỉnh %(province)s.")
                % {"name": name, "province": self.province.name}
            )
        return found


class _RowsAreAdded(BaseInstanceLoader):
    def get_instance(self, row):
        return None


class AwardRecordResource(resources.ModelResource):
    def __init__(self, *, province: Province, user, **kwargs):
        super().__init__(**kwargs)
        self.province, self.user = province, user
        self.fields["cooperative"] = fields.Field(
            attribute="cooperative", column_name="cooperative", widget=_Cooperative(province)
        )
        self.fields["year"] = fields.Field(attribute="year", column_name="year", widget=_Year())
        for name in ("award", "decision_number", "issuer"):
            self.fields[name] = fields.Field(
                attribute=name, column_name=name, widget=_Text(COLUMN_LABELS[name])
            )
        self.fields["decision_date"] = fields.Field(
            attribute="decision_date", column_name="decision_date", widget=_Date()
        )

    class Meta:
        model = AwardRecord
        fields = ("cooperative", "year", "award", "decision_number", "decision_date", "issuer")
        import_id_fields = ()
        instance_loader_class = _RowsAreAdded
        clean_model_instances = True
        skip_diff = True
        store_instance = True
        use_transactions = True

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.cooperative_id is None:
            instance.alliance = self.province

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user
        instance._change_reason = "Nhập sổ theo dõi khen thưởng từ tệp Excel/CSV"


@dataclass
class AwardImportReport(UploadReport):
    def summary(self) -> str:
        if self.dry_run:
            text = gettext("Chạy thử, chưa lưu gì: %(count)s khen thưởng vào sổ theo dõi.")
        else:
            text = gettext("Đã nhập %(count)s khen thưởng vào sổ theo dõi.")
        return text % {"count": len(self.rows)}


class AwardRecordImporter(Importer):
    layout = Layout(columns=COLUMNS, optional=OPTIONAL_COLUMNS, max_rows=AWARDS_IMPORT_MAX_ROWS)
    column_labels = COLUMN_LABELS
    report_class = AwardImportReport

    def sort_row(self, number: int, cells_: dict[str, object]) -> str:
        return "skip" if all(cells.is_blank(v) for v in cells_.values()) else "data"

    def resource(self, *, user, row_numbers, dry_run, province: Province, **options):
        return AwardRecordResource(province=province, user=user)

    def preview(self, report, result, resource, rows) -> None:
        for row_result in result.rows:
            report.rows.append(row_result.instance)


def awards_import(
    *, data, filename: str, user, dry_run: bool, province: Province
) -> AwardImportReport:
    """Check (and unless `dry_run`, add) the register rows of a file for `province`. Whether
    `user` may is the caller's decision (`access_awards.can_edit_award_register`)."""
    return run_import(
        AwardRecordImporter(),
        data=data,
        filename=filename,
        user=user,
        dry_run=dry_run,
        province=province,
    )
