"""A criteria file with no criteria (the header alone, or the header and blank rows) is
refused on the setup page and by the command, and the draft agreement keeps its criteria
(issue 22: it used to replace them with nothing)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from emulation.scoring.criteria_io import parse_criteria_rows
from emulation.scoring.services import ScoringError, criteria_replace
from tests.scoring_helpers import HEADER, YEAR, data_for, signed_agreement
from tests.versions import shown_version

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scoring_states")]
SETUP = reverse("scoring:setup", args=["tay-bac", YEAR])
REFUSAL = "Tệp chỉ có dòng tên cột, không có tiêu chí nào: bảng tiêu chí giữ nguyên."


def header_only_xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def criteria_state():
    data = data_for()
    return data.agreement.version, [(c.number, c.title, c.kind) for c in data.criteria]


@pytest.mark.parametrize(
    "name, content",
    [
        ("tieu-chi.csv", (",".join(HEADER) + "\n").encode()),
        ("tieu-chi.csv", (",".join(HEADER) + "\n,,,\n\n").encode()),
        ("tieu-chi.xlsx", header_only_xlsx()),
    ],
    ids=["csv-header", "csv-header-blank-rows", "xlsx-header"],
)
def test_the_page_refuses_a_file_without_criteria_and_keeps_the_draft(
    client, make_staff, name, content
):
    signed_agreement(sign=False)
    before = criteria_state()
    assert len(before[1]) == 9
    client.force_login(make_staff("Phú Thọ", YEAR))  # the 2023 chair
    response = client.post(
        SETUP,
        {"action": "import", "version": before[0], "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    errors = response.text.split('data-testid="import-errors"')[1].split("</div>")[0]
    assert REFUSAL in errors
    assert criteria_state() == before


def test_the_command_refuses_a_file_without_criteria(tmp_path):
    signed_agreement(sign=False)
    before = criteria_state()
    path = tmp_path / "tieu-chi.csv"
    path.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 dòng lỗi: không nhập dòng nào"):
        call_command("import_criteria", str(path), cluster="tay-bac", year=YEAR, stderr=err)
    assert f"Dòng 1: {REFUSAL}" in err.getvalue()
    assert criteria_state() == before


def test_the_service_refuses_an_empty_parse_whoever_calls_it():
    agreement = signed_agreement(sign=False)
    before = criteria_state()
    empty = parse_criteria_rows([HEADER])
    empty.errors.clear()  # a caller that skipped the parse's verdict
    with pytest.raises(ScoringError, match="không có tiêu chí nào"):
        criteria_replace(
            agreement=agreement,
            parsed=empty,
            members=data_for().members,
            by=None,
            seen_version=shown_version(agreement),
        )
    assert criteria_state() == before
