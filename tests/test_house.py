"""The layout the README promises: modules stay short, the scripts import models from their
features, and the "Where things live" table matches the tree. The import layering of the
apps is tests/test_layering.py."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("cluster_portal", "provinces", "emulation")
MAX_LINES = 450
GATHERERS = {"provinces.models", "emulation.models"}


def _modules(*tops: str):
    for top in tops:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # `from provinces import models` imports the module provinces.models.
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_scripts_import_models_from_their_feature_packages():
    """The apps are held by the import contracts (tests/test_layering.py); bench/ and bin/
    are scripts, outside that import graph, so they are walked here."""
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in _modules("bench", "bin")
        for module in _imported_modules(path)
        if module in GATHERERS
    ]
    assert offenders == []


def test_the_import_walk_sees_function_local_and_module_imports(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("def f():\n    from emulation.models import Nomination\n")
    assert "emulation.models" in _imported_modules(sneaky)
    sneaky.write_text("def f():\n    from provinces import models\n")
    assert "provinces.models" in _imported_modules(sneaky)


def test_no_module_outside_migrations_and_tests_is_longer_than_the_limit():
    long = {
        str(path.relative_to(ROOT)): length
        for path in _modules(*APPS, "bench", "bin")
        if (length := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def _layout_table() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Where things live", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)`", section, flags=re.M)


def test_every_path_in_the_readme_layout_table_exists():
    paths = _layout_table()
    assert len(paths) > 10
    assert [p for p in paths if not (ROOT / p.rstrip("/")).exists()] == []


def test_every_feature_package_is_in_the_readme_layout_table():
    listed = set(_layout_table())
    packages = {
        f"{app}/{path.parent.name}/"
        for app in ("provinces", "emulation")
        for path in (ROOT / app).glob("*/__init__.py")
        if path.parent.name not in {"migrations", "management", "templatetags"}
    }
    assert packages - listed == set()
