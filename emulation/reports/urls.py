from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <code:>, <pk:>

from . import views as views_reports

app_name = "reports"

urlpatterns = [
    path("reports/<slug:cluster>/<year:year>/", views_reports.report_page, name="page"),
    path("reports/<slug:cluster>/<year:year>/pdf/", views_reports.report_pdf, name="pdf"),
    path("reports/<slug:cluster>/<year:year>/xlsx/", views_reports.report_xlsx, name="xlsx"),
    path(
        "reports/<slug:cluster>/<year:year>/xem-truoc/",
        views_reports.report_preview,
        name="preview",
    ),
    path(
        "reports/<slug:cluster>/<year:year>/xem-truoc/pdf/",
        views_reports.report_preview_pdf,
        name="preview-pdf",
    ),
    path(
        "reports/<slug:cluster>/<year:year>/xem-truoc/xlsx/",
        views_reports.report_preview_xlsx,
        name="preview-xlsx",
    ),
    path(
        "reports/<slug:cluster>/<year:year>/settings/",
        views_reports.report_settings_edit,
        name="settings",
    ),
]
