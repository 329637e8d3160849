from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <code:>, <pk:>

from . import excel_views
from . import views as views_disbursements

app_name = "disbursements"

urlpatterns = [
    path(
        "disbursements/<year:year>/<code:code>/",
        views_disbursements.disbursement_list,
        name="list",
    ),
    path(
        "disbursements/<year:year>/<code:code>/add/",
        views_disbursements.disbursement_add,
        name="add",
    ),
    # URL paths are published (bookmarks, e-mails): "loan" stays in them.
    path("disbursements/loan/<pk:pk>/edit/", views_disbursements.disbursement_edit, name="edit"),
    path(
        "disbursements/loan/<pk:pk>/delete/",
        views_disbursements.disbursement_delete_view,
        name="delete",
    ),
    path(
        "disbursements/import/",
        excel_views.disbursement_import_view,
        name="import",
    ),
]
