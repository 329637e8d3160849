"""Do two revisions of the portal produce the same documents from the demo data?

    .venv/bin/python bench/compare_outputs.py --base 4a33811 [--head WORKTREE]

For each revision (the base as a temporary git worktree, the head as the working tree):
a fresh SQLite database, `migrate`, `seed_demo`, then the annual report of every
cluster-year of 2023–2025 as PDF (its text, via pypdf) and Excel (every cell), and
`export_figures` for 2023–2025 (every cell). Prints each document that differs and exits
non-zero when any does. A refactoring must leave every document the same.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REPORTS = [("tay-bac", 2023), ("tay-bac", 2024), ("mien-nui-phia-bac-1", 2025)]
YEARS = (2023, 2024, 2025)


def _run(tree: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=tree, env=env, capture_output=True, text=True
    )


def _workbook_cells(path: Path) -> list:
    book = load_workbook(path)
    return [
        (sheet.title, [[cell.value for cell in row] for row in sheet.iter_rows()])
        for sheet in book.worksheets
    ]


def documents(tree: Path) -> dict[str, object]:
    """Every document of the demo data, as comparable text or cell values."""
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{work / 'portal.sqlite3'}",
            "VAR_DIR": str(work / "var"),
        }
        for step in (("migrate", "--noinput"), ("seed_demo",)):
            result = _run(tree, env, *step)
            if result.returncode:
                raise SystemExit(f"{tree}: {' '.join(step)} failed:\n{result.stderr}")
        for slug, year in REPORTS:
            for fmt in ("pdf", "xlsx"):
                target = work / f"{slug}-{year}.{fmt}"
                result = _run(
                    tree, env, "cluster_report", "--cluster", slug, "--year", str(year),
                    "--format", fmt, "-o", str(target),
                )  # fmt: skip
                key = f"report {slug} {year} {fmt}"
                if result.returncode:
                    out[key] = f"refused: {result.stderr.strip()}"
                elif fmt == "pdf":
                    out[key] = [page.extract_text() for page in PdfReader(target).pages]
                else:
                    out[key] = _workbook_cells(target)
        for year in YEARS:
            target = work / f"figures-{year}.xlsx"
            result = _run(tree, env, "export_figures", "--year", str(year), "-o", str(target))
            key = f"export_figures {year}"
            out[key] = _workbook_cells(target) if not result.returncode else result.stderr
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--base", required=True, help="git revision to compare with")
    parser.add_argument("--head", default=str(ROOT), help="tree to compare (default: this one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as base_dir:
        base = Path(base_dir) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), args.base], cwd=ROOT, check=True
        )
        try:
            before = documents(base)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT)
    after = documents(Path(args.head))
    differing = [key for key in before if before[key] != after.get(key)]
    for key in before:
        print(f"{'DIFFERS' if key in differing else 'same   '}  {key}")
    print(f"{len(before) - len(differing)} of {len(before)} documents identical")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
