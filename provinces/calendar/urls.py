from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <code:>, <pk:>

from . import views

app_name = "calendar"

urlpatterns = [
    path("clusters/<slug:cluster>/<year:year>/deadlines/", views.deadlines, name="deadlines"),
]
