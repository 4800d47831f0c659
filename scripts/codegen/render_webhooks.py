"""``clerk_async/webhooks/{models,events}.py`` from Clerk's webhook events spec.

``models.py`` holds the Structs of the events' ``data`` (lenient response models, built by the
same :class:`TypeBuilder` as ``clerk_async.models``). ``events.py`` holds one Struct per event
type, tagged by ``type`` so that one msgspec decoder of their union picks the class in one pass,
the envelope they share, a Struct for event types this version does not know, and the unions.

A signed event is never refused for its shape (Svix would retry it for days): every field of a
webhook Struct may be absent, the spec's required ones too (Clerk's own documented examples leave
some out), and is then ``None``; an absent ``data`` is its Struct with every field absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .ir import Field, StructDef, StructRef, Type
from .naming import identifier, pascal
from .operations import Api
from .pytypes import Imports, annotation
from .render_models import _struct
from .schemas import TypeBuilder
from .spec import Spec, SpecError

__all__ = ["WebhookApi", "build_webhooks", "render_webhooks"]

MODELS_MODULE = "clerk_async.webhooks.models"
EVENTS_MODULE = "clerk_async.webhooks.events"
MODELS_FILE = "clerk_async/webhooks/models.py"
EVENTS_FILE = "clerk_async/webhooks/events.py"
ENVELOPE = "WebhookEventPayload"
TAG = "type"
_COMPONENT = "#/components/schemas/"


@dataclass
class EventDef:
    type: str  # the tag, e.g. "user.created"
    name: str  # the Struct, e.g. "UserCreatedEvent"
    data: Type


@dataclass
class WebhookApi:
    events: list[EventDef]
    envelope: list[Field]  # the envelope's fields, without the tag
    structs: dict[str, StructDef]
    sha256: str
    spec_name: str


def build_webhooks(spec: Spec, struct_names: dict[str, str]) -> WebhookApi:
    builder = TypeBuilder(spec, struct_names)
    envelope = _envelope(spec, builder)
    hooks = spec.data.get("x-webhooks") or spec.data.get("webhooks")
    if not isinstance(hooks, dict) or not hooks:
        raise SpecError(f"{spec.path.name}: no webhooks")
    events = []
    names: dict[str, str] = {}
    for event_type in sorted(hooks):
        name = pascal(event_type) + "Event"
        if name in names:
            raise SpecError(f"{event_type} and {names[name]} are both named {name}")
        names[name] = event_type
        hint = pascal(event_type) + "Data"
        builder.origins.setdefault(hint, f"the ``data`` of the ``{event_type}`` event")
        data = builder.type_of(
            _data_schema(spec, event_type, hooks[event_type]), request=False, hint=hint
        )
        events.append(EventDef(event_type, name, data))
    _describe_shared_data(builder.structs, events)
    for struct in builder.structs.values():
        struct.module = MODELS_MODULE
    clash = {e.name for e in events} & set(builder.structs)
    if clash:
        raise SpecError(f"event and data Structs share names: {sorted(clash)}")
    return WebhookApi(events, envelope, builder.structs, spec.sha256, spec.path.name)


def _describe_shared_data(structs: dict[str, StructDef], events: list[EventDef]) -> None:
    """A data Struct made for one event and reused by others names them all."""
    users: dict[str, list[str]] = {}
    for event in events:
        if isinstance(event.data, StructRef):
            users.setdefault(event.data.name, []).append(event.type)
    for name, types in users.items():
        struct = structs[name]
        if len(types) > 1 and struct.origin.startswith("the ``data`` of"):
            more = len(types) - 1
            struct.origin = f"the ``data`` of the ``{types[0]}`` event and {more} more"


def _envelope(spec: Spec, builder: TypeBuilder) -> list[Field]:
    schema = spec.data.get("components", {}).get("schemas", {}).get(ENVELOPE)
    if not isinstance(schema, dict) or TAG not in (schema.get("properties") or {}):
        raise SpecError(f"{spec.path.name}: no {ENVELOPE} schema with a {TAG!r} property")
    required = set(schema.get("required", []))
    fields = []
    for wire, prop in schema["properties"].items():
        if wire == TAG:
            continue
        if identifier(wire) != wire:
            raise SpecError(f"{ENVELOPE}: {wire!r} is not a Python name")
        hint = pascal(wire)
        builder.origins.setdefault(hint, f"the ``{wire}`` field of ``{ENVELOPE}``")
        type_ = builder.type_of(prop, request=False, hint=hint)
        fields.append(Field(identifier(wire), wire, type_, wire in required))
    return fields


def _data_schema(spec: Spec, event_type: str, item: Any) -> Any:
    """The ``data`` schema of one event: the envelope ``allOf`` a part that declares ``data``."""
    try:
        schema = item["post"]["requestBody"]["content"]["application/json"]["schema"]
        parts = schema["allOf"]
    except (KeyError, TypeError):
        raise SpecError(f"{event_type}: no JSON request body made with allOf") from None
    refs = [part.get("$ref") for part in parts if isinstance(part, dict)]
    if _COMPONENT + ENVELOPE not in refs:
        raise SpecError(f"{event_type}: the body is not built on {ENVELOPE}")
    for part in parts:
        properties = spec.resolve(part).get("properties") or {}
        if "data" in properties:
            return properties["data"]
    raise SpecError(f"{event_type}: no part of the body declares 'data'")


def render_webhooks(api: WebhookApi, header: str) -> dict[str, str]:
    """Relative path -> text of the two generated webhook modules."""
    return {MODELS_FILE: _models(api, header), EVENTS_FILE: _events(api, header)}


def _models(api: WebhookApi, header: str) -> str:
    imports = Imports(own_module=MODELS_MODULE)
    shim = Api([], api.structs, {}, api.sha256, api.spec_name, [])
    structs = sorted(api.structs.values(), key=lambda s: s.name)
    bodies = [_struct(struct, imports, shim, absent_ok=True) for struct in structs]
    names = ", ".join(f'"{s.name}"' for s in structs)
    return "\n".join(
        [
            header,
            '"""The data of Clerk\'s webhook events (generated: do not edit)."""\n',
            "from __future__ import annotations\n",
            *imports.lines(),
            "",
            f"__all__ = [{names}]",
            "",
            *bodies,
        ]
    )


