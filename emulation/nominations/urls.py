from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <code:>, <pk:>

from . import rules_views, views

app_name = "nominations"

urlpatterns = [
    path("clusters/<slug:cluster>/<year:year>/nominations/", views.nomination_list, name="list"),
    path(
        "clusters/<slug:cluster>/<year:year>/nominations/propose/",
        views.nomination_propose_view,
        name="propose",
    ),
    path(
        "clusters/<slug:cluster>/<year:year>/nominations/rules/",
        rules_views.vote_rules_edit,
        name="rules",
    ),
    path("nominations/<pk:pk>/vote/", views.nomination_vote_view, name="vote"),
    path("nominations/<pk:pk>/endorse/", views.nomination_endorse_view, name="endorse"),
    path("nominations/<pk:pk>/submit/", views.nomination_submit_view, name="submit"),
    path("nominations/<pk:pk>/decide/", views.nomination_decide_view, name="decide"),
    path("nominations/<pk:pk>/withdraw/", views.nomination_withdraw_view, name="withdraw"),
]
