"""Clerk's ``password_hasher`` values and the ``password_digest`` format each one expects.

Pure and shared: the migration checks a digest before sending it (``clerk_async.migrate``), the
emulator parses it to verify passwords later (``clerk_async.emulator.passwords``). The formats are
the ones Clerk documents for CreateUser, as strictly as the docs state them: ``pbkdf2_sha1``'s key
length is 32 bytes unless the digest gives it, ``scrypt_werkzeug`` starts with ``$``, argon2 is
version 19. Where the docs and the scheme's own output disagree, the scheme's output is taken:
``scrypt_werkzeug``'s hash is hex, as werkzeug writes it (the docs call it Base64; the page they
link for this hasher is werkzeug's). Where Clerk names a hasher without documenting its format
(``ldap_ssha``, ``md5_phpass``), the usual format of that scheme is taken. Errors say which format
was expected and never repeat the digest, which is a secret.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeAlias

__all__ = [
    "KNOWN_HASHERS",
    "Argon2",
    "AwsCognito",
    "Bcrypt",
    "DigestFormatError",
    "FirebaseScrypt",
    "LdapSsha",
    "ParsedDigest",
    "Pbkdf2",
    "Phpass",
    "SaltedHex",
    "Symfony",
    "WerkzeugScrypt",
    "parse_digest",
]


class DigestFormatError(ValueError):
    """A digest does not have the format its hasher expects; the message says which."""


@dataclass(frozen=True, slots=True)
class Bcrypt:
    """``bcrypt``, ``bcrypt_peppered`` (pepper appended to the password) and Django's variant."""

    encoded: bytes = field(repr=False)
    pepper: str = field(default="", repr=False)
    sha256_prehash: bool = False


@dataclass(frozen=True, slots=True)
class SaltedHex:
    """``md5``/``sha256`` (no salt) and ``md5_salted``/``sha256_salted``: hash(salt + password)."""

    algorithm: str
    salt: str = field(repr=False)
    expected: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Pbkdf2:
    algorithm: str
    iterations: int
    salt: bytes = field(repr=False)
    expected: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class Phpass:
    """The portable phpass scheme: 2**rounds iterations of MD5, checksum in phpass base64."""

    rounds: int
    salt: str = field(repr=False)
    checksum: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class WerkzeugScrypt:
    n: int
    r: int
    p: int
    salt: str = field(repr=False)
    expected: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class FirebaseScrypt:
    """Firebase's scrypt: the hash is the signer key encrypted under a key from the password."""

    hash: bytes = field(repr=False)
    salt: bytes = field(repr=False)
    signer_key: bytes = field(repr=False)
    salt_separator: bytes = field(repr=False)
    rounds: int
    mem_cost: int


@dataclass(frozen=True, slots=True)
class Symfony:
    """Symfony's legacy ``MessageDigestPasswordEncoder`` with SHA-512, base64 output."""

    iterations: int
    salt: str = field(repr=False)
    expected: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class LdapSsha:
    """``{SSHA}`` + base64(sha1(password + salt) + salt)."""

    expected: bytes = field(repr=False)
    salt: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class Argon2:
    encoded: str = field(repr=False)
    variant: str


@dataclass(frozen=True, slots=True)
class AwsCognito:
    """Not a hash: where Clerk asks Cognito to check the password at the user's first sign-in."""

    user_pool_id: str
    client_id: str
    identifier: str = field(repr=False)


ParsedDigest: TypeAlias = (
    Bcrypt
    | SaltedHex
    | Pbkdf2
    | Phpass
    | WerkzeugScrypt
    | FirebaseScrypt
    | Symfony
    | LdapSsha
    | Argon2
    | AwsCognito
)

_BCRYPT = re.compile(r"^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}\Z", re.ASCII)
_HEX = re.compile(r"^[0-9a-fA-F]+\Z")
_DIGITS = re.compile(r"^[0-9]+\Z")
_PHPASS_ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_PHPASS = re.compile(r"^\$[PH]\$[./0-9A-Za-z]{31}\Z")
_ARGON2 = re.compile(
    r"^\$(argon2id?)\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+\Z", re.ASCII
)
#: ``pbkdf2_sha1``'s key length when the digest does not give one (Clerk's documented default).
_PBKDF2_SHA1_KEY_LENGTH = 32
# AWS's own patterns for a user pool id and an app client id.
_POOL_ID = re.compile(r"^[\w-]+_[0-9a-zA-Z]+\Z", re.ASCII)
_CLIENT_ID = re.compile(r"^[\w+]{1,128}\Z", re.ASCII)


