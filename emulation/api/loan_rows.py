"""The API's one way into the loan import: the upload pipeline's own row checks and
all-or-nothing save (provinces.register.excel.disbursements_import_rows), fed with typed
rows instead of a file."""

from provinces.register.excel import DisbursementImportReport, disbursements_import_rows


def loans_import(*, rows: list[dict], user, dry_run: bool, reason: str) -> DisbursementImportReport:
    """Check every row (cells keyed by the import's column codes, values already typed),
    then save them all in one transaction, or nothing. `reason` names the change in the
    history of every loan and new directory entry (e.g. "API: <token name>")."""
    return disbursements_import_rows(
        rows=rows, source="API", user=user, dry_run=dry_run, change_reason=reason
    )
