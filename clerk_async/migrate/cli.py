"""``clerk-migrate`` (and ``python -m clerk_async.migrate``): the migration from a shell.

    clerk-migrate import --from auth0 --password-hashes hashes.json users.json.gz
    clerk-migrate import --from jsonl users.jsonl --organizations orgs.jsonl \
        --memberships memberships.csv --roles roles.jsonl
    clerk-migrate pull --from clerk --organizations orgs.jsonl --memberships m.jsonl \
        --roles roles.jsonl     # CLERK_SOURCE_SECRET_KEY: the instance to read
    clerk-migrate status [--json]
    clerk-migrate retry-failed
    clerk-migrate rollback
    clerk-migrate export --out users.ndjson [--organizations orgs.ndjson] [--memberships m.ndjson]

The secret key and the server come from ``CLERK_SECRET_KEY`` and ``CLERK_API_URL``, as for the
client. Exit codes: 0 every record is in Clerk, 1 some are invalid, duplicated or in conflict,
2 some failed or are not settled yet (run again), 3 the command could not run (bad arguments, a
journal of other files, no key).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anyio
import click

from clerk_async import Clerk
from clerk_async._config import SECRET_KEY_ENV
from clerk_async._ratelimit import resolve_rate_limit
from clerk_async._ratelimit_settings import RateLimitSettings
from clerk_async.errors import ClerkError
from clerk_async.migrate.records import KINDS, SOURCES, RoleDefinition

from .export import export_memberships, export_organizations, export_users
from .inputs import MigrationInput
from .instance import InstanceCheck, check_instance
from .journal import Journal
from .limits import carry_over
from .organization_checks import check_organizations, print_member_limits
from .plan import DEFAULT_MEMBER_LIMIT, Preflight, preflight
from .plan_display import print_instance, print_plan, records_to_send
from .progress import progress_display
from .pull import SOURCE_API_URL_ENV, SOURCE_KEY_ENV, PullResult, pull_clerk
from .report import EXIT_PROBLEMS, KIND_NAMES, Summary, write_report
from .rollback import rollback
from .runner import MigrationAborted, migrate

__all__ = ["cli", "main"]

#: The command could not run at all.
EXIT_USAGE = 3
DEFAULT_JOURNAL = "migration.db"
_journal_option = click.option(
    "--journal",
    default=DEFAULT_JOURNAL,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The SQLite journal: the state of every record, what makes a rerun resume.",
)


def _check_rate(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        resolve_rate_limit(value, None)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


_rate_option = click.option(
    "--rate-limit",
    default="auto",
    show_default=True,
    callback=_check_rate,
    help="Requests per period for the whole run, e.g. 1000/10s; auto: 1000/10s for an sk_live_ "
    "key, else 100/10s.",
)
_redis_option = click.option(
    "--redis-url",
    envvar="CLERK_REDIS_URL",
    help="Keep the rate limit in this Redis, shared with every process of the instance that uses "
    "it (a live app with RedisRateLimit): the run takes its turns instead of starving them "
    "[env: CLERK_REDIS_URL].",
)


def _check_columns(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> dict[str, str]:
    pairs = [item.partition("=") for item in value]
    if any(not role or not sep or not name for role, sep, name in pairs):
        raise click.BadParameter("give each column as ROLE=NAME, e.g. id=user_id")
    return {role.strip(): name.strip() for role, _, name in pairs}


def _check_role_map(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> dict[str, str]:
    pairs = [item.rpartition("=") for item in value]
    if any(not role.strip() or not sep or not key.strip() for role, sep, key in pairs):
        raise click.BadParameter("give each role as ROLE=KEY, e.g. 'Billing Manager=org:billing'")
    return {role.strip(): key.strip() for role, _, key in pairs}


_yes_option = click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
_existing_file = click.Path(exists=True, dir_okay=False)
_new_file = click.Path(dir_okay=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Migrate users into Clerk: every user exactly once, resumable, at the instance's limit."""


