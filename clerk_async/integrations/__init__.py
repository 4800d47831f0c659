"""Framework integrations: one module per framework, each importing only its own framework.

``clerk_async.integrations.fastapi``, ``.starlette`` and ``.aiohttp`` (over ``clerk_async``),
``.django`` (sync and async views), ``.drf`` and ``.flask`` (over ``clerk_sync``) are thin
adapters over the shared core (``authenticate_request`` and ``decide_access``): they read the
request, ask the core, and answer in the framework's own way. This package itself imports nothing.
"""

__all__: list[str] = []
