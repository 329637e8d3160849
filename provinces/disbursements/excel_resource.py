"""The django-import-export resource of the disbursement register: one row adds one disbursement.

How the library's parts are used:
- widgets read the cells (fund, date dd/mm/yyyy or an Excel date, amount the Vietnamese
  way, term, purpose);
- the instance loader (`DisbursementsAreAdded`) never finds a disbursement: the register is a list
  of disbursements a file adds to, and nothing in a row names an existing disbursement (a row equal
  to a disbursement already in the register is flagged in the preview as a possible duplicate);
- `full_clean()` applies the model's rules (Disbursement.clean), with the cluster
  membership of the disbursement's year preloaded so that no row costs a query;
- the Result keeps each row's instance, which the preview shows (no diff: a row only
  adds a disbursement, so there is no original to compare with);
- `use_bulk`: the disbursements, and the borrowers new to the directory before them, are written
  with bulk_create and their history with django-simple-history's bulk helper (a dry
  run writes nothing: see BulkHistoryResource).

A province code means the unit valid ON THE DISBURSEMENT DATE (15 dated 01/03/2025 is Yên Bái,
dated 01/09/2025 the merged Lào Cai); the borrower is looked up by name in that unit's
directory and its predecessors', and added to it when new.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from import_export import fields, widgets
from import_export.instance_loaders import BaseInstanceLoader

from cluster_portal import access
from cluster_portal.number_style import format_exact
from provinces.disbursements.models import (
    BorrowerKind,
    Cooperative,
    Disbursement,
    Fund,
    directory_key,
)
from provinces.organisation.dates import fmt_date
from provinces.organisation.models import ClusterMembership, Province
from provinces.organisation.selectors import counts_as, terms_of
from provinces.spreadsheets import cells
from provinces.spreadsheets.bulk_history import create_with_history
from provinces.spreadsheets.pipeline import BulkHistoryResource

CHANGE_REASON = "Nhập sổ giải ngân từ tệp Excel/CSV"
_FUNDS = {
    **{directory_key(value): value for value in Fund.values},
    **{directory_key(label): value for value, label in Fund.choices},
}
_KINDS = {
    **{directory_key(value): value for value in BorrowerKind.values},
    **{directory_key(label): value for value, label in BorrowerKind.choices},
    directory_key("Hợp tác xã"): BorrowerKind.HTX,
    directory_key("Tổ hợp tác"): BorrowerKind.THT,
}
# Directory entry fields and the columns they come from.
BORROWER_COLUMNS = {"name": "borrower", "name_key": "borrower", "kind": "borrower_type"}


class FundWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = cells.text(value)
        if not text:
            raise ValueError(
                gettext("Chưa ghi quỹ: htx_dev (Quỹ hỗ trợ phát triển HTX) hoặc other.")
            )
        fund = _FUNDS.get(directory_key(text))
        if fund is None:
            raise ValueError(
                gettext(
                    "Quỹ “%(fund)s” không hợp lệ: ghi htx_dev (Quỹ hỗ trợ phát triển HTX) hoặc "
                    "other (Quỹ khác)."
                )
                % {"fund": text}
            )
        return fund


class DisbursementDateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if cells.is_blank(value):
            raise ValueError(gettext("Chưa nhập ngày giải ngân."))
        return cells.date(value)


class AmountWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if cells.is_blank(value):
            raise ValueError(gettext("Chưa nhập số tiền."))
        # 1.500 (text "1,500") is 1,5: kept with the model's two decimal places.
        return cells.number(value, integer=False).quantize(Decimal("0.01"))


class MonthsWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if cells.is_blank(value):
            return None
        months = cells.number(value, integer=True)
        if months < 0:
            raise ValueError(gettext("Thời hạn vay không được âm."))
        return months


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return cells.text(value)


class ResolvedWidget(widgets.Widget):
    """`province` and `borrower`: resolved by the resource in `before_import_row` (a code
    means a unit only on a date; a name means an entry only in a unit's directory)."""

    def __init__(self, model):
        super().__init__(coerce_to_string=False)
        self.model = model

    def clean(self, value, row=None, **kwargs):
        return value if isinstance(value, self.model) else None


class DisbursementsAreAdded(BaseInstanceLoader):
    def get_instance(self, row):
        return None


class _Units:
    """Every provincial unit, read once: codes resolve by date in memory."""

    def __init__(self):
        self.all = list(Province.objects.all())
        self.by_pk = {p.pk: p for p in self.all}
        self.by_code: dict[str, list[Province]] = defaultdict(list)
        self.predecessors: dict[int, list[int]] = defaultdict(list)
        for unit in self.all:
            unit.successor = self.by_pk.get(unit.successor_id)
            self.by_code[unit.code].append(unit)
            if unit.successor_id:
                self.predecessors[unit.successor_id].append(unit.pk)

    def on(self, code: str, day: datetime.date) -> Province | None:
        """As Province.objects.valid_on(day).filter(code=code), without a query per row."""
        return next((p for p in self.by_code.get(code, ()) if p.is_valid_on(day)), None)

    def with_code(self, code: str) -> list[Province]:
        return list(self.by_code.get(code, ()))

    def directory_of(self, province: Province) -> list[int]:
        """The directories a province's borrowers are looked up in: its own first, then
        its predecessors' (as `borrower_find_or_create`)."""
        return [province.pk, *self.predecessors.get(province.pk, ())]


@dataclass
class RowFacts:
    borrower_is_new: bool = False
    possible_duplicate: bool = False


def _dates(values) -> set[datetime.date]:
    found = set()
    for value in values:
        try:
            found.add(cells.date(value))
        except ValueError:
            continue
    return found


class DisbursementResource(BulkHistoryResource):
    change_reason = CHANGE_REASON

    province = fields.Field("province", "province", widget=ResolvedWidget(Province))
    fund = fields.Field("fund", "fund", widget=FundWidget())
    date = fields.Field("date", "date", widget=DisbursementDateWidget())
    borrower = fields.Field("borrower", "borrower", widget=ResolvedWidget(Cooperative))
    amount = fields.Field("amount", "amount", widget=AmountWidget())
    purpose = fields.Field("purpose", "purpose", widget=TextWidget())
    term_months = fields.Field("term_months", "term_months", widget=MonthsWidget())
    client_ref = fields.Field("client_ref", "client_ref", widget=TextWidget())

    class Meta:
        model = Disbursement
        fields = (
            "province",
            "fund",
            "date",
            "borrower",
            "amount",
            "purpose",
            "term_months",
            "client_ref",
        )
        import_id_fields = ()
        instance_loader_class = DisbursementsAreAdded
        clean_model_instances = True
        # A row only ever adds a disbursement: there is no original to compare it with, and the
        # preview shows the new disbursement itself (the Result's instance).
        skip_diff = True
        store_instance = True
        use_transactions = True
        use_bulk = True
        batch_size = None  # one bulk write per file (Django splits it by the database's limits)

    def __init__(self, *, row_numbers: list[int], **kwargs):
        super().__init__(**kwargs)
        self.row_numbers = row_numbers
        self.facts: dict[int, RowFacts] = {}
        self.errors: dict[str, str] = {}
        self.allowed: dict[tuple[int, int], bool] = {}

    # The file's context: a fixed number of queries ------------------------------------

    def before_import(self, dataset, **kwargs):
        self.units = _Units()
        days = _dates(dataset["date"])
        years = {day.year for day in days}
        self.members: dict[int, set[int]] = defaultdict(set)
        self.cluster_of: dict[tuple[int, int], int] = {}
        for m in ClusterMembership.objects.filter(from_year__lte=max(years, default=0)):
            for year in years:
                if m.from_year <= year and (m.to_year is None or year <= m.to_year):
                    self.members[year].add(m.province_id)
                    self.cluster_of[(m.province_id, year)] = m.cluster_id
        self.terms = terms_of(years) if self.user is not None else {}
        keys = {directory_key(cells.text(v)) for v in dataset["borrower"]}
        self.directory: dict[str, list[Cooperative]] = defaultdict(list)
        for cooperative in Cooperative.objects.filter(name_key__in=keys):
            cooperative.province = self.units.by_pk[cooperative.province_id]
            self.directory[cooperative.name_key].append(cooperative)
        refs = {cells.text(v) for v in dataset["client_ref"]} - {""}
        self.refs_taken = set(
            Disbursement.objects.filter(client_ref__in=refs).values_list("client_ref", flat=True)
        )
        self.refs_seen: dict[str, int] = {}
        known = [c.pk for entries in self.directory.values() for c in entries]
        self.existing = set(
            Disbursement.objects.filter(borrower__in=known, date__in=days).values_list(
                "province_id", "fund", "date", "borrower_id", "amount"
            )
        )

    # A row --------------------------------------------------------------------------------

    def before_import_row(self, row, **kwargs):
        number = self.row_numbers[kwargs["row_number"] - 1]
        self.errors, self.number = {}, number
        self.facts[number] = RowFacts()
        try:
            day = cells.date(row.get("date")) if not cells.is_blank(row.get("date")) else None
        except ValueError:
            day = None  # the date widget names the problem
        province = self._province(row.get("province"), day)
        kind = _KINDS.get(directory_key(cells.text(row.get("borrower_type"))))
        if kind is None:
            text = cells.text(row.get("borrower_type"))
            self.errors["borrower_type"] = (
                gettext(
                    "Loại hình “%(kind)s” không hợp lệ: ghi HTX (hợp tác xã) hoặc THT (tổ hợp tác)."
                )
                % {"kind": text}
                if text
                else gettext("Loại hình không hợp lệ: ghi HTX (hợp tác xã) hoặc THT (tổ hợp tác).")
            )
        name = self._name(row.get("borrower"))
        borrower = None
        if province is not None and name and kind:
            borrower = self._borrower(province, name, kind)
        row["province"], row["borrower"] = province, borrower
        self._client_ref(cells.text(row.get("client_ref")), number)

    def _client_ref(self, ref: str, number: int) -> None:
        """A sending system's reference names one disbursement: one already in the register
        or an earlier row's is refused (the API's batch updates those: disbursements/batch.py)."""
        if not ref:
            return
        limit = Disbursement._meta.get_field("client_ref").max_length
        if len(ref) > limit:
            self.errors["client_ref"] = gettext("Mã tham chiếu dài quá %(limit)s ký tự.") % {
                "limit": limit
            }
        elif ref in self.refs_taken:
            self.errors["client_ref"] = gettext(
                "Mã tham chiếu “%(ref)s” đã dùng cho một khoản giải ngân trong sổ."
            ) % {"ref": ref}
        elif ref in self.refs_seen:
            self.errors["client_ref"] = gettext(
                "Mã tham chiếu “%(ref)s” trùng với dòng %(row)s."
            ) % {"ref": ref, "row": self.refs_seen[ref]}
        else:
            self.refs_seen[ref] = number

    def _province(self, value: object, day: datetime.date | None) -> Province | None:
        text = cells.text(value)
        if not text:
            self.errors["province"] = gettext("Chưa nhập mã tỉnh.")
            return None
        code = cells.province_code(value)
        if code is None:
            self.errors["province"] = gettext(
                "Mã tỉnh “%(code)s” không hợp lệ: cần 2 chữ số 0–9, ví dụ 14 (Sơn La)."
            ) % {"code": text}
            return None
        if day is None:
            return None
        province = self.units.on(code, day)
        if province is None:
            known = ", ".join(str(p) for p in self.units.with_code(code))
            message = gettext(
                "Không có tỉnh nào mang mã %(code)s vào ngày %(date)s (mã tỉnh tính theo "
                "đơn vị có hiệu lực vào ngày giải ngân)."
            ) % {"code": code, "date": fmt_date(day)}
            if known:
                message += " " + gettext("Mã %(code)s là: %(known)s.") % {
                    "code": code,
                    "known": known,
                }
            self.errors["province"] = message
            return None
        if not self._may_import(province, day.year):
            self.errors["province"] = gettext(
                "Bạn không có quyền nhập khoản vay của %(province)s năm "
                "%(year)s: cán bộ tỉnh chỉ nhập sổ giải ngân của tỉnh mình; Cụm trưởng năm "
                "%(year)s và quản trị viên nhập được cho mọi thành viên."
            ) % {"province": province.alliance_name, "year": day.year}
            return None
        return province

    def _may_import(self, province: Province, year: int) -> bool:
        """A disbursement counts, for access, as the disbursement of the unit its province counts as
        that year (`counts_as`: the unit it had become at the end of the year): staff of the
        merged Lào Cai keep the disbursements Yên Bái made earlier that year. The decision itself
        lives in cluster_portal.access."""
        if self.user is None:  # the command line without --user
            return True
        key = (province.pk, year)
        if key not in self.allowed:
            unit = counts_as(province, year)
            cluster_id = self.cluster_of.get((unit.pk, year))
            term = self.terms.get((cluster_id, year))
            self.allowed[key] = access.can_import_disbursements_for(self.user, unit, year, term)
        return self.allowed[key]

    def _name(self, value: object) -> str:
        name = cells.text(value)
        limit = Cooperative._meta.get_field("name").max_length
        if not name:
            self.errors["borrower"] = gettext("Chưa nhập tên đơn vị vay.")
        elif len(name) > limit:
            self.errors["borrower"] = gettext(
                "Tên đơn vị vay dài %(length)s ký tự, quá giới hạn %(limit)s ký tự."
            ) % {"length": format_exact(len(name)), "limit": limit}
            return ""
        return name

    def directory_entry(self, province: Province, name: str) -> Cooperative | None:
        """The entry `name` means in the province's directory or its predecessors' (the
        nearest first), an entry an earlier row of the file added included; None if none."""
        directories = self.units.directory_of(province)
        found = [c for c in self.directory[directory_key(name)] if c.province_id in directories]
        return min(found, key=lambda c: directories.index(c.province_id), default=None)

    def _borrower(self, province: Province, name: str, kind: str) -> Cooperative | None:
        """The directory entry a row's borrower means: found in the province's directory or
        its predecessors' (an entry an earlier row of the file adds counts as found), or a
        new one, checked and written with the disbursements."""
        found = self.directory_entry(province, name)
        if found is not None:
            self.facts[self.number].borrower_is_new = found.pk is None
            return found
        key = directory_key(name)
        cooperative = Cooperative(province=province, name=name, kind=kind)
        try:
            # The directory of every name in the file was read above, so the one-name-per-
            # province rule needs no query here; the database still enforces it.
            cooperative.full_clean(
                exclude={"province"}, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                self.errors[BORROWER_COLUMNS.get(field_name, "borrower")] = " ".join(messages)
            return None
        self.directory[key].append(cooperative)
        self.facts[self.number].borrower_is_new = True
        return cooperative

    def import_instance(self, instance, row, **kwargs):
        errors = {column: [ValidationError(msg)] for column, msg in self.errors.items()}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.date is not None:
            instance.preloaded_members = self.members.get(instance.date.year, set())
        # Cells that could not be read are not checked again. The province and the
        # borrower were resolved from what was read above (the field check would query
        # each), and clean() still applies every rule about them. The check constraints
        # restate clean() (amount > 0, a known fund); the database enforces them on write.
        exclude = set(errors) | {"province", "borrower"}
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def after_import_row(self, row, row_result, **kwargs):
        disbursement = row_result.instance
        facts = self.facts[self.number]
        if (
            disbursement is not None
            and disbursement.borrower is not None
            and not facts.borrower_is_new
        ):
            key = (
                disbursement.province_id,
                disbursement.fund,
                disbursement.date,
                disbursement.borrower.pk,
                disbursement.amount,
            )
            facts.possible_duplicate = key in self.existing

    # Writing ----------------------------------------------------------------------------

    def before_bulk_create(self, instances: list) -> None:
        new, seen = [], set()
        for disbursement in instances:
            borrower = disbursement.borrower
            if borrower.pk is None and id(borrower) not in seen:
                seen.add(id(borrower))
                new.append(borrower)
        if new:
            create_with_history(new, Cooperative, user=self.user, change_reason=self.change_reason)
