"""Passwords: plaintext ones checked and stored salted, imported digests verified by their hasher.

Every ``password_hasher`` Clerk accepts is accepted here, its digest parsed by the shared
:mod:`clerk_async._password_digests` in exactly the form Clerk's docs give (anything else, such as
Django's own ``pbkdf2_sha1`` or werkzeug's ``scrypt:`` without the leading ``$``, answers 422
``form_param_format_invalid`` naming ``password_digest``) and checked by ``verify_password`` as
Clerk would. One exception: ``awscognito`` is not a hash but a
pointer to the Cognito user pool that Clerk asks at the user's first sign-in; the emulator has no
Cognito to ask, so it stores the import and answers every ``verify_password`` for that user with
``form_password_incorrect``. The ``md5_salted``/``sha256_salted`` composition is undocumented;
hash(salt + password) is taken. ``bcrypt``, ``argon2-cffi`` and ``cryptography`` come with the
``emulator`` extra and are imported on first use.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable

from clerk_async import _password_digests as digests
from clerk_async._password_digests import KNOWN_HASHERS, DigestFormatError, parse_digest

from .errors import param_invalid, param_value_invalid, unprocessable

__all__ = ["KNOWN_HASHERS", "Password", "check_new_password", "from_digest", "from_plaintext"]

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
    try:
        parsed = parse_digest(name, digest)
    except DigestFormatError as error:
        raise param_invalid("password_digest", f"password_digest: {error}") from None
    return Password(name, _checker(parsed))


def _checker(parsed: digests.ParsedDigest) -> Callable[[str], bool]:
    if isinstance(parsed, digests.Bcrypt):
        return _bcrypt(parsed)
    if isinstance(parsed, digests.SaltedHex):
        return _salted_hex(parsed)
    if isinstance(parsed, digests.Pbkdf2):
        return _pbkdf2(parsed)
    if isinstance(parsed, digests.Phpass):
        return _phpass(parsed)
    if isinstance(parsed, digests.WerkzeugScrypt):
        return _scrypt_werkzeug(parsed)
    if isinstance(parsed, digests.FirebaseScrypt):
        return _scrypt_firebase(parsed)
    if isinstance(parsed, digests.Symfony):
        return _symfony(parsed)
    if isinstance(parsed, digests.LdapSsha):
        return _ldap_ssha(parsed)
    if isinstance(parsed, digests.Argon2):
        return _argon2(parsed)
    return lambda candidate: False  # awscognito: only the Cognito user pool could tell


def _bcrypt(parsed: digests.Bcrypt) -> Callable[[str], bool]:
    import bcrypt

    def check(candidate: str) -> bool:
        text = candidate + parsed.pepper
        if parsed.sha256_prehash:
            text = hashlib.sha256(candidate.encode()).hexdigest()
        # bcrypt reads 72 bytes at most; the library refuses longer input instead of truncating.
        return bcrypt.checkpw(text.encode()[:72], parsed.encoded)

    return check


def _salted_hex(parsed: digests.SaltedHex) -> Callable[[str], bool]:
    def check(candidate: str) -> bool:
        actual = hashlib.new(parsed.algorithm, (parsed.salt + candidate).encode()).hexdigest()
        return hmac.compare_digest(actual, parsed.expected)

    return check


def _pbkdf2(parsed: digests.Pbkdf2) -> Callable[[str], bool]:
    def check(candidate: str) -> bool:
        raw = hashlib.pbkdf2_hmac(
            parsed.algorithm,
            candidate.encode(),
            parsed.salt,
            parsed.iterations,
            dklen=len(parsed.expected),
        )
        return hmac.compare_digest(raw, parsed.expected)

    return check


_PHPASS_ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _phpass_base64(raw: bytes) -> str:
    # phpass packs little-endian 24-bit groups into 6-bit characters, low bits first.
    out: list[str] = []
    for start in range(0, len(raw), 3):
        chunk = raw[start : start + 3]
        value = int.from_bytes(chunk, "little")
        out.extend(
            _PHPASS_ALPHABET[(value >> shift) & 63] for shift in range(0, 6 * (len(chunk) + 1), 6)
        )
    return "".join(out)


def _phpass(parsed: digests.Phpass) -> Callable[[str], bool]:
    def check(candidate: str) -> bool:
        password = candidate.encode()
        value = hashlib.md5(parsed.salt.encode() + password).digest()
        for _ in range(1 << parsed.rounds):
            value = hashlib.md5(value + password).digest()
        return hmac.compare_digest(_phpass_base64(value), parsed.checksum)

    return check


def _scrypt_werkzeug(parsed: digests.WerkzeugScrypt) -> Callable[[str], bool]:
    def check(candidate: str) -> bool:
        raw = hashlib.scrypt(
            candidate.encode(),
            salt=parsed.salt.encode(),
            n=parsed.n,
            r=parsed.r,
            p=parsed.p,
            maxmem=132 * parsed.n * parsed.r * parsed.p,
        )
        return hmac.compare_digest(raw.hex(), parsed.expected)

    return check


def _scrypt_firebase(parsed: digests.FirebaseScrypt) -> Callable[[str], bool]:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    def check(candidate: str) -> bool:
        # Firebase's variant: scrypt over salt + separator derives an AES-256 key, and the hash
        # is the project's signer key encrypted with it (CTR, zero IV).
        n, r = 1 << parsed.mem_cost, parsed.rounds
        key = hashlib.scrypt(
            candidate.encode(),
            salt=parsed.salt + parsed.salt_separator,
            n=n,
            r=r,
            p=1,
            dklen=32,
            maxmem=132 * n * r,
        )
        encryptor = Cipher(algorithms.AES(key), modes.CTR(bytes(16))).encryptor()
        actual = encryptor.update(parsed.signer_key) + encryptor.finalize()
        return hmac.compare_digest(actual[: len(parsed.hash)], parsed.hash)

    return check


def _symfony(parsed: digests.Symfony) -> Callable[[str], bool]:
    def check(candidate: str) -> bool:
        salted = (f"{candidate}{{{parsed.salt}}}" if parsed.salt else candidate).encode()
        value = hashlib.sha512(salted).digest()
        for _ in range(parsed.iterations - 1):
            value = hashlib.sha512(value + salted).digest()
        return hmac.compare_digest(value, parsed.expected)

    return check


def _ldap_ssha(parsed: digests.LdapSsha) -> Callable[[str], bool]:
    def check(candidate: str) -> bool:
        actual = hashlib.sha1(candidate.encode() + parsed.salt).digest()
        return hmac.compare_digest(actual, parsed.expected)

    return check


def _argon2(parsed: digests.Argon2) -> Callable[[str], bool]:
    from argon2 import PasswordHasher, exceptions

    hasher = PasswordHasher()
    try:
        hasher.check_needs_rehash(parsed.encoded)  # parses the parameters, verifies nothing
    except exceptions.InvalidHashError:
        raise param_invalid(
            "password_digest", f"password_digest is not an {parsed.variant} digest."
        ) from None

    def check(candidate: str) -> bool:
        try:
            return hasher.verify(parsed.encoded, candidate)
        except (exceptions.VerificationError, exceptions.InvalidHashError):
            return False

    return check
