"""Any stored password value, however broken: a digest Clerk takes, or a reason without it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerk_async._password_digests import parse_digest
from clerk_async.migrate.readers import django, werkzeug
from clerk_async.migrate.readers._app_users import ClerkPassword, NoPassword

MARK = "S3CR3T"
_PREFIXES = [
    "",
    "!",
    *(f"{name}$" for name in ("pbkdf2_sha256", "pbkdf2_sha1", "bcrypt_sha256", "bcrypt")),
    *("argon2$argon2id$", "argon2$argon2i$v=19$", "scrypt$", "md5$", "sha1$$"),
    *("scrypt:", "scrypt:1024:8:1$", "pbkdf2:", "pbkdf2:sha256:", "pbkdf2:sha1:1000$", "sha256$"),
]
_PIECES = st.one_of(st.text(max_size=12), st.just(MARK), st.sampled_from(["$", ":", "v=19$", "ab"]))
STORED = st.builds(
    lambda prefix, pieces: prefix + "".join(pieces),
    st.sampled_from(_PREFIXES),
    st.lists(_PIECES, max_size=8),
)
CONVERTERS: dict[str, Callable[[str], ClerkPassword]] = {
    "django": django.clerk_password,
    "werkzeug": werkzeug.clerk_password,
}


@pytest.mark.parametrize("source", sorted(CONVERTERS))
@given(stored=STORED)
def test_a_digest_clerk_takes_or_a_reason_that_never_shows_the_value(
    source: str, stored: str
) -> None:
    try:
        digest, hasher = CONVERTERS[source](stored)
    except NoPassword as reason:
        assert MARK not in str(reason)
    else:
        parse_digest(hasher, digest)  # in the form Clerk documents, or this raises
