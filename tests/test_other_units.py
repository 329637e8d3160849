"""Other units (đơn vị khác: a cooperative union, an enterprise, an association, a
department) as collective nominees (issue 23): proposed by the service, on the page and
through the API with what section I of the collective form asks; the nomination rules hold
for them as for every nominee (one achievement one award, against other nominations and the
award-history register; refused with the message, nothing saved); counted as collectives;
carried through to the dossier, whose report for the unit is the collective form without a
cooperative's business figures, opened with python-docx and pypdf."""

import datetime

import pytest
from django.urls import reverse

from emulation.decisions.documents import awardee_line
from emulation.dossiers.documents import dossier_documents
from emulation.dossiers.docx_builder import render_docx
from emulation.dossiers.render import render_document_html, render_pdfs
from emulation.dossiers.selectors import dossier_for
from emulation.dossiers.services import achievement_report_save
from emulation.models import AwardRecord, Nomination, NominationStatus, OtherUnit
from emulation.nominations.selectors import counted_kinds, legal_name_of
from emulation.nominations.services import (
    NominationError,
    nomination_decide,
    nomination_endorse,
    nomination_propose,
    nomination_submit,
)
from tests.dossier_helpers import docx_text, patch_scoring, pdf_text, seed_demo_year
from tests.test_nomination_rules import api, api_propose  # noqa: F401  (fixture)
from tests.test_nomination_views import LIST, PROPOSE, merit, unit
from tests.test_nominations import flag, tay_bac, vote

pytestmark = pytest.mark.django_db

YEAR = 2023
NAME = "Liên hiệp Hợp tác xã Nông nghiệp và Dịch vụ tỉnh Sơn La"
UNIT = {
    "legal_name": NAME,
    "unit_type": "union",
    "head_office": "Số 12 đường Tô Hiệu, phường Tô Hiệu, tỉnh Sơn La",
    "phone": "0212 3852 123",
    "founded_year": 2015,
    "founding": "Thành lập theo Quyết định số 45/QĐ-UBND ngày 10/3/2015 của UBND tỉnh Sơn La.",
    "structure": "Hội đồng quản trị 5 thành viên; Ban kiểm soát; 3 phòng chuyên môn.",
    "staff_count": 24,
}
UNIT_FORM = {f"other_unit_{name}": str(value) for name, value in UNIT.items()}
UNIT_API = {**UNIT, "website": "lienhiephtxsonla.vn"}


@pytest.fixture
def sonla(make_staff):
    return make_staff("Sơn La", YEAR, username="sonla")


@pytest.fixture
def chair(make_staff):
    """Staff of Phú Thọ, head of Tây Bắc in 2023."""
    return make_staff("Phú Thọ", YEAR, username="phutho")


def propose(by, award=None, year=YEAR, **nominee):
    return nomination_propose(
        cluster=tay_bac(), year=year, award_type=award or merit(), by=by, **nominee
    )


def nothing_saved(units=0, nominations=0) -> bool:
    return (OtherUnit.objects.count(), Nomination.objects.count()) == (units, nominations)


# The service and the rules ------------------------------------------------------------------


def test_an_other_unit_is_proposed_voted_and_endorsed_as_a_collective(sonla, chair):
    nomination = propose(sonla, other_unit=UNIT, achievements="Dẫn dắt 40 HTX thành viên.")
    unit_ = nomination.nominee_other_unit
    assert nomination.nominee_kind == "other_unit"
    assert (unit_.province, unit_.staff_count, unit_.founded_year) == (unit("14"), 24, 2015)
    assert unit_.get_unit_type_display() == "Liên hiệp hợp tác xã"
    assert nomination.nominee_name == f"{NAME} (tỉnh Sơn La)"
    assert legal_name_of(nomination) == NAME
    assert counted_kinds(["alliance", "other_unit", "person"]) == "02 tập thể, 01 cá nhân"
    nomination = vote(nomination, 7, 7, by=chair)
    nomination = nomination_endorse(
        nomination=nomination, seen_version=nomination.version, by=chair
    )
    assert nomination.status == NominationStatus.ENDORSED
    assert unit_.history.get().history_user == sonla
    # Submitted, granted: the decision names it in full and the register records it.
    nomination = nomination_submit(nomination=nomination, seen_version=nomination.version, by=chair)
    nomination = nomination_decide(
        nomination=nomination,
        seen_version=nomination.version,
        by=chair,
        granted=True,
        decision_number="120/QĐ-LMHTXVN",
        decision_date=datetime.date(2024, 1, 20),
    )
    assert awardee_line(nomination).startswith(f"{NAME} (tỉnh Sơn La, ")
    assert AwardRecord.objects.get().other_unit == unit_