@cli.command("import")
@click.option("--from", "source", required=True, type=click.Choice(SOURCES), help="The export.")
@_journal_option
@_rate_option
@_redis_option
@click.option(
    "--password-hashes",
    type=click.Path(exists=True, dir_okay=False),
    help="Auth0's password-hash export, or Better Auth's account table, joined to the users by id.",
)
@click.option(
    "--hash-config",
    type=click.Path(exists=True, dir_okay=False),
    help="Firebase's password hash parameters (JSON, or the console's hash_config text).",
)
@click.option("--cognito-user-pool-id", help="Cognito: the pool, for lazy awscognito passwords.")
@click.option("--cognito-client-id", help="Cognito: a public app client of that pool.")
@click.option(
    "--cognito-identifier",
    type=click.Choice(["username", "email", "sub"]),
    default="username",
    show_default=True,
    help="Cognito: what users sign in with.",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    callback=_check_columns,
    metavar="ROLE=NAME",
    help="werkzeug: the users table's column for a role (id, email, username, password_hash, "
    "first_name, last_name, created_at) when not named so; repeatable.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False),
    help="NDJSON report, one line per record [default: the journal's name + .report.ndjson].",
)
@click.option(
    "--organizations",
    multiple=True,
    type=_existing_file,
    metavar="FILE",
    help="Organizations (Clerk's field names: id, name, slug, created_by...); repeatable.",
)
@click.option(
    "--memberships",
    multiple=True,
    type=_existing_file,
    metavar="FILE",
    help="Memberships (organization_id, user_id: source ids; role); repeatable.",
)
@click.option(
    "--roles",
    multiple=True,
    type=_existing_file,
    metavar="FILE",
    help="Custom roles the memberships use (key, name, description, permissions); repeatable.",
)
@click.option(
    "--create-roles/--no-create-roles",
    default=True,
    show_default=True,
    help="Create the roles (and permissions) the memberships use and Clerk lacks; with "
    "--no-create-roles the preflight lists them and stops.",
)
@click.option(
    "--role-map",
    "role_map",
    multiple=True,
    callback=_check_role_map,
    metavar="ROLE=KEY",
    help="auth0, betterauth: the Clerk role key of a source role (its name, or Auth0's role id), "
    "e.g. 'Billing Manager=org:billing'; repeatable.",
)
@click.option(
    "--groups-as",
    type=click.Choice(["organizations", "roles"]),
    help="django: make the users' groups organizations (each member with --group-role) or roles "
    "(in the one organization --groups-organization).",
)
@click.option(
    "--groups",
    type=_existing_file,
    metavar="FILE",
    help="django: the groups, as manage.py dumpdata auth.group writes them.",
)
@click.option("--groups-organization", metavar="NAME", help="django: the organization of "
              "--groups-as roles.")  # fmt: skip
@click.option("--group-role", metavar="KEY", help="django: the role of every member with "
              "--groups-as organizations [default: org:member].")  # fmt: skip
@click.option("--concurrency", type=click.IntRange(1, 1024), help="Requests in flight at most.")
@click.option("--dry-run", is_flag=True, help="Read and check everything, send no write.")
@_yes_option
@click.argument("files", nargs=-1, type=_existing_file)
def import_command(
    source: str,
    journal: str,
    rate_limit: str,
    redis_url: str | None,
    password_hashes: str | None,
    hash_config: str | None,
    cognito_user_pool_id: str | None,
    cognito_client_id: str | None,
    cognito_identifier: str,
    columns: dict[str, str],
    report: str | None,
    organizations: tuple[str, ...],
    memberships: tuple[str, ...],
    roles: tuple[str, ...],
    create_roles: bool,
    role_map: dict[str, str],
    groups_as: str | None,
    groups: str | None,
    groups_organization: str | None,
    group_role: str | None,
    concurrency: int | None,
    dry_run: bool,
    yes: bool,
    files: tuple[str, ...],
) -> None:
    """Import the users of FILE... exported from SOURCE, then its organizations and memberships
    (run again to resume)."""
    if not files and not organizations and not memberships:
        raise click.UsageError("give the files to import: FILE... (users), --organizations FILE")
    inputs = MigrationInput.of(
        source,
        files,
        password_hashes=password_hashes,
        hash_config=hash_config,
        cognito_user_pool_id=cognito_user_pool_id,
        cognito_client_id=cognito_client_id,
        cognito_identifier=cognito_identifier,
        columns=columns,
        organizations=organizations,
        memberships=memberships,
        roles=roles,
        role_map=role_map,
        groups_as=groups_as,
        groups=groups,
        groups_organization=groups_organization,
        group_role=group_role,
    )
    if dry_run:
        raise click.exceptions.Exit(_dry_run(inputs, journal, report))
    _require_key()
    options = _RunOptions(journal, rate_limit, report, concurrency, yes, create_roles, redis_url)
    raise click.exceptions.Exit(anyio.run(_import, inputs, options, False))


