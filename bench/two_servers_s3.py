"""Two application servers sharing one PostgreSQL database and one S3-compatible bucket:
what one stores, the other serves.

    bin/with-postgres .venv/bin/python bench/two_servers_s3.py [--port 8310]

moto's S3 server (``ThreadedMotoServer``) stands in for the provider on 127.0.0.1:PORT;
two gunicorn servers, as ``make serve`` starts them (DEBUG off), listen on PORT+1 and
PORT+2 with ``AWS_STORAGE_BUCKET_NAME`` and ``AWS_S3_ENDPOINT_URL`` pointing at it. On the
demo's open 2025 score sheet of Lạng Sơn (cluster mien-nui-phia-bac-1):

1. Lạng Sơn's staff uploads an evidence file through server A; server B streams it back
   to them, byte for byte, and answers 404 to Sơn La's staff (the read rule).
2. Lạng Sơn's staff previews a disbursements upload (.xlsx) on server A; the preview's held table
   is in the bucket; the confirmation on server B imports it.
3. ``make backup`` with the same environment writes an archive holding the database and
   the bucket's files.

Exits 1 when a step fails. It prints each step with its time.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import boto3
import openpyxl
import requests
from moto.server import ThreadedMotoServer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import PYTHON, ROOT, gunicorn, manage, production_env, session_for  # noqa: E402

BUCKET = "portal-files"
CLUSTER, YEAR, CODE = "mien-nui-phia-bac-1", 2025, "20"
SHEET = f"/clusters/{CLUSTER}/{YEAR}/scoring/{CODE}/"
IMPORT = "/disbursements/import/"
CSRF = "s3check" + "x" * 25  # an unmasked CSRF secret of 32 characters, as the cookie
PDF = "%PDF-1.4\n% Quyết định khen thưởng, Lạng Sơn 2025\n%%EOF\n".encode()
FACTS = f"""
from emulation.scoring.models import EvidenceFile
from tests.scoring_helpers import data_for, unit
data = data_for({CLUSTER!r}, {YEAR})
sheet = data.column(unit({CODE!r}, {YEAR}).pk).sheet
print(data.leaves[0].pk, sheet.version if sheet else 0)
"""
LATEST_EVIDENCE = (
    "from emulation.models import EvidenceFile; print(EvidenceFile.objects.latest('pk').pk)"
)
DISBURSEMENTS = "from provinces.models import Disbursement; print(Disbursement.objects.count())"


def step(text: str, started: float, ok: bool) -> bool:
    print(f"{'ok  ' if ok else 'FAIL'} {time.monotonic() - started:6.2f} s  {text}", flush=True)
    return ok


def serve(env: dict, port: int):
    """One of the two app servers: 2 workers on a fixed port, a minute to start."""
    return gunicorn(env, workers=2, port=port, wait_seconds=60)


def disbursements_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["province", "fund", "date", "borrower", "borrower_type", "amount", "purpose"])
    sheet.append([CODE, "htx_dev", "05/06/2025", "HTX Chè Bắc Sơn", "HTX", "350", "Mua máy"])
    sheet.append([CODE, "other", "10/07/2025", "THT Hồi Văn Quan", "THT", "80,5", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bucket_keys(s3, prefix: str) -> list[str]:
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return [item["Key"] for item in listed]


def run_checks(env: dict, a: str, b: str, s3) -> bool:
    own = {"sessionid": session_for(env, "langson"), "csrftoken": CSRF}
    outsider = {"sessionid": session_for(env, "sonla"), "csrftoken": CSRF}
    criterion, version = manage(env, "shell", "-v0", "-c", FACTS).split()
    results = []

    started = time.monotonic()
    response = requests.post(
        a + SHEET,
        data={"action": "upload", "criterion": criterion, "version": version},
        files={"file": ("quyet-dinh.pdf", PDF)},
        cookies=own,
        headers={"X-CSRFToken": CSRF},
        allow_redirects=False,
        timeout=60,
    )
    stored = bucket_keys(s3, "media/scoring/evidence/")
    results.append(
        step(
            f"A {a}: evidence uploaded ({response.status_code}), in the bucket as {stored}",
            started,
            response.status_code == 302 and len(stored) == 1,
        )
    )
    evidence = manage(env, "shell", "-v0", "-c", LATEST_EVIDENCE).strip()
    url = f"{SHEET}evidence/{evidence}/"
    started = time.monotonic()
    served = requests.get(b + url, cookies=own, allow_redirects=False, timeout=60)
    results.append(
        step(
            f"B {b}: {url} for Lạng Sơn's staff: {served.status_code}, "
            f"{len(served.content)} bytes, same as uploaded: {served.content == PDF}, "
            f"{served.headers.get('Content-Disposition')}",
            started,
            served.status_code == 200 and served.content == PDF,
        )
    )
    started = time.monotonic()
    refused = requests.get(b + url, cookies=outsider, allow_redirects=False, timeout=60)
    results.append(
        step(
            f"B {b}: the same for Sơn La's staff: {refused.status_code}",
            started,
            refused.status_code == 404,
        )
    )

    before = int(manage(env, "shell", "-v0", "-c", DISBURSEMENTS))
    started = time.monotonic()
    preview = requests.post(
        a + IMPORT,
        files={"file": ("so-giai-ngan.xlsx", disbursements_xlsx())},
        cookies=own,
        headers={"X-CSRFToken": CSRF},
        timeout=60,
    )
    held = bucket_keys(s3, "uploads/held-uploads/")
    token = preview.text.split('name="token" value="', 1)[-1].split('"', 1)[0]
    results.append(
        step(
            f"A {a}: disbursements .xlsx previewed ({preview.status_code}), held in the bucket as "
            f"{held}",
            started,
            preview.status_code == 200 and len(held) == 1 and len(token) == 32,
        )
    )
    started = time.monotonic()
    confirmed = requests.post(
        b + IMPORT,
        data={"token": token, "confirm": "1"},
        cookies=own,
        headers={"X-CSRFToken": CSRF},
        allow_redirects=False,
        timeout=60,
    )
    after = int(manage(env, "shell", "-v0", "-c", DISBURSEMENTS))
    results.append(
        step(
            f"B {b}: confirmed ({confirmed.status_code} → {confirmed.headers.get('Location')}), "
            f"disbursements {before} → {after}, held files left: {bucket_keys(s3, 'uploads/')}",
            started,
            confirmed.status_code == 302 and after == before + 2,
        )
    )

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="s3-backup-") as backups:
        made = subprocess.run(
            [PYTHON, "bin/dbbackup.py", "backup", "--dir", backups],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        names, size = [], 0
        for archive in Path(backups).glob("portal-*.tar.gz"):
            with tarfile.open(archive) as opened:
                names, size = opened.getnames(), archive.stat().st_size
    results.append(
        step(
            f"make backup: {made.stdout.strip() or made.stderr.strip()} — holds {names}, "
            f"{size:,} bytes",
            started,
            made.returncode == 0
            and "database.pgdump" in names
            and f"files/default/{stored[0].removeprefix('media/')}" in names,
        )
    )
    return all(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8310, help="moto; the servers: +1, +2")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("two_servers_s3: run it under bin/with-postgres (DATABASE_URL: PostgreSQL)")

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's line per request
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    moto.start()
    endpoint = f"http://127.0.0.1:{args.port}"
    s3_env = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "moto",
        "AWS_SECRET_ACCESS_KEY": "moto",
    }
    try:
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="moto",
            aws_secret_access_key="moto",
        )
        s3.create_bucket(Bucket=BUCKET)
        started = time.monotonic()
        with production_env("two-servers", **s3_env) as env:
            step("migrated, demo seeded, static files collected", started, True)
            started = time.monotonic()
            with serve(env, args.port + 1) as a, serve(env, args.port + 2) as b:
                step(f"two gunicorn servers up: A {a}, B {b}", started, True)
                passed = run_checks(env, a, b, s3)
    finally:
        moto.stop()
    print("all steps passed" if passed else "SOME STEPS FAILED")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
