from django.urls import path

from . import views

app_name = "calendar"

urlpatterns = [
    path("clusters/<slug:cluster>/<int:year>/deadlines/", views.deadlines, name="deadlines"),
]
