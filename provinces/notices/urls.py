from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>, <code:>, <pk:>

from . import views, zalo_webhook

app_name = "notices"

urlpatterns = [
    path("notices/", views.inbox, name="inbox"),
    path("notices/unread.json", views.unread, name="unread"),
    path("notices/<pk:pk>/read/", views.mark_read, name="read"),
    path("notices/read-all/", views.mark_all_read, name="read-all"),
    path("notices/preferences/", views.preferences, name="preferences"),
    path("account/email/", views.email_change, name="email-change"),
    path("account/phone/", views.phone_start, name="phone-start"),
    path("account/phone/confirm/", views.phone_confirm, name="phone-confirm"),
    path("account/email/confirm/<str:token>/", views.email_confirm, name="email-confirm"),
    path("zalo/webhook/", zalo_webhook.zalo_webhook, name="zalo-webhook"),
]
