"""What ``clerk-migrate import`` prints before it sends anything: the plan, by kind of record,
and the instance it will send to."""

from __future__ import annotations

import click

from .inputs import MigrationInput
from .instance import InstanceCheck
from .plan import Preflight
from .report import KIND_LABELS, KIND_NAMES, dropped_line

__all__ = ["print_instance", "print_plan", "records_to_send"]


def records_to_send(found: Preflight) -> str:
    """``1,000 users, 20 organizations and 400 memberships`` (only the kinds there are)."""
    parts = [
        f"{counts.get('pending', 0) + counts.get('in_flight', 0):,} {KIND_NAMES[kind]}"
        for kind, counts in found.by_kind.items()
        if counts.get("pending", 0) + counts.get("in_flight", 0)
    ]
    if len(parts) < 2:
        return parts[0] if parts else f"{found.to_send:,} records"
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def print_plan(found: Preflight, inputs: MigrationInput, *, resumed: bool) -> None:
    for name in found.empty_files(inputs.all_files):
        click.echo(f"warning   {name} holds no records: is it the right file?")
    if not found.total:
        click.echo("warning   the input holds no records: there is nothing to import")
    counts = found.counts
    done = counts["created"] + counts["already_imported"]
    click.echo(f"records   {found.total:,} read ({found.admitted_now:,} new to the journal)")
    if found.by_kind.keys() - {"user"}:
        for kind, kind_counts in found.by_kind.items():
            shown = ", ".join(f"{status} {n:,}" for status, n in kind_counts.items() if n)
            click.echo(f"{KIND_LABELS[kind]:<9} {sum(kind_counts.values()):,}: {shown}")
    if resumed:
        click.echo(f"resume    {done:,} already in Clerk; {counts['in_flight']:,} to look up first")
    click.echo(f"to send   {found.to_send:,}")
    for status in ("invalid", "duplicate", "skipped", "failed", "conflict"):
        if counts.get(status):
            click.echo(f"{status:<9} {counts[status]:,}")
            for example in found.examples.get(status, []):
                click.echo(f"          {example}")
    for text, (count, first) in found.warnings.items():
        where = first if count == 1 else f"{count:,} records, the first at {first}"
        click.echo(f"warning   {where}: {text}")
    if found.more_warnings:
        click.echo(f"warning   and {found.more_warnings:,} more records with other warnings")
    if found.dropped:
        click.echo(dropped_line(found.dropped))


def print_instance(check: InstanceCheck, to_send: int) -> None:
    click.echo(
        f"instance  {check.instance_id or 'unknown id'} ({check.environment}), "
        f"{check.users:,} users now"
    )
    warning = check.room_for(to_send)
    if warning:
        click.echo(f"warning   {warning}")
