from django.urls import path

from . import views
from .figures import excel_views

app_name = "figures"

urlpatterns = [
    path("figures/<int:year>/", views.year_redirect, name="year-redirect"),
    path("figures/<int:year>/<str:code>/", views.figures_detail, name="detail"),
    path("figures/<int:year>/<str:code>/edit/", views.figures_edit, name="edit"),
    path("figures/<int:year>/<str:code>/submit/", views.figures_submit_view, name="submit"),
    path("figures/<int:year>/<str:code>/return/", views.figures_return_view, name="return"),
    path("figures/<int:year>/<str:code>/approve/", views.figures_approve_view, name="approve"),
    path("figures/<int:year>/<str:code>/reopen/", views.figures_reopen_view, name="reopen"),
    path("clusters/<slug:cluster>/<int:year>/figures/", views.cluster_year, name="cluster-year"),
    path(
        "clusters/<slug:cluster>/<int:year>/figures/template.xlsx",
        excel_views.figures_template,
        name="template",
    ),
    path(
        "clusters/<slug:cluster>/<int:year>/figures/export.<str:fmt>",
        excel_views.figures_export_view,
        name="export",
    ),
    path(
        "clusters/<slug:cluster>/<int:year>/figures/import/",
        excel_views.figures_import_view,
        name="import",
    ),
]
