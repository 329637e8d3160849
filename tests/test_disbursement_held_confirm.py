"""The upload page's confirmation from the rows its preview cleaned (held_rows.py): no row
checked again, what can have changed meanwhile checked for the whole file, the same rows
and history written as the full check of the held table writes."""

import json

import pytest

from provinces.disbursements import excel_views
from provinces.disbursements.excel_resource import DisbursementResource
from provinces.models import ClusterMembership, Cooperative, Disbursement, Province
from provinces.spreadsheets.pipeline import CHANGED_MEANWHILE
from tests.disbursement_upload import MOC_CHAU, URL, moc_chau, stashed, upload
from tests.test_import_disbursements import HEADER, SON_LA_ROW, SON_LA_ROW_2, counts, csv_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uploads_dir")]


def confirm(client, preview):
    return client.post(URL, {"token": preview.context["token"], "confirm": "1"})


class Counted:
    """Counts the calls of a method while still calling it."""

    def __init__(self, monkeypatch, owner, name):
        self.calls, original = 0, getattr(owner, name)

        def counting(*args, **kwargs):
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counting)


def test_the_preview_holds_its_cleaned_rows(client, son_la_staff, uploads_dir):
    moc_chau(son_la_staff)
    upload(client, csv_file(SON_LA_ROW, SON_LA_ROW_2))
    [held] = stashed(uploads_dir)
    cleaned = json.loads(held.read_bytes())["cleaned"]
    known = Cooperative.objects.get(name=MOC_CHAU).pk
    assert [row[0] for row in cleaned] == [2, 3]
    assert cleaned[0][2:] == [
        "htx_dev", "2024-06-05", None, "HTX Chè Tà Xùa", "HTX", "1250.00", "Mua máy sao chè",
        None, False, "",
    ]  # fmt: skip
    assert cleaned[1][2:] == [
        "other",
        "2024-07-10",
        known,
        MOC_CHAU,
        "THT",
        "500.50",
        "",
        None,
        False,
        "",
    ]


def test_the_confirmation_does_not_check_each_row_again(client, son_la_staff, monkeypatch):
    rows = Counted(monkeypatch, DisbursementResource, "import_row")
    cleans = Counted(monkeypatch, Disbursement, "full_clean")
    preview = upload(client, csv_file(SON_LA_ROW, SON_LA_ROW_2))
    assert (rows.calls, cleans.calls) == (2, 2)
    response = confirm(client, preview)
    assert response.status_code == 302
    assert (rows.calls, cleans.calls) == (2, 2)  # none on confirmation
    assert Disbursement.objects.count() == 2


def test_the_confirmation_keeps_each_rows_reference(client, son_la_staff, monkeypatch):
    """The sending system's reference (client_ref) goes from the preview to the register
    through the held rows, without checking each row again; one used meanwhile is refused
    by the full check."""
    rows = Counted(monkeypatch, DisbursementResource, "import_row")
    data = csv_file([*SON_LA_ROW, "SL-1"], [*SON_LA_ROW_2, "SL-2"], header=[*HEADER, "client_ref"])
    assert confirm(client, upload(client, data)).status_code == 302
    assert rows.calls == 2  # the preview only
    assert sorted(Disbursement.objects.values_list("client_ref", flat=True)) == ["SL-1", "SL-2"]
    Disbursement.objects.all().delete()
    preview = upload(client, data)
    Disbursement.objects.create(**{**_a_disbursement(), "client_ref": "SL-1"})
    refused = confirm(client, preview)
    assert refused.status_code != 302 and rows.calls > 4  # checked again, refused
    assert Disbursement.objects.count() == 1


def _a_disbursement() -> dict:
    son_la = Province.objects.valid_in(2024).get(name="Sơn La")
    borrower = Cooperative.objects.create(name="HTX Khác", kind="HTX", province=son_la)
    return {
        "province": son_la, "fund": "other", "date": "2024-03-01", "borrower": borrower,
        "amount": "10.00",
    }  # fmt: skip


@pytest.mark.parametrize("borrower_known_at_preview", [True, False])
def test_a_disbursement_added_meanwhile_that_a_row_repeats_is_refused(
    client, son_la_staff, borrower_known_at_preview
):
    if borrower_known_at_preview:
        moc_chau(son_la_staff)
    preview = upload(client, csv_file(SON_LA_ROW, SON_LA_ROW_2))
    assert not any(row.possible_duplicate for row in preview.context["report"].rows)
    # Meanwhile someone enters row 3's disbursement (and its borrower, when it was new).
    borrower = Cooperative.objects.filter(name=MOC_CHAU).first() or moc_chau(son_la_staff)
    Disbursement.objects.create(
        province_id=son_la_staff.staff_profile.province_id,
        fund="other",
        date="2024-07-10",
        borrower=borrower,
        amount="500.5",
    )
    before = counts()
    response = confirm(client, preview)
    assert response.status_code == 409
    assert [(e.row, e.message) for e in response.context["report"].errors] == [
        (3, CHANGED_MEANWHILE)
    ]
    assert counts() == before


