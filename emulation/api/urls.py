from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <code:>, <pk:>

from . import views

app_name = "api"

urlpatterns = [
    path("api/tokens/", views.tokens, name="tokens"),
    path("api/tokens/<pk:pk>/revoke/", views.token_revoke, name="revoke"),
]
