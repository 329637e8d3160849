"""Shared set-up for the award dossier tests: the 2023 Tây Bắc year as the demo seeds it
(figures, disbursements, conference, the article's nominations, achievement reports) and its
recorded scoring result."""

import datetime
import io
from decimal import Decimal
from unittest import mock

from docx import Document as open_docx
from docx.table import Table as DocxTable
from pypdf import PdfReader

from emulation.demo import emulation_year_2023_seed
from emulation.dossiers import selectors
from emulation.dossiers.demo import achievement_reports_demo_seed
from emulation.dossiers.scoring_result import MemberResult, ScoringResult, SummaryRow
from provinces.demo import demo_disbursements_seed, demo_figures_seed, demo_users_seed
from provinces.organisation.selectors import cluster_members
from tests.demo_data import PASSWORD, Snapshot

YEAR = 2023
# Agreed totals of the scoring meeting by province code; Phú Thọ first.
TOTALS = {"25": "96", "10": "91.5", "15": "90", "14": "88", "17": "85", "12": "84.5", "11": "80"}
VOTES = {"25": 7}


def recorded_scoring(cluster, year):
    """A recorded scoring meeting as `scoring_result` returns it."""
    members = cluster_members(cluster, year)
    ranked = sorted(TOTALS, key=lambda code: -Decimal(TOTALS[code]))
    result = ScoringResult(
        recorded=True,
        meeting_date=datetime.date(2023, 11, 30),
        present=7,
        notes="",
        place="",
        total_points=Decimal(100),
        signed_on=datetime.date(2022, 11, 25),
    )
    for member in members:
        result.members.append(
            MemberResult(
                province=member,
                total=Decimal(TOTALS[member.code]),
                rank=ranked.index(member.code) + 1,
                votes=VOTES.get(member.code, 0),
            )
        )
    points = [Decimal(TOTALS[m.code]) for m in members]
    result.rows = [
        SummaryRow("I", "Phát triển kinh tế tập thể", 0, True, Decimal(100), False, points),
        SummaryRow("1", "Thành lập mới HTX so với chỉ tiêu", 1, False, Decimal(100), False, points),
    ]
    return result


def patch_scoring(result=recorded_scoring):
    return mock.patch.object(selectors, "scoring_result", result)


def _seed_demo_year(password: str = PASSWORD) -> None:
    demo_users_seed(password=password)
    demo_figures_seed()
    demo_disbursements_seed()
    emulation_year_2023_seed()
    achievement_reports_demo_seed()


DEMO_YEAR = Snapshot("demo-year", _seed_demo_year, offset=2_000_000)


def seed_demo_year(password: str = PASSWORD) -> None:
    """The demo's users, figures, disbursements, 2023 conference and achievement reports (no
    scoring, no deadlines), copied from a snapshot built once per test process."""
    if password != PASSWORD:
        _seed_demo_year(password)
    else:
        DEMO_YEAR.restore()


def docx_text(content: bytes) -> str:
    """Every paragraph of a Word file in reading order, tables included, one per line."""
    lines: list[str] = []

    def walk(container):
        for item in container.iter_inner_content():
            if isinstance(item, DocxTable):
                for row in item.rows:
                    for cell in row.cells:
                        walk(cell)
            else:
                lines.append(item.text)

    walk(open_docx(io.BytesIO(content)))
    return "\n".join(lines)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