def test_a_possible_duplicate_the_preview_showed_is_imported(client, son_la_staff):
    borrower = moc_chau(son_la_staff)
    Disbursement.objects.create(
        province=borrower.province,
        fund="other",
        date="2024-07-10",
        borrower=borrower,
        amount="500.5",
    )
    preview = upload(client, csv_file(SON_LA_ROW_2))
    assert preview.context["report"].rows[0].possible_duplicate
    assert confirm(client, preview).status_code == 302
    assert Disbursement.objects.count() == 2


def test_a_right_lost_meanwhile_is_refused_with_the_rows_message(client, son_la_staff):
    preview = upload(client, csv_file(SON_LA_ROW))
    # Meanwhile the person is moved to Phú Thọ's son_la_staff.
    profile = son_la_staff.staff_profile
    profile.province = Province.objects.valid_in(2024).get(name="Phú Thọ")
    profile.save()
    response = confirm(client, preview)
    assert response.status_code == 409
    [error] = response.context["report"].errors
    assert (error.row, error.column) == (2, "province")
    assert "Bạn không có quyền nhập khoản vay" in error.message
    assert not Disbursement.objects.exists() and not Cooperative.objects.exists()


def test_a_province_year_out_of_its_cluster_meanwhile_is_refused(client, son_la_staff):
    preview = upload(client, csv_file(SON_LA_ROW, SON_LA_ROW_2))
    ClusterMembership.objects.filter(province=son_la_staff.staff_profile.province).delete()
    response = confirm(client, preview)
    assert response.status_code == 409
    assert [e.row for e in response.context["report"].errors] == [2, 3]
    assert counts() == (0, 0, 0, 0)


def test_a_borrower_added_meanwhile_is_used(client, son_la_staff):
    preview = upload(client, csv_file(SON_LA_ROW_2))
    assert preview.context["report"].rows[0].borrower_is_new
    borrower = moc_chau(son_la_staff)
    assert confirm(client, preview).status_code == 302
    assert Disbursement.objects.get().borrower == borrower
    assert Cooperative.objects.count() == 1


def test_a_borrower_renamed_meanwhile_goes_through_the_full_check(
    client, son_la_staff, monkeypatch
):
    borrower = moc_chau(son_la_staff)
    preview = upload(client, csv_file(SON_LA_ROW_2))
    Cooperative.objects.filter(pk=borrower.pk).update(name="THT Khác", name_key="tht khac")
    rows = Counted(monkeypatch, DisbursementResource, "import_row")
    assert confirm(client, preview).status_code == 302
    assert rows.calls == 1  # the held table checked again
    assert Disbursement.objects.get().borrower.name == MOC_CHAU  # a new entry, as the check says


def _written():
    """The disbursements, the directory and their history as written, without ids/times."""
    names = {c.pk: (c.name, c.province_id) for c in Cooperative.objects.all()}

    def plain(values, *drop):
        out = []
        for row in values:
            row = {k: v for k, v in row.items() if k not in drop}
            if "borrower_id" in row:
                row["borrower_id"] = names[row["borrower_id"]]
            out.append(row)
        return out

    return (
        plain(Disbursement.objects.order_by("pk").values(), "id", "updated_at"),
        plain(Cooperative.objects.order_by("pk").values(), "id"),
        plain(
            Disbursement.history.order_by("history_id").values(),
            *("id", "history_id", "history_date", "updated_at"),
        ),
        plain(
            Cooperative.history.order_by("history_id").values(), "id", "history_id", "history_date"
        ),
    )


def test_the_rows_written_are_the_ones_the_full_check_writes(client, admin_user, monkeypatch):
    client.force_login(admin_user)
    rows = [
        SON_LA_ROW,
        SON_LA_ROW_2,
        ["14", "htx_dev", "11/07/2024", "  thT  rau SẠCH Mộc Châu ", "THT", "3", "x"],
        ["25", "other", "12/07/2024", "HTX Chè Long Cốc", "HTX", "1.637,5", ""],
        ["14", "htx_dev", "05/06/2024", "HTX Chè Tà Xùa", "HTX", "1.250", "Mua máy sao chè"],
    ]
    data = csv_file(
        *[[*row, str(i * 6)] for i, row in enumerate(rows)], header=[*HEADER, "term_months"]
    )

    def run():
        preview = upload(client, data)
        assert preview.status_code == 200, preview.context["report"].errors
        assert confirm(client, preview).status_code == 302
        written = _written()
        Disbursement.objects.all().delete()
        Cooperative.objects.all().delete()
        Disbursement.history.all().delete()
        Cooperative.history.all().delete()
        return written

    rows_checked = Counted(monkeypatch, DisbursementResource, "import_row")
    from_cleaned = run()
    assert rows_checked.calls == 5  # the preview only
    monkeypatch.setattr(excel_views.DisbursementUpload, "cleaned", lambda self, report: None)
    full = run()
    assert rows_checked.calls == 15  # preview and confirmation
    assert len(from_cleaned[0]) == 5 and len(from_cleaned[1]) == 3
    assert from_cleaned == full
