from django.urls import path

from . import views as views_reports

app_name = "reports"

urlpatterns = [
    path("reports/<slug:cluster>/<int:year>/", views_reports.report_page, name="page"),
    path("reports/<slug:cluster>/<int:year>/pdf/", views_reports.report_pdf, name="pdf"),
    path("reports/<slug:cluster>/<int:year>/xlsx/", views_reports.report_xlsx, name="xlsx"),
    path(
        "reports/<slug:cluster>/<int:year>/settings/",
        views_reports.report_settings_edit,
        name="settings",
    ),
]
