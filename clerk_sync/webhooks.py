"""Webhook verification and typed events: the very objects of ``clerk_async.webhooks``.

Nothing in them does I/O, so both packages share them; the event data Structs are in
``clerk_async.webhooks.models`` (also reachable here as ``models``).
"""

# ``__all__`` is imported under its own name, which tells type checkers every name it lists (a
# list built from an imported one's items would hide them); the assignment makes a new list.
from clerk_async.webhooks import *  # noqa: F403
from clerk_async.webhooks import __all__ as __all__  # noqa: PLC0414
from clerk_async.webhooks import events, models

__all__ = [*__all__, "events", "models"]  # noqa: PLE0604