def _events(api: WebhookApi, header: str) -> str:
    imports = Imports(own_module=EVENTS_MODULE)
    base = imports.add("clerk_async._model", "Model")
    imports.add("typing", "ClassVar")
    imports.add("typing", "TypeAlias")
    envelope = [_envelope_field(f, imports, api) for f in api.envelope]
    tagged: list[str] = []
    for event in api.events:
        data = annotation(event.data, imports, api.structs, style="model")
        literal = imports.add("typing", "Literal")
        tagged += [
            "",
            "",
            f'class {event.name}(WebhookEventBase, tag="{event.type}"):',
            f'    """The ``{event.type}`` event."""',
            "",
            f'    type: ClassVar[{literal}["{event.type}"]] = "{event.type}"',
            f"    data: {_data_field(event.data, data, imports)}",
        ]
    any_ = imports.add("typing", "Any")
    union = "\n".join(f"    | {e.name}" for e in api.events).removeprefix("    | ")
    table = "\n".join(f'    "{e.type}": {e.name},' for e in api.events)
    exported = ["EVENT_TYPES", "KnownWebhookEvent", "UnknownWebhookEvent", "WebhookEvent"]
    exported += ["WebhookEventBase", *(e.name for e in api.events)]
    names = "\n".join(f'    "{name}",' for name in exported)
    body = "\n".join(envelope)
    return f'''{header}
"""Clerk's webhook events, one Struct per ``type`` (generated: do not edit).

Each event Struct is tagged by ``type``, so a msgspec decoder of :data:`KnownWebhookEvent` picks the
class in one pass; ``event.type`` is a class attribute. An event type this version does not know
decodes as :class:`UnknownWebhookEvent` (see ``clerk_async.webhooks``).
"""

from __future__ import annotations

{chr(10).join(imports.lines())}

__all__ = [
{names}
]


class WebhookEventBase({base}, kw_only=True, tag_field="{TAG}"):
    """What every event carries (the ``{ENVELOPE}`` schema); ``type`` is the tag."""

    type: ClassVar[str]
{body}
{chr(10).join(tagged)}


class UnknownWebhookEvent({base}, kw_only=True):
    """An event whose ``type`` is not one of :data:`EVENT_TYPES`: ``data`` is the JSON as is."""

    type: str
{body}
    data: {any_} = None


KnownWebhookEvent: TypeAlias = (
    {union}
)

#: What ``verify_webhook`` returns.
WebhookEvent: TypeAlias = KnownWebhookEvent | UnknownWebhookEvent

#: Event type -> its Struct.
EVENT_TYPES: dict[str, type[WebhookEventBase]] = {{
{table}
}}
'''


def _data_field(type_: Type, type_text: str, imports: Imports) -> str:
    """``data``'s annotation and default: absent, it is its Struct with every field absent."""
    if isinstance(type_, StructRef):
        imports.modules.add("msgspec")
        return f"{type_text} = msgspec.field(default_factory={type_text})"
    return type_text if type_text == "Any" else f"{type_text} | None = None"


def _envelope_field(field: Field, imports: Imports, api: WebhookApi) -> str:
    """An envelope field: absent (required or not), it is ``None``."""
    type_text = annotation(field.type, imports, api.structs, style="model")
    return f"    {field.name}: {type_text} | None = None"
