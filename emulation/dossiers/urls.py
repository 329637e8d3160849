from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <code:>, <pk:>

from . import agreement_views, settings_views, views

app_name = "dossiers"

BASE = "clusters/<slug:cluster>/<year:year>/"

urlpatterns = [
    path(f"{BASE}dossier/", views.dossier_page, name="page"),
    path(f"{BASE}dossier/download/", views.dossier_download, name="download"),
    path(f"{BASE}dossier/settings/", settings_views.dossier_settings_edit, name="settings"),
    path(f"{BASE}agreement/docx/", agreement_views.agreement_docx, name="agreement-docx"),
    path(f"{BASE}agreement/pdf/", agreement_views.agreement_pdf, name="agreement-pdf"),
    path(f"{BASE}achievement-reports/", views.report_list, name="reports"),
    path("achievement-reports/<pk:pk>/", views.report_edit, name="report"),
    path("achievement-reports/<pk:pk>/return/", views.report_return, name="return"),
]
