"""JWT templates, and rendering their claims (``{{user.id}}``-style shortcodes) for a session."""

from __future__ import annotations

import re
from typing import Any

from clerk_async.emulator.errors import (
    identifier_exists,
    not_found,
    param_missing,
    param_value_invalid,
)
from clerk_async.emulator.params import Body, Query
from clerk_async.emulator.tokens import supported_algorithm

from .common import new_id, now_ms

__all__ = ["JWTTemplateStore", "render_claims"]

FIELDS = frozenset(
    {"name", "claims", "lifetime", "allowed_clock_skew", "custom_signing_key",
     "signing_algorithm", "signing_key"}
)  # fmt: skip
DEFAULT_LIFETIME = 60
DEFAULT_CLOCK_SKEW = 5
_SHORTCODE = re.compile(r"\{\{\s*([a-z_]+(?:\.[A-Za-z0-9_]+)*)\s*\}\}")


class Template:
    __slots__ = ("data", "signing_key")

    def __init__(self, data: dict[str, Any], signing_key: str | None) -> None:
        self.data = data
        self.signing_key = signing_key


class JWTTemplateStore:
    def __init__(self) -> None:
        self.templates: dict[str, Template] = {}

    def get(self, template_id: str) -> Template:
        template = self.templates.get(template_id)
        if template is None:
            raise not_found("JWT template", template_id)
        return template

    def by_name(self, name: str) -> Template:
        for template in self.templates.values():
            if template.data["name"] == name:
                return template
        raise not_found("JWT template", name)

    def create(self, body: Body) -> dict[str, Any]:
        fields, key = self._validate(body, None)
        now = now_ms()
        data = {"object": "jwt_template", "id": new_id("jtmp_"), **fields}
        data.update(created_at=now, updated_at=now)
        self.templates[data["id"]] = Template(data, key)
        return data

    def update(self, template_id: str, body: Body) -> dict[str, Any]:
        template = self.get(template_id)
        fields, key = self._validate(body, template_id)
        template.data.update(fields, updated_at=now_ms())
        template.signing_key = key
        return template.data

    def delete(self, template_id: str) -> dict[str, Any]:
        self.get(template_id)
        del self.templates[template_id]
        return {"object": "jwt_template", "id": template_id, "deleted": True}

    def listing(self, query: Query) -> list[dict[str, Any]]:
        limit, offset = query.optional_page(len(self.templates))
        return [t.data for t in self.templates.values()][offset : offset + limit]

    def _validate(self, body: Body, template_id: str | None) -> tuple[dict[str, Any], str | None]:
        body.only(FIELDS)
        name = body.text("name", required=True) or ""
        claims = body.mapping("claims")
        if claims is None:
            raise param_missing("claims")
        for other in self.templates.values():
            if other.data["name"] == name and other.data["id"] != template_id:
                raise identifier_exists("name", "template name")
        lifetime = body.integer("lifetime", minimum=30, maximum=315_360_000)
        skew = body.integer("allowed_clock_skew", minimum=0, maximum=300)
        custom = body.flag("custom_signing_key")
        algorithm = body.text("signing_algorithm") or "RS256"
        key = body.text("signing_key")
        if custom:
            if key is None:
                raise param_missing("signing_key")
            if not supported_algorithm(algorithm):
                raise param_value_invalid("signing_algorithm", f"{algorithm} is not supported.")
        elif algorithm != "RS256":
            raise param_value_invalid(
                "signing_algorithm", "Without a custom signing key, templates sign with RS256."
            )
        fields = {
            "name": name,
            "claims": claims,
            "lifetime": DEFAULT_LIFETIME if lifetime is None else lifetime,
            "allowed_clock_skew": DEFAULT_CLOCK_SKEW if skew is None else skew,
            "custom_signing_key": custom,
            "signing_algorithm": algorithm,
        }
        return fields, key if custom else None


def render_claims(value: Any, context: dict[str, Any]) -> Any:
    """Replace shortcodes: a string that is one shortcode takes the value's JSON type."""
    if isinstance(value, dict):
        return {key: render_claims(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [render_claims(item, context) for item in value]
    if not isinstance(value, str):
        return value
    whole = _SHORTCODE.fullmatch(value.strip())
    if whole:
        return _lookup(context, whole.group(1))
    return _SHORTCODE.sub(lambda m: _text(_lookup(context, m.group(1))), value)


def _lookup(context: dict[str, Any], path: str) -> Any:
    current: Any = context
    for part in path.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
