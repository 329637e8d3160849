"""What the tests of the disbursement upload page share (test_disbursement_import_view.py,
test_disbursement_held_confirm.py); their fixtures are in conftest.py: `uploads_dir` (the
held uploads in the test's folder) and `son_la_staff` (signed in)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from provinces.models import Cooperative

URL = reverse("disbursements:import")
MOC_CHAU = "THT Rau sạch Mộc Châu"


def upload(client, data: bytes, name: str = "so-giai-ngan.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data)})


def stashed(uploads_dir) -> list:
    """The uploads held between a preview and its confirmation."""
    return sorted((uploads_dir / "held-uploads").glob("*.upload"))


def moc_chau(staff) -> Cooperative:
    """A cooperative of the staff user's province that SON_LA_ROW_2 names as its borrower."""
    return Cooperative.objects.create(
        province_id=staff.staff_profile.province_id,
        name=MOC_CHAU,
        name_key="tht rau sach moc chau",
        kind="THT",
    )
