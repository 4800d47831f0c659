"""Password hashes made by Django's and werkzeug's own hashers, at costs fit for tests.

Django's hashers get lower costs (iterations, rounds, memory) on the instance; the hashing is
Django's own code. Settings are configured in-process if nothing has configured them yet.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings  # type: ignore[import-untyped]
from django.contrib.auth import hashers  # type: ignore[import-untyped]
from werkzeug.security import generate_password_hash

__all__ = [
    "DJANGO_HASHERS",
    "PASSWORD",
    "WERKZEUG_METHODS",
    "django_password",
    "unusable_django_password",
    "werkzeug_password",
]

PASSWORD = "correct horse 42"

if not settings.configured:
    settings.configure()


def _cheaper(hasher: Any, **costs: Any) -> Any:
    """One of Django's hashers, its cost attributes lowered on the instance."""
    for name, value in costs.items():
        setattr(hasher, name, value)
    return hasher


def _argon2i_params(hasher: Any) -> Any:
    """What Django before 3.2 hashed with: argon2i."""
    import argon2

    return argon2.Parameters(
        type=argon2.low_level.Type.I,
        version=19,
        salt_len=16,
        time_cost=hasher.time_cost,
        memory_cost=hasher.memory_cost,
        parallelism=hasher.parallelism,
        hash_len=32,
    )


_ARGON2_COSTS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
_argon2i = _cheaper(hashers.Argon2PasswordHasher(), **_ARGON2_COSTS)
_argon2i.params = lambda: _argon2i_params(_argon2i)

#: Django's hashers by the Clerk hasher their passwords map to.
DJANGO_HASHERS: dict[str, Any] = {
    "pbkdf2_sha256_django": _cheaper(hashers.PBKDF2PasswordHasher(), iterations=1000),
    "pbkdf2_sha1": _cheaper(hashers.PBKDF2SHA1PasswordHasher(), iterations=1000),
    "bcrypt_sha256_django": _cheaper(hashers.BCryptSHA256PasswordHasher(), rounds=4),
    "bcrypt": _cheaper(hashers.BCryptPasswordHasher(), rounds=4),
    "argon2id": _cheaper(hashers.Argon2PasswordHasher(), **_ARGON2_COSTS),
    "argon2i": _argon2i,
    "scrypt_werkzeug": _cheaper(hashers.ScryptPasswordHasher(), work_factor=2**10),
}
#: werkzeug's methods by the Clerk hasher their hashes map to.
WERKZEUG_METHODS = {
    "scrypt_werkzeug": "scrypt:1024:8:1",
    "pbkdf2_sha256": "pbkdf2:sha256:1000",
    "pbkdf2_sha512": "pbkdf2:sha512:1000",
    "pbkdf2_sha1": "pbkdf2:sha1:1000",
}


def django_password(clerk_hasher: str, password: str = PASSWORD) -> str:
    """What Django stores in ``auth_user.password`` for ``password``."""
    return str(hashers.make_password(password, hasher=DJANGO_HASHERS[clerk_hasher]))


def unusable_django_password() -> str:
    return str(hashers.make_password(None))


def werkzeug_password(clerk_hasher: str, password: str = PASSWORD) -> str:
    """What ``generate_password_hash`` returns for ``password``."""
    return generate_password_hash(password, method=WERKZEUG_METHODS[clerk_hasher])
