from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from cluster_portal import access
from provinces.organisation.models import Cluster, ClusterTerm
from provinces.organisation.selectors import cluster_members

from .forms import RotateForm, YearPickForm
from .selectors import rotation_defaults
from .services import RotationError, cluster_head_rotate


@login_required
def terms(request, cluster: str):
    """Heads and vice-heads of a cluster year by year, with every change kept."""
    cluster_obj = get_object_or_404(Cluster, slug=cluster)
    term_list = list(
        ClusterTerm.objects.with_alliances().filter(cluster=cluster_obj).order_by("-year")
    )
    changes = (
        ClusterTerm.history.filter(cluster_id=cluster_obj.pk)
        .select_related("head", "vice", "history_user")
        .order_by("-history_date")
    )
    return render(
        request,
        "rotation/terms.html",
        {
            "cluster": cluster_obj,
            "terms": term_list,
            "changes": changes,
            "can_rotate": access.can_rotate_cluster_head(request.user),
            "next_year": (term_list[0].year + 1) if term_list else timezone.localdate().year,
        },
    )


def _web_refusal(exc: RotationError, form: RotateForm) -> str:
    """The refusal in the page's words: the input of this form that lets it through (the
    command names its options instead)."""
    if exc.remedy == "head":
        hint = _("Chọn tỉnh trong ô “%(label)s”.") % {"label": form.fields["head"].label}
    elif exc.remedy == "replace":
        hint = _("Đánh dấu ô “%(label)s” để thay.") % {"label": form.fields["replace"].label}
    else:
        return str(exc)
    return f"{exc} {hint}"


@login_required
def rotate(request, cluster: str):
    if not access.can_rotate_cluster_head(request.user):
        raise PermissionDenied
    cluster_obj = get_object_or_404(Cluster, slug=cluster)
    latest = ClusterTerm.objects.filter(cluster=cluster_obj).order_by("-year").first()
    # Query-string (and posted) years go through a form: "abc" or 10000 is a form error.
    pick = YearPickForm(request.POST if request.method == "POST" else request.GET)
    picked = pick.cleaned_data.get("to_year") if pick.is_valid() else None
    to_year = picked or (latest.year + 1 if latest else timezone.localdate().year)
    members = cluster_members(cluster_obj, to_year)
    existing = ClusterTerm.objects.filter(cluster=cluster_obj, year=to_year).first()
    form = RotateForm(
        request.POST if request.method == "POST" else None,
        initial={"to_year": to_year, "seen_version": existing.version if existing else 0},
        members=members,
    )
    defaults = rotation_defaults(cluster=cluster_obj, to_year=to_year, members=members)
    form.fields["head"].empty_label = defaults.head_label
    form.fields["vice"].empty_label = defaults.vice_label
    if request.method == "POST" and defaults.blocked:
        form.is_valid()
        form.add_error(None, defaults.blocked)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            term = cluster_head_rotate(
                cluster=cluster_obj,
                to_year=data["to_year"],
                head=data["head"],
                vice=data["vice"],
                replace=data["replace"],
                by=request.user,
                # The page sends 0 when it showed no term for that year.
                seen_version=data["seen_version"],
            )
        except RotationError as exc:
            form.add_error(None, _web_refusal(exc, form))
        else:
            messages.success(
                request,
                gettext(
                    "Đã trao cờ luân lưu năm %(year)s: cụm trưởng %(head)s, cụm phó %(vice)s. "
                    "Quyền cụm trưởng chuyển ngay."
                )
                % {
                    "year": term.year,
                    "head": term.head.alliance_name,
                    "vice": term.vice.alliance_name,
                },
            )
            return redirect("rotation:terms", cluster_obj.slug)
    return render(
        request,
        "rotation/rotate.html",
        {
            "cluster": cluster_obj,
            "form": form,
            "members": members,
            "to_year": to_year,
            "latest": latest,
            "defaults": defaults,
            "pick": pick,
        },
        status=400 if pick.errors or (request.method == "POST" and form.errors) else 200,
    )
