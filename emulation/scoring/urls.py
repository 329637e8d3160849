from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <code:>, <pk:>

from . import setup_views, sheet_views, views

app_name = "scoring"

BASE = "clusters/<slug:cluster>/<year:year>/scoring/"

urlpatterns = [
    path(BASE, views.overview, name="overview"),
    path(f"{BASE}setup/", setup_views.setup, name="setup"),
    path(f"{BASE}meeting/", views.meeting, name="meeting"),
    path(f"{BASE}reopen/", views.reopen, name="reopen"),
    path(f"{BASE}propose/", views.propose, name="propose"),
    path(f"{BASE}pdf/", views.summary_pdf, name="pdf"),
    path(f"{BASE}xlsx/", views.summary_xlsx, name="xlsx"),
    path(f"{BASE}<code:code>/", sheet_views.sheet, name="sheet"),
    path(f"{BASE}<code:code>/evidence/<pk:pk>/", sheet_views.evidence, name="evidence"),
]