@cli.command("retry-failed")
@_journal_option
@_rate_option
@_redis_option
@click.option("--report", type=click.Path(dir_okay=False), help="NDJSON report path.")
@click.option("--concurrency", type=click.IntRange(1, 1024), help="Requests in flight at most.")
@_yes_option
def retry_failed_command(
    journal: str,
    rate_limit: str,
    redis_url: str | None,
    report: str | None,
    concurrency: int | None,
    yes: bool,
) -> None:
    """Send the failed records again (the journal knows the input files)."""
    _require_key()
    with Journal(_existing(journal)) as book:
        description = book.input_description()
    if description is None:
        raise click.UsageError(f"{journal} has no input yet: run import first")
    inputs = MigrationInput.from_description(description)
    options = _RunOptions(
        journal, rate_limit, report, concurrency, yes, create_roles=True, redis_url=redis_url
    )
    raise click.exceptions.Exit(anyio.run(_import, inputs, options, True))


@cli.command("status")
@_journal_option
@click.option("--json", "as_json", is_flag=True, help="Counts by status as one JSON object.")
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    help="With --json: the counts of one kind of record only.",
)
def status_command(journal: str, as_json: bool, kind: str | None) -> None:
    """Where the migration stands, from its journal (works while a run goes on); exits with the
    code the journal's state means, as the import would."""
    with Journal(_existing(journal)) as book:
        summary = Summary.of(book)
        if as_json:
            counts = summary.counts if kind is None else summary.by_kind.get(kind, {})
            click.echo(json.dumps(counts or dict.fromkeys(summary.counts, 0)))
            raise click.exceptions.Exit(summary.exit_code)
        description = book.input_description() or {}
        runs = book.runs()
    files = " ".join(description.get("files", []))
    for option in ("organizations", "memberships", "roles"):
        files += "".join(f" --{option} {path}" for path in description.get(option) or ())
    click.echo(f"journal   {journal} (import {summary.import_id})")
    click.echo(f"input     --from {description.get('source', '?')} {files.strip()}")
    click.echo(f"runs      {len(runs)}, last: {_last_run(runs)}")
    for line in summary.lines():
        click.echo(line)
    raise click.exceptions.Exit(summary.exit_code)


@cli.command("rollback")
@_journal_option
@_rate_option
@_redis_option
@click.option("--concurrency", type=click.IntRange(1, 1024), help="Requests in flight at most.")
@_yes_option
def rollback_command(
    journal: str, rate_limit: str, redis_url: str | None, concurrency: int | None, yes: bool
) -> None:
    """Delete exactly what this journal created: its memberships, organizations and users (not
    what was in Clerk before)."""
    _require_key()
    limit = _rate_limit(rate_limit, redis_url)
    raise click.exceptions.Exit(anyio.run(_rollback, journal, limit, concurrency, yes))


@cli.command("export")
@click.option("--out", type=click.Path(dir_okay=False), help="The users' NDJSON to write.")
@click.option(
    "--organizations", type=click.Path(dir_okay=False), help="The organizations' NDJSON to write."
)
@click.option(
    "--memberships", type=click.Path(dir_okay=False), help="The memberships' NDJSON to write."
)
@_rate_option
@_redis_option
def export_command(
    out: str | None,
    organizations: str | None,
    memberships: str | None,
    rate_limit: str,
    redis_url: str | None,
) -> None:
    """Write every user (OUT), organization and membership of the instance, one JSON object a
    line."""
    if out is None and organizations is None and memberships is None:
        raise click.UsageError("give --out, --organizations or --memberships")
    _require_key()
    targets = (("users", out, export_users), ("organizations", organizations,
               export_organizations), ("memberships", memberships, export_memberships))  # fmt: skip
    limit = _rate_limit(rate_limit, redis_url)
    raise click.exceptions.Exit(anyio.run(_export, limit, targets))


