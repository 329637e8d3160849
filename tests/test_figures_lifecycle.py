import pytest

from provinces.figures.services import (
    FiguresError,
    StaleFiguresError,
    figures_approve,
    figures_reopen,
    figures_return,
    figures_save,
    figures_submit,
)
from provinces.models import FiguresStatus, YearlyFigures
from provinces.organisation.selectors import province_for_code
from tests.factories import GOOD_VALUES, make_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_staff):
    return make_staff("Sơn La", 2024)


@pytest.fixture
def chair(make_staff):
    return make_staff("Lào Cai", 2024)


def reload(figures):
    return YearlyFigures.objects.get(pk=figures.pk)


def test_a_record_goes_draft_submitted_approved(staff, chair):
    figures = figures_save(
        figures=YearlyFigures(province=province_for_code("14", 2024), year=2024, **GOOD_VALUES),
        by=staff,
        seen_version=None,
    )
    assert (figures.status, figures.version) == (FiguresStatus.DRAFT, 1)
    figures = figures_submit(figures=figures, seen_version=figures.version, by=staff)
    assert figures.status == FiguresStatus.SUBMITTED and figures.submitted_by == staff
    figures = figures_approve(figures=figures, seen_version=figures.version, by=chair)
    assert reload(figures).status == FiguresStatus.APPROVED
    assert reload(figures).approved_by == chair


def test_every_change_is_kept_with_who_and_why(staff, chair):
    figures = make_figures("14", 2024)
    figures_submit(figures=figures, seen_version=figures.version, by=staff)
    figures_return(
        figures=figures, seen_version=figures.version, by=chair, reason="Thiếu số thành viên"
    )
    history = list(reload(figures).history.order_by("history_id"))
    assert [h.status for h in history] == ["draft", "submitted", "returned"]
    assert history[-1].history_user == chair
    assert history[-1].history_change_reason == "Trả lại: Thiếu số thành viên"


def test_returning_needs_a_reason_and_makes_it_editable(staff, chair):
    figures = make_figures("14", 2024, status=FiguresStatus.SUBMITTED)
    with pytest.raises(FiguresError, match="lý do"):
        figures_return(figures=figures, seen_version=figures.version, by=chair, reason="  ")
    figures_return(
        figures=figures, seen_version=figures.version, by=chair, reason="Kiểm tra lại doanh thu"
    )
    figures = reload(figures)
    assert figures.status == FiguresStatus.RETURNED and figures.is_editable
    assert figures.status_reason == "Kiểm tra lại doanh thu"


def test_approved_figures_are_locked(staff):
    figures = make_figures("14", 2024, status=FiguresStatus.APPROVED)
    figures.tv_reports = 99
    with pytest.raises(FiguresError, match="không thể sửa"):
        figures_save(figures=figures, by=staff, seen_version=figures.version)
    assert reload(figures).tv_reports == GOOD_VALUES["tv_reports"]


def test_reopening_needs_a_reason(admin_user):
    figures = make_figures("14", 2024, status=FiguresStatus.APPROVED)
    with pytest.raises(FiguresError, match="lý do"):
        figures_reopen(figures=figures, seen_version=figures.version, by=admin_user, reason="")
    figures_reopen(
        figures=figures, seen_version=figures.version, by=admin_user, reason="Sai số lao động"
    )
    assert reload(figures).status == FiguresStatus.RETURNED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (FiguresStatus.SUBMITTED, "submit"),
        (FiguresStatus.APPROVED, "submit"),
        (FiguresStatus.DRAFT, "approve"),
        (FiguresStatus.RETURNED, "approve"),
        (FiguresStatus.DRAFT, "return"),
        (FiguresStatus.SUBMITTED, "reopen"),
    ],
)
def test_transitions_out_of_order_are_refused(status, action, staff):
    figures = make_figures("14", 2024, status=status)
    run = {
        "submit": lambda: figures_submit(figures=figures, seen_version=figures.version, by=staff),
        "approve": lambda: figures_approve(figures=figures, seen_version=figures.version, by=staff),
        "return": lambda: figures_return(
            figures=figures, seen_version=figures.version, by=staff, reason="x"
        ),
        "reopen": lambda: figures_reopen(
            figures=figures, seen_version=figures.version, by=staff, reason="x"
        ),
    }[action]
    with pytest.raises(FiguresError):
        run()
    assert reload(figures).status == status


def test_warnings_need_an_explanation_before_submission(staff):
    figures = make_figures("14", 2024, htx_members=100)  # far below 5 per HTX
    with pytest.raises(FiguresError, match="giải trình"):
        figures_submit(figures=figures, seen_version=figures.version, by=staff, explanation="   ")
    assert reload(figures).status == FiguresStatus.DRAFT
    figures_submit(
        figures=figures,
        seen_version=figures.version,
        by=staff,
        explanation="Nhiều HTX giải thể trong năm.",
    )
    assert reload(figures).warnings_explanation == "Nhiều HTX giải thể trong năm."


def test_the_second_of_two_concurrent_saves_is_refused(staff, make_staff):
    colleague = make_staff("Sơn La", 2024, username="sonla-colleague")
    figures = make_figures("14", 2024)
    mine, theirs = reload(figures), reload(figures)
    theirs.tv_reports = 11
    figures_save(figures=theirs, by=colleague, seen_version=theirs.version)
    mine.tv_reports = 12
    with pytest.raises(StaleFiguresError, match="sau khi bạn mở biểu mẫu"):
        figures_save(figures=mine, by=staff, seen_version=1)
    assert reload(figures).tv_reports == 11
