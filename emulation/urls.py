from django.urls import path

from . import views

app_name = "emulation"

urlpatterns = [
    path("clusters/<slug:cluster>/terms/", views.terms, name="terms"),
    path("clusters/<slug:cluster>/rotate/", views.rotate, name="rotate"),
    path("clusters/<slug:cluster>/<int:year>/conference/", views.conference, name="conference"),
    path(
        "clusters/<slug:cluster>/<int:year>/conference/edit/",
        views.conference_edit,
        name="conference-edit",
    ),
]
