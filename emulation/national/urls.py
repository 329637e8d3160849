from django.urls import path

from cluster_portal import converters  # noqa: F401 - registers <year:>

from . import views

app_name = "national"

urlpatterns = [
    path("quoc-gia/", views.board_latest, name="latest"),
    path("quoc-gia/<year:year>/", views.board_page, name="board"),
    path("quoc-gia/<year:year>/pdf/", views.board_pdf, name="pdf"),
    path("quoc-gia/<year:year>/xlsx/", views.board_xlsx, name="xlsx"),
]
