"""Handlers for sessions and their tokens, sign-in tokens, testing tokens and the JWKS."""

from __future__ import annotations

from typing import Any

from clerk_async.emulator.routing import Call

__all__ = ["ROUTES"]


def list_sessions(call: Call) -> Any:
    return call.state.sessions.listing(call.query)


def create_session(call: Call) -> Any:
    return call.state.sessions.create(call.body())


def get_session(call: Call) -> Any:
    return call.state.sessions.get(call.params["session_id"])


def revoke_session(call: Call) -> Any:
    return call.state.sessions.revoke(call.params["session_id"])


def create_token(call: Call) -> Any:
    return call.state.sessions.token(call.params["session_id"], call.body(), None)


def create_template_token(call: Call) -> Any:
    sessions = call.state.sessions
    return sessions.token(call.params["session_id"], call.body(), call.params["template_name"])


def create_sign_in_token(call: Call) -> Any:
    return call.state.sessions.create_sign_in_token(call.body(), call.frontend)


def revoke_sign_in_token(call: Call) -> Any:
    return call.state.sessions.revoke_sign_in_token(call.params["sign_in_token_id"])


def create_testing_token(call: Call) -> Any:
    return call.state.sessions.testing_token()


def jwks(call: Call) -> Any:
    return call.state.sessions.key.jwks()


ROUTES = [
    ("GET", "/sessions", list_sessions),
    ("POST", "/sessions", create_session),
    ("GET", "/sessions/{session_id}", get_session),
    ("POST", "/sessions/{session_id}/revoke", revoke_session),
    ("POST", "/sessions/{session_id}/tokens", create_token),
    ("POST", "/sessions/{session_id}/tokens/{template_name}", create_template_token),
    ("POST", "/sign_in_tokens", create_sign_in_token),
    ("POST", "/sign_in_tokens/{sign_in_token_id}/revoke", revoke_sign_in_token),
    ("POST", "/testing_tokens", create_testing_token),
    ("GET", "/jwks", jwks),
]
