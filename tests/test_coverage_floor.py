"""bin/coverage_floor.py: `make test` fails when a package's line coverage is under its
floor; the exceptions list only shrinks."""

import importlib.util
import tomllib
from pathlib import Path

import coverage
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("coverage_floor", ROOT / "bin/coverage_floor.py")
coverage_floor = importlib.util.module_from_spec(spec)
spec.loader.exec_module(coverage_floor)


def project(tmp_path: Path, exceptions: str = "") -> tuple[Path, Path, Path]:
    """A tree with two packages of ten lines each: `app/feature` has 8 lines run (80 %),
    `app` (its own module) all 10, and the coverage data of that run."""
    root = tmp_path / "project"
    (root / "app/feature").mkdir(parents=True)
    files = {root / "app/models.py": 10, root / "app/feature/rules.py": 8}
    data = coverage.CoverageData(basename=str(tmp_path / ".coverage"))
    for path, run in files.items():
        path.write_text("".join(f"x{n} = {n}\n" for n in range(1, 11)))
        data.add_lines({str(path): set(range(1, run + 1))})
    data.write()
    config = tmp_path / "pyproject.toml"
    config.write_text(f"[tool.coverage-floor]\ndefault = 90\nexceptions = {{{exceptions}}}\n")
    return root, config, tmp_path / ".coverage"


def run(root, config, data_file) -> int:
    return coverage_floor.main(
        ["--root", str(root), "--config", str(config), "--data-file", str(data_file)]
    )


def test_a_package_under_its_floor_fails_the_check(tmp_path, capsys):
    assert run(*project(tmp_path)) == 1
    out, err = capsys.readouterr()
    assert "app/feature: 80.0 % of lines, under its floor 90 %" in err
    assert "app:" not in err  # the package at 100 % passes
    assert "app/feature" in out and "80.0 %" in out


def test_an_exception_lets_a_package_stay_at_its_lower_floor(tmp_path, capsys):
    assert run(*project(tmp_path, '"app/feature" = 80')) == 0


def test_an_exception_still_fails_a_package_that_slides_below_it(tmp_path, capsys):
    assert run(*project(tmp_path, '"app/feature" = 85')) == 1
    assert "under its floor 85 %" in capsys.readouterr().err


def test_an_exception_no_longer_needed_fails_until_removed(tmp_path, capsys):
    assert run(*project(tmp_path, '"app" = 50')) == 1
    assert "app: 100.0 % reaches the default floor 90 %" in capsys.readouterr().err


def test_the_calibration_line_lists_the_packages_under_the_default(tmp_path, capsys):
    root, config, data_file = project(tmp_path)
    args = ["--root", str(root), "--config", str(config), "--data-file", str(data_file)]
    assert coverage_floor.main([*args, "--print-exceptions"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == 'exceptions = {"app/feature" = 80}'


def test_missing_coverage_data_is_an_error_not_a_pass(tmp_path):
    root, config, _ = project(tmp_path)
    assert run(root, config, tmp_path / "absent") == 2


@pytest.mark.parametrize(
    ("path", "package"),
    [
        ("provinces/figures/rules.py", "provinces/figures"),
        ("provinces/organisation/reference/data.py", "provinces/organisation"),
        ("provinces/models.py", "provinces"),
        ("cluster_portal/settings.py", "cluster_portal"),
    ],
)
def test_files_are_grouped_by_feature_package(path, package):
    assert coverage_floor.package_of(ROOT / path, ROOT) == package


def test_the_projects_floors_are_lower_only_by_exception():
    table = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["coverage-floor"]
    assert table["default"] >= 90
    assert all(floor < table["default"] for floor in table["exceptions"].values())
