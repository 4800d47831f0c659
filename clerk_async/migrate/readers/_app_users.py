"""What the Django and werkzeug readers share: users from an application's own table.

Such a table has no verification flag (an address the application accepted is imported as
verified, as Clerk itself creates one), and its usernames follow the framework's rules rather
than Clerk's. A password is imported in the exact form Clerk documents for its hasher, checked
by the parser the mapping and the emulator use; one that cannot be is left out, with the reason
as a note (the user is imported without a password), never the value itself.
"""

from __future__ import annotations

from collections.abc import Callable

from clerk_async._identifiers import USERNAME
from clerk_async._password_digests import DigestFormatError, parse_digest

__all__ = ["ClerkPassword", "NoPassword", "checked", "clerk_username", "password_fields"]


class NoPassword(ValueError):
    """Why a stored password cannot be imported; the message never holds the value."""


#: A password as Clerk takes it: ``(password_digest, password_hasher)``.
ClerkPassword = tuple[str, str]


def checked(digest: str, hasher: str) -> ClerkPassword:
    """``(digest, hasher)`` once the digest has the form Clerk documents for ``hasher``."""
    try:
        parse_digest(hasher, digest)
    except DigestFormatError as error:
        raise NoPassword(f"not in the form Clerk takes for {hasher}: {error}") from None
    return digest, hasher


def password_fields(
    stored: str | None, convert: Callable[[str], ClerkPassword], source: str
) -> tuple[str | None, str | None, tuple[str, ...]]:
    """The draft's digest, hasher and notes for one stored password value."""
    if stored is None:
        return None, None, (f"no password imported: the {source} password is empty",)
    try:
        digest, hasher = convert(stored)
    except NoPassword as reason:
        return None, None, (f"no password imported: {reason}",)
    return digest, hasher, ()


def clerk_username(
    username: str | None, email: str | None, source: str
) -> tuple[str | None, tuple[str, ...]]:
    """The username to import and a note when it is left out.

    A username Clerk would refuse (``ab``, ``ada@home``) is left out when the user has an email
    to sign in with, and kept otherwise, so that the mapping reports the record. A username that
    is the email address itself is simply the same identifier: left out without a note.
    """
    if username is None or USERNAME.match(username):
        return username, ()
    if email is None:
        return username, ()
    if username.lower() == email.lower():
        return None, ()
    return None, (
        f"username not imported: the {source} username is not a Clerk username (4 to 64 "
        "letters, digits, '_', '-' or '.'); the user signs in with the email address",
    )
