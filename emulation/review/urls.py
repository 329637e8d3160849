from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>

from . import views

app_name = "review"

urlpatterns = [
    path("clusters/<slug:cluster>/<year:year>/dossier/review/", views.status, name="status"),
    path("clusters/<slug:cluster>/<year:year>/dossier/send/", views.send, name="send"),
    path("national/<year:year>/reviews/", views.year_list, name="year"),
    path("national/<year:year>/reviews/<slug:cluster>/", views.review_page, name="review"),
    path(
        "national/<year:year>/reviews/<slug:cluster>/<slug:step>/",
        views.review_step,
        name="step",
    ),
]
