"""The preflight's checks of organizations against the instance, before anything is sent.

Two things Clerk would refuse part way are found here instead: an organization the input gives
more members than it may have (its own ``max_allowed_memberships``, or the instance's default,
read from ``GET /instance/organization_settings``), and roles the memberships use that Clerk
lacks (created by the run, or, with ``create_roles=False``, listed here). Either stops the command
before it sends anything, saying what to change.
"""

from __future__ import annotations

import click

from clerk_async import Clerk
from clerk_async.errors import AuthenticationError, ClerkError, NotFoundError, PermissionDeniedError
from clerk_async.migrate.records import RoleDefinition

from .journal import Journal
from .plan import DEFAULT_MEMBER_LIMIT, EXAMPLES, over_member_limits
from .roles import check_roles
from .runner import MigrationAborted

__all__ = ["check_organizations", "print_member_limits"]


async def check_organizations(
    clerk: Clerk, journal: Journal, definitions: list[RoleDefinition], *, create_roles: bool
) -> bool:
    """Print what the instance lacks for the journal's organizations; whether a run may go on."""
    try:
        settings = await clerk.instance_settings.get_organization_settings()
        default, assumed = settings.max_allowed_memberships, False
    except (PermissionDeniedError, NotFoundError):
        default, assumed = DEFAULT_MEMBER_LIMIT, True
    except AuthenticationError:
        raise
    except ClerkError as error:
        raise MigrationAborted(
            f"Clerk did not tell the instance's organization settings ({error}); nothing was "
            "sent. Run the same command again."
        ) from None
    fits = print_member_limits(journal, default, assumed=assumed)
    check = await check_roles(clerk, journal, definitions)
    for line in check.lines():
        click.echo(line)
    if not check.complete:
        if not create_roles:
            click.echo(
                "stopped   --no-create-roles: create these roles in Clerk (or drop the option "
                "to let the import create them); nothing was sent"
            )
            return False
        click.echo("roles     the import creates them before the memberships that use them")
    return fits


def print_member_limits(journal: Journal, default: int, *, assumed: bool) -> bool:
    """Print the organizations over their member limit; whether there are none."""
    over = over_member_limits(journal, default)
    if not over:
        return True
    whose = f"Clerk's default ({default}), not read" if assumed else f"{default:,}"
    click.echo(f"limits    {len(over):,} organizations have more members than they may "
               f"(the instance's default: {whose}):")  # fmt: skip
    for organization in over[:EXAMPLES]:
        click.echo(f"          {organization.line()}")
    if len(over) > EXAMPLES:
        click.echo(f"          and {len(over) - EXAMPLES:,} more")
    click.echo(
        "stopped   give those organizations max_allowed_memberships in the input (0: no limit), "
        "or raise the instance's default; nothing was sent"
    )
    return False
