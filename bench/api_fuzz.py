"""The API's schema fuzzing at the issue's size (issue 25): tests/test_api_fuzzing.py with
a few hundred examples per operation and generation mode instead of the suite's dozen,
same personas, data and checks (0 server errors, 0 answers outside the schema, 0
undocumented statuses, invalid data refused). Prints the requests, statuses and failures.

Run:
    .venv/bin/python bench/api_fuzz.py [--examples 200]
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200)
    args = parser.parse_args()
    env = {**os.environ, "API_FUZZ_EXAMPLES": str(args.examples)}
    command = [sys.executable, "-m", "pytest", "tests/test_api_fuzzing.py", "-q", "-s"]
    command += ["-p", "no:cacheprovider", "-p", "no:logging"]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