@cli.command("pull")
@click.option("--from", "source", required=True, type=click.Choice(["clerk"]),
              help="The instance's kind.")  # fmt: skip
@click.option(
    "--source-key",
    envvar=SOURCE_KEY_ENV,
    show_envvar=True,
    help="The secret key of the instance to read (better in the environment than here).",
)
@click.option(
    "--source-api-url",
    envvar=SOURCE_API_URL_ENV,
    show_envvar=True,
    help="Its Backend API, for an emulator [default: Clerk's].",
)
@click.option("--organizations", default="organizations.jsonl", show_default=True,
              type=_new_file, help="The organizations' file to write.")  # fmt: skip
@click.option("--memberships", default="memberships.jsonl", show_default=True,
              type=_new_file, help="The memberships' file to write.")  # fmt: skip
@click.option("--roles", default="roles.jsonl", show_default=True,
              type=_new_file, help="The roles' file to write.")  # fmt: skip
@_rate_option
def pull_command(
    source: str,
    source_key: str | None,
    source_api_url: str | None,
    organizations: str,
    memberships: str,
    roles: str,
    rate_limit: str,
) -> None:
    """Read another instance's organizations, memberships and roles into files that
    import --from clerk reads (with the Dashboard's users CSV)."""
    if not source_key:
        raise click.UsageError(
            f"no source key: set {SOURCE_KEY_ENV} to the secret key of the instance to read"
        )
    result = anyio.run(_pull, source_key, source_api_url, (organizations, memberships, roles),
                       rate_limit)  # fmt: skip
    for name, path in (("roles", roles), ("organizations", organizations),
                       ("memberships", memberships)):  # fmt: skip
        click.echo(f"pulled    {result.counts[name]:,} {name} to {path}")
    for what, count in result.not_carried:
        click.echo(f"note      {count:,} organizations have {what}: not carried by the import")
    raise click.exceptions.Exit(0)


async def _pull(key: str, url: str | None, paths: tuple[str, str, str], rate_limit: str
                ) -> PullResult:  # fmt: skip
    organizations, memberships, roles = paths
    return await pull_clerk(
        key,
        server_url=url,
        organizations=organizations,
        memberships=memberships,
        roles=roles,
        rate_limit=rate_limit,
    )


# -- import --------------------------------------------------------------------------------------


class _RunOptions:
    def __init__(
        self,
        journal: str,
        rate_limit: str,
        report: str | None,
        concurrency: int | None,
        yes: bool,
        create_roles: bool,
        redis_url: str | None = None,
    ) -> None:
        self.journal = journal
        self.rate_limit = _rate_limit(rate_limit, redis_url)
        self.report = report or _default_report(journal)
        self.concurrency = concurrency
        self.yes = yes
        self.create_roles = create_roles


async def _import(inputs: MigrationInput, options: _RunOptions, retry: bool) -> int:
    _say(f"reading {len(inputs.all_files)} file(s) from {inputs.source}")
    definitions = inputs.role_definitions()
    fingerprint = inputs.fingerprint()
    with Journal(options.journal, lock=True) as journal:
        first_time = journal.bind_input(fingerprint, inputs.description())
        if journal.counts()["rolled_back"]:
            raise click.UsageError(
                f"{options.journal} was rolled back; start again with a new --journal"
            )
        found = _preflight(journal, inputs)
        if retry:
            found.counts["failed"] = 0
            found.counts["pending"] += journal.retry_failed()
        print_plan(found, inputs, resumed=not first_time)
        async with Clerk(rate_limit=options.rate_limit) as clerk:  # one limiter for every call
            carry_over(journal, clerk.rate_limiter)  # the last run's sends still count at Clerk
            check = await check_instance(clerk, _secret_key())
            _bind_instance(journal, check, clerk)
            print_instance(check, found.users_to_send)
            if found.by_kind.keys() - {"user"} and not await check_organizations(
                clerk, journal, definitions, create_roles=options.create_roles
            ):
                return EXIT_PROBLEMS  # nothing sent: the preflight says what to change
            if found.to_send and not options.yes:
                _confirm(f"Import {records_to_send(found)} into this instance?")
            with progress_display("import") as display:
                summary = await migrate(
                    clerk,
                    inputs,
                    journal=journal,
                    rate_limit=None,  # the client's own limiter, above
                    concurrency=options.concurrency,
                    total=found.to_send,
                    on_progress=display.update,
                    command="retry-failed" if retry else "import",
                    roles=definitions,
                    create_roles=options.create_roles,
                )
        lines = write_report(journal, options.report)
    for line in summary.lines():
        click.echo(line)
    click.echo(f"report    {options.report} ({lines:,} lines)")
    return summary.exit_code


