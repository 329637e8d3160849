"""Stored files in an S3-compatible bucket (AWS_STORAGE_BUCKET_NAME), against moto's
in-process S3: the settings read from the environment, an evidence file uploaded and
served through the portal's access check (never a bucket URL), an import held between
preview and confirmation, and `make backup`'s copy of the bucket put back into another.

bench/two_servers_s3.py runs the same with two gunicorn servers, PostgreSQL and moto's
S3 server: what one server stores, the other serves.
"""

import importlib.util
import io
import os
import tarfile
from pathlib import Path

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto import mock_aws

from cluster_portal.storage_config import S3, storage_settings
from emulation.models import EvidenceFile
from provinces.models import Disbursement
from tests.scoring_helpers import YEAR, build_agreement
from tests.test_import_disbursements import SON_LA_ROW, SON_LA_ROW_2, csv_file
from tests.test_scoring_views import PDF, upload

ROOT = Path(__file__).resolve().parent.parent
ORIGINAL_KEY = os.environ.get("AWS_ACCESS_KEY_ID")
S3_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "portal-files",
    "AWS_S3_REGION_NAME": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
}


def test_stored_files_live_under_var_dir_by_default(tmp_path):
    keys_for_other_tools = {"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}
    configured = storage_settings(keys_for_other_tools, var_dir=tmp_path, debug=False)
    assert configured["MEDIA_ROOT"] == tmp_path / "media"
    stores = configured["STORAGES"]
    assert stores["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert stores["uploads"]["OPTIONS"] == {"location": tmp_path / "uploads"}
    moved = storage_settings({"MEDIA_ROOT": "/srv/files"}, var_dir=tmp_path, debug=False)
    assert moved["MEDIA_ROOT"] == Path("/srv/files")


def test_a_bucket_holds_both_storages_privately(tmp_path):
    env = {**S3_ENV, "AWS_S3_ENDPOINT_URL": "https://s3.example.vn"}
    stores = storage_settings(env, var_dir=tmp_path, debug=False)["STORAGES"]
    for alias, prefix in [("default", "media"), ("uploads", "uploads")]:
        assert stores[alias]["BACKEND"] == S3
        options = stores[alias]["OPTIONS"]
        assert options["bucket_name"] == "portal-files" and options["location"] == prefix
        assert options["endpoint_url"] == "https://s3.example.vn"
        assert options["default_acl"] is None and options["querystring_auth"] is True
    assert "whitenoise" in stores["staticfiles"]["BACKEND"]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"}, "AWS_STORAGE_BUCKET_NAME"),
        ({**S3_ENV, "AWS_S3_ENDPOINT_URL": "minio.local:9000"}, "AWS_S3_ENDPOINT_URL"),
        ({**S3_ENV, "AWS_SECRET_ACCESS_KEY": ""}, "AWS_SECRET_ACCESS_KEY"),
        ({**S3_ENV, "AWS_S3_ADDRESSING_STYLE": "sideways"}, "AWS_S3_ADDRESSING_STYLE"),
        ({**S3_ENV, "MEDIA_ROOT": "/srv/files"}, "MEDIA_ROOT"),
    ],
)
def test_a_malformed_storage_variable_stops_start_up_naming_it(env, named, tmp_path):
    with pytest.raises(ImproperlyConfigured, match=named):
        storage_settings(env, var_dir=tmp_path, debug=False)


def use_bucket(settings, tmp_path, name: str):
    settings.STORAGES = storage_settings(
        {**S3_ENV, "AWS_STORAGE_BUCKET_NAME": name}, var_dir=tmp_path, debug=True
    )["STORAGES"]


@pytest.fixture
def s3(settings, monkeypatch, tmp_path):
    """Both storages in the bucket portal-files of moto's in-process S3; its client."""
    # The keys django-storages reads, set before moto saves the environment and undone
    # after it restores it: nothing leaks into later tests' subprocesses.
    for key, value in S3_ENV.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="portal-files")
        use_bucket(settings, tmp_path, "portal-files")
        yield client


