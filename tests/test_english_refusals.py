"""In English, what a refused POST says is English too: the nomination rules' refusals (a
vote against the cluster-year's rules, one achievement one award), the award register's
row and upload refusals (the GET walk of test_english_pages never reaches them). The
dossier's documents stay Vietnamese whatever the reader's language: the minutes print the
rules' threshold and a cooperative nominee's province as the official text says them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from emulation.dossiers.documents import dossier_documents
from emulation.dossiers.selectors import dossier_for
from emulation.models import AwardRecord, Nomination
from emulation.nominations import rules
from emulation.nominations.models import VoteRule
from provinces.models import Cluster
from tests.dossier_helpers import patch_scoring, seed_demo_year
from tests.test_award_register import HEADER, IMPORT, PAGE, ROW, son_la
from tests.test_nomination_rules import SECRET_7, YEAR, tay_bac
from tests.test_nomination_views import post_step, proposal, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair(make_staff):
    return make_staff("Phú Thọ", YEAR, username="phutho")


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"votes_for": 6, "votes_present": 7, "voting_method": "hands"},
            "The cluster&#x27;s rules for 2023: secret ballot",
        ),
        (
            {"votes_for": 7, "votes_present": 7, **SECRET_7, "ballots_valid": 6},
            "The votes in favour (7) may not exceed the valid ballots (6).",
        ),
        (
            {"votes_for": 5, "votes_present": 4, "ballots_issued": 4},
            "Not enough members present to vote: 4/7 present, at least 5 needed",
        ),
    ],
)
def test_a_vote_refused_by_the_rules_says_so_in_english(english, chair, data, message):
    nomination = proposal("10", by=chair)
    english.force_login(chair)
    sent = {"ballots_issued": "", "ballots_returned": "", "ballots_valid": "", **data}
    response = post_step(english, "vote", nomination, sent, follow=True)
    assert message in response.text
    assert Nomination.objects.get(pk=nomination.pk).votes_for is None


def test_the_threshold_and_one_award_refusals_read_in_english(chair):
    rule = VoteRule(cluster=tay_bac(), year=YEAR, threshold_comparison="gte")
    AwardRecord.objects.create(
        alliance=unit("10"),
        year=YEAR,
        award="Giấy khen",
        decision_number="01/QD",
        decision_date=datetime.date(YEAR + 1, 1, 5),
        issuer="UBND",
    )
    with translation.override("en"):
        refusal = rules.vote_refusal(rule, 7, 3, 7)
        award = rules.one_award_refusal(year=YEAR, name="Lao Cai", alliance=unit("10"))
    assert refusal.startswith("The vote does not reach the threshold: 3/7")
    assert "at least 50 % of all members of the cluster needed." in refusal
    assert award.startswith("Lao Cai has already received Giấy khen for the achievement of 2023")
    assert "(Decision No. 01/QD of 05/01/2024 by UBND): one achievement is nominated" in award
    with translation.override("vi"):
        assert rules.threshold_text(rule) == "từ 50 % tổng số thành viên của Cụm"


def test_the_award_register_refuses_a_row_and_a_file_in_english(english, make_staff):
    english.force_login(make_staff("Sơn La", YEAR, username="sonla"))
    response = english.post(PAGE, {**ROW, "decision_date": "16/01/2021"})
    assert response.status_code == 400
    assert "A decision rewarding the achievement of 2022 cannot be issued before 2022." in (
        response.text
    )
    bad = HEADER + "2022,,03/QD,05/01/2023,UBND,HTX Khong Co\n"
    file = SimpleUploadedFile("khen-thuong.csv", bad.encode())
    response = english.post(IMPORT, {"file": file})
    assert response.status_code == 400
    assert "No award given." in response.text
    assert "There is no cooperative “HTX Khong Co” in the directory of" in response.text
    assert not AwardRecord.objects.filter(alliance=son_la()).exists()


def test_the_minutes_stay_vietnamese_for_an_english_reader():
    seed_demo_year()
    with patch_scoring(), translation.override("en"):
        dossier = dossier_for(Cluster.objects.get(slug="tay-bac"), YEAR)
        minutes = dossier_documents(dossier)[1].text
        assert translation.get_language() == "en"
    assert "trên 50 % tổng số thành viên của Cụm" in minutes
    assert "Kín: 7 phát, 7 thu, 7 hợp lệ" in minutes
    assert "of all members" not in minutes and "Secret" not in minutes
