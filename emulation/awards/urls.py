from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <code:>, <pk:>

from . import views

app_name = "awards"

urlpatterns = [
    path("awards/<year:year>/<code:code>/", views.register, name="register"),
    path("awards/<year:year>/<code:code>/import/", views.register_import, name="import"),
    path("awards/<year:year>/<code:code>/<pk:pk>/delete/", views.record_delete, name="delete"),
]
