"""The legal basis as data (issue 23): the "Căn cứ" lines the migrations load, in force by
date (the 2022 law and its decrees from 1 January 2024, Decree 152/2025 from 1 July 2025),
the cluster's own lines with {year} and {cluster}, the agreement not citing itself, and the
admin's edits (a wrong placeholder refused with its message, nothing saved)."""

import datetime

import pytest
from django.urls import reverse

from emulation.models import LegalBasis
from emulation.reports.legal import legal_basis_on
from provinces.models import Cluster

pytestmark = pytest.mark.django_db


def lines(day, *, slug="tay-bac", year=2023, agreement=False):
    cluster = Cluster.objects.get(slug=slug)
    return legal_basis_on(day, cluster=cluster, year=year, agreement=agreement)


def test_the_law_and_its_decree_follow_the_document_s_date():
    before = "\n".join(lines(datetime.date(2023, 11, 30)))
    assert "ngày 26 tháng 11 năm 2003" in before and "91/2017/NĐ-CP" in before
    in_2024 = lines(datetime.date(2024, 1, 1))
    assert (
        in_2024[0] == "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;"
    )
    assert in_2024[1].startswith("Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023")
    assert "98/2023" in lines(datetime.date(2025, 6, 30))[1]
    assert lines(datetime.date(2025, 7, 1))[1].startswith("Căn cứ Nghị định số 152/2025/NĐ-CP")


def test_the_alliance_s_and_the_cluster_s_documents_are_named_for_the_year():
    text = lines(datetime.date(2023, 11, 30))
    assert text[2].startswith("Căn cứ Quy chế Thi đua, khen thưởng của Liên minh Hợp tác xã")
    assert text[3] == "Căn cứ Quy chế hoạt động của Cụm thi đua Liên minh HTX các tỉnh Tây Bắc;"
    assert (
        text[4]
        == "Căn cứ Giao ước thi đua năm 2023 của Cụm thi đua Liên minh HTX các tỉnh Tây Bắc;"
    )
    agreement = lines(datetime.date(2022, 12, 8), agreement=True)
    assert not any("Giao ước" in line for line in agreement)  # not itself


def test_a_cluster_s_own_line_is_its_alone():
    cluster = Cluster.objects.get(slug="tay-bac")
    LegalBasis.objects.create(
        cluster=cluster, text="Căn cứ Kế hoạch số 01/KH-CTĐ năm {year} của Cụm;", order=45
    )
    assert "Căn cứ Kế hoạch số 01/KH-CTĐ năm 2023 của Cụm;" in lines(datetime.date(2023, 6, 1))
    other = lines(datetime.date(2025, 6, 1), slug="mien-nui-phia-bac-1", year=2025)
    assert not any("01/KH-CTĐ" in line for line in other)


def test_the_admin_edits_them_and_a_wrong_placeholder_is_refused(client, admin_user):
    client.force_login(admin_user)
    add = reverse("admin:emulation_legalbasis_add")
    data = {"text": "Căn cứ Quyết định số {so} của {cluster};", "order": "60"}
    data |= {"cited_by_agreement": "on", "version": "0"}
    response = client.post(add, data)
    assert response.status_code == 200
    assert "Chỉ dùng được {year} (năm) và {cluster} (tên Cụm) trong ngoặc nhọn." in response.text
    count = LegalBasis.objects.count()
    response = client.post(add, {**data, "text": "Căn cứ Kết luận của {cluster};"})
    assert response.status_code == 302 and LegalBasis.objects.count() == count + 1


def test_the_alliance_s_own_lines_are_cited_by_its_decisions_alone():
    from emulation.reports.legal import national_basis_on

    day = datetime.date(2024, 3, 15)
    own = [
        "Căn cứ Điều lệ Liên minh Hợp tác xã Việt Nam;",
        "Căn cứ Quy chế thi đua, khen thưởng của Liên minh Hợp tác xã Việt Nam;",
    ]
    assert national_basis_on(day)[-2:] == own  # after the law's lines, as the decision prints
    assert not set(own) & set(lines(day))  # the cluster's documents do not cite them
    LegalBasis.objects.filter(text=own[0]).update(in_force_until=datetime.date(2024, 3, 14))
    assert national_basis_on(day)[-1:] == own[1:] and own[0] not in national_basis_on(day)
