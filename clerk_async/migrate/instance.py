"""What the preflight asks the instance (reads only): which one it is, and how full.

Which instance it is binds the journal: a resumed run against another instance is refused. So
only an answer that says the key may not read the instance (403, 404) lets the journal fall
back to the server's URL; an instance that could not be asked right now (a timeout, a 5xx, a
429) stops the command before anything is sent or bound, to be run again.
"""

from __future__ import annotations

from dataclasses import dataclass

from clerk_async import Clerk
from clerk_async.errors import AuthenticationError, ClerkError, NotFoundError, PermissionDeniedError

from .runner import MigrationAborted

__all__ = ["DEVELOPMENT_USER_CAP", "InstanceCheck", "check_instance"]

#: A development instance holds at most this many users (Clerk's documented cap).
DEVELOPMENT_USER_CAP = 100


@dataclass(frozen=True)
class InstanceCheck:
    instance_id: str | None
    environment: str  # "production", "development", or what the key suggests
    users: int

    @property
    def development(self) -> bool:
        return self.environment != "production"

    def room_for(self, new_users: int) -> str | None:
        """A warning when ``new_users`` more cannot fit (a development instance), else None."""
        if not self.development or self.users + new_users <= DEVELOPMENT_USER_CAP:
            return None
        return (
            f"this is a development instance: it holds at most {DEVELOPMENT_USER_CAP} users, it "
            f"has {self.users:,}, and the run would add up to {new_users:,}. Clerk will refuse "
            "the users beyond the cap; import into a production instance (an sk_live_ key)."
        )


async def check_instance(clerk: Clerk, secret_key: str | None) -> InstanceCheck:
    """The instance's id and environment (``GET /instance``) and its user count."""
    instance_id: str | None = None
    environment = "production" if (secret_key or "").startswith("sk_live_") else "development"
    try:
        instance = await clerk.instance_settings.get()
        instance_id = instance.id
        if instance.environment_type in ("production", "development"):
            environment = instance.environment_type
    except (PermissionDeniedError, NotFoundError):
        pass  # a key without instance access still migrates; the key's prefix tells
    except AuthenticationError:
        raise  # the key is refused: nothing will work
    except ClerkError as error:
        raise MigrationAborted(
            f"Clerk did not say which instance this key belongs to ({error}); nothing was sent. "
            "Run the same command again."
        ) from None
    count = await clerk.users.count()
    return InstanceCheck(instance_id, environment, count.total_count)
