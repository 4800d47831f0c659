"""Retry-After, whatever a server (or a proxy in front of it) sends: a wait of zero or more
seconds, or nothing (then backoff applies), never an exception."""

from __future__ import annotations

import email.utils
import math

from hypothesis import given
from hypothesis import strategies as st

from clerk_async._retry import parse_retry_after

NOW = 1_767_225_600.0
#: Header text as it reaches us: any characters, and the shapes a parser might trip on.
HEADER_TEXT = st.one_of(
    st.text(),
    st.from_regex(r"\A\s*[-+]?[0-9_.eE]{1,30}\s*\Z"),
    st.builds(
        lambda day, month, year, rest: f"{day}, {month} {year} {rest}",
        st.sampled_from(["Mon", "Fri", "Xyz", ""]),
        st.text(max_size=3),
        st.integers(-10, 100_000),
        st.text(max_size=20),
    ),
)


@given(HEADER_TEXT)
def test_any_header_gives_a_finite_wait_of_zero_or_more_or_none(value: str) -> None:
    seconds = parse_retry_after(value, now=NOW)
    assert seconds is None or (math.isfinite(seconds) and seconds >= 0)


@given(st.integers(0, 10**12))
def test_delta_seconds_are_read_as_they_are(seconds: int) -> None:
    assert parse_retry_after(str(seconds), now=NOW) == seconds


@given(st.integers(-(10**6), 10**8))
def test_an_http_date_is_the_wait_until_it_or_zero(offset: int) -> None:
    header = email.utils.formatdate(NOW + offset, usegmt=True)
    assert parse_retry_after(header, now=NOW) == max(offset, 0)


@given(
    st.text(alphabet=st.characters(categories=["Nd"], exclude_characters="0123456789"), min_size=1)
)
def test_digits_of_other_scripts_are_not_a_delay(value: str) -> None:
    assert parse_retry_after(value, now=NOW) is None
