"""A batch of disbursements from another system (the API's bulk loans), matched by the
sending system's reference (`client_ref`): a row whose reference is new adds a
disbursement, one whose reference is in the register updates that disbursement (or leaves
it as it is when nothing differs), so a batch sent again creates nothing. All or nothing:
every row is checked with the Excel import's checks first, and one refused row saves
nothing. The summary follows DHIS2's import summary (created, updated, unchanged, refused
with each refused row's reasons)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from cluster_portal.locking import StaleRecordError
from provinces.disbursements.excel import (
    DisbursementImportReport,
    ImportRow,
    disbursements_import_rows,
)
from provinces.disbursements.models import Disbursement
from provinces.disbursements.services import disbursement_record
from provinces.spreadsheets.reading import RowError


class BatchConflict(Exception):
    """The batch met a write made meanwhile (a stale disbursement, a reference taken by a
    batch sent at the same moment): nothing was saved; sending it again is safe."""


@dataclass
class BatchRow:
    row: int
    ref: str
    action: str  # created | updated | unchanged
    disbursement: Disbursement | None = None


@dataclass
class DisbursementBatch:
    checked: DisbursementImportReport
    dry_run: bool
    outcomes: list[BatchRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    saved: bool = False

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def refused_rows(self) -> dict[int | None, list[RowError]]:
        refused: dict[int | None, list[RowError]] = {}
        for error in self.errors:
            refused.setdefault(error.row, []).append(error)
        return refused


def _same(row: ImportRow, stored: Disbursement) -> bool:
    return (
        row.province.pk == stored.province_id
        and row.fund == stored.fund
        and row.date == stored.date
        and row.borrower.pk == stored.borrower_id
        and row.amount == stored.amount
        and row.purpose == stored.purpose
        and row.term_months == stored.term_months
    )


def _refs_checked(rows: list[dict]) -> tuple[dict[str, Disbursement], list[RowError]]:
    refs = [str(row.get("client_ref") or "").strip() for row in rows]
    stored = {
        d.client_ref: d
        for d in Disbursement.objects.filter(client_ref__in=set(refs) - {""}).select_related(
            "province", "province__successor", "borrower"
        )
    }
    errors, first = [], {}
    for number, ref in enumerate(refs, start=1):
        # A new reference repeated is the import's own check (excel_resource._client_ref).
        if ref in stored and ref in first:
            message = gettext("Mã tham chiếu “%(ref)s” trùng với dòng %(row)s.") % {
                "ref": ref,
                "row": first[ref],
            }
            errors.append(RowError(number, "client_ref", message))
        first.setdefault(ref, number)
    return stored, errors


def disbursements_batch(
    *,
    rows: list[dict],
    user,
    dry_run: bool,
    reason: str,
    may_edit: Callable[[Disbursement], bool],
) -> DisbursementBatch:
    """Check, match and (unless `dry_run`) save `rows` (cells keyed by the import's column
    codes, `client_ref` among them). `may_edit(disbursement)`: whether the user may change
    a stored disbursement a row names (its register's rule, asked by the caller). Raises
    BatchConflict when a concurrent write gets in the way (nothing saved)."""
    stored, errors = _refs_checked(rows)
    for number, row in enumerate(rows, start=1):
        found = stored.get(str(row.get("client_ref") or "").strip())
        if found is not None and not may_edit(found):
            message = gettext(
                "Mã tham chiếu “%(ref)s” là của một khoản giải ngân bạn không có quyền sửa."
            ) % {"ref": found.client_ref}
            errors.append(RowError(number, "client_ref", message))
    # A stored reference is not a new one: the import's own check would refuse it.
    to_check = [
        {**row, "client_ref": ""} if str(row.get("client_ref") or "").strip() in stored else row
        for row in rows
    ]
    checked = disbursements_import_rows(
        rows=to_check, source="API", user=user, dry_run=True, change_reason=reason
    )
    batch = DisbursementBatch(checked=checked, dry_run=dry_run)
    batch.errors = sorted([*errors, *checked.errors], key=lambda e: (e.row or 0, e.column))
    if batch.errors:
        return batch
    for number, (row, cells) in enumerate(zip(checked.rows, rows, strict=True), start=1):
        ref = str(cells.get("client_ref") or "").strip()
        found = stored.get(ref)
        if found is None:
            batch.outcomes.append(BatchRow(number, ref, "created"))
        else:
            action = "unchanged" if _same(row, found) else "updated"
            batch.outcomes.append(BatchRow(number, ref, action, found))
    if dry_run:
        return batch
    try:
        with transaction.atomic():
            _save(batch, rows, user=user, reason=reason)
    except Exception as exc:
        if _is_conflict(exc):
            raise BatchConflict(str(exc)) from exc
        raise
    batch.saved = True
    return batch


class _ImportRefused(Exception):
    pass


def _is_conflict(exc: Exception) -> bool:
    return isinstance(exc, IntegrityError | StaleRecordError | _ImportRefused)


def _save(batch: DisbursementBatch, rows: list[dict], *, user, reason: str) -> None:
    created = [o for o in batch.outcomes if o.action == "created"]
    if created:
        report = disbursements_import_rows(
            rows=[rows[o.row - 1] for o in created],
            source="API",
            user=user,
            dry_run=False,
            change_reason=reason,
        )
        if report.errors:  # a reference taken meanwhile by a batch sent at the same time
            raise _ImportRefused(report.errors[0].message)
        for outcome, row in zip(created, report.rows, strict=True):
            outcome.disbursement = row.instance
    for outcome in batch.outcomes:
        if outcome.action != "updated":
            continue
        row: ImportRow = batch.checked.rows[outcome.row - 1]
        disbursement = outcome.disbursement
        seen = disbursement.version
        disbursement.province = row.province
        disbursement.fund = row.fund
        disbursement.date = row.date
        disbursement.amount = row.amount
        disbursement.purpose = row.purpose
        disbursement.term_months = row.term_months
        disbursement._change_reason = reason
        disbursement_record(
            disbursement=disbursement,
            borrower_name=row.borrower.name,
            borrower_kind=row.borrower.kind,
            by=user,
            seen_version=seen,
        )
