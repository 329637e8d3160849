import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = [
    "admin:index",
    "admin:provinces_province_changelist",
    "admin:provinces_cluster_changelist",
    "admin:provinces_clustermembership_changelist",
    "admin:provinces_clusterterm_changelist",
    "admin:auth_user_changelist",
]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_login(client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert "/login/" in response.url


@pytest.mark.parametrize("page", PAGES)
def test_provincial_staff_and_the_chair_cannot_use_the_admin(client, make_staff, page):
    client.force_login(make_staff("Phú Thọ", 2023))  # the chair of 2023
    response = client.get(reverse(page))
    assert response.status_code == 302


def test_a_django_staff_flag_alone_does_not_open_the_admin(client, make_staff):
    user = make_staff("Sơn La", 2023)
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize("page", PAGES)
def test_admin_sees_every_page(client, admin_user, page):
    client.force_login(admin_user)
    assert client.get(reverse(page)).status_code == 200


def test_admin_pages_are_in_vietnamese(client, admin_user):
    client.force_login(admin_user)
    text = client.get(reverse("admin:index")).text
    for label in [
        "Tỉnh (Liên minh HTX tỉnh)",
        "Cụm thi đua",
        "Thành viên cụm",
        "Cụm trưởng, cụm phó theo năm",
    ]:
        assert label in text


def test_every_portal_model_has_vietnamese_names():
    for app_label in ("provinces", "emulation"):
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            assert model._meta.verbose_name != model.__name__.lower(), model
            for field in model._meta.fields:
                if field.name in {"id"}:
                    continue
                label = str(field.verbose_name)
                assert label != field.name.replace("_", " "), f"{model.__name__}.{field.name}"


def test_every_portal_model_is_in_the_admin():
    registered = set(admin.site._registry)
    for app_label in ("provinces", "emulation"):
        for model in apps.get_app_config(app_label).get_models():
            inline = {"StaffProfile", "Attendee", "Recommendation", "DecisionAwardee"}
            if model.__name__.startswith("Historical") or model.__name__ in inline:
                continue  # history is shown per record; these are edited inline
            assert model in registered, model


def test_admin_form_applies_the_figures_rules(client, admin_user):
    from provinces.models import YearlyFigures
    from provinces.organisation.selectors import province_for_code
    from tests.factories import GOOD_VALUES

    client.force_login(admin_user)
    data = {
        **GOOD_VALUES,
        "province": province_for_code("14", 2024).pk,
        "year": 2024,
        "htx_new": 601,
    }
    response = client.post(reverse("admin:provinces_yearlyfigures_add"), data)
    assert response.status_code == 200
    assert "không được lớn hơn" in response.text
    assert not YearlyFigures.objects.exists()
    data["htx_new"] = 50
    assert client.post(reverse("admin:provinces_yearlyfigures_add"), data).status_code == 302
    figures = YearlyFigures.objects.get()
    assert figures.status == "draft" and figures.history.get().history_user == admin_user


def test_approved_figures_are_read_only_in_the_admin(client, admin_user):
    from tests.factories import make_figures

    figures = make_figures("14", 2024, status="approved")
    client.force_login(admin_user)
    url = reverse("admin:provinces_yearlyfigures_change", args=[figures.pk])
    response = client.post(url, {"province": figures.province_id, "year": 2024, "tv_reports": 1})
    assert response.status_code == 403
