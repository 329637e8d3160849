from django.urls import path

from . import views

app_name = "conference"

urlpatterns = [
    path("clusters/<slug:cluster>/<int:year>/conference/", views.conference, name="detail"),
    path("clusters/<slug:cluster>/<int:year>/conference/edit/", views.conference_edit, name="edit"),
]
