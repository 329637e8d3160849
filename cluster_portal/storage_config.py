"""Where stored files live, from the environment, strictly: a malformed value stops start-up.

Two storages hold what people upload: ``default`` (scoring evidence files) and
``uploads`` (an import's table held between preview and confirmation,
provinces/spreadsheets/held.py). By default both are folders under ``VAR_DIR``
(``MEDIA_ROOT``, default ``VAR_DIR/media``, and ``VAR_DIR/uploads``), beside the SQLite
database, so that one folder holds everything the portal keeps and ``make backup`` copies
it all.

With more than one application server they must be shared: ``AWS_STORAGE_BUCKET_NAME``
puts both in one S3-compatible bucket through django-storages (``media/`` and
``uploads/`` inside it), private, never served by URL: the portal streams evidence files
itself after its access check. ``AWS_S3_ENDPOINT_URL`` names a provider other than
Amazon (MinIO, Ceph, a Vietnamese cloud's S3 service); the keys come from
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``, read by django-storages itself, or
boto3's usual chain (an instance role) when both are absent.
"""

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

FILE_SYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"
# The storages that hold what people upload (not staticfiles, which collectstatic makes):
# what `make backup` copies.
STORED_FILES = ("default", "uploads")
# Meaningless without a bucket, hence refused without one. The keys are not among them:
# other tools on the machine (an off-site copy of the backups) may use them.
_S3_VARIABLES = ("AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME", "AWS_S3_ADDRESSING_STYLE")


def _s3_options(env: Mapping[str, str], bucket: str) -> dict:
    options: dict = {
        "bucket_name": bucket,
        "default_acl": None,  # the bucket's own: private
        "querystring_auth": True,  # a URL, if one is ever made, is signed and short-lived
        "querystring_expire": 300,
        "file_overwrite": True,  # every name is random (evidence) or a new token (uploads)
    }
    endpoint = env.get("AWS_S3_ENDPOINT_URL", "").strip()
    if endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImproperlyConfigured(
                f"AWS_S3_ENDPOINT_URL={endpoint!r} is not an http:// or https:// address"
            )
        options["endpoint_url"] = endpoint
    region = env.get("AWS_S3_REGION_NAME", "").strip()
    if region:
        options["region_name"] = region
    style = env.get("AWS_S3_ADDRESSING_STYLE", "").strip()
    if style:
        if style not in ("auto", "path", "virtual"):
            raise ImproperlyConfigured(
                f"AWS_S3_ADDRESSING_STYLE={style!r} is not one of auto, path, virtual"
            )
        options["addressing_style"] = style
    if bool(env.get("AWS_ACCESS_KEY_ID", "").strip()) != bool(
        env.get("AWS_SECRET_ACCESS_KEY", "").strip()
    ):
        raise ImproperlyConfigured(
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together: set both or neither"
        )
    return options


def storage_settings(env: Mapping[str, str], *, var_dir: Path, debug: bool) -> dict:
    """MEDIA_ROOT and STORAGES for this environment."""
    media_root = Path(env.get("MEDIA_ROOT") or var_dir / "media")
    staticfiles = {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if debug
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    }
    bucket = env.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        stray = [name for name in _S3_VARIABLES if env.get(name, "").strip()]
        if stray:
            raise ImproperlyConfigured(
                f"{stray[0]} is set but AWS_STORAGE_BUCKET_NAME is not: name the bucket "
                "to store files in S3-compatible storage, or unset it"
            )
        stored = {
            "default": {"BACKEND": FILE_SYSTEM},  # in MEDIA_ROOT
            "uploads": {"BACKEND": FILE_SYSTEM, "OPTIONS": {"location": var_dir / "uploads"}},
        }
    else:
        if env.get("MEDIA_ROOT", "").strip():
            raise ImproperlyConfigured(
                "MEDIA_ROOT and AWS_STORAGE_BUCKET_NAME are both set: files go to one place"
            )
        options = _s3_options(env, bucket)
        stored = {
            "default": {"BACKEND": S3, "OPTIONS": {**options, "location": "media"}},
            "uploads": {"BACKEND": S3, "OPTIONS": {**options, "location": "uploads"}},
        }
    return {"MEDIA_ROOT": media_root, "STORAGES": {**stored, "staticfiles": staticfiles}}
