from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from cluster_portal import access
from cluster_portal.locking import StaleRecordError
from provinces.organisation.lookups import cluster_year_for

from .forms import DeadlinesForm
from .selectors import deadlines_or_defaults
from .services import deadlines_save


@login_required
def deadlines(request, cluster: str, year: int):
    """A cluster-year's deadlines: every member reads them; the chair and admins set them."""
    cluster_obj, _members, term = cluster_year_for(request, cluster, year)
    can_edit = access.can_edit_deadlines(request.user, term)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    record, is_default = deadlines_or_defaults(cluster_obj, year)
    form = DeadlinesForm(request.POST or None, instance=record) if can_edit else None
    status = 200
    if form is not None and request.method == "POST":
        if form.is_valid():
            try:
                saved = deadlines_save(
                    deadlines=form.instance,
                    by=request.user,
                    seen_version=form.cleaned_data["seen_version"],
                )
            except StaleRecordError as exc:
                # The page shows what is saved now: the editor compares and saves again.
                form.data = form.data.copy()
                form.data["seen_version"] = exc.current_version or 0
                form.add_error(None, str(exc))
                status = 409
            else:
                if record.pk and saved.version == form.cleaned_data["seen_version"]:
                    messages.info(request, gettext("Không có thay đổi nào để lưu."))
                else:
                    messages.success(
                        request, gettext("Đã lưu lịch hạn nộp năm %(year)s.") % {"year": year}
                    )
                return redirect("calendar:deadlines", cluster_obj.slug, year)
        else:
            status = 400
    history = []
    if record.pk:
        history = record.history.select_related("history_user").order_by("-history_id")[:20]
    return render(
        request,
        "calendar/deadlines.html",
        {
            "cluster": cluster_obj,
            "year": year,
            "term": term,
            "deadlines": record,
            "is_default": is_default,
            "form": form,
            "history": history,
        },
        status=status,
    )
