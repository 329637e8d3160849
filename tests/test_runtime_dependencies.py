"""The portal runs with its run-time dependencies alone (`make run` installs `pip install -e .`,
without the test extra): every third-party module the portal's code imports belongs to a
distribution that [project].dependencies names, or one of theirs. A module that only the
test tools brought in (httpx once did) fails here rather than in a fresh `make run`."""

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
RUN_TIME_CODE = [
    "cluster_portal",
    "provinces",
    "emulation",
    "manage.py",
    "bin/dbbackup.py",
    "bin/run_together.py",
]
FIRST_PARTY = {"cluster_portal", "provinces", "emulation", "tests"}


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_modules() -> dict[str, str]:
    """Each top-level module imported by run-time code, with one file importing it."""
    found: dict[str, str] = {}
    for entry in RUN_TIME_CODE:
        path = ROOT / entry
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.partition(".")[0]
                    if top not in sys.stdlib_module_names and top not in FIRST_PARTY:
                        found.setdefault(top, str(file.relative_to(ROOT)))
    return found


def run_time_distributions() -> set[str]:
    """[project].dependencies and, recursively, what each requires (with the extras asked)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    todo = [Requirement(text) for text in project["dependencies"]]
    seen: set[tuple[str, frozenset]] = set()
    names: set[str] = set()
    while todo:
        requirement = todo.pop()
        key = (normal(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        names.add(key[0])
        try:
            requires = metadata.distribution(requirement.name).requires or []
        except metadata.PackageNotFoundError:
            continue
        for text in requires:
            child = Requirement(text)
            extras = requirement.extras or {""}
            if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in extras):
                todo.append(child)
    return names


def test_every_third_party_import_is_a_run_time_dependency():
    by_module = metadata.packages_distributions()
    allowed = run_time_distributions()
    missing = {
        module: where
        for module, where in imported_modules().items()
        if not {normal(dist) for dist in by_module.get(module, [])} & allowed
    }
    assert missing == {}, f"add to [project].dependencies in pyproject.toml: {missing}"


def test_the_check_sees_a_test_only_module():
    """httpx is a run-time dependency now; pytest (the test extra) is not."""
    allowed = run_time_distributions()
    assert "httpx" in allowed and "pytest" not in allowed and "django" in allowed
