from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <code:>, <pk:>

from . import excel_views, views

app_name = "figures"

urlpatterns = [
    path("figures/<year:year>/", views.year_redirect, name="year-redirect"),
    path("figures/<year:year>/<code:code>/", views.figures_detail, name="detail"),
    path("figures/<year:year>/<code:code>/edit/", views.figures_edit, name="edit"),
    path("figures/<year:year>/<code:code>/submit/", views.figures_submit_view, name="submit"),
    path("figures/<year:year>/<code:code>/return/", views.figures_return_view, name="return"),
    path("figures/<year:year>/<code:code>/approve/", views.figures_approve_view, name="approve"),
    path("figures/<year:year>/<code:code>/reopen/", views.figures_reopen_view, name="reopen"),
    path("clusters/<slug:cluster>/<year:year>/figures/", views.cluster_year, name="cluster-year"),
    path(
        "clusters/<slug:cluster>/<year:year>/figures/template.xlsx",
        excel_views.figures_template,
        name="template",
    ),
    path(
        "clusters/<slug:cluster>/<year:year>/figures/export.<str:fmt>",
        excel_views.figures_export_view,
        name="export",
    ),
    path(
        "clusters/<slug:cluster>/<year:year>/figures/import/",
        excel_views.figures_import_view,
        name="import",
    ),
]
