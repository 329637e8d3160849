"""The conference news post: read by whoever reads the cluster-year, edited by whoever
edits the conference record (the chair of the year and admins: `can_edit_conference`),
exported as HTML for the alliance's website and as Word."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from cluster_portal import access
from cluster_portal.locking import form_saved
from provinces.organisation.lookups import cluster_year_for

from .docx import render_post_docx
from .forms import NewsPostForm
from .models import NewsPost
from .selectors import news_post, post_filename
from .services import news_post_save

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _post(request, cluster: str, year: int):
    """404 outside the cluster-year (the read rule of the cluster's pages)."""
    cluster_obj, members, term = cluster_year_for(request, cluster, year)
    return news_post(cluster=cluster_obj, year=year, members=members), term


@login_required
@require_safe
def post_page(request, cluster: str, year: int):
    post, term = _post(request, cluster, year)
    saved = post.saved
    return render(
        request,
        "news/post.html",
        {
            "post": post,
            "cluster": post.report.cluster,
            "year": year,
            "can_edit": access.can_edit_conference(request.user, term),
            "history": saved.history.select_related("history_user")[:10] if saved else [],
        },
    )


@login_required
def post_edit(request, cluster: str, year: int):
    post, term = _post(request, cluster, year)
    if not access.can_edit_conference(request.user, term):
        raise PermissionDenied
    if not post.has_text:
        messages.error(request, gettext("Hãy ghi biên bản hội nghị trước khi soạn bài tin."))
        return redirect("conference:detail", post.report.cluster.slug, year)
    instance = post.saved or NewsPost(cluster=post.report.cluster, year=year)
    redraft = request.GET.get("soan-lai") == "1"
    initial, captions = NewsPostForm.initial_from(post.draft if redraft else post)
    form = NewsPostForm(request.POST or None, instance=instance, initial=initial, captions=captions)
    status = form_saved(request, form, partial(news_post_save, post=form.instance))
    if status is None:
        messages.success(request, gettext("Đã lưu bài tin hội nghị."))
        return redirect("news:page", post.report.cluster.slug, year)
    return render(
        request,
        "news/post_edit.html",
        {"post": post, "form": form, "cluster": post.report.cluster, "year": year},
        status=status,
    )


def _download(request, cluster: str, year: int, extension: str, content_type: str, make):
    post, _ = _post(request, cluster, year)
    if not post.has_text:
        raise Http404(gettext("Chưa có biên bản hội nghị của năm này."))
    response = HttpResponse(make(post), content_type=content_type)
    name = post_filename(post.report.cluster.slug, year, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_safe
def post_html(request, cluster: str, year: int):
    """The post as one HTML article for the alliance's website: plain elements, no style
    or script of the portal, the site's own style applies."""
    return _download(
        request,
        cluster,
        year,
        "html",
        "text/html; charset=utf-8",
        lambda post: render_to_string("news/post_export.html", {"post": post}).encode(),
    )


@login_required
@require_safe
def post_docx(request, cluster: str, year: int):
    return _download(request, cluster, year, "docx", DOCX, render_post_docx)
