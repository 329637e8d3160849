"""The API's one way into the loan import (provinces/disbursement_io.py): the same row
checks and the same all-or-nothing save as the Excel/CSV upload, fed with typed rows
instead of a file.

MERGE NOTE for the lead: the loan import is being rewritten (provinces/register/excel.py
+ provinces/spreadsheets/). Only `loans_import` below calls into it: re-point its two
calls (`_check_rows`, `_save_rows`) at the new row checker and saver, keep the contract
(rows numbered from 1, a report with rows, errors, saved).
"""

import contextlib

from django.db import IntegrityError, transaction

from provinces import disbursement_io
from provinces.disbursement_io import DisbursementImportReport, RowError
from provinces.models import Cooperative, Disbursement


def loans_import(*, rows: list[dict], user, dry_run: bool, reason: str) -> DisbursementImportReport:
    """Check every row (cells keyed by the import's column codes, values already typed),
    then save them all in one transaction, or nothing. `reason` names the change in the
    history of every loan and new directory entry (e.g. "API: <token name>")."""
    report = DisbursementImportReport(filename="API", dry_run=dry_run)
    numbered = list(enumerate(rows, start=1))
    writing = contextlib.nullcontext() if dry_run else transaction.atomic()
    try:
        with writing:
            report.rows = disbursement_io._check_rows(
                user=user, rows=numbered, errors=report.errors
            )
            if not dry_run and not report.errors:
                disbursement_io._save_rows(user=user, rows=report.rows, errors=report.errors)
                if report.errors:
                    transaction.set_rollback(True)
                else:
                    _name_the_change(report, reason)
    except IntegrityError:
        report.errors.append(
            RowError(
                None,
                "",
                "Sổ giải ngân hoặc danh bạ vừa được người khác thay đổi trong lúc nhập: "
                "không có gì được lưu, hãy gửi lại.",
            )
        )
    report.saved = not dry_run and report.ok
    return report


def _name_the_change(report: DisbursementImportReport, reason: str) -> None:
    """The file import's saver names its own change; the API's name replaces it (two
    queries, whatever the number of rows)."""
    loans = [row.loan.pk for row in report.rows if row.loan is not None]
    Disbursement.history.filter(id__in=loans, history_type="+").update(history_change_reason=reason)
    borrowers = [b.pk for b in report.new_borrowers]
    if borrowers:
        Cooperative.history.filter(id__in=borrowers, history_type="+").update(
            history_change_reason=reason
        )
