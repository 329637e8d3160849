from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <code:>, <pk:>

from . import views

app_name = "rotation"

urlpatterns = [
    path("clusters/<slug:cluster>/terms/", views.terms, name="terms"),
    path("clusters/<slug:cluster>/rotate/", views.rotate, name="rotate"),
]
