"""Webhook verification and typed events: the very objects of ``clerk_async.webhooks``.

Nothing in them does I/O, so both packages share them; the event data Structs are in
``clerk_async.webhooks.models`` (also reachable here as ``models``).
"""

from clerk_async.webhooks import *  # noqa: F403
from clerk_async.webhooks import __all__ as _names
from clerk_async.webhooks import events, models

__all__ = [*_names, "events", "models"]  # noqa: PLE0604
