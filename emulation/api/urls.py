from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("api/tokens/", views.tokens, name="tokens"),
    path("api/tokens/<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
