"""The award-history register in Excel (.xlsx) or CSV, through the one upload pipeline
(provinces.spreadsheets.pipeline): read, check every row, preview, confirm, all or
nothing (a single bad row and nothing is saved; every error named with its row).

A file is one province's (the page's): each row adds one award of its alliance, of a
cooperative when the `cooperative` column names one of its directory, or of another unit,
an individual or a household the province has proposed (the `kind` column: "đơn vị khác",
"cá nhân", "hộ gia đình"), found by what identifies them in emulation.nominees: the other
unit's full name, the person's full name and date of birth, the household's head and
address. As on the register's page, a row never creates a person, a household or another
unit: one the province has not recorded refuses the row (and so the file).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from provinces.disbursements.models import Cooperative
from provinces.organisation.models import Province, fold_accents
from provinces.spreadsheets import cells
from provinces.spreadsheets.pipeline import Importer, UploadReport, run_import
from provinces.spreadsheets.reading import Layout

from .models import AwardRecord
from .selectors import province_household, province_other_unit, province_person

AWARDS_IMPORT_MAX_ROWS = 1_000  # a province's whole history, many times over
COLUMNS = ("year", "award", "decision_number", "decision_date", "issuer")
OPTIONAL_COLUMNS = ("cooperative", "kind", "full_name", "date_of_birth", "address")
COLUMN_LABELS = {
    "cooperative": gettext_noop("HTX/THT"),
    "kind": gettext_noop("Loại đối tượng"),
    "full_name": gettext_noop("Họ và tên"),
    "date_of_birth": gettext_noop("Ngày sinh"),
    "address": gettext_noop("Địa chỉ của hộ"),
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
    "kind": gettext_noop(
        "“đơn vị khác”, “cá nhân” hoặc “hộ gia đình”; để trống: Liên minh HTX tỉnh hoặc HTX/THT "
        "ở cột cooperative"
    ),
    "full_name": gettext_noop(
        "đơn vị khác: tên đầy đủ; cá nhân: họ và tên đầy đủ; hộ gia đình: họ và tên chủ hộ; như "
        "tỉnh đã ghi khi đề nghị"
    ),
    "date_of_birth": gettext_noop("ngày sinh của cá nhân, dd/mm/yyyy"),
    "address": gettext_noop("địa chỉ của hộ gia đình, như tỉnh đã ghi khi đề nghị"),
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


# The `kind` column's words (accents, case and spacing aside) and the register's kinds.
KIND_WORDS = {
    "": "",
    "lien minh": "",
    "htx": "",
    "tht": "",
    "ca nhan": "person",
    "person": "person",
    "ho gia dinh": "household",
    "household": "household",
    "don vi khac": "other_unit",
    "other_unit": "other_unit",
}


def kind_of(row) -> str | None:
    """ "" (the alliance or a cooperative), "other_unit", "person" or "household"; None for
    a word the column does not know."""
    return KIND_WORDS.get(" ".join(fold_accents(cells.text(row.get("kind"))).split()))


class _Kind(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if kind_of(row) is None:
            raise ValueError(
                gettext(
                    "Loại đối tượng “%(value)s” không rõ: ghi “đơn vị khác”, “cá nhân”, “hộ gia "
                    "đình” hoặc để trống (Liên minh HTX tỉnh, HTX/THT)."
                )
                % {"value": cells.text(value)}
            )
        return None


class _BirthDate(widgets.Widget):
    """A person's date of birth (what identifies them with the full name); empty for the
    other kinds."""

    def clean(self, value, row=None, **kwargs):
        if kind_of(row) != "person":
            return None
        if cells.is_blank(value):
            raise ValueError(gettext("Chưa ghi ngày sinh của cá nhân."))
        return cells.date(value)


class _Address(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if kind_of(row) == "household" and cells.is_blank(value):
            raise ValueError(gettext("Chưa ghi địa chỉ của hộ gia đình."))
        return None


class _Named(widgets.Widget):
    """The other unit, the person or the household a row names, among those the province
    has recorded (("person", Person)…); None for the alliance or a cooperative, and when the
    kind, the date of birth or the address is wrong (their columns say so)."""

    def __init__(self, province: Province):
        super().__init__(coerce_to_string=False)
        self.province = province

    def clean(self, value, row=None, **kwargs):
        kind, name = kind_of(row), cells.text(value)
        if not kind:
            if name:
                raise ValueError(
                    gettext(
                        "Cột họ và tên chỉ dành cho đơn vị khác, cá nhân, hộ gia đình: ghi loại "
                        "đối tượng, hoặc ghi HTX/THT ở cột cooperative."
                    )
                )
            return None
        if not cells.is_blank(row.get("cooperative")):
            raise ValueError(
                gettext(
                    "Dòng ghi cả HTX/THT và đơn vị khác, cá nhân, hộ gia đình: chỉ ghi một đơn vị."
                )
            )
        if not name:
            raise ValueError(gettext("Chưa ghi tên đơn vị khác, họ và tên cá nhân hoặc chủ hộ."))
        if kind == "other_unit":
            found = province_other_unit(self.province, name)
            missing = gettext(
                "Tỉnh %(province)s chưa có đơn vị khác “%(name)s”: ghi đơn vị khi đề nghị khen "
                "thưởng, rồi nhập khen thưởng của đơn vị."
            ) % {"province": self.province.name, "name": name}
        elif kind == "person":
            try:
                born = cells.date(row.get("date_of_birth"))
            except ValueError:
                return None  # the date's column names the problem
            found = province_person(self.province, name, born)
            missing = gettext(
                "Tỉnh %(province)s chưa có cá nhân “%(name)s” sinh ngày %(date)s: ghi cá nhân "
                "khi đề nghị khen thưởng, rồi nhập khen thưởng của họ."
            ) % {"province": self.province.name, "name": name, "date": f"{born:%d/%m/%Y}"}
        else:
            address = cells.text(row.get("address"))
            if not address:
                return None
            found = province_household(self.province, name, address)
            missing = gettext(
                "Tỉnh %(province)s chưa có hộ gia đình chủ hộ “%(name)s” ở “%(address)s”: ghi hộ "
                "khi đề nghị khen thưởng, rồi nhập khen thưởng của hộ."
            ) % {"province": self.province.name, "name": name, "address": address}
        if found is None:
            raise ValueError(missing)
        return (kind, found)


class _Checked(fields.Field):
    """A column that is only checked (its value is read by `_Named`)."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        self.clean(row, **kwargs)


class _NamedUnit(fields.Field):
    def save(self, instance, row, is_m2m=False, **kwargs):
        named = self.clean(row, **kwargs)
        if named is not None:
            kind, unit = named
            setattr(instance, kind, unit)


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
        self.fields["kind"] = _Checked(attribute="kind", column_name="kind", widget=_Kind())
        self.fields["date_of_birth"] = _Checked(
            attribute="date_of_birth", column_name="date_of_birth", widget=_BirthDate()
        )
        self.fields["address"] = _Checked(
            attribute="address", column_name="address", widget=_Address()
        )
        self.fields["named"] = _NamedUnit(
            attribute="named", column_name="full_name", widget=_Named(province)
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
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            # The alliance when no other unit is named; also on a refused row, so that the
            # model's "exactly one unit" check does not repeat what the columns said.
            named = (instance.cooperative_id, instance.other_unit_id, instance.person_id)
            if not any(named) and not instance.household_id:
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
    field_columns = {"named": "full_name"}
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