def _dry_run(inputs: MigrationInput, journal_path: str, report: str | None) -> int:
    """Plan into a throwaway journal; the real one, if any, is only read."""
    files = len(inputs.all_files)
    _say(f"dry run: reading {files} file(s) from {inputs.source}; nothing is sent")
    definitions = inputs.role_definitions()
    fits = True
    with tempfile.TemporaryDirectory(prefix="clerk-migrate-") as scratch:
        with Journal(Path(scratch) / "plan.db", scratch=True) as journal:
            found = _preflight(journal, inputs)
            print_plan(found, inputs, resumed=False)
            if found.by_kind.keys() - {"user"}:
                if _secret_key():
                    fits = anyio.run(_check_organizations_only, journal, definitions)
                else:
                    fits = print_member_limits(journal, DEFAULT_MEMBER_LIMIT, assumed=True)
            if report:
                lines = write_report(journal, report)
                click.echo(f"report    {report} ({lines:,} lines, as planned)")
        if Path(journal_path).exists():
            with Journal(journal_path) as existing:
                counts = existing.counts()
                done = counts["created"] + counts["already_imported"]
                click.echo(
                    f"journal   {journal_path} exists: {done:,} records already in Clerk; a real "
                    "run resumes it"
                )
    if _secret_key():
        check = anyio.run(_read_instance)
        print_instance(check, found.users_to_send)
    else:
        click.echo("instance  not checked: CLERK_SECRET_KEY is not set")
    problems = any(found.counts.get(status, 0) for status in ("invalid", "duplicate"))
    return EXIT_PROBLEMS if problems or not fits else 0


async def _check_organizations_only(journal: Journal, definitions: list[RoleDefinition]) -> bool:
    async with Clerk() as clerk:
        return await check_organizations(clerk, journal, definitions, create_roles=True)


async def _read_instance() -> InstanceCheck:
    async with Clerk() as clerk:
        return await check_instance(clerk, _secret_key())


def _preflight(journal: Journal, inputs: MigrationInput) -> Preflight:
    shown = [0]

    def progress(count: int) -> None:
        if count - shown[0] >= 100_000:
            shown[0] = count
            _say(f"  {count:,} records read")

    return preflight(journal, inputs, on_progress=progress)


def _bind_instance(journal: Journal, check: InstanceCheck, clerk: Clerk) -> None:
    """A journal's created ids belong to one instance: refuse to resume it against another."""
    here = check.instance_id or _server_url(clerk)
    known = journal.get_meta("instance")
    if known is None:
        journal.set_meta("instance", here)
    elif known != here:
        raise click.UsageError(
            f"{journal.path} was started against instance {known}, and this is {here}; use the "
            "same CLERK_SECRET_KEY, or a new --journal"
        )


# -- rollback and export -------------------------------------------------------------------------


