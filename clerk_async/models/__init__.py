"""Request and response models. The generated model modules will be re-exported from here."""

from clerk_async.errors import ClerkErrors, SDKError

__all__ = ["ClerkErrors", "SDKError"]
