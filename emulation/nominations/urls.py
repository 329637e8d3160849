from django.urls import path

from . import views

app_name = "nominations"

urlpatterns = [
    path("clusters/<slug:cluster>/<int:year>/nominations/", views.nomination_list, name="list"),
    path(
        "clusters/<slug:cluster>/<int:year>/nominations/propose/",
        views.nomination_propose_view,
        name="propose",
    ),
    path("nominations/<int:pk>/vote/", views.nomination_vote_view, name="vote"),
    path("nominations/<int:pk>/endorse/", views.nomination_endorse_view, name="endorse"),
    path("nominations/<int:pk>/submit/", views.nomination_submit_view, name="submit"),
    path("nominations/<int:pk>/decide/", views.nomination_decide_view, name="decide"),
    path("nominations/<int:pk>/withdraw/", views.nomination_withdraw_view, name="withdraw"),
]
