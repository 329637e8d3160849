from django.urls import path

from . import views

app_name = "dossiers"

BASE = "clusters/<slug:cluster>/<int:year>/"

urlpatterns = [
    path(f"{BASE}dossier/", views.dossier_page, name="page"),
    path(f"{BASE}dossier/download/", views.dossier_download, name="download"),
    path(f"{BASE}achievement-reports/", views.report_list, name="reports"),
    path("achievement-reports/<int:pk>/", views.report_edit, name="report"),
    path("achievement-reports/<int:pk>/return/", views.report_return, name="return"),
]
