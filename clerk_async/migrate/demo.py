"""``scripts/demo``: an Auth0 migration with organizations into the local emulator, killed part
way and resumed.

1. generates a realistic Auth0 export (profiles NDJSON.gz, the password-hash export, a few broken
   records) of a thousand users, and a few hundred organizations with a few thousand members of
   them, with their roles, as the tenant's Management API answers (organizations, members with
   ``fields=user_id,roles``, roles), and the custom role's permissions in Clerk's names (Auth0's
   roles carry none);
2. starts the emulator as a production instance (an ``sk_live_`` key, 1,000 requests per 10 s)
   with faults on: 5xx answers, and responses dropped after the write; two users are there
   before the migration (one holds an email of the export, one an external id); raises the
   instance's default member limit (Clerk's is 5; Auth0 organizations have none, so without it
   the preflight stops), as a user does before importing;
3. runs the real ``clerk-migrate import`` and kills it with SIGKILL part way (among the
   memberships, by default);
4. runs the same command again: it resumes from the journal;
5. checks through the API that every user and every organization is in Clerk exactly once and
   none is missing, that every membership is there exactly once with its role, that the custom
   roles are there (with their permissions), and that an imported password verifies; prints the
   summary.

About 50 s with the defaults. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from clerk_async.emulator import ClerkEmulator, Faults

from .demo_data import (
    AUTH0_ROLES,
    BILLING_ROLE,
    Auth0Export,
    Auth0Organizations,
    generate_auth0_export,
    generate_auth0_organizations,
)

__all__ = ["main"]

LIVE_KEY = "sk_live_emulator_demo_0123456789abcdef"
#: The instance's default member limit the demo sets (the generated organizations have at most 50).
MEMBER_LIMIT = 50


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/demo", description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=1000, help="users in the export (1000)")
    parser.add_argument("--organizations", type=int, default=200, help="organizations (200)")
    parser.add_argument("--memberships", type=int, default=2500, help="memberships (2500)")
    parser.add_argument("--rate-limit", default="1000/10s", help="the instance's limit (1000/10s)")
    parser.add_argument("--error-rate", type=float, default=0.02, help="POSTs answered 5xx")
    parser.add_argument("--drop-after", type=float, default=0.02, help="POSTs applied, unanswered")
    parser.add_argument(
        "--kill-at", type=float, default=0.75, help="share of the records created before the kill"
    )
    parser.add_argument("--keep", type=Path, help="keep the export, journal and report here")
    args = parser.parse_args(argv)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        return _demo(args, args.keep)
    with tempfile.TemporaryDirectory(prefix="clerk-migrate-demo-") as scratch:
        return _demo(args, Path(scratch))


def _demo(args: argparse.Namespace, work: Path) -> int:
    started = time.monotonic()
    print(
        f"[1/5] generating an Auth0 export of {args.users:,} users, {args.organizations:,} "
        f"organizations and {args.memberships:,} memberships in {work}"
    )
    export = generate_auth0_export(work, args.users)
    print(
        f"      {export.profiles.name} (NDJSON, gzipped), {export.hashes.name} (bcrypt digests "
        f"by _id.$oid), {sum(export.broken.values())} broken records"
    )
    holder = export.importable[2]  # its email belongs to someone else: a conflict
    members = [user_id for user_id in export.importable if user_id != holder]
    teams = generate_auth0_organizations(
        work, members, args.organizations, args.memberships, max_members=MEMBER_LIMIT
    )
    print(
        f"      {teams.organizations.name}, {teams.members.name} (with their roles), "
        f"{teams.roles.name}: the Management API's answers; {teams.clerk_roles.name} "
        f"({BILLING_ROLE['key']}'s permissions, in Clerk's names)"
    )
    faults = Faults(
        error_rate=args.error_rate,
        drop_after=args.drop_after,
        methods=frozenset({"POST"}),
        seed=2026,
    )
    with ClerkEmulator(secret_key=LIVE_KEY, rate_limit=args.rate_limit, faults=faults) as emulator:
        print(
            f"[2/5] emulator at {emulator.url}: a production instance ({args.rate_limit}), "
            f"{args.error_rate:.0%} of POSTs answered 5xx, {args.drop_after:.0%} applied and then "
            "dropped"
        )
        already = _seed(emulator, export, holder)
        _raise_member_limit(emulator, MEMBER_LIMIT, teams.largest)
        journal = work / "migration.db"
        command = _command(export, teams, journal, args.rate_limit)
        env = {**os.environ, "CLERK_SECRET_KEY": emulator.secret_key, "CLERK_API_URL": emulator.url}
        print(f"[3/5] {' '.join(['clerk-migrate', *command[3:]])}")
        total = len(export.importable) + len(teams.slugs) + len(teams.expected)
        killed = _run_and_kill(command, env, journal, int(total * args.kill_at))
        print(f"      {killed}")
        print("[4/5] the same command again: it resumes from the journal")
        sys.stdout.flush()
        resumed = subprocess.run(command, env=env, cwd=work, check=False, timeout=600)
        print(f"[5/5] checks (clerk-migrate exited {resumed.returncode})")
        ok = _check(emulator, export, already, holder)
        ok = _check_organizations(emulator, teams) and ok
        ok = _check_roles(emulator) and ok
        print(f"      elapsed {time.monotonic() - started:.1f} s")
    return 0 if ok and resumed.returncode == 1 else 1


def _seed(emulator: ClerkEmulator, export: Auth0Export, clash: str) -> str:
    """Two users there before the migration: one with an export's external id, one with an
    export's email (``clash``'s) under another id. The run must report them, not duplicate
    them."""
    already = export.importable[1]
    with emulator.sync_client() as clerk:
        clerk.users.create(external_id=already, email_address=["earlier.import@example.com"])
        email = _email_of(export, clash)
        clerk.users.create(external_id="crm-42", email_address=[email])
    return already


def _raise_member_limit(emulator: ClerkEmulator, limit: int, largest: int) -> None:
    """What a user does before importing Auth0's organizations, which have no member limit:
    raise the instance's default (Clerk's is 5), or the preflight stops and says so."""
    with emulator.sync_client() as clerk:
        before = clerk.instance_settings.get_organization_settings().max_allowed_memberships
        clerk.instance_settings.update_organization_settings(max_allowed_memberships=limit)
    print(
        f"      the instance's default member limit raised from {before} to {limit}: Auth0 "
        f"organizations have no limit, the largest here has {largest} members, and the preflight "
        "stops on one over the default"
    )


def _email_of(export: Auth0Export, user_id: str) -> str:
    import gzip
    import json

    with gzip.open(export.profiles, "rt") as profiles:
        for line in profiles:
            record = json.loads(line)
            if record.get("user_id") == user_id:
                return str(record["email"])
    raise LookupError(user_id)


def _command(
    export: Auth0Export, teams: Auth0Organizations, journal: Path, rate_limit: str
) -> list[str]:
    return [
        sys.executable, "-m", "clerk_async.migrate", "import", "--from", "auth0",
        "--password-hashes", str(export.hashes), "--organizations", str(teams.organizations),
        "--memberships", str(teams.members), "--roles", str(teams.roles),
        "--roles", str(teams.clerk_roles), "--journal", str(journal), "--rate-limit", rate_limit,
        "--yes", str(export.profiles),
    ]  # fmt: skip


def _run_and_kill(command: list[str], env: dict[str, str], journal: Path, at: int) -> str:
    process = subprocess.Popen(command, env=env, cwd=journal.parent)
    while process.poll() is None:
        created = _created(journal)
        if created >= at:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return f"killed with SIGKILL after {created:,} records were created ({_kinds(journal)})"
        time.sleep(0.05)
    return f"the run ended (exit {process.returncode}) before it could be killed"


def _created(journal: Path) -> int:
    if not journal.exists():
        return 0
    try:
        with sqlite3.connect(journal, timeout=1) as db:
            row = db.execute("SELECT COUNT(*) FROM records WHERE status = 'created'").fetchone()
    except sqlite3.Error:
        return 0
    return int(row[0])


def _kinds(journal: Path) -> str:
    with sqlite3.connect(journal, timeout=1) as db:
        rows = db.execute(
            "SELECT kind, COUNT(*) FROM records WHERE status = 'created' GROUP BY kind"
        ).fetchall()
    names = {"user": "users", "organization": "organizations", "membership": "memberships"}
    return ", ".join(f"{count:,} {names[kind]}" for kind, count in sorted(rows, key=_order))


def _order(row: tuple[str, int]) -> int:
    return ("user", "organization", "membership").index(row[0])


def _check_organizations(emulator: ClerkEmulator, teams: Auth0Organizations) -> bool:
    """Every organization once, every membership once with its role, through the API."""
    with emulator.sync_client() as clerk:
        slugs = Counter(org.slug for org in clerk.paginate(clerk.organizations.list, page_size=500))
        external = {
            user.id: user.external_id or ""
            for user in clerk.paginate(clerk.users.list, page_size=500)
        }
        source_of = {slug: org_id for org_id, slug in teams.slugs.items()}
        held: Counter[tuple[str, str, str]] = Counter()
        listing = clerk.users.get_instance_organization_memberships
        for membership in clerk.paginate(listing, page_size=500):
            user = membership.public_user_data.user_id if membership.public_user_data else ""
            org_id = source_of.get(membership.organization.slug, membership.organization.slug)
            held[(org_id, external.get(user, user), membership.role)] += 1
    expected = {(org_id, user, role) for (org_id, user), role in teams.expected.items()}
    missing = expected - set(held)
    twice = [key for key, count in held.items() if count > 1]
    stray = set(held) - expected
    organizations_ok = set(slugs) == set(teams.slugs.values()) and max(slugs.values()) == 1
    print(
        f"      {len(teams.slugs):,} organizations: {len(slugs):,} in Clerk, "
        f"{sum(1 for n in slugs.values() if n > 1)} more than once"
    )
    print(
        f"      {len(expected):,} memberships: {len(expected) - len(missing):,} in Clerk with "
        f"their role, missing: {len(missing)}, more than once: {len(twice)}, other: {len(stray)}"
    )
    ok = organizations_ok and not missing and not twice and not stray
    print(
        "      OK: every organization and membership is in Clerk exactly once, with its role"
        if ok
        else "      FAILED"
    )
    return ok


def _check_roles(emulator: ClerkEmulator) -> bool:
    """The custom roles, through the API: the one defined in Clerk's names with its permissions,
    the one only Auth0's roles describe with Auth0's description."""
    with emulator.sync_client() as clerk:
        roles = {role.key: role for role in clerk.paginate(clerk.organization_roles.list)}
    billing, wanted = roles.get(str(BILLING_ROLE["key"])), sorted(BILLING_ROLE["permissions"])
    permissions = sorted(permission.key for permission in billing.permissions) if billing else []
    _, description, support_key = AUTH0_ROLES["Support"]
    support = roles.get(support_key)
    described = support is not None and support.description == description
    print(
        f"      {BILLING_ROLE['key']} in Clerk with the permissions {', '.join(permissions)}; "
        f"{support_key} with Auth0's description: {described}"
    )
    return permissions == wanted and described


def _check(emulator: ClerkEmulator, export: Auth0Export, already: str, holder: str) -> bool:
    with emulator.sync_client() as clerk:
        held = Counter(
            user.external_id or "" for user in clerk.paginate(clerk.users.list, page_size=500)
        )
        expected = set(export.importable) - {holder}
        missing = sorted(expected - set(held))
        twice = sorted(ident for ident, count in held.items() if count > 1)
        sample = clerk.users.list(external_id=[export.sample_user], limit=1)
        verified = False
        if len(sample) == 1:
            answer = clerk.users.verify_password(sample[0].id, password=export.sample_password)
            verified = bool(answer.verified)
    print(f"      {len(expected):,} importable users: {len(expected) - len(missing):,} in Clerk")
    print(f"      missing: {len(missing)}, more than once: {len(twice)}")
    print(f"      {already} was there already (reported already_imported, not duplicated)")
    print(f"      {holder}'s email belonged to another user (reported as a conflict)")
    print(f"      password of {export.sample_user} verifies: {verified}")
    ok = not missing and not twice and verified and held[already] == 1
    print("      OK: every user is in Clerk exactly once" if ok else "      FAILED")
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
