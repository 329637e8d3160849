import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cluster_portal import access
from cluster_portal.converters import FIRST_YEAR

from .charts import board_charts
from .render import render_board_pdf, render_board_xlsx
from .selectors import board_filename, latest_board_year, national_board

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _check(request) -> None:
    """National staff and admins; everyone else (provincial staff, a chair) is refused."""
    if not access.can_view_national(request.user):
        raise PermissionDenied


@login_required
@require_safe
def board_latest(request):
    """The navigation's link: the latest year with approved figures."""
    _check(request)
    return redirect("national:board", latest_board_year())


@login_required
@require_safe
def board_page(request, year: int):
    _check(request)
    board = national_board(year)
    context = {
        "board": board,
        "charts": board_charts(board),
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < timezone.localdate().year else None,
    }
    return render(request, "national/board_page.html", context)


def _download(request, year: int, extension: str, make):
    _check(request)
    content = make(national_board(year))
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=board_filename(year, extension),
        content_type=CONTENT_TYPES[extension],
    )


@login_required
@require_safe
def board_pdf(request, year: int):
    return _download(request, year, "pdf", render_board_pdf)


@login_required
@require_safe
def board_xlsx(request, year: int):
    return _download(request, year, "xlsx", render_board_xlsx)
