"""Migrating a real database forward keeps every row.

`tests/data/demo-before-one-house.sqlite3.gz` is the demo database (`seed_demo`) built at
the migrations of main before the organisation moved into one app (commit 4a33811). The
test migrates a copy of it with today's code and compares every table's row count and a
few values, history tables included.
"""

import gzip
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "data" / "demo-before-one-house.sqlite3.gz"

# Django adds a content type and four permissions for each model added since.
GROWS_WITH_NEW_MODELS = {"django_content_type", "auth_permission"}

SAMPLES = {
    "emulation_clusterterm": "SELECT cluster_id, year, head_id, vice_id FROM {t} ORDER BY id",
    "emulation_historicalclusterterm": (
        "SELECT id, year, head_id, vice_id, history_type FROM {t} ORDER BY history_id"
    ),
    "provinces_yearlyfigures": (
        "SELECT province_id, year, status, htx_total, htx_avg_income FROM {t} ORDER BY id"
    ),
    "provinces_disbursement": "SELECT province_id, date, amount FROM {t} ORDER BY id",
    "emulation_nomination": "SELECT award_type_id, status, votes_for FROM {t} ORDER BY id",
}


def _tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return sorted(name for (name,) in rows if name != "django_migrations")


def _snapshot(path: Path) -> tuple[dict[str, int], dict[str, list]]:
    with sqlite3.connect(path) as db:
        counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in _tables(db)}
        samples = {t: db.execute(q.format(t=t)).fetchall() for t, q in SAMPLES.items()}
    return counts, samples


@pytest.fixture
def old_database(tmp_path) -> Path:
    path = tmp_path / "portal.sqlite3"
    with gzip.open(SNAPSHOT) as packed, open(path, "wb") as plain:
        shutil.copyfileobj(packed, plain)
    return path


def test_migrating_the_demo_database_forward_keeps_every_row(old_database):
    before_counts, before_samples = _snapshot(old_database)
    assert before_counts["emulation_clusterterm"] > 0
    assert before_counts["emulation_historicalclusterterm"] > 0

    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{old_database}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr

    after_counts, after_samples = _snapshot(old_database)
    for table, count in before_counts.items():
        if table in GROWS_WITH_NEW_MODELS:
            assert after_counts[table] >= count, f"{table}: {count} rows before"
        else:
            assert after_counts.get(table) == count, f"{table}: {count} rows before"
    assert after_samples == before_samples

    with sqlite3.connect(old_database) as db:
        owners = dict(
            db.execute(
                "SELECT model, app_label FROM django_content_type WHERE model LIKE '%clusterterm'"
            ).fetchall()
        )
    assert owners == {"clusterterm": "provinces", "historicalclusterterm": "provinces"}
