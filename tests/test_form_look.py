"""Every form in the portal's look through one renderer (cluster_portal/form_rendering.py,
templates/forms/): Bootstrap's classes on the widgets whatever form they belong to, errors
under their field, radios spaced as form-check rows; the conference record's rows with
their order hidden, delete only on saved rows, blank rows without JavaScript and the
empty form for "Thêm dòng" (issue 22)."""

import re

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.urls import reverse

from cluster_portal.form_rendering import PortalFormRenderer
from emulation.conference.forms import AttendeeFormSet
from emulation.models import Conference
from provinces.notices.forms import PreferenceForm
from provinces.organisation.selectors import province_for_code

pytestmark = pytest.mark.django_db
EDIT = reverse("conference:edit", args=["tay-bac", 2023])


class Plain(forms.Form):
    """A form that sets no class on any widget."""

    name = forms.CharField(label="Tên", help_text="Họ và tên.")
    kind = forms.ChoiceField(label="Loại", choices=[("a", "Một loại rất dài để đọc")])
    agree = forms.BooleanField(label="Đồng ý", required=False)
    when = forms.CharField(widget=forms.HiddenInput, required=False)


def test_the_portal_renderer_is_the_default():
    assert settings.FORM_RENDERER == "cluster_portal.form_rendering.PortalFormRenderer"
    assert isinstance(get_default_renderer(), PortalFormRenderer)


def test_a_form_without_classes_gets_bootstraps_look():
    html = str(Plain())
    assert re.search(r'<input type="text" name="name"[^>]* class="form-control" id="id_name"', html)
    assert '<select name="kind" class="form-select"' in html
    assert re.search(
        r'<div class="form-check mb-3">\s*'
        r'<input type="checkbox" name="agree" class="form-check-input"',
        html,
    )
    assert '<label class="form-check-label" for="id_agree">Đồng ý</label>' in html
    assert '<div class="form-text" id="id_name_helptext">Họ và tên.</div>' in html
    assert (
        'type="hidden" name="when" id="id_when"' in html
        and "class" not in html.split('name="when"')[1].split(">")[0]
    )


def test_an_error_is_marked_on_the_input_and_shown_under_it():
    html = str(Plain({"kind": "a"}))
    field = re.search(r'<input type="text" name="name"[^>]*>', html).group(0)
    assert 'class="form-control is-invalid"' in field
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_name_helptext id_name_error"' in field
    assert '<div class="invalid-feedback d-block" id="id_name_error">' in html


def test_a_widgets_own_class_is_kept_after_bootstraps():
    field = forms.CharField(widget=forms.TextInput(attrs={"class": "text-end form-control"}))
    form = type("Sized", (forms.Form,), {"amount": field})()
    assert 'class="form-control text-end"' in str(form["amount"])


def test_the_preferences_radios_are_spaced_form_check_rows():
    html = str(PreferenceForm(initial={"delivery": "immediate"}))
    assert '<legend class="form-label fs-6 mb-2">Nhận thư thông báo</legend>' in html
    radios = re.findall(
        r'<div class="form-check mb-2"><input type="radio"[^>]*class="form-check-input"[^>]*>'
        r'<label class="form-check-label" for="id_delivery_\d">',
        html,
    )
    assert len(radios) == 2, html
    assert "<ul" not in html  # Django's own list of radios


def test_the_preferences_page_uses_the_renderer(client, make_staff):
    client.force_login(make_staff("Sơn La", 2023))
    page = client.get(reverse("notices:preferences")).text
    form = page.split('data-testid="preferences-form"')[1].split("</form>")[0]
    assert form.count('class="form-check mb-2"') == 5  # delivery (2) and channel (3) radios
    assert 'class="form-check mb-3"' in form  # the mute tick box
    email = page.split('data-testid="email-form"')[1].split("</form>")[0]
    assert 'class="form-control"' in email and 'autocomplete="email"' in email
    assert 'id="id_email_helptext"' in email


def rows(page: str, prefix: str) -> list[str]:
    shown = page.split(f'data-formset-rows="{prefix}"')[1].split("</template>")[0]
    return re.findall(
        r"<div class=\"row g-2[^\"]*\" data-formset-row[^>]*>", shown.split("<template")[0]
    )


