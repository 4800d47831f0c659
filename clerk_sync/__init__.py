"""Blocking client for the Clerk Backend API (urllib3 + msgspec).

The same names, arguments, models and errors as ``clerk_async``; the models and errors are the very
same objects. Importing this package never imports aiohttp.
"""

from clerk_async import _public
from clerk_async._public import *  # noqa: F403

from . import models, utils
from ._base_client import SyncPage
from ._client import Clerk

__all__ = ["Clerk", "SyncPage", "models", "utils", *_public.__all__]  # noqa: PLE0604