def test_one_achievement_one_award_refuses_a_second_award_naming_the_first(sonla):
    propose(sonla, other_unit=UNIT)
    with pytest.raises(NominationError, match=f"{NAME} đã được đề nghị Bằng khen .* năm 2023"):
        propose(sonla, award=flag(), other_unit={**UNIT, "staff_count": 30})
    assert nothing_saved(units=1, nominations=1)
    # The register's award for 2024 refuses a nomination for 2024.
    AwardRecord.objects.create(
        other_unit=OtherUnit.objects.get(),
        year=2024,
        award="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Sơn La",
        decision_number="88/QĐ-UBND",
        decision_date="2025-01-20",
        issuer="Ủy ban nhân dân tỉnh Sơn La",
    )
    with pytest.raises(NominationError, match="đã được khen Bằng khen .* năm 2024 .*88/QĐ-UBND"):
        propose(sonla, year=2024, other_unit=UNIT)
    assert nothing_saved(units=1, nominations=1)


def test_an_other_unit_without_its_particulars_or_with_a_cooperative_is_refused(sonla):
    with pytest.raises(NominationError, match="Địa chỉ trụ sở chính: "):
        propose(sonla, other_unit={**UNIT, "head_office": " "})
    with pytest.raises(NominationError, match="Chọn đúng một đối tượng"):
        propose(sonla, other_unit=UNIT, cooperative_name="HTX Chè Mộc Châu")
    assert nothing_saved()


# The page and the API -------------------------------------------------------------------------


def page_post(**extra) -> dict:
    return {
        "award_type": merit().pk,
        "alliance": "",
        "cooperative_kind": "HTX",
        "achievements": "Hoàn thành xuất sắc nhiệm vụ.",
        **extra,
    }


def test_staff_propose_an_other_unit_on_the_page_and_a_second_award_is_refused(client, sonla):
    client.force_login(sonla)
    assert 'data-testid="propose-other-unit"' in client.get(LIST).text
    response = client.post(PROPOSE, page_post(**UNIT_FORM))
    assert response.status_code == 302
    assert Nomination.objects.get().nominee_other_unit.legal_name == NAME
    listed = client.get(response["Location"])
    assert NAME in listed.text and "Liên hiệp hợp tác xã" in listed.text
    again = client.post(PROPOSE, page_post(award_type=flag().pk, **UNIT_FORM))
    assert again.status_code == 400
    assert f"{NAME} đã được đề nghị Bằng khen" in again.text
    incomplete = client.post(PROPOSE, page_post(other_unit_legal_name="Công ty Cổ phần Chè Sơn La"))
    assert incomplete.status_code == 400
    assert "Địa chỉ trụ sở chính: " in incomplete.text
    assert nothing_saved(units=1, nominations=1)


def test_the_api_proposes_an_other_unit_and_refuses_a_second_award(api, chair):  # noqa: F811
    response = api_propose(
        api, award_type="certificate-of-merit", other_unit=UNIT_API, cooperative_province="14"
    )
    assert response.status_code == 201, response.content
    assert response.json()["nominee_kind"] == "other_unit"
    assert OtherUnit.objects.get().website == "lienhiephtxsonla.vn"
    again = api_propose(
        api, award_type="emulation-flag", other_unit=UNIT_API, cooperative_province="14"
    )
    assert again.status_code == 422
    assert f"{NAME} đã được đề nghị Bằng khen" in again.json()["detail"]
    bad = api_propose(
        api, award_type="emulation-flag", other_unit={**UNIT_API, "unit_type": "club"}
    )
    assert bad.status_code == 422
    assert nothing_saved(units=1, nominations=1)


