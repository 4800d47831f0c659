"""What user code of request verification sees under ``mypy --strict`` (``scripts/check``), and
that the same code runs (pytest).

``assert_type`` and the ``type: ignore`` comments are the assertions: mypy fails on a wrong type,
and on an ignore that is no longer needed (``warn_unused_ignores``), so a typo in
``accepts_token`` that type-checked again would fail here.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING

import pytest

import clerk_async.security as async_security
import clerk_sync.security as sync_security
from clerk_async.security import (
    AuthenticateRequestOptions,
    AuthObject,
    RequestState,
    TokenTypeName,
)
from tests.support.tokens import pem_of, rsa_key, sign

if TYPE_CHECKING:  # mypy's bundled stubs, so that it checks these under Python 3.10 too
    from typing_extensions import assert_type
else:  # typing.assert_type (Python 3.11+) at runtime: it returns its argument
    assert_type = getattr(typing, "assert_type", lambda value, _type: value)


def who(state: RequestState) -> tuple[str | None, str | None, str | None, str | None]:
    """The README's first example: the auth object's user, session and organization, unnarrowed."""
    auth = state.to_auth()
    assert_type(auth, AuthObject)
    assert_type(auth.user_id, str | None)
    assert_type(auth.org_permissions, list[str] | None)
    return auth.user_id, auth.session_id, auth.org_id, auth.org_role


def test_every_auth_object_answers_who_it_is() -> None:
    options = AuthenticateRequestOptions(jwt_key=pem_of(rsa_key()))
    state = sync_security.authenticate_request({"Authorization": f"Bearer {sign()}"}, options)
    assert who(state) == ("user_2abc", "sess_2abc", "org_2abc", "org:admin")
    for machine in (
        async_security.M2MMachineAuthObject(machine_id="mch_1"),
        async_security.APIKeyMachineAuthObject(org_id="org_1"),
        async_security.OAuthMachineAuthObject(user_id="user_1"),
        async_security.SignedOutAuthObject(),
    ):
        assert machine.session_id is None and machine.org_role is None
    assert async_security.APIKeyMachineAuthObject(org_id="org_1").org_id == "org_1"
    assert async_security.OAuthMachineAuthObject(user_id="user_1").user_id == "user_1"


def test_accepts_token_names_are_checked_by_the_type_checker_too() -> None:
    names: list[TokenTypeName] = ["api_key", "m2m_token"]
    assert AuthenticateRequestOptions(accepts_token=names).accepts_token == names
    AuthenticateRequestOptions(accepts_token="oauth_token")
    with pytest.raises(ValueError, match="unknown token type"):
        AuthenticateRequestOptions(accepts_token="sesion_token")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown token type"):
        AuthenticateRequestOptions(accepts_token=["api_keys"])  # type: ignore[list-item]
