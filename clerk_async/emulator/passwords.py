"""Passwords: plaintext ones checked and stored salted, imported digests verified by their hasher.

Supported ``password_hasher`` values: ``bcrypt``, ``bcrypt_sha256_django``, ``md5``, ``sha256``,
``pbkdf2_sha256_django`` and ``scrypt_werkzeug``. Clerk's other hashers answer 422 here, naming
``password_hasher``. ``bcrypt`` comes with the ``emulator`` extra and is imported on first use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable

from .errors import param_invalid, param_value_invalid, unprocessable

__all__ = ["SUPPORTED_HASHERS", "Password", "check_new_password", "from_digest", "from_plaintext"]

#: Every hasher Clerk accepts; only those in SUPPORTED_HASHERS can be verified here.
KNOWN_HASHERS = frozenset(
    {
        "argon2i",
        "argon2id",
        "bcrypt",
        "bcrypt_peppered",
        "bcrypt_sha256_django",
        "ldap_ssha",
        "md5",
        "md5_phpass",
        "md5_salted",
        "pbkdf2_sha1",
        "pbkdf2_sha256",
        "pbkdf2_sha256_django",
        "pbkdf2_sha512",
        "pbkdf2_sha512_hex",
        "phpass",
        "scrypt_firebase",
        "scrypt_werkzeug",
        "sha256",
        "sha256_salted",
        "sha512_symfony",
    }
)
MIN_LENGTH = 8
#: A token breached-password list, so that the ``form_password_pwned`` path can be exercised.
PWNED = frozenset({"password", "password1", "12345678", "123456789", "qwerty123", "iloveyou"})


class Password:
    """A stored password: a checker closed over the digest."""

    __slots__ = ("_check", "hasher")

    def __init__(self, hasher: str, check: Callable[[str], bool]) -> None:
        self.hasher = hasher
        self._check = check

    def verify(self, candidate: str) -> bool:
        return self._check(candidate)


def check_new_password(password: str, *, skip_checks: bool) -> None:
    if skip_checks:
        return
    if len(password) < MIN_LENGTH:
        raise unprocessable(
            "form_password_length_too_short",
            "Passwords must be 8 characters or more.",
            f"Passwords must be {MIN_LENGTH} characters or more.",
            "password",
        )
    if password.lower() in PWNED:
        raise unprocessable(
            "form_password_pwned",
            "Password has been found in an online data breach.",
            "This password was found in a data breach; choose another one.",
            "password",
        )


def from_plaintext(password: str) -> Password:
    salt = os.urandom(16)
    digest = hashlib.sha256(salt + password.encode()).digest()

    def check(candidate: str) -> bool:
        return hmac.compare_digest(hashlib.sha256(salt + candidate.encode()).digest(), digest)

    return Password("plaintext", check)


def from_digest(digest: str, hasher: str | None) -> Password:
    name = hasher or "bcrypt"
    if name not in KNOWN_HASHERS:
        raise param_value_invalid("password_hasher", f"{name!r} is not a known password hasher.")
    factory = SUPPORTED_HASHERS.get(name)
    if factory is None:
        raise param_value_invalid(
            "password_hasher",
            f"The emulator cannot verify {name!r} digests; use one of "
            + ", ".join(sorted(SUPPORTED_HASHERS))
            + ".",
        )
    return Password(name, factory(digest))


def _bcrypt(digest: str) -> Callable[[str], bool]:
    import bcrypt

    if not digest.startswith(("$2a$", "$2b$", "$2y$")) or len(digest) != 60:
        raise param_invalid("password_digest", "password_digest is not a bcrypt digest.")
    encoded = digest.encode()

    def check(candidate: str) -> bool:
        return bcrypt.checkpw(candidate.encode(), encoded)

    return check


def _bcrypt_sha256_django(digest: str) -> Callable[[str], bool]:
    prefix = "bcrypt_sha256$"
    if not digest.startswith(prefix):
        raise param_invalid("password_digest", "password_digest must start with bcrypt_sha256$.")
    inner = _bcrypt(digest[len(prefix) :])
    return lambda candidate: inner(hashlib.sha256(candidate.encode()).hexdigest())


def _hex(algorithm: str, length: int) -> Callable[[str], Callable[[str], bool]]:
    def factory(digest: str) -> Callable[[str], bool]:
        expected = digest.lower()
        if len(expected) != length or any(ch not in "0123456789abcdef" for ch in expected):
            raise param_invalid("password_digest", f"password_digest is not a hex {algorithm}.")

        def check(candidate: str) -> bool:
            actual = hashlib.new(algorithm, candidate.encode()).hexdigest()
            return hmac.compare_digest(actual, expected)

        return check

    return factory


def _pbkdf2_sha256_django(digest: str) -> Callable[[str], bool]:
    parts = digest.split("$")
    if len(parts) != 4 or parts[0] != "pbkdf2_sha256" or not parts[1].isdigit():
        raise param_invalid(
            "password_digest", "password_digest must look like pbkdf2_sha256$<iter>$<salt>$<hash>."
        )
    iterations, salt, expected = int(parts[1]), parts[2].encode(), parts[3]

    def check(candidate: str) -> bool:
        raw = hashlib.pbkdf2_hmac("sha256", candidate.encode(), salt, iterations)
        return hmac.compare_digest(base64.b64encode(raw).decode(), expected)

    return check


def _scrypt_werkzeug(digest: str) -> Callable[[str], bool]:
    method, _, rest = digest.partition("$")
    salt, _, expected = rest.partition("$")
    settings = method.split(":")
    if len(settings) != 4 or settings[0] != "scrypt" or not expected:
        raise param_invalid(
            "password_digest", "password_digest must look like scrypt:n:r:p$<salt>$<hash>."
        )
    try:
        n, r, p = (int(part) for part in settings[1:])
    except ValueError:
        raise param_invalid("password_digest", "scrypt parameters must be integers.") from None

    def check(candidate: str) -> bool:
        raw = hashlib.scrypt(
            candidate.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p
        )
        return hmac.compare_digest(raw.hex(), expected)

    return check


SUPPORTED_HASHERS: dict[str, Callable[[str], Callable[[str], bool]]] = {
    "bcrypt": _bcrypt,
    "bcrypt_sha256_django": _bcrypt_sha256_django,
    "md5": _hex("md5", 32),
    "sha256": _hex("sha256", 64),
    "pbkdf2_sha256_django": _pbkdf2_sha256_django,
    "scrypt_werkzeug": _scrypt_werkzeug,
}
