from django.urls import path

from .views import home

# No app_name: the home page is the portal's root, reversed as "home".
urlpatterns = [
    path("", home, name="home"),
]
