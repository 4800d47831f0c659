"""Bulk user migration into Clerk (not mirrored: async only).

The front end is pure and documented in :mod:`clerk_async.migrate.records`: readers stream
records from a source's export files, the mapping turns each into a validated ``CreateUserRequest``.
"""
