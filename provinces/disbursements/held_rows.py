"""The confirmation of a previewed upload from the rows its preview cleaned.

The preview (a dry run through `DisbursementResource`) has read every cell, applied the
model's rules and resolved each row's unit and borrower. The web page holds those rows as
plain values with the table (`cleaned_rows`, one JSON list a row), and the confirmation
(`confirm_cleaned`) does not run django-import-export's row machinery again (for 10,000
disbursements about half of the confirmation): it checks again, for the whole file at
once, only what can have changed since the preview — the units and the cluster
memberships of the years, the person's right to import each unit-year, the directory
(a borrower added meanwhile is used, as the full check would), and disbursements added
meanwhile that a row now repeats (refused: the preview did not show them) — and then writes
plain instances with their history (`bulk_history`). Anything that no longer matches
what the preview saw (a unit, a membership, a right, a borrower gone or renamed) sends the
confirmation back to the full check of the held table (None), which names each row's
problem; all or nothing either way.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

import tablib
from django.db import transaction

from cluster_portal.collector import collector_paused
from provinces.organisation.selectors import counts_as
from provinces.spreadsheets.bulk_history import create_with_history
from provinces.spreadsheets.pipeline import CHANGED_MEANWHILE, _saving_error
from provinces.spreadsheets.reading import RowError

from .excel import DisbursementImporter, DisbursementImportReport, ImportRow
from .excel_resource import DisbursementResource
from .models import Cooperative, Disbursement, Fund, directory_key

logger = logging.getLogger(__name__)


def cleaned_rows(report: DisbursementImportReport) -> list[list]:
    """A clean preview's rows as plain values: row number, unit id, fund, date, the
    borrower (its id when in the directory, its cleaned name and kind), amount, purpose,
    term, whether the preview showed it as a possible duplicate, and the sending system's
    reference (client_ref)."""
    return [
        [
            row.row,
            row.province.pk,
            row.fund,
            row.date.isoformat(),
            None if row.borrower_is_new else row.borrower.pk,
            row.borrower.name,
            row.borrower.kind,
            str(row.amount),
            row.purpose,
            row.term_months,
            row.possible_duplicate,
            row.client_ref,
        ]
        for row in report.rows
    ]


@collector_paused()
def confirm_cleaned(*, cleaned: list, filename: str, user) -> DisbursementImportReport | None:
    """Import the rows a preview cleaned, all or nothing; None when they cannot be
    confirmed without checking every row again (the caller then runs the full check)."""
    try:
        rows = [_row(values) for values in cleaned]
    except (ValueError, TypeError, ArithmeticError):
        logger.warning("held cleaned rows could not be read back", exc_info=True)
        return None
    if not rows:
        return None
    resource = DisbursementResource(user=user, row_numbers=[row[0] for row in rows])
    dataset = tablib.Dataset(headers=["date", "borrower", "client_ref"])
    for row in rows:
        dataset.append([row[3], row[5], row[11]])
    resource.before_import(dataset)  # units, memberships, terms, directory, registered keys
    units = resource.units
    report = DisbursementImportReport(filename=filename, dry_run=False)
    disbursements, conflicts = [], []
    for (
        number,
        unit_id,
        fund,
        day,
        borrower_id,
        name,
        kind,
        amount,
        purpose,
        term,
        seen,
        ref,
    ) in rows:
        if ref and ref in resource.refs_taken:
            return None  # the reference was used meanwhile: the full check refuses the row
        province = units.by_pk.get(unit_id)
        if province is None or not province.is_valid_on(day):
            return None
        year = day.year
        if not {province.pk, counts_as(province, year).pk} & resource.members.get(year, set()):
            return None  # no longer in a cluster that year (Disbursement.clean's rule)
        if not resource._may_import(province, year):
            return None
        borrower, is_new = _borrower(resource, province, name, kind)
        if borrower_id is not None and borrower.pk != borrower_id:
            return None  # the directory entry the preview found is gone or renamed
        if not is_new:
            key = (province.pk, fund, day, borrower.pk, amount)
            if key in resource.existing and not seen:
                conflicts.append(number)
        disbursements.append(
            Disbursement(
                province=province,
                fund=fund,
                date=day,
                borrower=borrower,
                amount=amount,
                purpose=purpose,
                term_months=term,
                client_ref=ref,
            )
        )
        report.rows.append(
            ImportRow(
                number, province, fund, day, borrower, is_new, amount, purpose, term, seen, ref
            )
        )
    importer = DisbursementImporter()
    if conflicts:
        report.rows = []
        report.errors = [importer.error(number, "", CHANGED_MEANWHILE) for number in conflicts]
        return report
    try:
        with transaction.atomic():
            resource.before_bulk_create(disbursements)  # the new directory entries
            create_with_history(
                disbursements, Disbursement, user=user, change_reason=resource.change_reason
            )
    except Exception as exc:  # as the full check reports a failed write: the whole file
        report.rows = []
        report.errors = [RowError(None, "", _saving_error(exc, whole_file=True))]
        return report
    report.saved = True
    return report


def _row(values: list) -> tuple:
    if len(values) == 11:  # held before the rows carried their reference
        values = [*values, ""]
    number, unit_id, fund, day, borrower_id, name, kind, amount, purpose, term, seen, ref = values
    if fund not in Fund.values or not isinstance(name, str) or not isinstance(kind, str):
        raise ValueError("not a cleaned row")
    return (
        int(number),
        int(unit_id),
        fund,
        datetime.date.fromisoformat(day),
        None if borrower_id is None else int(borrower_id),
        name,
        kind,
        Decimal(amount),
        str(purpose),
        None if term is None else int(term),
        bool(seen),
        str(ref or ""),
    )


def _borrower(resource: DisbursementResource, province, name: str, kind: str):
    """The directory entry a row means (`DisbursementResource.directory_entry`: an
    entry added by an earlier row of the file counts as new), or a new one; the name and
    kind were checked by the preview."""
    found = resource.directory_entry(province, name)
    if found is not None:
        return found, found.pk is None
    key = directory_key(name)
    cooperative = Cooperative(province=province, name=name, name_key=key, kind=kind)
    resource.directory[key].append(cooperative)
    return cooperative, True