async def _rollback(
    journal: str, rate_limit: str | RateLimitSettings, concurrency: int | None, yes: bool
) -> int:
    with Journal(_existing(journal), lock=True) as book:
        created = book.counts()["created"]
        if not created:
            click.echo("nothing to roll back: this journal has no created records")
            return 0
        by_kind = {kind: counts["created"] for kind, counts in book.counts_by_kind().items()}
        what = ", ".join(f"{count:,} {KIND_NAMES[kind]}" for kind, count in by_kind.items()
                         if count)  # fmt: skip
        async with Clerk(rate_limit=rate_limit) as clerk:
            carry_over(book, clerk.rate_limiter)
            known = book.get_meta("instance")
            check = await check_instance(clerk, _secret_key())
            here = check.instance_id or _server_url(clerk)
            if known is not None and known != here:
                raise click.UsageError(f"{journal} belongs to instance {known}, not {here}")
            if not yes:
                _confirm(f"Delete the {what} this journal created from {here}?")
            with progress_display("rollback") as display:
                shown = display.update
                result = await rollback(
                    clerk, book, rate_limit=None, concurrency=concurrency, on_progress=shown
                )
    click.echo(
        f"rollback  deleted {result.deleted:,}, already gone {result.not_found:,}, "
        f"failed {result.failed:,} ({result.requests:,} requests)"
    )
    if result.by_kind.keys() - {"user"}:
        kinds = ", ".join(f"{n:,} {KIND_NAMES[kind]}" for kind, n in result.by_kind.items())
        click.echo(f"deleted   {kinds}")
    if result.failed:
        click.echo("result    some deletions failed: run rollback again")
    return result.exit_code


async def _export(
    rate_limit: str | RateLimitSettings, targets: tuple[tuple[str, str | None, Any], ...]
) -> int:
    async with Clerk(rate_limit=rate_limit) as clerk:
        for name, path, export in targets:
            if path is None:
                continue
            label = "export" if name == "users" else f"export {name}"
            with progress_display(label) as display:
                count = await export(clerk, path, on_progress=display.update)
            click.echo(f"exported  {count:,} {name} to {path}")
    return 0


# -- helpers -------------------------------------------------------------------------------------


def _rate_limit(rate_limit: str, redis_url: str | None) -> str | RateLimitSettings:
    """The client's ``rate_limit``: kept in this process, or in Redis with ``--redis-url``."""
    if redis_url is None or resolve_rate_limit(rate_limit, None) is None:  # "off": no limiter
        return rate_limit
    from clerk_async.ratelimit import RedisRateLimit

    return RedisRateLimit(redis_url, limit=rate_limit)


def _existing(journal: str) -> str:
    if not Path(journal).exists():
        raise click.UsageError(f"no journal at {journal} (pass --journal)")
    return journal


def _default_report(journal: str) -> str:
    path = Path(journal)
    return str(path.with_name(path.stem + ".report.ndjson"))


def _last_run(runs: list[dict[str, Any]]) -> str:
    if not runs:
        return "none"
    last = runs[-1]
    return f"{last['command']} ({last['outcome'] or 'running, or killed'})"


def _server_url(clerk: Clerk) -> str:
    return clerk.server_url


def _secret_key() -> str | None:
    return os.environ.get(SECRET_KEY_ENV) or None


def _require_key() -> None:
    if _secret_key() is None:
        raise click.ClickException(
            f"no secret key: set {SECRET_KEY_ENV} to the instance's secret key (sk_live_... or "
            "sk_test_..., on the API keys page of the Clerk Dashboard)"
        )


def _confirm(question: str) -> None:
    if not sys.stdin.isatty():
        raise click.UsageError("not a terminal to confirm on: pass --yes")
    click.confirm(question, abort=True)


def _say(text: str) -> None:
    click.echo(text, err=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see the module's docstring)."""
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="clerk-migrate",
            standalone_mode=False,
        )
        return int(code or 0)  # without standalone mode, click returns an Exit's code
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.exceptions.Abort:
        click.echo("clerk-migrate: stopped; nothing more was sent", err=True)
        return EXIT_USAGE
    except click.ClickException as error:
        error.show()
        return EXIT_USAGE
    except MigrationAborted as error:
        click.echo(f"clerk-migrate: {error}", err=True)
        return 2
    except (ClerkError, OSError) as error:  # JournalStateError, SourceError, a refused key...
        click.echo(f"clerk-migrate: {error}", err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        click.echo("clerk-migrate: interrupted; run the same command again to resume", err=True)
        return 2
