"""The emulator's session tokens, read by Clerk JS and by us alike.

A randomly set up instance (``emulator_instance``) signs a few hundred users in; Clerk JS
(``@clerk/backend`` 3.25.0, ``@clerk/shared`` 4.41.0, pinned in ``clerk_js/``) verifies each token
itself with the instance's PEM key, reads it through ``toAuth()`` and answers ``has()`` checks; we
authenticate the same token (``authenticate_request``, through the emulator's JWKS) and answer the
same checks. Every token must verify on both sides and every answer agree: the emulator issues what
Clerk JS reads, and our ``has()`` agrees with Clerk JS on real-shaped tokens.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from typing import Any

from clerk_async.emulator import ClerkEmulator
from tests.support.emulator_sessions import EmulatorSessions

from .agreement import disagreements
from .claim_sets import for_clerk_js
from .clerk_js_node import node_or_skip, run_clerk_js
from .emulator_instance import build_instance, checks_for, random_persona

SEED = int(os.environ.get("CLERK_JS_EMULATOR_SEED", "14"))
TOKENS = 300


def test_clerk_js_and_we_read_the_emulators_tokens_alike(clerk_emulator: ClerkEmulator) -> None:
    node = node_or_skip()
    rng = random.Random(SEED)
    with clerk_emulator.sync_client() as admin:
        sessions = EmulatorSessions(clerk_emulator, admin)
        instance = build_instance(rng, sessions)
        signed_in = [sessions.sign_in(random_persona(rng, instance)) for _ in range(TOKENS)]
        states = [
            admin.authenticate_request({"Authorization": f"Bearer {user.token}"})
            for user in signed_in
        ]
    assert [state.reason for state in states if not state.is_signed_in] == []
    payloads = [state.payload or {} for state in states]
    pending = [rng.random() < 0.6 for _ in states]  # treat_pending_as_signed_out
    checks = [checks_for(rng, instance, payload) for payload in payloads]
    tokens: list[dict[str, Any]] = [
        {"token": user.token, "pending": treat, "checks": [for_clerk_js(c) for c in asked]}
        for user, treat, asked in zip(signed_in, pending, checks, strict=True)
    ]
    forged = signed_in[0].token[:-4] + "AAAA"  # Clerk JS checks the signature itself
    tokens.append({"token": forged, "pending": True, "checks": []})

    batch = {"jwtKey": clerk_emulator.jwt_key, "tokens": tokens}

    *answers, refused = run_clerk_js(node, batch)["tokens"]

    assert refused["refused"] and refused["error"].startswith("token-invalid-signature")
    assert [answer["error"] for answer in answers if answer["refused"]] == []
    compared, problems = 0, []
    for state, treat, asked, answer in zip(states, pending, checks, answers, strict=True):
        auth = state.to_auth(treat_pending_as_signed_out=treat)
        where = f"claims={state.payload!r} pending={treat}"
        count, found = disagreements(auth, asked, answer, where=where)
        compared += count
        problems += found
    assert not problems, f"{len(problems)} disagreements, first:\n" + "\n".join(problems[:10])
    assert compared > 6000
    # The instance reaches every kind of answer: each kind of check is granted somewhere, and
    # tokens carry every claim the emulator derives from its state.
    granted = Counter(
        kind
        for asked, answer in zip(checks, answers, strict=True)
        for check, result in zip(asked, answer["results"], strict=True)
        if result is True
        for kind in check
    )
    assert set(granted) == {"role", "permission", "feature", "plan", "reverification"}, granted
    results = [result for answer in answers for result in answer["results"]]
    assert results.count(True) > 800 and results.count(False) > 3000
    claims = Counter(
        name for payload in payloads for name in ("o", "fea", "pla") if name in payload
    )
    assert min(claims.values()) > 50, claims
    assert sum("per" in payload.get("o", {}) for payload in payloads) > 50
    assert 20 < sum(payload["sts"] == "pending" for payload in payloads) < TOKENS / 2
    assert sum(payload["fva"][1] == -1 for payload in payloads) > 20
