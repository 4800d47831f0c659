"""The models, shared with ``clerk_async`` (the same classes)."""

from clerk_async.models import *  # noqa: F403
from clerk_async.models import __all__ as __all__  # noqa: PLC0414