def _is_number(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes other scripts' digits, which Clerk does not."""
    return bool(_DIGITS.match(text))


def parse_digest(hasher: str, digest: str) -> ParsedDigest:
    """``digest`` parsed as ``hasher`` writes it, or :class:`DigestFormatError`."""
    parser = _PARSERS.get(hasher)
    if parser is None:
        raise DigestFormatError(f"{hasher!r} is not a password hasher Clerk knows.")
    return parser(digest)


def _bcrypt(digest: str) -> Bcrypt:
    if not _BCRYPT.match(digest):
        raise DigestFormatError("a bcrypt digest looks like $2b$<cost>$<53 characters>.")
    return Bcrypt(digest.encode())


def _bcrypt_peppered(digest: str) -> Bcrypt:
    head, sep, pepper = digest[:60], digest[60:61], digest[61:]
    if not _BCRYPT.match(head) or sep != "$" or not pepper:
        raise DigestFormatError(
            "a bcrypt_peppered digest looks like $2b$<cost>$<53 chars>$<pepper>."
        )
    return Bcrypt(head.encode(), pepper=pepper)


def _bcrypt_sha256_django(digest: str) -> Bcrypt:
    prefix = "bcrypt_sha256$"
    if not digest.startswith(prefix) or not _BCRYPT.match(digest[len(prefix) :]):
        raise DigestFormatError("a bcrypt_sha256_django digest looks like bcrypt_sha256$$2b$....")
    return Bcrypt(digest[len(prefix) :].encode(), sha256_prehash=True)


def _hex_digest(algorithm: str, length: int) -> Callable[[str], SaltedHex]:
    def parse(digest: str) -> SaltedHex:
        if len(digest) != length or not _HEX.match(digest):
            raise DigestFormatError(f"a {algorithm} digest is {length} hex characters.")
        return SaltedHex(algorithm, "", digest.lower())

    return parse


def _salted_hex(algorithm: str, length: int) -> Callable[[str], SaltedHex]:
    def parse(digest: str) -> SaltedHex:
        salt, sep, expected = digest.rpartition("$")
        if not sep or not salt or len(expected) != length or not _HEX.match(expected):
            raise DigestFormatError(
                f"a {algorithm}_salted digest looks like <salt>${length} hex characters."
            )
        return SaltedHex(algorithm, salt, expected.lower())

    return parse


def _dollar_parts(digest: str, name: str, prefix: str, counts: tuple[int, ...]) -> list[str]:
    parts = digest.split("$")
    if len(parts) not in counts or parts[0] != prefix or not _is_number(parts[1]):
        raise DigestFormatError(f"a {name} digest looks like {prefix}$<iterations>$<salt>$<hash>.")
    if int(parts[1]) < 1 or not all(parts[2:]):
        raise DigestFormatError(f"a {name} digest needs iterations above 0, a salt and a hash.")
    return parts


def _hex_bytes(value: str, name: str, what: str) -> bytes:
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise DigestFormatError(f"the {what} of a {name} digest must be hex.") from None


def _b64_bytes(value: str, name: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise DigestFormatError(f"the {what} of a {name} digest must be base64.") from None


def _pbkdf2_sha1(digest: str) -> Pbkdf2:
    # pbkdf2_sha1$<iterations>$<salt>$<hex hash>[$<key length>]; a hex salt is decoded, any
    # other salt is taken as its bytes. Without a key length, the key is 32 bytes: a hash of any
    # other length could never match, so it is refused here rather than at every sign-in.
    parts = _dollar_parts(digest, "pbkdf2_sha1", "pbkdf2_sha1", (4, 5))
    expected = _hex_bytes(parts[3], "pbkdf2_sha1", "hash")
    if len(parts) == 5 and (not _is_number(parts[4]) or int(parts[4]) != len(expected)):
        raise DigestFormatError("the key length of a pbkdf2_sha1 digest must match its hash.")
    if len(parts) == 4 and len(expected) != _PBKDF2_SHA1_KEY_LENGTH:
        raise DigestFormatError(
            f"a pbkdf2_sha1 digest without a key length has a {_PBKDF2_SHA1_KEY_LENGTH}-byte hash; "
            "give the key length as pbkdf2_sha1$<iterations>$<hex salt>$<hex hash>$<key length>."
        )
    salt = parts[2]
    raw_salt = bytes.fromhex(salt) if len(salt) % 2 == 0 and _HEX.match(salt) else salt.encode()
    return Pbkdf2("sha1", int(parts[1]), raw_salt, expected)


def _pbkdf2_sha256(digest: str) -> Pbkdf2:
    parts = _dollar_parts(digest, "pbkdf2_sha256", "pbkdf2_sha256", (4,))
    salt = _b64_bytes(parts[2], "pbkdf2_sha256", "salt")
    return Pbkdf2("sha256", int(parts[1]), salt, _b64_bytes(parts[3], "pbkdf2_sha256", "hash"))


def _pbkdf2_sha256_django(digest: str) -> Pbkdf2:
    parts = _dollar_parts(digest, "pbkdf2_sha256_django", "pbkdf2_sha256", (4,))
    expected = _b64_bytes(parts[3], "pbkdf2_sha256_django", "hash")
    return Pbkdf2("sha256", int(parts[1]), parts[2].encode(), expected)


def _pbkdf2_sha512(digest: str) -> Pbkdf2:
    parts = _dollar_parts(digest, "pbkdf2_sha512", "pbkdf2_sha512", (4,))
    expected = _hex_bytes(parts[3], "pbkdf2_sha512", "hash")
    return Pbkdf2("sha512", int(parts[1]), parts[2].encode(), expected)


def _pbkdf2_sha512_hex(digest: str) -> Pbkdf2:
    parts = _dollar_parts(digest, "pbkdf2_sha512_hex", "pbkdf2_sha512_hex", (4,))
    salt = _hex_bytes(parts[2], "pbkdf2_sha512_hex", "salt")
    expected = _hex_bytes(parts[3], "pbkdf2_sha512_hex", "hash")
    return Pbkdf2("sha512", int(parts[1]), salt, expected)


def _phpass(digest: str) -> Phpass:
    if not _PHPASS.match(digest):
        raise DigestFormatError(
            "a phpass digest looks like $P$<rounds><8-char salt><22-char hash>."
        )
    rounds = _PHPASS_ALPHABET.index(digest[3])
    if not 7 <= rounds <= 30:
        raise DigestFormatError("a phpass digest's rounds character must encode 7 to 30.")
    return Phpass(rounds, digest[4:12], digest[12:])


def _scrypt_werkzeug(digest: str) -> WerkzeugScrypt:
    shape = "a scrypt_werkzeug digest looks like $scrypt:<n>:<r>:<p>$<salt>$<hex hash>."
    lead, _, rest = digest.partition("$")
    method, _, rest = rest.partition("$")
    salt, _, expected = rest.partition("$")
    settings = method.split(":")
    if lead or len(settings) != 4 or settings[0] != "scrypt" or not salt or not expected:
        raise DigestFormatError(shape)
    if not all(_is_number(part) and int(part) > 0 for part in settings[1:]):
        raise DigestFormatError(shape)
    n, r, p = (int(part) for part in settings[1:])
    if n & (n - 1) or n < 2:
        raise DigestFormatError("a scrypt_werkzeug digest's n must be a power of 2.")
    if not _HEX.match(expected):
        raise DigestFormatError("the hash of a scrypt_werkzeug digest must be hex.")
    return WerkzeugScrypt(n, r, p, salt, expected.lower())


def _scrypt_firebase(digest: str) -> FirebaseScrypt:
    parts = digest.split("$")
    if len(parts) != 6:
        raise DigestFormatError(
            "a scrypt_firebase digest looks like "
            "<hash>$<salt>$<signer key>$<salt separator>$<rounds>$<memory cost>."
        )
    name = "scrypt_firebase"
    hash_, salt, key, separator = (
        _b64_bytes(part, name, what)
        for part, what in zip(
            parts[:4], ("hash", "salt", "signer key", "salt separator"), strict=True
        )
    )
    if not (_is_number(parts[4]) and _is_number(parts[5])):
        raise DigestFormatError(
            "the rounds and memory cost of a scrypt_firebase digest are numbers."
        )
    rounds, mem_cost = int(parts[4]), int(parts[5])
    if not (1 <= rounds <= 8 and 1 <= mem_cost <= 14) or not hash_ or not key:
        raise DigestFormatError(
            "a scrypt_firebase digest needs a hash, a signer key, rounds 1-8 and memory cost 1-14."
        )
    return FirebaseScrypt(hash_, salt, key, separator, rounds, mem_cost)


def _sha512_symfony(digest: str) -> Symfony:
    parts = digest.split("$")
    if len(parts) != 4 or parts[0] != "sha512_symfony" or not _is_number(parts[1]):
        raise DigestFormatError(
            "a sha512_symfony digest looks like sha512_symfony$<iterations>$<salt>$<base64 hash>."
        )
    expected = _b64_bytes(parts[3], "sha512_symfony", "hash")
    if int(parts[1]) < 1 or len(expected) != 64:
        raise DigestFormatError("a sha512_symfony digest needs iterations above 0, a SHA-512 hash.")
    return Symfony(int(parts[1]), parts[2], expected)


def _ldap_ssha(digest: str) -> LdapSsha:
    if not digest.startswith("{SSHA}"):
        raise DigestFormatError("an ldap_ssha digest looks like {SSHA}<base64 of hash + salt>.")
    raw = _b64_bytes(digest[6:], "ldap_ssha", "value")
    if len(raw) <= 20:
        raise DigestFormatError("an ldap_ssha digest holds a 20-byte SHA-1 hash and a salt.")
    return LdapSsha(raw[:20], raw[20:])


def _argon2(variant: str) -> Callable[[str], Argon2]:
    def parse(digest: str) -> Argon2:
        match = _ARGON2.match(digest)
        if match is None or match.group(1) != variant:
            raise DigestFormatError(
                f"an {variant} digest looks like ${variant}$v=19$m=<kib>,t=<n>,p=<n>$<salt>$<hash>."
            )
        return Argon2(digest, variant)

    return parse


def _awscognito(digest: str) -> AwsCognito:
    parts = digest.split("#", 3)
    if len(parts) != 4 or parts[0] != "awscognito" or not parts[3]:
        raise DigestFormatError(
            "an awscognito digest looks like awscognito#<user pool id>#<client id>#<identifier>."
        )
    if not _POOL_ID.match(parts[1]) or not _CLIENT_ID.match(parts[2]):
        raise DigestFormatError(
            "an awscognito digest needs a user pool id (us-east-1_AbC123) and an app client id."
        )
    return AwsCognito(parts[1], parts[2], parts[3])


_PARSERS: dict[str, Callable[[str], ParsedDigest]] = {
    "argon2i": _argon2("argon2i"),
    "argon2id": _argon2("argon2id"),
    "awscognito": _awscognito,
    "bcrypt": _bcrypt,
    "bcrypt_peppered": _bcrypt_peppered,
    "bcrypt_sha256_django": _bcrypt_sha256_django,
    "ldap_ssha": _ldap_ssha,
    "md5": _hex_digest("md5", 32),
    "md5_phpass": _phpass,
    "md5_salted": _salted_hex("md5", 32),
    "pbkdf2_sha1": _pbkdf2_sha1,
    "pbkdf2_sha256": _pbkdf2_sha256,
    "pbkdf2_sha256_django": _pbkdf2_sha256_django,
    "pbkdf2_sha512": _pbkdf2_sha512,
    "pbkdf2_sha512_hex": _pbkdf2_sha512_hex,
    "phpass": _phpass,
    "scrypt_firebase": _scrypt_firebase,
    "scrypt_werkzeug": _scrypt_werkzeug,
    "sha256": _hex_digest("sha256", 64),
    "sha256_salted": _salted_hex("sha256", 64),
    "sha512_symfony": _sha512_symfony,
}

#: Every ``password_hasher`` Clerk accepts on CreateUser.
KNOWN_HASHERS = frozenset(_PARSERS)
