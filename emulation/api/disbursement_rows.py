"""The API's one way into the disbursement import: the upload pipeline's own row checks and
all-or-nothing save (provinces.disbursements.excel.disbursements_import_rows), fed with typed
rows instead of a file."""

from provinces.disbursements.excel import DisbursementImportReport, disbursements_import_rows


def api_disbursements_import(
    *, rows: list[dict], user, dry_run: bool, reason: str
) -> DisbursementImportReport:
    """Check every row (cells keyed by the import's column codes, values already typed),
    then save them all in one transaction, or nothing. `reason` names the change in the
    history of every disbursement and new directory entry (e.g. "API: <token name>")."""
    return disbursements_import_rows(
        rows=rows, source="API", user=user, dry_run=dry_run, change_reason=reason
    )
