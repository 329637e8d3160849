"""`manage.py news_post`: the post written to -o, and a clear message with a failing exit
code (1, or argparse's 2 for an option it refuses) rather than a traceback for a cluster
that does not exist, a year without a conference or out of range, a file that cannot be
written and a format it does not know."""

import io

import docx
import pytest
from django.core.management import ManagementUtility

pytestmark = pytest.mark.django_db


def run(capsys, *args: str, command="news_post") -> tuple[int, str, str]:
    """The command as the shell runs it: its exit code, what it printed and its errors."""
    try:
        ManagementUtility(["manage.py", command, *args]).execute()
        code = 0
    except SystemExit as exit:
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err


def options(output: str, cluster="tay-bac", year="2023", format="docx") -> list[str]:
    return ["--cluster", cluster, "--year", year, "--format", format, "-o", output]


def test_it_writes_the_post(demo_data, capsys, tmp_path):
    target = tmp_path / "tin.docx"
    code, out, err = run(capsys, *options(str(target)))
    assert code == 0 and err == ""
    assert "bản nháp từ số liệu đã duyệt" in out and str(target) in out
    title = docx.Document(io.BytesIO(target.read_bytes())).paragraphs[0].text
    assert title.startswith("LIÊN MINH HTX 7\u00a0TỈNH TÂY BẮC")


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"cluster": "tay-nam"}, 1, "Không có cụm “tay-nam”. Các cụm: "),
        ({"year": "2024"}, 1, "Cụm thi đua Liên minh HTX các tỉnh Tây Bắc chưa có biên bản"),
        ({"year": "99999"}, 1, "Năm 99999 không hợp lệ (từ 2000 đến 2100)."),
        ({"year": "hai"}, 2, "argument --year: “hai” không phải là số"),
        ({"format": "pdf"}, 2, "argument --format: invalid choice: 'pdf'"),
    ],
)
def test_it_explains_what_is_wrong(demo_data, capsys, tmp_path, change, code, message):
    target = tmp_path / "tin.docx"
    answer = run(capsys, *options(str(target), **change))
    assert answer[0] == code and message in answer[2]
    assert "Traceback" not in answer[2] and not target.exists()


@pytest.mark.parametrize("where", ["a folder", "no folder", "under a file"])
def test_it_explains_a_file_it_cannot_write(demo_data, capsys, tmp_path, where):
    (tmp_path / "a-file").write_text("x")
    output, message = {
        "a folder": (tmp_path, f"Không ghi được tệp {tmp_path}: Is a directory."),
        "no folder": (tmp_path / "missing" / "tin.html", f"{tmp_path / 'missing'} không tồn"),
        "under a file": (tmp_path / "a-file" / "tin.html", f"{tmp_path / 'a-file'} là một tệp"),
    }[where]
    code, out, err = run(capsys, *options(str(output), format="html"))
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.startswith("CommandError: ") and message in err


@pytest.mark.parametrize(
    "command",
    [
        ("cluster_report", "--cluster", "tay-bac", "--year", "2023", "--format", "xlsx"),
        ("national_board", "--year", "2023", "--format", "xlsx"),
        ("scoring_sheet", "--cluster", "tay-bac", "--year", "2023", "--format", "xlsx"),
    ],
)
def test_every_command_that_writes_a_file_explains_one_it_cannot_write(
    demo_data, capsys, tmp_path, command
):
    """The commands share the -o rules (emulation/management/arguments.py)."""
    code, out, err = run(capsys, *command[1:], "-o", str(tmp_path), command=command[0])
    assert code == 1 and "Traceback" not in err
    assert f"CommandError: Không ghi được tệp {tmp_path}: Is a directory." in err
