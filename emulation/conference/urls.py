from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <code:>, <pk:>

from . import views

app_name = "conference"

urlpatterns = [
    path("clusters/<slug:cluster>/<year:year>/conference/", views.conference, name="detail"),
    path(
        "clusters/<slug:cluster>/<year:year>/conference/edit/", views.conference_edit, name="edit"
    ),
]
