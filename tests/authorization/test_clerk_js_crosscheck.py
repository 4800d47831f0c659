"""Our ``to_auth()`` and ``has()`` against Clerk JS's own, decision by decision.

Clerk JS (``@clerk/backend`` 3.25.0 over ``@clerk/shared`` 4.41.0, pinned in ``clerk_js/``) reads
thousands of generated claim sets through its ``toAuth()`` path and answers their checks in one
Node process; we read the same claims as ``authenticate_request`` leaves them and answer the same
checks. Every answer must agree: the token refused or not, the auth object's fields, each check.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from clerk_async._security.session_claims import add_org_claims
from clerk_async.security import (
    AuthStatus,
    RequestState,
    Requirement,
    Reverification,
    TokenType,
    decide_access,
)

from .agreement import disagreements
from .claim_sets import Case, for_clerk_js, generate
from .clerk_js_node import node_or_skip, run_clerk_js

SEED = int(os.environ.get("CLERK_JS_CROSSCHECK_SEED", "14"))
CLAIM_SETS = 3000


def _state(claims: dict[str, Any]) -> RequestState:
    payload = copy.deepcopy(claims)
    add_org_claims(payload)  # as authenticate_request leaves a verified payload
    return RequestState(AuthStatus.SIGNED_IN, None, "token", payload, TokenType.SESSION_TOKEN)


def _compare(case: Case, js: dict[str, Any]) -> tuple[int, list[str]]:
    """How many decisions were compared, and what disagreed."""
    auth = _state(case.claims).to_auth(treat_pending_as_signed_out=case.pending)
    where = f"claims={case.claims!r} pending={case.pending}"
    return disagreements(auth, case.checks, js, where=where, coerced=case.coerced)


def test_has_agrees_with_clerk_js_on_generated_claims() -> None:
    node = node_or_skip()
    cases = generate(SEED, CLAIM_SETS)
    batch = {
        "cases": [
            {
                "claims": c.claims,
                "pending": c.pending,
                "checks": [for_clerk_js(x) for x in c.checks],
            }
            for c in cases
        ]
    }
    answers = run_clerk_js(node, batch)["cases"]

    compared, problems = 0, []
    for case, answer in zip(cases, answers, strict=True):
        count, found = _compare(case, answer)
        compared += count
        problems += found
    assert not problems, f"{len(problems)} disagreements, first:\n" + "\n".join(problems[:10])
    assert compared > 30_000
    # The generator reaches every kind of answer, not just "no".
    results = [result for answer in answers for result in answer["results"]]
    assert results.count(True) > 2500 and results.count(False) > 25_000
    assert sum(answer["refused"] for answer in answers) > 50
    assert sum(case.coerced for case in cases) > 20


def test_our_reverification_answer_is_read_by_clerks_frontend() -> None:
    """The 403 body of a failed reverification is a hint ``useReverification()`` acts on, with
    the level and minutes asked."""
    node = node_or_skip()
    rules = [
        "strict_mfa",
        "strict",
        "moderate",
        "lax",
        Reverification("first_factor", 5),
        Reverification("multi_factor", 0.5),
        Reverification("second_factor", 30.0),
        {"level": "second_factor", "afterMinutes": 90},
    ]
    stale = _state({"sub": "user_1", "sid": "sess_1", "v": 2, "fva": [100_000, 100_000]})
    bodies, expected = [], []
    for rule in rules:
        decision = decide_access(stale, Requirement(reverification=rule))  # type: ignore[arg-type]
        assert decision.status == 403
        bodies.append(decision.body.decode())
        asked = Reverification.of(rule)  # type: ignore[arg-type]
        expected.append({"hint": True, "level": asked.level, "afterMinutes": asked.after_minutes})

    assert run_clerk_js(node, {"cases": [], "hints": bodies})["hints"] == expected