def keys(client, bucket: str = "portal-files") -> list[str]:
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return sorted(item["Key"] for item in listed)


def test_nothing_of_the_bucket_is_left_in_the_environment():
    # Runs after the bucket tests (pytest-django puts database tests first): a leaked key
    # would reach every later subprocess.
    assert os.environ.get("AWS_ACCESS_KEY_ID") in (None, ORIGINAL_KEY)


@pytest.mark.django_db
def test_an_evidence_file_is_stored_in_the_bucket_and_streamed_to_readers_only(
    s3, client, make_staff
):
    build_agreement()
    own, other = make_staff("Sơn La", YEAR), make_staff("Điện Biên", YEAR)
    client.force_login(own)
    assert upload(client).status_code == 302
    item = EvidenceFile.objects.get()
    (key,) = keys(s3)
    assert key == f"media/{item.file.name}" and key.startswith("media/scoring/evidence/")
    grants = s3.get_object_acl(Bucket="portal-files", Key=key)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers, no public

    url = reverse("scoring:evidence", args=["tay-bac", YEAR, "14", item.pk])
    response = client.get(url)
    assert response.status_code == 200 and not response.has_header("Location")
    assert b"".join(response.streaming_content) == PDF
    client.force_login(other)
    assert client.get(url).status_code == 404

    s3.delete_object(Bucket="portal-files", Key=key)
    client.force_login(own)
    assert client.get(url).status_code == 404  # gone from the bucket: not a 500


@pytest.mark.django_db
def test_an_import_is_held_in_the_bucket_until_it_is_confirmed(s3, client, make_staff):
    client.force_login(make_staff("Sơn La", 2024))
    url = reverse("disbursements:import")
    data = csv_file(SON_LA_ROW, SON_LA_ROW_2)
    preview = client.post(url, {"file": SimpleUploadedFile("so-giai-ngan.csv", data)})
    assert preview.status_code == 200 and not Disbursement.objects.exists()
    (key,) = keys(s3)
    assert key.startswith("uploads/held-uploads/") and key.endswith(".upload")

    confirmed = client.post(url, {"token": preview.context["token"], "confirm": "1"})
    assert confirmed.status_code == 302
    assert Disbursement.objects.count() == 2
    assert keys(s3) == []


def load_backup_script():
    spec = importlib.util.spec_from_file_location("dbbackup", ROOT / "bin" / "dbbackup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_a_backup_copies_the_bucket_and_a_restore_puts_it_back(
    s3, client, make_staff, settings, tmp_path
):
    dbbackup = load_backup_script()
    build_agreement()
    client.force_login(make_staff("Sơn La", YEAR))
    upload(client)
    storages["uploads"].save("held-uploads/0000000001-held.upload", io.BytesIO(b"{}"))
    stored = keys(s3)

    archive_bytes = io.BytesIO()
    with tarfile.open(fileobj=archive_bytes, mode="w:gz") as archive:
        archive.addfile(tarfile.TarInfo("database.sqlite3"), io.BytesIO())
        assert dbbackup.archive_stored_files(archive) == (2, len(PDF) + 2)

    # Another bucket, holding a stray file the restore removes.
    s3.create_bucket(Bucket="portal-files-2")
    s3.put_object(Bucket="portal-files-2", Key="media/scoring/evidence/stray.pdf", Body=b"x")
    use_bucket(settings, tmp_path, "portal-files-2")
    archive_bytes.seek(0)
    with tarfile.open(fileobj=archive_bytes, mode="r:gz") as archive:
        _, files = dbbackup.archive_contents(archive)
        assert dbbackup.restore_stored_files(archive, files) == 2
    assert keys(s3, "portal-files-2") == stored
    evidence = EvidenceFile.objects.get()
    with storages["default"].open(evidence.file.name, "rb") as handle:
        assert handle.read() == PDF
