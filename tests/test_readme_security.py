"""The "Verify requests" examples print what their comments say."""

from __future__ import annotations

from clerk_async.emulator import ClerkEmulator
from tests.test_readme import EXAMPLES, run_example


def _run(code: str, emulator: ClerkEmulator) -> list[str]:
    result = run_example(code, emulator)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_first_example_signs_in_and_out(clerk_emulator: ClerkEmulator) -> None:
    (code,) = [example for example in EXAMPLES if "forged.token.here" in example]
    signed_in, forged, no_azp = _run(code, clerk_emulator)
    user_id, session_id, org_id, org_role = signed_in.split()
    assert user_id.startswith("user_") and session_id.startswith("sess_")
    assert (org_id, org_role) == ("None", "None")
    assert forged == "False TokenVerificationErrorReason.TOKEN_INVALID"
    assert no_azp == "TokenVerificationErrorReason.TOKEN_INVALID_AUTHORIZED_PARTIES"


def test_the_jwt_key_example_reports_the_reason(clerk_emulator: ClerkEmulator) -> None:
    (code,) = [example for example in EXAMPLES if "CLERK_JWT_KEY" in example]
    (line,) = _run(code, clerk_emulator)
    assert line.startswith("token-invalid The token is malformed or not a token")


def test_the_clock_example_is_an_hour_late(clerk_emulator: ClerkEmulator) -> None:
    (code,) = [example for example in EXAMPLES if "in_an_hour" in example]
    assert _run(code, clerk_emulator) == ["TokenVerificationErrorReason.TOKEN_EXPIRED"]
