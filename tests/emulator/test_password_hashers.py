"""Every hasher Clerk accepts, verified by the emulator against digests made elsewhere.

Vectors come from independent implementations (libpass, bcrypt, argon2-cffi), from a published
one (Firebase's scrypt README), or, where no library writes the format, from the scheme's
definition written out here (Symfony's legacy encoder, Clerk's hex/base64 PBKDF2 layouts).
"""

from __future__ import annotations

import base64
import hashlib

import bcrypt
import pytest
from argon2 import PasswordHasher, Type
from passlib import hash as passlib_hash

from clerk_async._password_digests import KNOWN_HASHERS, DigestFormatError, parse_digest
from clerk_async.emulator.errors import APIError
from clerk_async.emulator.passwords import from_digest

from .support import Api

PASSWORD = "correct horse 42"

# Published by Firebase (firebase/scrypt README): password "user1password".
FIREBASE_VECTOR = "$".join(
    [
        "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==",
        "42xEC+ixf3L2lw==",
        "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==",
        "Bw==",
        "8",
        "14",
    ]
)


def _pbkdf2(algorithm: str, salt: bytes, iterations: int = 1000, dklen: int | None = None) -> bytes:
    return hashlib.pbkdf2_hmac(algorithm, PASSWORD.encode(), salt, iterations, dklen)


def _symfony(salt: str, iterations: int) -> str:
    salted = f"{PASSWORD}{{{salt}}}".encode()
    value = hashlib.sha512(salted).digest()
    for _ in range(iterations - 1):
        value = hashlib.sha512(value + salted).digest()
    return f"sha512_symfony${iterations}${salt}${base64.b64encode(value).decode()}"


def _vectors() -> list[tuple[str, str]]:
    salt = b"NaCl-salt-16byte"
    argon2i = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1, type=Type.I)
    argon2id = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1, type=Type.ID)
    bcrypt_digest = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    peppered = bcrypt.hashpw((PASSWORD + "pep").encode(), bcrypt.gensalt(4)).decode() + "$pep"
    return [
        ("argon2i", argon2i.hash(PASSWORD)),
        ("argon2id", argon2id.hash(PASSWORD)),
        ("bcrypt", bcrypt_digest),
        ("bcrypt", bcrypt_digest.replace("$2b$", "$2y$", 1)),
        ("bcrypt_peppered", peppered),
        ("bcrypt_sha256_django", passlib_hash.django_bcrypt_sha256.using(rounds=4).hash(PASSWORD)),
        ("ldap_ssha", passlib_hash.ldap_salted_sha1.hash(PASSWORD)),
        ("md5", hashlib.md5(PASSWORD.encode()).hexdigest()),
        ("md5_phpass", passlib_hash.phpass.using(ident="H", rounds=8).hash(PASSWORD)),
        ("md5_salted", "s4lt$" + hashlib.md5(b"s4lt" + PASSWORD.encode()).hexdigest()),
        (  # no key length: Clerk's default, 32 bytes
            "pbkdf2_sha1",
            f"pbkdf2_sha1$1000${salt.hex()}${_pbkdf2('sha1', salt, dklen=32).hex()}",
        ),
        (
            "pbkdf2_sha1",  # a salt that is not hex is taken as its bytes; explicit key length
            f"pbkdf2_sha1$1000$not-hex${_pbkdf2('sha1', b'not-hex').hex()}$20",
        ),
        (
            "pbkdf2_sha256",
            f"pbkdf2_sha256$1000${base64.b64encode(salt).decode()}$"
            + base64.b64encode(_pbkdf2("sha256", salt)).decode(),
        ),
        (
            "pbkdf2_sha256_django",
            passlib_hash.django_pbkdf2_sha256.using(rounds=1000).hash(PASSWORD),
        ),
        ("pbkdf2_sha512", f"pbkdf2_sha512$1000$plainsalt${_pbkdf2('sha512', b'plainsalt').hex()}"),
        (
            "pbkdf2_sha512_hex",
            f"pbkdf2_sha512_hex$1000${salt.hex()}${_pbkdf2('sha512', salt).hex()}",
        ),
        ("phpass", passlib_hash.phpass.using(rounds=8).hash(PASSWORD)),
        ("sha256", hashlib.sha256(PASSWORD.encode()).hexdigest()),
        ("sha256_salted", "s4lt$" + hashlib.sha256(b"s4lt" + PASSWORD.encode()).hexdigest()),
        ("sha512_symfony", _symfony("pepper-salt", 50)),
    ]


@pytest.mark.parametrize(("hasher", "digest"), _vectors(), ids=lambda value: value[:24])
def test_each_hasher_verifies_its_digest(hasher: str, digest: str) -> None:
    password = from_digest(digest, hasher)

    assert password.verify(PASSWORD)
    assert not password.verify(PASSWORD + "!")
    assert not password.verify("")


