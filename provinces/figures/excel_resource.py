"""The django-import-export resource of yearly figures: rows keyed by (province unit,
year), read by widgets, checked by `YearlyFigures.full_clean()` (figures_rules), loaded
from and written to the database a fixed number of queries per file.

How the library's parts are used:
- widgets read the cells (`FigureWidget`: counts and amounts the Vietnamese way);
- the instance loader (`PreloadedRecords`) finds a row's record among the records of the
  file's years, read once in `before_import` (like the library's CachedInstanceLoader,
  but keyed by the unit a code means in the row's year);
- the Result keeps each row's import type (new, update, skip), its instance and, for an
  existing record, the original: the preview lists the changed fields from them;
- `use_bulk`: new and changed records are written with bulk_create / bulk_update, their
  history with django-simple-history's bulk helpers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils.translation import gettext
from import_export import fields, widgets
from import_export.instance_loaders import BaseInstanceLoader

from cluster_portal import access
from provinces.figures.models import FiguresStatus, YearlyFigures
from provinces.figures.spec import BY_CODE, CODES, precision_problem
from provinces.organisation.models import Cluster, ClusterMembership, Province
from provinces.organisation.selectors import ProvinceYear, terms_of
from provinces.spreadsheets import cells
from provinces.spreadsheets.pipeline import BulkHistoryResource

ID_COLUMNS = ("province", "year")


def version_key(province_id: int, year: int) -> str:
    return f"{province_id}:{year}"


class FigureWidget(widgets.Widget):
    """An indicator cell: a count (a whole number) or an amount in million VND with no more
    decimals than its indicator allows (spec.precision_problem, as the web form), kept
    numeric on export."""

    def __init__(self, *, code: str):
        super().__init__(coerce_to_string=False)
        self.code = code

    def clean(self, value, row=None, **kwargs):
        money = BY_CODE[self.code].money
        problem = money and precision_problem(self.code, cells.decimal_of(value))
        if problem:
            raise ValueError(problem)
        return cells.number(value, integer=not money)

    def render(self, value, obj=None, **kwargs):
        return value


class UnitWidget(widgets.Widget):
    """The `province` column. A code means a unit only together with the row's year, so
    the resource resolves it in `before_import_row` and puts the unit in the row."""

    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        return value if isinstance(value, Province) else None

    def render(self, value, obj=None, **kwargs):
        return value.code if value else None


class YearWidget(widgets.Widget):
    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        return value if isinstance(value, int) else None

    def render(self, value, obj=None, **kwargs):
        return value


class PreloadedRecords(BaseInstanceLoader):
    """A row's record, from the records of the file's years read in `before_import`."""

    def get_instance(self, row):
        province, year = row.get("province"), row.get("year")
        if not isinstance(province, Province):
            return None
        return self.resource.context.records.get((province.pk, year))


@dataclass
class _Context:
    """Everything the rows of one file refer to, read in a fixed number of queries."""

    units: dict[tuple[str, int], Province]
    cluster_of: dict[tuple[int, int], Cluster]
    member_ids: dict[tuple[int, int], set[int]]
    terms: dict[tuple[int, int], object]
    records: dict[tuple[int, int], YearlyFigures]

    @classmethod
    def load(cls, years: set[int], *, lock: bool) -> _Context:
        if not years:
            return cls({}, {}, {}, {}, {})
        provinces = list(Province.objects.all())
        units = {(p.code, year): p for year in years for p in provinces if p.is_valid_in(year)}
        memberships = ClusterMembership.objects.select_related("cluster").filter(
            Q(to_year__isnull=True) | Q(to_year__gte=min(years)), from_year__lte=max(years)
        )
        cluster_of, member_ids = {}, defaultdict(set)
        for m in memberships:
            for year in years:
                if m.from_year <= year and (m.to_year is None or year <= m.to_year):
                    cluster_of[(m.province_id, year)] = m.cluster
                    member_ids[(m.cluster_id, year)].add(m.province_id)
        records_qs = YearlyFigures.objects.filter(year__in=years)
        if lock:
            records_qs = records_qs.select_for_update()
        by_pk = {p.pk: p for p in provinces}
        records = {}
        for record in records_qs:
            record.province = by_pk[record.province_id]
            records[(record.province_id, record.year)] = record
        return cls(units, cluster_of, dict(member_ids), terms_of(years), records)


@dataclass
class _RowState:
    number: int
    province: Province | None = None
    year: int | None = None
    errors: dict[str, str] = field(default_factory=dict)
    cluster: Cluster | None = None
    term: object | None = None
    member_ids: set[int] = field(default_factory=set)
    record: YearlyFigures | None = None
    unreadable: bool = False  # some cells could not be read as numbers


class FiguresResource(BulkHistoryResource):
    """YearlyFigures rows keyed by (province unit, year).

    `user` None means the command line without --user: no access checks. With `cluster`
    and `year` (the web page of a cluster-year) every row must belong to that cluster and
    year. `expected_versions` (from the preview) refuses records changed since then.
    """

    province = fields.Field(attribute="province", column_name="province", widget=UnitWidget())
    year = fields.Field(attribute="year", column_name="year", widget=YearWidget())

    class Meta:
        model = YearlyFigures
        fields = (*ID_COLUMNS, *CODES)
        import_order = (*ID_COLUMNS, *CODES)
        export_order = (*ID_COLUMNS, *CODES)
        import_id_fields = ID_COLUMNS
        instance_loader_class = PreloadedRecords
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True  # the page shows the changed fields, not an HTML diff
        store_instance = True
        use_transactions = True
        use_bulk = True
        batch_size = None  # one bulk write per file (Django splits it by the database's limits)

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        if field_name in BY_CODE:
            return fields.Field(
                attribute=field_name,
                column_name=field_name,
                widget=FigureWidget(code=field_name),
            )
        return super().field_from_django_field(field_name, django_field, readonly)

    def __init__(
        self,
        *,
        cluster: Cluster | None = None,
        year: int | None = None,
        row_numbers: list[int] | None = None,
        expected_versions: dict[str, int | None] | None = None,
        lock_records: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.cluster, self.only_year = cluster, year
        self.row_numbers = row_numbers or []
        self.expected_versions = expected_versions
        self.lock_records = lock_records
        self.context: _Context | None = None
        self.seen: dict[tuple[int, int], int] = {}
        self.state: _RowState | None = None
        self.changed: set[str] = set()

    def get_bulk_update_fields(self):
        # Only the columns some row changes: Django's bulk_update writes a CASE per field
        # and object, so 1,000 records x 19 indicators would take seconds on its own.
        return [code for code in CODES if code in self.changed] + ["version"]

    # Rows -------------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        years = {y for y in (cells.year(v) for v in dataset["year"]) if y is not None}
        self.context = _Context.load(years, lock=self.lock_records)

    def before_import_row(self, row, **kwargs):
        number = self.row_numbers[kwargs["row_number"] - 1]
        self.state = state = _RowState(number=number)
        self._identify(state, row)
        row["province"], row["year"] = state.province, state.year

    def _identify(self, state: _RowState, row: dict) -> None:
        context = self.context
        raw_year, raw_code = row.get("year"), row.get("province")
        year = cells.year(raw_year)
        if year is None:
            state.errors["year"] = (
                gettext("Chưa nhập năm.")
                if raw_year is None
                else gettext("Năm “%(year)s” không hợp lệ: cần 4 chữ số 0–9, ví dụ 2024.")
                % {"year": cells.shown(raw_year)}
            )
        elif self.only_year is not None and year != self.only_year:
            state.errors["year"] = gettext(
                "Trang này nhập số liệu năm %(only)s, dòng này ghi năm %(year)s."
            ) % {"only": self.only_year, "year": year}
        code = cells.province_code(raw_code)
        if code is None:
            state.errors["province"] = (
                gettext("Chưa nhập mã tỉnh.")
                if raw_code is None
                else gettext("Mã tỉnh “%(code)s” không hợp lệ: cần 2 chữ số 0–9, ví dụ 25.")
                % {"code": cells.shown(raw_code)}
            )
        if state.errors:
            return
        province = context.units.get((code, year))
        if province is None:
            state.errors["province"] = gettext(
                "Không có tỉnh nào mang mã %(code)s vào ngày 31/12/%(year)s (mã tỉnh tính theo "
                "đơn vị có hiệu lực ngày 31/12 của năm số liệu)."
            ) % {"code": code, "year": year}
            return
        key = (province.pk, year)
        cluster = context.cluster_of.get(key)
        if cluster is None:
            state.errors["province"] = gettext(
                "%(province)s (mã %(code)s) không thuộc cụm thi đua nào năm %(year)s: "
                "không nhập được số liệu."
            ) % {"province": province.name, "code": code, "year": year}
            return
        if self.cluster is not None and cluster.pk != self.cluster.pk:
            state.errors["province"] = gettext(
                "%(province)s (mã %(code)s) không phải thành viên %(cluster)s năm %(year)s."
            ) % {
                "province": province.name,
                "code": code,
                "cluster": self.cluster.name,
                "year": year,
            }
            return
        if key in self.seen:
            state.errors["province"] = gettext(
                "%(province)s năm %(year)s đã có ở dòng %(row)s: mỗi tỉnh chỉ một dòng cho mỗi năm."
            ) % {"province": province.name, "year": year, "row": self.seen[key]}
            return
        self.seen[key] = state.number
        state.province, state.year, state.cluster = province, year, cluster
        state.term = context.terms.get((cluster.pk, year))
        state.member_ids = context.member_ids.get((cluster.pk, year), set())
        state.record = context.records.get(key)

    def init_instance(self, row=None):
        return YearlyFigures(province=self.state.province, year=self.state.year)

    def after_init_instance(self, instance, new, row, **kwargs):
        state = self.state
        if self.expected_versions is None or state.province is None:
            return
        key = version_key(state.province.pk, state.year)
        version = None if new else instance.version
        # A row the preview did not see (no version held for it) is refused like a stale one.
        if key not in self.expected_versions or self.expected_versions[key] != version:
            state.errors[NON_FIELD_ERRORS] = gettext(
                "Số liệu năm %(year)s của %(province)s đã được thay đổi sau khi "
                "bạn xem trước: hãy tải tệp lên lại để xem trước bản mới nhất."
            ) % {"year": state.year, "province": state.province.name}

    def import_instance(self, instance, row, **kwargs):
        errors = {column: [ValidationError(msg)] for column, msg in self.state.errors.items()}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            self.state.unreadable = True
            blank = [c for c, e in exc.error_dict.items() if e[0].message == cells.BLANK_CELL]
            if len(blank) > 3:  # one line for a half-filled row, not one per cell
                errors[NON_FIELD_ERRORS] = [
                    ValidationError(
                        gettext("Còn %(count)s ô trống (%(cells)s): hãy nhập số, 0 nếu không có.")
                        % {"count": len(blank), "cells": ", ".join(blank)}
                    )
                ]
                exc = ValidationError(
                    {code: e for code, e in exc.error_dict.items() if code not in blank}
                )
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if instance.pk is None:  # a new record is never "unchanged", even if all zero
            return False
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        # An unchanged row needs no right to write, only to read: an exported file comes
        # back unchanged. Rows the user may not even see are refused like any other.
        return self._may_view(self.state)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        state = self.state
        errors = dict(import_validation_errors or {})
        if state.province is not None:
            if not self._may_import(state):
                raise ValidationError({"province": self._forbidden(state)})
            if state.record is not None and not state.record.is_editable:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    ValidationError(
                        gettext(
                            "Số liệu năm %(year)s của %(province)s đang ở trạng thái "
                            "“%(status)s”: chỉ sửa được bản nháp hoặc bản bị trả lại."
                        )
                        % {
                            "year": state.year,
                            "province": state.province.name,
                            "status": state.record.get_status_display(),
                        }
                    )
                )
        # Cells that could not be read leave their old value in the instance: checking the
        # rules against it would report errors the user did not make.
        if not state.unreadable:
            exclude = set(errors)
            if state.province is None:
                exclude |= set(ID_COLUMNS)
            # The province and any existing record were read with the file's context (locked
            # for a real import), and duplicate rows are refused above, so neither the
            # province's existence nor one-record-per-province-year needs a query per row.
            # The check constraints restate figures_rules, which clean() applies here, and
            # Django would validate each with a query of its own. The database still
            # enforces every constraint on the bulk write, where a violation (say, a record
            # created concurrently) rolls the whole file back.
            try:
                instance.full_clean(
                    exclude=exclude | {"province"},
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            instance.status, instance.version = FiguresStatus.DRAFT, 1
        else:
            instance.version += 1

    def after_import_row(self, row, row_result, **kwargs):
        original, instance = row_result.original, row_result.instance
        if row_result.import_type == "update":
            self.changed |= {c for c in CODES if getattr(original, c) != getattr(instance, c)}

    # Access -----------------------------------------------------------------------------

    def _may_import(self, state: _RowState) -> bool:
        if self.user is None:
            return True
        return access.can_import_figures_for(self.user, state.province, state.year, state.term)

    def _may_view(self, state: _RowState) -> bool:
        if self.user is None:
            return True
        py = ProvinceYear(
            province=state.province,
            year=state.year,
            cluster=state.cluster,
            term=state.term,
            member_ids=state.member_ids,
            figures=state.record,
        )
        return access.can_view_figures(self.user, py)

    def _forbidden(self, state: _RowState) -> str:
        return gettext(
            "Bạn không có quyền nhập số liệu của %(province)s: cán bộ tỉnh "
            "chỉ nhập số liệu của tỉnh mình; Cụm trưởng năm %(year)s và quản trị viên "
            "nhập được cho mọi thành viên."
        ) % {"province": state.province.alliance_name, "year": state.year}
