"""Property-based tests: schemathesis generates requests from /api/v1/openapi.json.

Every operation is called with generated (valid and invalid) data through the WSGI app,
with a real token. No response may be a server error, and every response must match the
document: a documented status code, the documented content type, headers and schema.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, note, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = 15

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def fuzz_app(make_app):
    # Generous limit: the test sends far more requests than a real client should.
    return make_app(API_RATE_LIMIT="100000 per minute")


@pytest.fixture
def token(world, make_token) -> str:
    # A leader with a person record: decisions default to them, so creates can succeed.
    return make_token(world.leader, "schemathesis")


# schemathesis's pytest loader (from_fixture) does not run under pytest 9, so each
# operation gets a plain Hypothesis test built from the operation's own strategy.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_matches_its_openapi_document(fuzz_app, token, mode):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy(mode, headers=headers))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            note(f"{case.operation.label}: {case.as_curl_command(headers)}")
            case.call_and_validate(checks=CHECKS)

        try:
            check()
        except Unsatisfiable:
            # Negative mode cannot invalidate an operation without parameters or a body
            # (GET /me); positive mode covers it.
            if mode is not GenerationMode.NEGATIVE:
                raise
