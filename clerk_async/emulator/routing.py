"""Routing ``METHOD /path`` to a handler, and what a handler receives (:class:`Call`).

Paths are matched segment by segment on the raw (still percent-encoded) path, so an id holding an
encoded ``/`` stays one segment; literal segments win over parameters (``/users/count`` over
``/users/{user_id}``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from .errors import APIError
from .params import Body, Query

if TYPE_CHECKING:
    from .state import State

__all__ = ["Call", "Handler", "Route", "Router"]

Handler = Callable[["Call"], Any]


class Call:
    """One request, parsed: path parameters, query, body, and the emulator's state.

    ``caller`` is the machine whose secret key authenticated the request (``None``: the instance
    secret key). A handler answering another success status than 200 sets ``status``.
    """

    __slots__ = ("_json", "caller", "files", "frontend", "params", "query", "state", "status")

    def __init__(
        self,
        state: State,
        params: dict[str, str],
        query: Query,
        json: Any,
        files: Mapping[str, bytes | str] | None = None,
        frontend: str = "",
        caller: str | None = None,
    ) -> None:
        self.state = state
        self.params = params
        self.query = query
        self._json = json
        self.files = files or {}
        self.frontend = frontend
        self.caller = caller
        self.status = 200

    def body(self) -> Body:
        """The JSON object body; ``{}`` when there was none, 400 when it is not an object."""
        if self._json is None:
            return Body({})
        if not isinstance(self._json, dict):
            raise APIError(
                400,
                "request_body_invalid",
                "Request body invalid",
                "The request body must be a JSON object.",
            )
        return Body(self._json)

    def bodies(self) -> list[Body]:
        """A JSON array of objects (the bulk operations)."""
        if not isinstance(self._json, list) or not all(isinstance(i, dict) for i in self._json):
            raise APIError(
                400,
                "request_body_invalid",
                "Request body invalid",
                "The request body must be a JSON array of objects.",
            )
        return [Body(item) for item in self._json]


class Route:
    __slots__ = ("handler", "method", "name", "params", "template")

    def __init__(self, method: str, template: str, handler: Handler, name: str) -> None:
        self.method = method
        self.template = template
        self.handler = handler
        self.name = name
        self.params = [s[1:-1] for s in template.strip("/").split("/") if s.startswith("{")]


class _Node:
    __slots__ = ("literal", "param", "routes")

    def __init__(self) -> None:
        self.literal: dict[str, _Node] = {}
        self.param: _Node | None = None
        self.routes: dict[str, Route] = {}


class Router:
    def __init__(self) -> None:
        self._root = _Node()
        self.routes: list[Route] = []

    def add(self, method: str, template: str, handler: Handler, name: str = "") -> None:
        """Register ``handler``; a route already registered for the same method and path wins."""
        node = self._root
        for segment in template.strip("/").split("/"):
            if segment.startswith("{") and segment.endswith("}"):
                if node.param is None:
                    node.param = _Node()
                node = node.param
            else:
                node = node.literal.setdefault(segment, _Node())
        if method not in node.routes:
            route = Route(method, template, handler, name or handler.__name__)
            node.routes[method] = route
            self.routes.append(route)

    def has(self, method: str, template: str) -> bool:
        node: _Node | None = self._root
        for segment in template.strip("/").split("/"):
            if node is None:
                return False
            node = node.param if segment.startswith("{") else node.literal.get(segment)
        return node is not None and method in node.routes

    def match(self, method: str, raw_path: str) -> tuple[Route, dict[str, str]] | None:
        """The route for a raw path below ``/v1`` (e.g. ``/users/user_1``) and its parameters."""
        segments = raw_path.strip("/").split("/")
        values: list[str] = []
        route = _walk(self._root, segments, 0, values, method)
        if route is None:
            return None
        pairs = zip(route.params, values, strict=True)
        return route, {name: unquote(value) for name, value in pairs}


def _walk(
    node: _Node, segments: list[str], index: int, values: list[str], method: str
) -> Route | None:
    if index == len(segments):
        return node.routes.get(method)
    segment = segments[index]
    child = node.literal.get(segment)
    if child is not None:
        found = _walk(child, segments, index + 1, values, method)
        if found is not None:
            return found
    if node.param is not None and segment:
        values.append(segment)
        found = _walk(node.param, segments, index + 1, values, method)
        if found is not None:
            return found
        values.pop()
    return None