def test_the_conference_rows_hide_the_order_and_offer_blank_rows(client, make_staff):
    client.force_login(make_staff("Phú Thọ", 2023))  # the 2023 chair
    Conference.objects.filter(cluster__slug="tay-bac", year=2023).delete()
    page = client.get(EDIT).text
    assert "Thứ tự" not in page and "Xóa" not in page  # nothing saved yet to delete
    assert '<input type="hidden" name="attendees-0-order"' in page
    assert len(rows(page, "attendees")) == 3  # without JavaScript: three blank rows
    assert 'name="attendees-TOTAL_FORMS" value="3"' in page
    empty = page.split('<template data-formset-empty="attendees">')[1].split("</template>")[0]
    assert 'name="attendees-__prefix__-name"' in empty
    assert (
        '<button type="button" class="btn btn-sm btn-outline-secondary" '
        'data-formset-add="attendees" hidden>' in page
    )
    assert "js/formset" in page
    name = re.search(r'<input type="text" name="attendees-0-name"[^>]*>', page).group(0)
    assert 'class="form-control"' in name  # in the portal's look


def post_conference(client, names: list[str], **extra):
    data = {
        "ordinal": "XII",
        "date": "30/11/2023",
        "venue": "Phú Thọ",
        "host": province_for_code("25", 2023).pk,
        "topics": "Tổng kết",
        "attendees-TOTAL_FORMS": str(len(names)),
        "attendees-INITIAL_FORMS": "0",
        "recommendations-TOTAL_FORMS": "0",
        "recommendations-INITIAL_FORMS": "0",
        **{f"attendees-{i}-name": name for i, name in enumerate(names)},
        **{f"attendees-{i}-order": "0" for i in range(len(names))},
    }
    return client.post(EDIT, {**data, **extra})


def test_rows_are_saved_in_the_order_shown_and_a_deleted_row_leaves_no_gap(client, make_staff):
    client.force_login(make_staff("Phú Thọ", 2023))
    Conference.objects.filter(cluster__slug="tay-bac", year=2023).delete()
    assert post_conference(client, ["An", "Bình", "", "Chi"]).status_code == 302
    conference = Conference.objects.get(cluster__slug="tay-bac", year=2023)
    saved = list(conference.attendees.values_list("name", "order"))
    assert saved == [("An", 1), ("Bình", 2), ("Chi", 3)]
    # The edit page shows them with "Xóa dòng này"; deleting Bình renumbers Chi.
    page = client.get(EDIT).text
    assert len(re.findall(r'<input type="checkbox" name="attendees-\d-DELETE"', page)) == 3
    an, binh, chi = conference.attendees.all()
    data = {
        "seen_version": conference.version,
        "attendees-INITIAL_FORMS": "3",
        "attendees-TOTAL_FORMS": "4",
        **{f"attendees-{i}-id": a.pk for i, a in enumerate((an, binh, chi))},
        **{f"attendees-{i}-order": a.order for i, a in enumerate((an, binh, chi))},
        "attendees-1-DELETE": "on",
        "attendees-3-name": "Dũng",
    }
    response = post_conference(client, ["An", "Bình", "Chi", "Dũng"], **data)
    assert response.status_code == 302
    assert list(conference.attendees.values_list("name", "order")) == [
        ("An", 1),
        ("Chi", 2),
        ("Dũng", 3),
    ]


def test_new_rows_cannot_be_deleted_only_left_blank():
    formset = AttendeeFormSet(instance=Conference())
    assert all("DELETE" not in form.fields for form in formset.extra_forms)
    assert "DELETE" not in formset.empty_form.fields


def test_an_error_list_drawn_alone_has_the_portals_text_classes():
    html = str(Plain({"kind": "a"})["name"].errors)
    assert html.startswith(
        '<ul class="errorlist list-unstyled text-danger small mb-1" id="id_name_error">'
    )


def test_the_scoring_proposal_checkboxes_are_form_check_rows():
    from emulation.scoring.forms import ProposeFromRankingForm

    form = ProposeFromRankingForm(award_types=[], ranking=[])
    form.fields["provinces"].choices = [(1, "1. Liên minh HTX tỉnh Phú Thọ")]
    html = str(form["provinces"].as_field_group())
    assert '<legend class="form-label fs-6 mb-2">Đề nghị</legend>' in html
    assert re.search(
        r'<div class="form-check mb-2"><input type="checkbox" name="provinces" value="1"'
        r'[^>]*class="form-check-input"[^>]*><label class="form-check-label" for="id_provinces_0">',
        html,
    )