def test_the_register_page_records_an_award_of_an_other_unit(client, sonla):
    other = propose(sonla, other_unit=UNIT).nominee_other_unit
    client.force_login(sonla)
    page = reverse("awards:register", args=[YEAR, "14"])
    assert NAME in client.get(page).text
    row = {
        "year": "2021",
        "award": "Giấy khen",
        "decision_number": "07/QĐ-UBND",
        "decision_date": "10/02/2022",
        "issuer": "Ủy ban nhân dân tỉnh Sơn La",
        "person_or_household": f"other_unit:{other.pk}",
    }
    assert client.post(page, row).status_code == 302
    assert AwardRecord.objects.get().other_unit == other


# The dossier ------------------------------------------------------------------------------------


def test_the_dossier_carries_the_other_unit_and_its_own_collective_report(client, make_staff):
    seed_demo_year()  # on the clean database: before any user is made
    sonla = make_staff("Sơn La", YEAR, username="sonla-other-unit")
    nomination = propose(sonla, other_unit=UNIT, achievements="Dẫn dắt 40 HTX thành viên.")
    Nomination.objects.filter(pk=nomination.pk).update(
        status=NominationStatus.ENDORSED, votes_for=7, votes_present=7, voting_method="secret"
    )
    # The report's page asks what the collective form asks, without business figures; the
    # particulars were recorded with the unit.
    client.force_login(sonla)
    page = client.get(reverse("dossiers:report", args=[nomination.pk]))
    assert page.status_code == 200
    assert "Chức năng, nhiệm vụ, những đặc điểm chính của đơn vị" in page.text
    assert 'name="compliance"' in page.text and 'name="signer_name"' in page.text
    assert 'name="revenue"' not in page.text and 'name="head_office"' not in page.text
    achievement_report_save(
        nomination=Nomination.objects.get(pk=nomination.pk),
        by=sonla,
        seen_version=0,
        submit=True,
        summary="Đại diện, hỗ trợ các hợp tác xã nông nghiệp của tỉnh.",
        achievements="Doanh thu của các HTX thành viên tăng 12 %.",
        measures="Tổ chức 6 lớp tập huấn.",
        compliance="Chấp hành đầy đủ chủ trương, chính sách.",
        signer_name="Hà Văn Hùng",
        signer_title="Chủ tịch Hội đồng quản trị",
        superior_body="Liên minh Hợp tác xã tỉnh Sơn La",
        superior_title="Chủ tịch",
        superior_name="Cầm Thị Hoa",
    )
    with patch_scoring():
        dossier = dossier_for(tay_bac(), YEAR)
        documents = dossier_documents(dossier)
    nominee = next(n for n in dossier.nominees if n.kind == "other_unit")
    assert nominee.legal_name == NAME and nominee.report_ready
    report = next(d for d in documents if d.filename.startswith("Bao-cao-thanh-tich-Lien-hiep"))
    html = render_document_html(report, linked_css=False)
    texts = [docx_text(render_docx(report)), pdf_text(render_pdfs([html])[0])]
    for text in (" ".join(t.split()) for t in texts):
        assert "BÁO CÁO THÀNH TÍCH" in text
        assert "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH" in text
        assert f"Tên đơn vị: {NAME}" in text
        assert "Loại hình đơn vị: Liên hiệp hợp tác xã" in text
        assert "Địa chỉ trụ sở chính: Số 12 đường Tô Hiệu" in text
        assert "Tổng số cán bộ, nhân viên (lao động): 24 người" in text
        assert "3. Việc thực hiện chủ trương, chính sách của Đảng" in text
        assert "Tổng doanh thu" not in text  # no cooperative's business figures
        assert "CHỦ TỊCH HỘI ĐỒNG QUẢN TRỊ Hà Văn Hùng" in text
        assert "Cầm Thị Hoa" in text
    letter = documents[0]
    words = " ".join(str(getattr(b, "text", "")) for b in letter.blocks)
    words += " ".join(" ".join(r.cells) for b in letter.blocks for r in getattr(b, "rows", []))
    assert NAME in words
    assert "06 tập thể, 01 cá nhân, 01 hộ gia đình" in words
