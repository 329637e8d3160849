"""The national role (issue 26; design.md, "Who reads what"): a staff profile of the
national alliance (Liên minh HTX Việt Nam), of no province, reads every cluster's approved
records and writes no province's data. Its data, its one-query read and its rules."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from cluster_portal import access
from cluster_portal.auth import PortalBackend, load_user
from provinces.admin import StaffProfileForm
from provinces.models import ClusterTerm, Province, StaffProfile
from provinces.organisation.selectors import cluster_members

pytestmark = pytest.mark.django_db


def test_a_profile_is_national_or_of_a_province_never_both_nor_neither(make_staff):
    user = get_user_model().objects.create_user(username="x")
    son_la = Province.objects.valid_in(2023).get(name="Sơn La")
    for national, province in ((True, son_la), (False, None)):
        with pytest.raises(IntegrityError), transaction.atomic():
            StaffProfile.objects.create(user=user, national=national, province=province)
    StaffProfile.objects.create(user=user, national=True)  # the national alliance's


def test_the_admin_form_says_which_field_is_wrong():
    son_la = Province.objects.valid_in(2023).get(name="Sơn La")
    both = StaffProfileForm(data={"national": "on", "province": son_la.pk})
    neither = StaffProfileForm(data={})
    assert not both.is_valid() and "province" in both.errors
    assert not neither.is_valid() and "province" in neither.errors
    assert StaffProfileForm(data={"national": "on"}).is_valid()
    assert StaffProfileForm(data={"province": son_la.pk}).is_valid()


def test_the_flag_comes_with_the_user_in_its_one_statement(
    make_national, make_staff, django_assert_num_queries
):
    national, staff = make_national(), make_staff("Sơn La", 2023)
    assert load_user(national.pk)._profile_ids == (None, True)
    user = PortalBackend().get_user(national.pk)
    with django_assert_num_queries(0):
        assert access.reader_class(user) == "national"
        assert access.is_national(user)
    assert not access.is_national(PortalBackend().get_user(staff.pk))
    orm_user = get_user_model().objects.get(pk=national.pk)  # without it: one query
    with django_assert_num_queries(1):
        assert access.reader_class(orm_user) == "national" and access.is_national(orm_user)


def test_national_staff_are_one_reader_class_apart_from_admins(make_national, admin_user):
    assert access.reader_class(make_national()) == access.reader_class(make_national("vca2"))
    assert access.reader_class(admin_user) == "admin"
    StaffProfile.objects.create(user=admin_user, national=True)
    assert access.reader_class(admin_user) == "admin"  # an admin reads every state anyway


def test_national_pages_are_for_national_staff_and_admins(make_national, make_staff, admin_user):
    assert access.can_view_national(make_national())
    assert access.can_view_national(admin_user)
    assert not access.can_view_national(make_staff("Phú Thọ", 2023))
    inactive = make_national("gone")
    inactive.is_active = False
    assert not access.can_view_national(inactive) and access.reader_class(inactive) == "none"


def test_national_staff_view_every_cluster_year_and_act_for_no_unit(make_national):
    vca = make_national()
    for slug, year in (("tay-bac", 2023), ("mien-nui-phia-bac-1", 2025)):
        assert access.can_view_cluster_year(vca, {p.pk for p in cluster_members(slug, year)}, year)
    assert access.unit_of(vca, 2023) is None and access.home_province(vca) is None
    assert access.is_national(vca)  # read with the province by `home_province`


def _py(state: str | None, year: int = 2023):
    term = ClusterTerm.objects.get(cluster__slug="tay-bac", year=year)
    members = {p.pk for p in cluster_members("tay-bac", year)}
    province = Province.objects.valid_in(year).get(name="Sơn La")
    figures = None
    if state is not None:
        figures = SimpleNamespace(
            pk=1,
            is_locked=state == "approved",
            is_submitted=state == "submitted",
            is_editable=state in ("draft", "returned"),
        )
    return SimpleNamespace(
        province=province,
        year=year,
        cluster=term.cluster,
        term=term,
        member_ids=members,
        figures=figures,
    )


@pytest.mark.parametrize("state", [None, "draft", "submitted", "returned", "approved"])
def test_national_staff_read_approved_figures_only_and_write_none(make_national, state):
    vca, py = make_national(), _py(state)
    assert access.can_view_figures(vca, py) is (state == "approved")
    assert access.can_view_disbursements(vca, py)  # every loan counts in the report
    for rule in (
        access.can_edit_figures,
        access.can_submit_figures,
        access.can_decide_figures,
        access.can_reopen_figures,
        access.can_see_figures_history,
        access.can_edit_disbursements,
    ):
        assert not rule(vca, py), rule.__name__
    assert not access.can_import_figures_for(vca, py.province, 2023, py.term)
    assert not access.can_import_disbursements_for(vca, py.province, 2023, py.term)
    assert not access.can_propose_nomination(vca, py.province, 2023, py.term)


def test_national_staff_write_nothing_of_a_cluster_year(make_national):
    vca, term = make_national(), ClusterTerm.objects.get(cluster__slug="tay-bac", year=2023)
    for rule in (
        access.reads_every_state,
        access.reads_every_score,
        access.can_edit_conference,
        access.can_manage_nominations,
        access.can_preview_report,
        access.can_export_all_figures,
        access.can_edit_report_settings,
        access.can_edit_deadlines,
        access.can_set_up_scoring,
        access.can_record_scoring_meeting,
        access.can_build_dossier,
    ):
        assert not rule(vca, term), rule.__name__
    for rule in (
        access.can_manage_organisation,
        access.can_use_admin,
        access.can_rotate_cluster_head,
        access.can_reopen_scoring,
        access.can_open_disbursement_import,
    ):
        assert not rule(vca), rule.__name__


@pytest.mark.parametrize("recorded", [False, True])
def test_national_staff_read_scores_once_the_meeting_is_recorded(make_national, recorded):
    vca, py = make_national(), _py(None)
    agreement = SimpleNamespace(is_signed=True, locked=recorded, result_recorded=recorded)
    sheet = SimpleNamespace(is_submitted=True, cross_checked_at=object())
    ctx = SimpleNamespace(
        province=py.province,
        year=2023,
        term=py.term,
        member_ids=py.member_ids,
        agreement=agreement,
        sheet=sheet,
    )
    assert access.can_view_score_sheet(vca, ctx) is recorded
    assert access.can_view_scoring_summary(vca, ctx) is recorded
    assert access.can_view_evidence_file(vca, ctx) is recorded
    for rule in (
        access.can_edit_score_sheet,
        access.can_cross_check_score_sheet,
        access.can_answer_score_sheet,
        access.can_settle_score_sheet,
        access.can_change_evidence_file,
    ):
        assert not rule(vca, ctx), rule.__name__


def test_the_home_page_lists_every_cluster_and_year_with_links(client, demo_data):
    client.force_login(get_user_model().objects.get(username="vca"))
    page = client.get("/").text
    assert 'data-testid="national"' in page
    for slug, year in (("tay-bac", 2023), ("vi-du-bac-trung-bo", 2024), ("tay-bac", 2024)):
        assert f'href="/reports/{slug}/{year}/"' in page
        assert f'href="/clusters/{slug}/{year}/figures/"' in page
    assert 'href="/figures/2024/' not in page  # no province's own figures or register


def test_a_national_token_reads_every_cluster_and_writes_nothing(client, demo_data):
    from tests.api_support import API, bearer, token_for

    vca = get_user_model().objects.get(username="vca")
    client.force_login(vca)
    assert client.get("/api/tokens/").status_code == 200  # they may make one
    headers = bearer(token_for(vca))
    listed = client.get(f"{API}/clusters?year=2024", headers=headers).json()["items"]
    assert {c["cluster"]["slug"] for c in listed} == {"tay-bac", "vi-du-bac-trung-bo"}
    approved = client.get(f"{API}/figures/2024/40", headers=headers)  # Nghệ An, approved
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    body = {"version": approved.json()["version"], "values": approved.json()["values"]}
    assert (
        client.put(f"{API}/figures/2024/40", body, "application/json", headers=headers).status_code
        == 403
    )
    assert client.get(f"{API}/figures/2024/14", headers=headers).status_code == 404  # a draft


def test_national_staff_write_nothing_on_any_page(client, demo_data):
    """Every page that writes, posted to as national staff: refused (403), or not found
    where the record is not theirs to read (404), and nothing is written in their name."""
    from emulation.dossiers.models import AchievementReport
    from emulation.nominations.models import Nomination
    from provinces.models import Disbursement, YearlyFigures

    vca = get_user_model().objects.get(username="vca")
    client.force_login(vca)
    nomination = Nomination.objects.filter(cluster__slug="tay-bac", year=2023).first().pk
    loan = Disbursement.objects.filter(province__code="14").first().pk
    report = AchievementReport.objects.first().pk
    north = "/clusters/mien-nui-phia-bac-1/2025"
    refused = {
        404: [
            "/figures/2024/14/edit/",  # Sơn La's draft
            "/figures/2024/14/submit/",
            "/figures/2024/12/return/",  # Lai Châu's, submitted
            "/figures/2024/12/approve/",
            f"{north}/scoring/12/",  # not recorded
            f"/achievement-reports/{report}/",
            f"/achievement-reports/{report}/return/",
        ],
        403: [
            "/figures/2024/11/reopen/",  # Điện Biên's, approved
            "/clusters/tay-bac/2024/figures/import/",
            "/disbursements/2024/14/add/",
            f"/disbursements/loan/{loan}/edit/",
            f"/disbursements/loan/{loan}/delete/",
            "/disbursements/import/",
            "/clusters/tay-bac/2024/deadlines/",
            "/clusters/tay-bac/rotate/",
            "/clusters/tay-bac/2023/conference/edit/",
            "/reports/tay-bac/2023/settings/",
            "/clusters/tay-bac/2024/nominations/propose/",
            "/clusters/tay-bac/2024/nominations/rules/",
            *[f"/nominations/{nomination}/{step}/" for step in ("vote", "endorse", "submit")],
            *[f"/nominations/{nomination}/{step}/" for step in ("decide", "withdraw")],
            "/awards/2023/14/",
            "/awards/2023/14/import/",
            f"{north}/scoring/setup/",
            f"{north}/scoring/meeting/",
            "/clusters/tay-bac/2023/scoring/reopen/",
            "/clusters/tay-bac/2023/scoring/propose/",
            "/clusters/tay-bac/2023/dossier/",
        ],
    }
    # The demo's decisions are vca's (emulation/decisions/demo.py): nothing more is written.
    models = (YearlyFigures, Disbursement, Nomination)
    before = [model.history.filter(history_user=vca).count() for model in models]
    data = {"seen_version": 1, "version": 1, "reason": "Thử", "explanation": ""}
    answers = {url: client.post(url, data).status_code for urls in refused.values() for url in urls}
    assert answers == {url: status for status, urls in refused.items() for url in urls}
    assert [model.history.filter(history_user=vca).count() for model in models] == before
    assert before[:2] == [0, 0]
