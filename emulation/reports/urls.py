from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <code:>, <pk:>

from . import views as views_reports

app_name = "reports"

urlpatterns = [
    path("reports/<slug:cluster>/<year:year>/", views_reports.report_page, name="page"),
    path("reports/<slug:cluster>/<year:year>/pdf/", views_reports.report_pdf, name="pdf"),
    path("reports/<slug:cluster>/<year:year>/xlsx/", views_reports.report_xlsx, name="xlsx"),
]
