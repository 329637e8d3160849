"""`python manage.py award_dossier --cluster SLUG --year Y -o FILE.zip`."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from emulation.models import AchievementReport
from tests.dossier_helpers import patch_scoring, seed_demo_year

# The dossier's PDFs rendered once per test process (tests/pdf_memo.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_memo")]


@pytest.fixture
def demo_year(db):
    seed_demo_year()


def test_it_writes_the_zip_of_a_complete_dossier(demo_year, tmp_path):
    target = tmp_path / "ho-so.zip"
    out = io.StringIO()
    with patch_scoring():
        call_command("award_dossier", cluster="tay-bac", year=2023, output=str(target), stdout=out)
    names = zipfile.ZipFile(target).namelist()
    assert "To-trinh-Cum-Tay-Bac-2023.docx" in names
    assert "Bao-cao-thanh-tich-Lien-minh-Hop-tac-xa-tinh-Phu-Tho-2023.pdf" in names
    assert len(names) == 26
    assert "Đã tạo hồ sơ khen thưởng" in out.getvalue()


def test_an_incomplete_dossier_fails_with_the_list_and_writes_nothing(demo_year, tmp_path):
    AchievementReport.objects.filter(nomination__nominee_alliance__code="25").delete()
    target = tmp_path / "ho-so.zip"
    with patch_scoring(), pytest.raises(CommandError) as refused:
        call_command("award_dossier", cluster="tay-bac", year=2023, output=str(target))
    message = str(refused.value)
    assert "Hồ sơ khen thưởng chưa đủ" in message
    assert "- Liên minh HTX tỉnh Phú Thọ: chưa có báo cáo thành tích." in message
    assert not target.exists()


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"cluster": "khong-co", "year": 2023}, "Không có cụm “khong-co”"),
        ({"cluster": "tay-bac", "year": 1999}, "Năm 1999 không hợp lệ"),
        ({"cluster": "tay-bac", "year": 2023, "output": "ho-so.docx"}, "đuôi .zip"),
        ({"cluster": "tay-bac", "year": 2023, "output": "/khong/co/ho-so.zip"}, "Không có thư mục"),
    ],
)
def test_bad_input_is_refused_readably(tmp_path, options, expected):
    options.setdefault("output", str(tmp_path / "x.zip"))
    with pytest.raises(CommandError, match=expected):
        call_command("award_dossier", **options)
