"""The layering of README's "Where things live", held by the import contracts of
pyproject.toml (`lint-imports`): they pass on the tree, and they catch a wrong-way import,
a cycle between features, an import under TYPE_CHECKING or inside a function, a use of
an app's models gatherer and a feature package left out of the layers."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("cluster_portal", "provinces", "emulation")


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contracts_hold():
    run = _lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Contracts: 5 kept, 0 broken." in run.stdout


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def test_the_contracts_catch_imports_the_wrong_way(tmp_path):
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    # provinces reaching up into emulation, at module level.
    _append(
        tmp_path / "provinces/figures/rules.py", "\nfrom emulation.scoring.models import Score\n"
    )
    # A cycle: figures calling the notices, inside a function.
    _append(
        tmp_path / "provinces/figures/services.py",
        "\n\ndef _tell():\n    from provinces.notices.services import notice_create\n",
    )
    # cluster_portal naming an app's type, only for the type checker.
    _append(
        tmp_path / "cluster_portal/access.py",
        "\nif TYPE_CHECKING:\n    from provinces.organisation.models import Cluster\n",
    )
    # Features going through an app's gatherer, their own app's and the other's.
    _append(tmp_path / "emulation/rotation/forms.py", "\nfrom emulation.models import Conference\n")
    _append(tmp_path / "emulation/conference/forms.py", "\nfrom provinces.models import Cluster\n")
    # A feature package the layers do not place.
    (tmp_path / "provinces/newfeature").mkdir()
    (tmp_path / "provinces/newfeature/__init__.py").write_text("")

    run = _lint_imports(tmp_path)
    out = run.stdout

    assert run.returncode == 1, out + run.stderr
    assert "Contracts: 0 kept, 5 broken." in out
    assert "provinces imports nothing of emulation BROKEN" in out
    assert "provinces.figures.rules -> emulation.scoring.models" in out
    assert "provinces: the features form layers, no cycle BROKEN" in out
    assert "provinces.figures is not allowed to import provinces.notices" in out
    assert "provinces.newfeature" in out
    assert "cluster_portal (settings, access, the project's plumbing) imports no app BROKEN" in out
    assert "cluster_portal.access -> provinces.organisation.models" in out
    assert "emulation: the features form layers, no cycle BROKEN" in out
    assert "emulation.rotation is not allowed to import emulation.models" in out
    assert "emulation imports provinces' models from their feature packages BROKEN" in out
    assert "emulation.conference.forms -> provinces.models" in out
