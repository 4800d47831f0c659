"""Handlers for machines, API keys, M2M tokens and the OAuth access token check.

The API-key and M2M-token operations are served by another Clerk service than the rest of the
Backend API, and answer a bad parameter with 400 ``bad_request`` ("Invalid 'body.name': ...")
rather than 422: :func:`_bad_request` turns the usual parameter errors into that shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clerk_async.emulator.errors import APIError
from clerk_async.emulator.routing import Call

__all__ = ["M2M_PATH", "ROUTES"]

#: The operations below this path also take a machine secret key.
M2M_PATH = "/m2m_tokens"

Handler = Callable[[Call], Any]


def _bad_request(handler: Handler, where: str = "body") -> Handler:
    def run(call: Call) -> Any:
        try:
            return handler(call)
        except APIError as error:
            if error.status != 422 or not error.code.startswith("form_param"):
                raise
            entry = error.entries[0]
            detail = f"Invalid '{where}.{entry['meta'].get('param_name')}': {entry['long_message']}"
            raise APIError(400, "bad_request", "Bad Request", detail) from None

    run.__name__ = handler.__name__
    return run


# -- machines ----------------------------------------------------------------------------------


def list_machines(call: Call) -> Any:
    return call.state.machines.listing(call.query)


def create_machine(call: Call) -> Any:
    return call.state.machines.create(call.body())


def get_machine(call: Call) -> Any:
    machines = call.state.machines
    return machines.wire(machines.get(call.params["machine_id"]))


def update_machine(call: Call) -> Any:
    return call.state.machines.update(call.params["machine_id"], call.body())


def delete_machine(call: Call) -> Any:
    return call.state.machines.delete(call.params["machine_id"])


def get_machine_secret_key(call: Call) -> Any:
    return call.state.machines.secret_key(call.params["machine_id"])


def rotate_machine_secret_key(call: Call) -> Any:
    return call.state.machines.rotate_secret_key(call.params["machine_id"], call.body())


def create_machine_scope(call: Call) -> Any:
    return call.state.machines.create_scope(call.params["machine_id"], call.body())


def delete_machine_scope(call: Call) -> Any:
    params = call.params
    return call.state.machines.delete_scope(params["machine_id"], params["other_machine_id"])


# -- API keys ----------------------------------------------------------------------------------


@_bad_request
def create_api_key(call: Call) -> Any:
    return call.state.api_keys.create(call.body())


def list_api_keys(call: Call) -> Any:
    return call.state.api_keys.listing(call.query)


@_bad_request
def get_api_key(call: Call) -> Any:
    keys = call.state.api_keys
    return keys.view(keys.key(call.params["apiKeyID"]))


@_bad_request
def update_api_key(call: Call) -> Any:
    return call.state.api_keys.update(call.params["apiKeyID"], call.body())


@_bad_request
def delete_api_key(call: Call) -> Any:
    return call.state.api_keys.delete(call.params["apiKeyID"])


@_bad_request
def get_api_key_secret(call: Call) -> Any:
    return call.state.api_keys.secret_of(call.params["apiKeyID"])


@_bad_request
def revoke_api_key(call: Call) -> Any:
    keys = call.state.api_keys
    return keys.revoke(keys.key(call.params["apiKeyID"]), call.body())


@_bad_request
def verify_api_key(call: Call) -> Any:
    body = call.body().only(("secret",))
    keys = call.state.api_keys
    return keys.view(keys.verify(body.text("secret", required=True) or ""))


# -- M2M tokens and OAuth access tokens --------------------------------------------------------


@_bad_request
def create_m2m_token(call: Call) -> Any:
    call.status = 201
    return call.state.m2m_tokens.create(call.caller, call.body())


def list_m2m_tokens(call: Call) -> Any:
    return call.state.m2m_tokens.listing(call.caller, call.query)


@_bad_request
def revoke_m2m_token(call: Call) -> Any:
    tokens = call.state.m2m_tokens
    return tokens.revoke_token(call.caller, call.params["m2m_token_id"], call.body())


@_bad_request
def verify_m2m_token(call: Call) -> Any:
    return call.state.m2m_tokens.verify_token(call.caller, call.body())


def verify_oauth_access_token(call: Call) -> Any:
    return call.state.oauth_tokens.verify_token(call.body())


ROUTES = [
    ("GET", "/machines", list_machines),
    ("POST", "/machines", create_machine),
    ("GET", "/machines/{machine_id}", get_machine),
    ("PATCH", "/machines/{machine_id}", update_machine),
    ("DELETE", "/machines/{machine_id}", delete_machine),
    ("GET", "/machines/{machine_id}/secret_key", get_machine_secret_key),
    ("POST", "/machines/{machine_id}/secret_key/rotate", rotate_machine_secret_key),
    ("POST", "/machines/{machine_id}/scopes", create_machine_scope),
    ("DELETE", "/machines/{machine_id}/scopes/{other_machine_id}", delete_machine_scope),
    ("POST", "/api_keys", create_api_key),
    ("GET", "/api_keys", _bad_request(list_api_keys, "query")),
    ("POST", "/api_keys/verify", verify_api_key),
    ("GET", "/api_keys/{apiKeyID}", get_api_key),
    ("PATCH", "/api_keys/{apiKeyID}", update_api_key),
    ("DELETE", "/api_keys/{apiKeyID}", delete_api_key),
    ("GET", "/api_keys/{apiKeyID}/secret", get_api_key_secret),
    ("POST", "/api_keys/{apiKeyID}/revoke", revoke_api_key),
    ("POST", M2M_PATH, create_m2m_token),
    ("GET", M2M_PATH, _bad_request(list_m2m_tokens, "query")),
    ("POST", M2M_PATH + "/verify", verify_m2m_token),
    ("POST", M2M_PATH + "/{m2m_token_id}/revoke", revoke_m2m_token),
    ("POST", "/oauth_applications/access_tokens/verify", verify_oauth_access_token),
]
