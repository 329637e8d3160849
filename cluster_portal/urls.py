from django.contrib import admin
from django.urls import include, path

from .offline import ClearingLogoutView, manifest, service_worker
from .url_cache import KeptResolver
from .views import healthz

patterns = [
    path("", include("emulation.home.urls")),
    path("healthz/", healthz, name="healthz"),
    path("", include("provinces.figures.urls")),
    path("", include("provinces.disbursements.urls")),
    path("", include("provinces.calendar.urls")),
    path("", include("provinces.notices.urls")),
    path("", include("emulation.rotation.urls")),
    path("", include("emulation.conference.urls")),
    path("", include("emulation.news.urls")),
    path("", include("emulation.reports.urls")),
    path("", include("emulation.nominations.urls")),
    path("", include("emulation.awards.urls")),
    path("", include("emulation.scoring.urls")),
    path("", include("emulation.api.urls")),
    path("api/v1/", include("emulation.api.v1_urls", namespace="api-v1")),
    path("", include("emulation.dossiers.urls")),
    path("", include("emulation.national.urls")),
    path("", include("emulation.review.urls")),
    path("", include("emulation.decisions.urls")),
    path("sw.js", service_worker, name="service-worker"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("accounts/logout/", ClearingLogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler500 = "cluster_portal.views.server_error"  # a lost database: 503, not 500

# Resolved once per path and process (url_cache.py).
urlpatterns = [KeptResolver(patterns)]
