"""The retry configuration under the module name Clerk's official SDK uses
(``from clerk_backend_api.utils import RetryConfig, BackoffStrategy``)."""

from clerk_async._retry import BackoffStrategy, RetryConfig

__all__ = ["BackoffStrategy", "RetryConfig"]
