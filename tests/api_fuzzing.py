"""Schema fuzzing of the API (issue 25) with schemathesis, shared by the test
(tests/test_api_fuzzing.py, a small number of examples) and the bench
(bench/api_fuzz.py, a few hundred per operation): every operation of the live OpenAPI
document, positive and negative data, each request sent with the next persona's token,
through Django's WSGI application (every middleware, as in production)."""

import itertools
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_support import wsgi_app

# 0 server errors (a 5xx fails the run by itself, below), 0 answers outside the schema,
# 0 undocumented statuses, and invalid data refused.
CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@dataclass
class FuzzReport:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.requests} requests in {self.seconds:.1f} s, statuses "
            f"{dict(sorted(self.statuses.items()))}, {len(self.failures)} failures"
        )


def fuzz_api(tokens: dict[str, str | None], *, max_examples: int) -> FuzzReport:
    """Run every operation, in both generation modes, `max_examples` each."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app())
    personas = itertools.cycle(tokens.values())
    report = FuzzReport()
    started = time.perf_counter()
    requests_log = logging.getLogger("django.request")  # thousands of 4xx warnings
    level = requests_log.level
    requests_log.setLevel(logging.ERROR)
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _fuzz_operation(operation, mode, personas, report, max_examples)
    finally:
        requests_log.setLevel(level)
    report.seconds = time.perf_counter() - started
    return report


def _fuzz_operation(operation, mode, personas, report: FuzzReport, max_examples: int):
    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        token = next(personas)
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        case.headers = headers
        response = case.call()
        report.requests += 1
        report.statuses[response.status_code] += 1
        where = f"{mode.value} {case.method} {case.formatted_path}"
        if response.status_code >= 500:
            report.failures.append(f"{where}: {response.status_code} {response.text[:300]}")
            return
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # schemathesis groups its findings in one exception
            report.failures.append(f"{where}: {str(exc)[:600]}")

    run()
