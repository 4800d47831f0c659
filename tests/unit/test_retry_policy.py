"""The retry policy, decided without any I/O."""

from __future__ import annotations

import email.utils
import time

import pytest

from clerk_async import BackoffStrategy, RetryConfig
from clerk_async._retry import (
    DEFAULT_RETRY_CONFIG,
    RetryPolicy,
    backoff_delay,
    parse_retry_after,
    rate_limited_delay,
    should_retry,
)
from clerk_async.errors import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    SDKError,
)


def status_error(cls: type[SDKError], status: int) -> SDKError:
    return cls(status_code=status, headers={}, raw_body=b"")


def connection_error(*, sent: bool, timeout: bool = False) -> APIConnectionError:
    kind = APITimeoutError if timeout else APIConnectionError
    return kind("x", method="GET", url="u", request_sent=sent)


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE", "POST", "PATCH"])
def test_429_is_retried_for_every_method(method: str) -> None:
    assert should_retry(method, status_error(RateLimitError, 429), DEFAULT_RETRY_CONFIG)


@pytest.mark.parametrize("status", [502, 503, 504])
@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("GET", True),
        ("HEAD", True),
        ("PUT", True),
        ("DELETE", True),
        ("POST", False),
        ("PATCH", False),
    ],
)
def test_gateway_errors_are_retried_only_for_idempotent_methods(
    status: int, method: str, expected: bool
) -> None:
    error = status_error(InternalServerError, status)
    assert should_retry(method, error, DEFAULT_RETRY_CONFIG) is expected


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_500_and_404_are_never_retried(method: str) -> None:
    assert not should_retry(method, status_error(InternalServerError, 500), DEFAULT_RETRY_CONFIG)
    assert not should_retry(method, status_error(NotFoundError, 404), DEFAULT_RETRY_CONFIG)


@pytest.mark.parametrize(
    ("method", "sent", "timeout", "expected"),
    [
        ("GET", True, False, True),
        ("GET", True, True, True),
        ("POST", True, False, False),
        ("POST", True, True, False),
        ("PATCH", True, False, False),
        ("POST", False, False, True),
        ("PATCH", False, True, True),
    ],
)
def test_connection_faults_are_retried_unless_a_write_may_have_landed(
    method: str, sent: bool, timeout: bool, expected: bool
) -> None:
    error = connection_error(sent=sent, timeout=timeout)
    assert should_retry(method, error, DEFAULT_RETRY_CONFIG) is expected


def test_connection_faults_are_not_retried_when_switched_off() -> None:
    config = RetryConfig("backoff", BackoffStrategy(1, 1, 1, 1), retry_connection_errors=False)
    assert not should_retry("GET", connection_error(sent=False), config)
    assert should_retry("GET", status_error(RateLimitError, 429), config)


def test_other_exceptions_are_not_retried() -> None:
    assert not should_retry("GET", ValueError("bug"), DEFAULT_RETRY_CONFIG)


def test_backoff_grows_exponentially_with_equal_jitter_and_a_cap() -> None:
    backoff = BackoffStrategy(500, 4_000, 2.0, 60_000)
    assert backoff_delay(backoff, 1, lambda: 0.0) == 0.25
    assert backoff_delay(backoff, 1, lambda: 1.0) == 0.5
    assert backoff_delay(backoff, 3, lambda: 1.0) == 2.0
    assert backoff_delay(backoff, 10, lambda: 1.0) == 4.0
    assert backoff_delay(backoff, 10, lambda: 0.0) == 2.0


def test_retry_after_in_seconds() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("0") == 0.0


@pytest.mark.parametrize("value", ["-1", "-4", "nan", "inf", "soon", ""])
def test_a_negative_or_unparsable_retry_after_falls_back_to_backoff(value: str) -> None:
    assert parse_retry_after(value) is None


def test_retry_after_as_an_http_date() -> None:
    now = time.time()
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(header, now=now) == pytest.approx(30, abs=1)
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0


