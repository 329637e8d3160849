#!/usr/bin/env python3
"""Check the line coverage of each package against its floor.

Reads the coverage data the suite wrote (`make test` runs pytest with `--cov`), groups the
measured files by package (`cluster_portal`, `provinces`, `emulation` for their top-level
modules; `provinces/figures`, `emulation/scoring`… for each feature package), prints one
line per package and exits 1 when a package is under its floor.

The floors are in pyproject.toml, `[tool.coverage-floor]`: `default` for every package, and
`exceptions`, the packages allowed a lower floor for now. That list only shrinks: an
exception a package no longer needs (it reaches the default) fails the check too, so that
the line is removed and the package cannot slide back.

    bin/coverage_floor.py                 # after `make test`
    bin/coverage_floor.py --data-file F --config pyproject.toml --root .
"""

import argparse
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Package:
    name: str
    statements: int
    missing: int

    @property
    def percent(self) -> float:
        if not self.statements:
            return 100.0
        return 100.0 * (self.statements - self.missing) / self.statements


def package_of(path: Path, root: Path) -> str | None:
    """`provinces/figures/rules.py` -> `provinces/figures`; `provinces/models.py` ->
    `provinces`; None outside the root."""
    try:
        parts = path.resolve().relative_to(root.resolve()).parts
    except ValueError:
        return None
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0]


def measure(data_file: Path, root: Path, config: Path | str | bool) -> dict[str, Package]:
    import coverage

    cov = coverage.Coverage(data_file=str(data_file), config_file=config)
    cov.load()
    files = cov.get_data().measured_files()
    if not files:
        raise SystemExit(f"coverage_floor: no measured file in {data_file}: run the suite first")
    totals: dict[str, list[int]] = {}
    for filename in sorted(files):
        name = package_of(Path(filename), root)
        if name is None:
            continue
        _, statements, _, missing, _ = cov.analysis2(filename)
        total = totals.setdefault(name, [0, 0])
        total[0] += len(statements)
        total[1] += len(missing)
    return {name: Package(name, s, m) for name, (s, m) in sorted(totals.items())}


def floors(config: Path) -> tuple[float, dict[str, float]]:
    table = tomllib.loads(config.read_text())["tool"]["coverage-floor"]
    return float(table["default"]), {k: float(v) for k, v in table.get("exceptions", {}).items()}


def problems(
    packages: dict[str, Package], default: float, exceptions: dict[str, float]
) -> list[str]:
    found = []
    for name in sorted(set(exceptions) - set(packages)):
        found.append(f"{name}: listed in the exceptions but not measured: remove the line")
    for package in packages.values():
        floor = exceptions.get(package.name, default)
        # Rounded as printed: 89.96 % is shown, and counts, as 90.0 %.
        percent = round(package.percent, 1)
        if percent < floor:
            found.append(f"{package.name}: {percent:.1f} % of lines, under its floor {floor:g} %")
        elif package.name in exceptions and percent >= default:
            found.append(
                f"{package.name}: {percent:.1f} % reaches the default floor {default:g} %: "
                "remove its exception (the list only shrinks)"
            )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-file", type=Path, default=ROOT / ".coverage")
    parser.add_argument("--config", type=Path, default=ROOT / "pyproject.toml")
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument(
        "--print-exceptions",
        action="store_true",
        help="print the exceptions line of the current coverage (first calibration only)",
    )
    args = parser.parse_args(argv)
    if not args.data_file.exists():
        print(f"coverage_floor: {args.data_file} is missing: run the suite with --cov first")
        return 2
    default, exceptions = floors(args.config)
    packages = measure(args.data_file, args.root, str(args.config))
    for package in packages.values():
        floor = exceptions.get(package.name, default)
        print(
            f"{package.name:<28} {package.statements:>6} lines {package.missing:>5} missed "
            f"{package.percent:6.1f} %  (floor {floor:g} %)"
        )
    if args.print_exceptions:
        print(current_exceptions(packages, default))
        return 0
    found = problems(packages, default, exceptions)
    for line in found:
        print(f"coverage_floor: {line}", file=sys.stderr)
    return 1 if found else 0


def current_exceptions(packages: dict[str, Package], default: float) -> str:
    """The exceptions line that would hold the packages under the default at their current
    coverage, rounded down: for the first calibration only, never to lower a floor."""
    under = {p.name: int(p.percent) for p in packages.values() if p.percent < default}
    return "exceptions = {" + ", ".join(f'"{k}" = {v}' for k, v in under.items()) + "}"


if __name__ == "__main__":
    sys.exit(main())
