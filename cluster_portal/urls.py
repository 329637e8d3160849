from django.contrib import admin
from django.urls import include, path

from emulation import views as emulation_views

from .views import healthz

urlpatterns = [
    path("", emulation_views.home, name="home"),
    path("healthz/", healthz, name="healthz"),
    path("", include("provinces.urls")),
    path("", include("provinces.urls_disbursements")),
    path("", include("emulation.urls")),
    path("", include("emulation.urls_reports")),
    path("", include("emulation.urls_nominations")),
    path("", include("emulation.scoring.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
