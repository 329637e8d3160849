"""Schema fuzzing in the suite (issue 25): schemathesis over every operation of the live
OpenAPI document, positive and negative data, every persona's token in turn: 0 server
errors, 0 answers outside the schema, 0 undocumented statuses, invalid data refused.
A small number of examples per operation keeps it within the suite's time; the bench
(bench/api_fuzz.py) runs a few hundred per operation with the same code."""

import os

import pytest

from tests.api_fuzzing import fuzz_api
from tests.api_support import persona_tokens
from tests.factories import make_figures

pytestmark = pytest.mark.django_db

# Per operation and generation mode; bench/api_fuzz.py sets a few hundred.
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))


def test_the_fuzzer_finds_nothing(settings, make_staff, admin_user):
    settings.API_RATE_LIMIT = "100000/m"  # the limit has its own tests
    settings.API_AUTH_FAILURE_LIMIT = "100000/m"
    tokens = persona_tokens(make_staff, admin_user)
    make_figures("14", 2024)
    report = fuzz_api(tokens, max_examples=EXAMPLES)
    print(report.summary())
    assert report.failures == []
    # Every operation ran in both modes, and the tokens got past authentication.
    assert report.requests >= 18 * 2 * 5
    assert report.statuses[200] > 0 and report.statuses[422] > 0
