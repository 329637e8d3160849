from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <pk:>

from . import views

app_name = "decisions"

urlpatterns = [
    path("national/<year:year>/decisions/", views.year_page, name="year"),
    path("national/<year:year>/decisions/<slug:award>/", views.record, name="record"),
    path("decisions/<pk:pk>/decision.docx", views.decision_docx_download, name="docx"),
    path("decisions/<pk:pk>/decision.pdf", views.decision_pdf_download, name="pdf"),
    path("decisions/<pk:pk>/certificates.pdf", views.certificates_download, name="certificates"),
    path("public/awards/<year:year>/", views.public, name="public"),
]
