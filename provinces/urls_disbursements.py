from django.urls import path

from . import views_disbursements
from .register import excel_views

app_name = "disbursements"

urlpatterns = [
    path(
        "disbursements/<int:year>/<str:code>/",
        views_disbursements.register,
        name="register",
    ),
    path("disbursements/<int:year>/<str:code>/add/", views_disbursements.loan_add, name="add"),
    path("disbursements/loan/<int:pk>/edit/", views_disbursements.loan_edit, name="edit"),
    path("disbursements/loan/<int:pk>/delete/", views_disbursements.loan_delete, name="delete"),
    path(
        "disbursements/import/",
        excel_views.disbursement_import_view,
        name="import",
    ),
]
