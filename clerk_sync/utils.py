"""The retry configuration under the module name Clerk's official SDK uses (the same classes as
``clerk_async.utils``)."""

from clerk_async._retry import BackoffStrategy, RetryConfig

__all__ = ["BackoffStrategy", "RetryConfig"]
