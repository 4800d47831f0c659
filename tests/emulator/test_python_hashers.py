"""Django's and werkzeug's own password hashes, in the forms Clerk documents, sign in on the
emulator; the forms Clerk's docs do not allow are refused as Clerk refuses a malformed digest.

The vectors are made by Django's ``make_password`` and werkzeug's ``generate_password_hash``
(:mod:`tests.support.python_hashes`), then rewritten by the migration's readers.
"""

from __future__ import annotations

import uuid

import pytest

from clerk_async.migrate.readers import django as django_reader
from clerk_async.migrate.readers import werkzeug as werkzeug_reader
from tests.support.python_hashes import (
    DJANGO_HASHERS,
    PASSWORD,
    WERKZEUG_METHODS,
    django_password,
    werkzeug_password,
)

from .support import Api


async def _signs_in(api: Api, digest: str, hasher: str) -> None:
    user = await api.user(
        email_address=[f"{uuid.uuid4().hex[:12]}@example.com"],
        password_digest=digest,
        password_hasher=hasher,
    )
    path = f"/users/{user['id']}/verify_password"
    assert (await api.post(path, {"password": PASSWORD})).body == {"verified": True}
    wrong = await api.post(path, {"password": PASSWORD + "!"})
    assert (wrong.status, wrong.code) == (422, "form_password_incorrect")


@pytest.mark.parametrize("expected", sorted(DJANGO_HASHERS))
async def test_django_passwords_sign_in_after_mapping(api: Api, expected: str) -> None:
    digest, hasher = django_reader.clerk_password(django_password(expected))

    assert hasher == expected
    await _signs_in(api, digest, hasher)


@pytest.mark.parametrize("expected", sorted(WERKZEUG_METHODS))
async def test_werkzeug_passwords_sign_in_after_mapping(api: Api, expected: str) -> None:
    digest, hasher = werkzeug_reader.clerk_password(werkzeug_password(expected))

    assert hasher == expected
    await _signs_in(api, digest, hasher)


def _refused_forms() -> list[tuple[str, str, str]]:
    sha1 = django_password("pbkdf2_sha1")
    _, iterations, salt, _ = sha1.split("$")
    mapped_sha1, _ = django_reader.clerk_password(sha1)
    argon2 = django_password("argon2id")
    bcrypt = django_password("bcrypt")
    return [
        ("django pbkdf2_sha1 as Django writes it", "pbkdf2_sha1", sha1),
        (
            "pbkdf2_sha1 hex without the key length (20 bytes, not the default 32)",
            "pbkdf2_sha1",
            mapped_sha1.rpartition("$")[0],
        ),
        (
            "scrypt_werkzeug without the leading $",
            "scrypt_werkzeug",
            werkzeug_password("scrypt_werkzeug"),
        ),
        ("django argon2 with Django's prefix", "argon2id", argon2),
        (
            "argon2 of version 16",
            "argon2id",
            argon2.removeprefix("argon2").replace("$v=19$", "$v=16$"),
        ),
        ("django bcrypt with Django's prefix", "bcrypt", bcrypt),
        ("bcrypt_sha256_django without its prefix", "bcrypt_sha256_django", bcrypt[7:]),
        (
            "werkzeug pbkdf2 as werkzeug writes it",
            "pbkdf2_sha256",
            werkzeug_password("pbkdf2_sha256"),
        ),
        (
            "django pbkdf2_sha1 as pbkdf2_sha256_django",
            "pbkdf2_sha256_django",
            f"pbkdf2_sha1${iterations}${salt}$c2hvcnQ=",
        ),
    ]


REFUSED = _refused_forms()


@pytest.mark.parametrize(
    ("hasher", "digest"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED]
)
async def test_forms_clerk_does_not_document_are_refused(
    api: Api, hasher: str, digest: str
) -> None:
    fields = {"password_digest": digest, "password_hasher": hasher}
    reply = await api.post("/users", {"email_address": ["ada@example.com"], **fields})

    assert (reply.status, reply.code, reply.param) == (
        422,
        "form_param_format_invalid",
        "password_digest",
    )
    assert digest not in str(reply.body)
    assert api.emulator.state.users.users == {}