def test_every_known_hasher_has_a_vector_or_is_awscognito() -> None:
    covered = {hasher for hasher, _ in _vectors()} | {"scrypt_firebase", "scrypt_werkzeug"}
    assert covered | {"awscognito"} == KNOWN_HASHERS


def test_firebase_scrypt_published_vector() -> None:
    password = from_digest(FIREBASE_VECTOR, "scrypt_firebase")

    assert password.verify("user1password")
    assert not password.verify("user2password")


def test_werkzeug_scrypt() -> None:
    raw = hashlib.scrypt(PASSWORD.encode(), salt=b"saltsalt", n=1024, r=8, p=1, maxmem=2**24)
    password = from_digest(f"$scrypt:1024:8:1$saltsalt${raw.hex()}", "scrypt_werkzeug")

    assert password.verify(PASSWORD)
    assert not password.verify("other")


def test_awscognito_is_accepted_but_never_verifies_locally() -> None:
    password = from_digest("awscognito#us-east-1_AbC123xyz#4pq2r7client#ada", "awscognito")

    assert password.hasher == "awscognito"
    assert not password.verify("anything at all")


@pytest.mark.parametrize(
    ("hasher", "digest"),
    [
        ("bcrypt", "$2b$10$short"),
        ("bcrypt_peppered", bcrypt.hashpw(b"x", bcrypt.gensalt(4)).decode()),  # no pepper
        ("md5", "0" * 31),
        ("scrypt_werkzeug", "$scrypt:1024:8:1$salt$abcd\n"),  # a trailing line break
        ("bcrypt", bcrypt.hashpw(b"x", bcrypt.gensalt(4)).decode() + "\n"),
        ("pbkdf2_sha256", "pbkdf2_sha256$\u0661\u0660\u0660$c2FsdA==$aGFzaA=="),  # not ASCII digits
        ("md5_salted", "0" * 32),  # no salt
        ("sha256_salted", "salt$" + "g" * 64),
        ("pbkdf2_sha1", "pbkdf2_sha1$0$salt$abcd"),
        ("pbkdf2_sha1", "pbkdf2_sha1$10$salt$abcd$32"),  # key length is not the hash's
        ("pbkdf2_sha1", "pbkdf2_sha1$10$salt$" + "ab" * 20),  # no key length: 32 bytes, not 20
        ("pbkdf2_sha256", "pbkdf2_sha256$10$not base64!$abcd"),
        ("pbkdf2_sha512", "pbkdf2_sha512$10$salt$not-hex"),
        ("phpass", "$P$Bshort"),
        ("ldap_ssha", "{SHA}abcd"),
        ("argon2id", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"),  # the wrong variant
        ("argon2id", "$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"),  # not version 19
        ("scrypt_firebase", "hash$salt$key$sep$8"),
        ("scrypt_firebase", FIREBASE_VECTOR.replace("$14", "$40")),
        ("scrypt_werkzeug", "$scrypt:1000:8:1$salt$abcd"),  # n not a power of 2
        ("scrypt_werkzeug", "scrypt:1024:8:1$salt$abcd"),  # no leading $
        ("sha512_symfony", "sha512_symfony$5000$salt$" + base64.b64encode(b"short").decode()),
        ("awscognito", "awscognito#not a pool#client#ada"),
        ("awscognito", "awscognito#us-east-1_Ab#client"),
    ],
)
def test_malformed_digests_are_refused_naming_the_format(hasher: str, digest: str) -> None:
    with pytest.raises(DigestFormatError) as caught:
        parse_digest(hasher, digest)
    assert digest not in str(caught.value)

    with pytest.raises(APIError) as answered:
        from_digest(digest, hasher)
    assert answered.value.status == 422
    assert answered.value.entries[0]["meta"]["param_name"] == "password_digest"


def test_digest_parts_stay_out_of_reprs() -> None:
    parsed = parse_digest("scrypt_firebase", FIREBASE_VECTOR)

    assert "42xEC" not in repr(parsed) and "jxspr8" not in repr(parsed)
    assert "rounds=8" in repr(parsed)


async def test_imported_digests_verify_over_http(api: Api) -> None:
    for hasher, digest in [*_vectors()[:3], ("scrypt_firebase", FIREBASE_VECTOR)]:
        user = await api.user(password_digest=digest, password_hasher=hasher)
        password = "user1password" if hasher == "scrypt_firebase" else PASSWORD
        path = f"/users/{user['id']}/verify_password"

        assert (await api.post(path, {"password": password})).body == {"verified": True}
        wrong = await api.post(path, {"password": "not it"})
        assert (wrong.status, wrong.code) == (422, "form_password_incorrect")
