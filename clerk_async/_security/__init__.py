"""The pure parts of request and token verification, shared by ``clerk_async.security`` and
``clerk_sync.security``: reading requests, the RS256 JWS profile, claim rules, key parsing, the
JWKS cache state and the auth objects. Nothing here does I/O; ``cryptography`` is imported only
when a key is first parsed or a signature first checked.
"""
