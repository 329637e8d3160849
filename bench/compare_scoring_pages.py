"""Do two revisions show the same scoring pages from the demo data?

    .venv/bin/python bench/compare_scoring_pages.py --dump before.json   (in one tree)
    .venv/bin/python bench/compare_scoring_pages.py --dump after.json    (in the other)
    .venv/bin/python bench/compare_scoring_pages.py --compare before.json after.json

Dump: a fresh SQLite database, `migrate`, `seed_demo`, then as the demo's admin and as
Phú Thọ's staff the overview, every member's sheet (with its inputs where the reader may
write) and the summary PDF's text (pypdf) of every scored cluster-year, and the annual
report's PDF text; CSRF tokens masked. Compare (the history's times masked, they are the
seeding's; a PDF's text word by word): prints each page that differs and exits non-zero
when any does.
"""

import argparse
import io
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEARS = [("tay-bac", 2023), ("mien-nui-phia-bac-1", 2025)]
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')
# The history's times are those of the seeding run: the minutes differ between two dumps.
WHEN = re.compile(r"\d\d/\d\d/\d{4} \d\d:\d\d")
# A PDF's text is compared word by word: the summary pads its points with figure,
# punctuation and hair spaces (render.member_grid), which pypdf gives back.
SPACES = re.compile(r"[\s\u2007\u2008\u200a]+")


def dump(out: Path) -> None:
    work = tempfile.mkdtemp(prefix="compare-scoring-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "cluster_portal.settings",
            "DEBUG": "1",
            "VAR_DIR": str(Path(work) / "var"),
            "DATABASE_URL": f"sqlite:///{Path(work) / 'portal.sqlite3'}",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.core.management import call_command
    from django.test import Client
    from pypdf import PdfReader

    from provinces.organisation.models import Cluster
    from provinces.organisation.selectors import cluster_members

    pages: dict[str, str] = {}
    try:
        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0)
        users = get_user_model().objects
        readers = {"admin": users.get(username="admin"), "phutho": users.get(username="phutho")}
        for who, user in readers.items():
            client = Client()
            client.force_login(user)
            for slug, year in YEARS:
                base = f"/clusters/{slug}/{year}/scoring/"
                members = cluster_members(Cluster.objects.get(slug=slug), year)
                for url in [base] + [f"{base}{m.code}/" for m in members]:
                    response = client.get(url)
                    text = CSRF.sub(r'\1…"', response.content.decode())
                    pages[f"{who} {url}"] = f"{response.status_code}\n{text}"
                for url in (f"{base}pdf/", f"/reports/{slug}/{year}/pdf/"):
                    caches["documents"].clear()
                    response = client.get(url)
                    if response.status_code != 200:
                        pages[f"{who} {url}"] = str(response.status_code)
                        continue
                    reader = PdfReader(io.BytesIO(response.content))
                    pages[f"{who} {url}"] = "\n".join(p.extract_text() for p in reader.pages)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out.write_text(json.dumps(pages, ensure_ascii=False, indent=1))
    print(f"{len(pages)} pages written to {out}")


def compare(before: Path, after: Path) -> int:
    a, b = (
        {
            k: SPACES.sub(" ", v) if k.endswith("pdf/") else WHEN.sub("…", v)
            for k, v in json.loads(path.read_text()).items()
        }
        for path in (before, after)
    )
    differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    for key in differ:
        print(f"differs: {key}")
    print(f"{len(a)} pages compared, {len(differ)} differ")
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--compare", type=Path, nargs=2)
    args = parser.parse_args()
    if args.dump:
        dump(args.dump)
    if args.compare:
        sys.exit(compare(*args.compare))


if __name__ == "__main__":
    main()
