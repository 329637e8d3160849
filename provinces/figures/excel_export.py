"""Yearly figures out to Excel (.xlsx) and CSV: the exports of a cluster-year, the template
to fill in, and `export_figures`. The columns are the import's (excel.py), so an exported
file comes back unchanged; text from users is written so a spreadsheet shows it and never
runs it (`safe_text`)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cluster_portal import access
from provinces.figures.models import YearlyFigures
from provinces.figures.selectors import readable_figures
from provinces.figures.spec import BY_CODE, CODES, excel_format
from provinces.organisation.models import Cluster, ClusterMembership, Province
from provinces.organisation.selectors import cluster_members, terms_of
from provinces.spreadsheets.writing import csv_value, safe_text

from .excel import COLUMN_LABELS, INFO_COLUMNS
from .excel_resource import FiguresResource

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


# Export ---------------------------------------------------------------------------------


@dataclass
class ExportRow:
    province: Province
    year: int
    record: YearlyFigures | None  # None: a blank row (template, no figures or not yours)


def export_rows(
    *,
    year: int,
    cluster: Cluster | None = None,
    template: bool = False,
    user: AbstractBaseUser | None = None,
) -> list[ExportRow]:
    """The rows of an export or a template.

    Export: the records of the year (of one cluster, or of every cluster), limited with
    `user` to those the user may view: all for the chair and admins, for staff their own
    province (any status) and the approved figures of the other members.
    Template: one row per member; values filled in where a record exists and the user may
    import that row (other rows stay blank, and blank rows are ignored on import).
    """
    memberships = ClusterMembership.objects.in_year(year).select_related("cluster", "province")
    if cluster is not None:
        memberships = memberships.filter(cluster=cluster)
    clusters = {m.province_id: m.cluster for m in memberships}
    members = (
        cluster_members(cluster, year)
        if cluster is not None
        else sorted((m.province for m in memberships), key=lambda p: p.sort_key)
    )
    terms = {cluster_id: t for (cluster_id, _), t in terms_of([year]).items()}
    records = {
        r.province_id: r
        for r in YearlyFigures.objects.filter(year=year).select_related("province")
        if cluster is None or r.province_id in clusters
    }
    if template:
        rows = [ExportRow(p, year, records.get(p.pk)) for p in members]
    else:
        by_id = {p.pk: p for p in members}
        provinces = [by_id.get(pid) or r.province for pid, r in records.items()]
        rows = [
            ExportRow(p, year, records[p.pk]) for p in sorted(provinces, key=lambda p: p.sort_key)
        ]
    if user is None:
        return rows
    if not template:  # the one read rule: readable_figures decides
        readable = readable_figures(user, records=[row.record for row in rows], year=year)
        return [row for row in rows if row.record.province_id in readable.records]
    visible = []
    for row in rows:
        row_cluster = clusters.get(row.province.pk)
        term = terms.get(row_cluster.pk) if row_cluster else None
        if row.record is not None and not access.can_import_figures_for(
            user, row.province, year, term
        ):
            row = ExportRow(row.province, year, None)
        visible.append(row)
    return visible


def _values(row: ExportRow, resource: FiguresResource) -> list:
    if row.record is None:
        return [row.province.code, row.year, *([None] * len(CODES))]
    return resource.export_resource(row.record)


def figures_workbook(
    *,
    year: int,
    cluster: Cluster | None = None,
    template: bool = False,
    user: AbstractBaseUser | None = None,
) -> bytes:
    """The figures of a year (or the template to fill in) as an .xlsx: row 1 the column
    codes, row 2 the Vietnamese labels with units, numbers as numeric cells."""
    rows = export_rows(year=year, cluster=cluster, template=template, user=user)
    resource = FiguresResource()
    headers = [*resource.get_export_headers(), *INFO_COLUMNS]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = f"{'Mẫu' if template else 'Số liệu'} {year}"
    sheet.append(headers)
    sheet.append([COLUMN_LABELS[h] for h in headers])
    for row in rows:
        status = row.record.get_status_display() if row.record else ""
        sheet.append(
            [
                *_values(row, resource),
                safe_text(row.province.name),
                safe_text(status),
            ]
        )
    header_font, label_font = Font(bold=True), Font(italic=True, color="444444")
    label_fill = PatternFill("solid", fgColor="F2F2F2")
    for cell in sheet[1]:
        cell.font = header_font
    for cell in sheet[2]:
        cell.font, cell.fill = label_font, label_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[2].height = 75
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        if header in BY_CODE:
            number_format = excel_format(header)  # the data dictionary's decimals
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = number_format
            width = 16
        else:
            width = {"province": 9, "year": 8, "province_name": 24, "status": 16}[header]
        sheet.column_dimensions[letter].width = width
    for cell in (c for row in sheet.iter_rows(min_row=3, max_col=1) for c in row):
        cell.number_format = "@"  # the code stays text: "04", not 4
    sheet.freeze_panes = "C3"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def figures_csv(
    *,
    year: int,
    cluster: Cluster | None = None,
    user: AbstractBaseUser | None = None,
    bom: bool = True,
) -> bytes:
    """The figures of a year as CSV (UTF-8; with a BOM by default so that Excel reads the
    accents): the column codes, then one row per record. Numbers are plain (dot decimal,
    no grouping) for programs; the import reads both this and the Vietnamese way."""
    rows = export_rows(year=year, cluster=cluster, user=user)
    resource = FiguresResource()
    output = io.StringIO(newline="")
    writer = csv.writer(output)
    writer.writerow([*resource.get_export_headers(), *INFO_COLUMNS])
    for row in rows:
        status = row.record.status if row.record else ""
        values = [*_values(row, resource), row.province.name, status]
        writer.writerow([csv_value(v) for v in values])
    return (output.getvalue()).encode("utf-8-sig" if bom else "utf-8")
