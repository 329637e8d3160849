from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <code:>, <pk:>

from . import views

app_name = "news"

urlpatterns = [
    path("clusters/<slug:cluster>/<year:year>/conference/news/", views.post_page, name="page"),
    path("clusters/<slug:cluster>/<year:year>/conference/news/edit/", views.post_edit, name="edit"),
    path("clusters/<slug:cluster>/<year:year>/conference/news/html/", views.post_html, name="html"),
    path("clusters/<slug:cluster>/<year:year>/conference/news/docx/", views.post_docx, name="docx"),
]