@pytest.mark.parametrize(
    "value",
    [None, "", "soon", "nan", "Mon, 99 Foo 2020", "1e3", "1_000", "+5", "\u0661\u0662", "Infinity"],
)
def test_unusable_retry_after_is_ignored(value: str | None) -> None:
    assert parse_retry_after(value) is None


def test_default_policy_is_three_retries_within_sixty_seconds() -> None:
    assert DEFAULT_RETRY_CONFIG.max_retries == 3
    assert DEFAULT_RETRY_CONFIG.backoff is not None
    assert DEFAULT_RETRY_CONFIG.backoff.max_elapsed_time == 60_000
    assert DEFAULT_RETRY_CONFIG.enabled


def test_seed_shape_is_accepted_and_validated() -> None:
    config = RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 100), False)
    assert config.retry_connection_errors is False
    assert not RetryConfig("none").enabled
    with pytest.raises(ValueError, match="strategy"):
        RetryConfig("sometimes", BackoffStrategy(1, 1, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="BackoffStrategy"):
        RetryConfig("backoff")
    with pytest.raises(ValueError, match="exponent"):
        BackoffStrategy(1, 1, 0.5, 1)


class FakeState:
    """The part of tenacity's RetryCallState the policy reads."""

    def __init__(self, error: BaseException, attempt: int) -> None:
        self.attempt_number = attempt
        self.upcoming_sleep = 0.0
        self.outcome = self

    failed = True

    def exception(self) -> BaseException:
        return self._error

    def with_error(self, error: BaseException) -> FakeState:
        self._error = error
        return self


def decide(policy: RetryPolicy, error: BaseException, attempt: int) -> tuple[bool, float, bool]:
    """(retry?, wait, stop?) in tenacity's order."""
    state = FakeState(error, attempt).with_error(error)
    retry = policy.retry(state)  # type: ignore[arg-type]
    state.upcoming_sleep = policy.wait(state)  # type: ignore[arg-type]
    return retry, state.upcoming_sleep, policy.stop(state)  # type: ignore[arg-type]


def limited(retry_after: float | None) -> SDKError:
    error = status_error(RateLimitError, 429)
    error.retry_after = retry_after
    return error


def test_429s_are_waited_out_within_the_budget_not_the_retry_count() -> None:
    config = RetryConfig("backoff", BackoffStrategy(10, 20, 2.0, 60_000), True, max_retries=2)
    policy = RetryPolicy(config, method="POST", url="u", started=time.monotonic(), logger=None)

    for attempt in range(1, 20):  # far more 429s than max_retries
        retry, _wait, stop = decide(policy, limited(0.5), attempt)
        assert retry and not stop
    assert not decide(policy, connection_error(sent=False), 20)[2]
    assert not decide(policy, connection_error(sent=False), 21)[2]
    assert decide(policy, connection_error(sent=False), 22)[2]  # the third other failure stops


def test_429s_stop_when_the_budget_is_spent() -> None:
    config = RetryConfig("backoff", BackoffStrategy(10, 20, 2.0, 1_000), True)
    policy = RetryPolicy(config, method="GET", url="u", started=time.monotonic(), logger=None)

    assert decide(policy, limited(5.0), 1)[2]  # a 5 s wait does not fit in 1 s


def test_retry_after_waits_are_spread_and_never_below_the_first_step() -> None:
    backoff = BackoffStrategy(500, 8_000, 2.0, 60_000)

    assert rate_limited_delay(backoff, 0.0, lambda: 0.0) == 0.5  # Retry-After: 0 is no stampede
    assert rate_limited_delay(backoff, 2.0, lambda: 0.0) == 2.0
    assert rate_limited_delay(backoff, 2.0, lambda: 1.0) == 3.0  # spread over a second more
    assert rate_limited_delay(backoff, 10.0, lambda: 1.0) == 15.0  # or half the wait
