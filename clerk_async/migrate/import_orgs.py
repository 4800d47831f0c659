"""Importing organizations: each one found again by its slug before it is ever created twice.

An organization is sent with its slug and, in its private metadata, its source id (the mapping
puts it there). Before its first ``POST /organizations`` it is looked up by slug: one already in
Clerk with this source id is ``already_imported``; one holding the slug without it is another
organization, and the record is a ``conflict``. That lookup is left out when the instance holds
no organization but the journal's own (one request, ``organizations.list(limit=1)``, tells, before
the run's first organization): the usual migration into a new instance then sends one request per
organization, not two. After a POST whose outcome is unknown (a timeout, a 5xx, a run killed
mid-call) or a 422 for a taken slug, the same lookup tells whether the organization is this
journal's own. It waits for its creator (a user of the input) to be imported, and goes without
one when the creator is not. Its domains are added once it exists; the record stays
``in_flight`` (with its Clerk id) until they are, so a killed run adds them on resume.
"""

from __future__ import annotations

import anyio
import msgspec
from msgspec import UNSET

from clerk_async._http import EncodedBody
from clerk_async._operations import CREATE_ORGANIZATION
from clerk_async.errors import (
    APIConnectionError,
    ClerkError,
    NotFoundError,
    RateLimitError,
    ResponseValidationError,
    SDKError,
    UnprocessableEntityError,
)
from clerk_async.migrate.records import ORGANIZATION_MARKER, Domain, MappedOrganization
from clerk_async.models import Organization

from .importing import (
    IMPORTED,
    MAX_LOOKUPS,
    UNKNOWN,
    Mode,
    Pending,
    Queued,
    Run,
    Work,
    error_message,
    identifier_exists,
    retrying,
    send_once,
)
from .states import JournalStateError

__all__ = ["OrganizationImporter", "is_ours"]

_encode = msgspec.json.Encoder().encode
_DOMAIN_EXISTS = "organization_domain_already_exists"


def is_ours(found: Organization, source_id: str) -> bool:
    """Whether ``found`` is the organization of this source id (its private metadata says)."""
    marker = (found.private_metadata or {}).get(ORGANIZATION_MARKER)
    return isinstance(marker, dict) and marker.get("source_id") == source_id


class OrganizationImporter:
    def __init__(self, run: Run) -> None:
        self.run = run
        #: Whether every organization in Clerk is one the journal knows (asked once per run).
        self._only_known: bool | None = None

    async def queue(self, pending: list[Pending]) -> None:
        if self._only_known is None and any(each.status == "pending" for each in pending):
            self._only_known = await self._instance_holds_only_known()
        first: Mode = "send" if self._only_known else "look_first"
        for each in pending:
            if not isinstance(each.item, MappedOrganization):
                raise JournalStateError(f"record {each.seq} is no longer an organization")
            mode: Mode = "leftover" if each.status == "in_flight" else first
            await self.run.put(Work(each.seq, each.item, mode))

    async def _instance_holds_only_known(self) -> bool:
        """Whether Clerk holds as many organizations as the journal knows in it (so no other one
        could hold a slug of the input)."""
        run = self.run
        try:
            page = await run.throttle.call(lambda: run.clerk.organizations.list(limit=1))
        except ClerkError:
            return False
        counts = run.journal.counts_by_kind().get("organization", {})
        known = counts.get("created", 0) + counts.get("already_imported", 0)
        return (page.total_count or 0) == known

    async def take(self, seq: int, mapped: Queued, mode: Mode) -> None:
        assert isinstance(mapped, MappedOrganization)
        journal = self.run.journal
        creator = await self._creator(seq, mapped)
        if creator is UNKNOWN or self.run.stopped is not None:
            return  # the creator is not settled in this run: the organization waits for the next
        assert creator is None or isinstance(creator, str)
        if mode != "send":
            found = await retrying(seq, lambda: self._by_slug(mapped.slug))
            if found is UNKNOWN:
                return  # as it was: the next run looks again
            if isinstance(found, Organization):  # a leftover's: looked up before its 1st POST
                await self._found(seq, mapped, found, before_sending=mode != "leftover",
                                  uncertain=mode == "leftover")  # fmt: skip
                return
        if mode == "leftover":
            journal.another_attempt(seq, uncertain=True)
        else:
            journal.mark_in_flight([seq])
        await self._send(seq, mapped, creator, uncertain=mode == "leftover")

    async def _creator(self, seq: int, organization: MappedOrganization) -> str | None | object:
        """The creator's Clerk id once this run is done with the creator's record; None when the
        creator was not imported (the organization goes without one); :data:`UNKNOWN` when the
        creator is still pending or in flight (its outcome unknown)."""
        journal = self.run.journal
        row = journal.row(seq)
        if row is None or row.user_seq is None:
            return None
        creator = await self.run.settled(row.user_seq)
        if creator is not None and creator.status in IMPORTED and creator.clerk_id:
            return creator.clerk_id
        if creator is not None and creator.status in ("pending", "in_flight"):
            return UNKNOWN
        status = "not imported" if creator is None else creator.status
        note = (
            f"its creator {organization.creator} is {status}: the organization is created "
            "without one"
        )
        if note not in (row.note or ""):
            journal.add_note(seq, note)
        return None

    async def _by_slug(self, slug: str) -> Organization | None:
        run = self.run
        try:
            found: Organization = await run.throttle.call(lambda: run.clerk.organizations.get(slug))
        except NotFoundError:
            return None
        return found

    async def _found(
        self, seq: int, organization: MappedOrganization, found: Organization, *,
        before_sending: bool, uncertain: bool = False,
    ) -> None:  # fmt: skip
        """The organization holding the slug: this source id's, or another one."""
        journal = self.run.journal
        if not is_ours(found, organization.source_id):
            identifier = f"slug {organization.slug}"
            message = (
                f"the slug {organization.slug} belongs to {found.id} ({found.name}), an "
                "organization with another source id"
            )
            if before_sending:
                journal.refused_before_sending(seq, "conflict", "slug_taken", message, identifier)
            else:
                journal.conflict(seq, identifier, "slug_taken", message)
            return
        if before_sending:
            message = f"an organization with this slug and source id was in Clerk: {found.id}"
            journal.found_before_sending(seq, found.id, code="slug_exists", message=message)
            return
        row = journal.row(seq)
        if uncertain or (row is not None and row.uncertain):  # an earlier attempt's
            await self._add_domains(seq, organization, found.id)
            journal.created(seq, found.id)
        else:
            message = f"an organization with this slug and source id was in Clerk: {found.id}"
            journal.already_imported(seq, found.id, code="slug_exists", message=message)

    async def _send(
        self, seq: int, organization: MappedOrganization, creator: str | None, *, uncertain: bool
    ) -> None:
        run = self.run
        journal = run.journal
        request = organization.request
        if creator is not None:
            request = msgspec.structs.replace(request, created_by=creator)
        body = EncodedBody(_encode(request), "application/json")

        async def refused(error: SDKError, uncertain: bool) -> bool:
            if not isinstance(error, UnprocessableEntityError):
                return False
            await self._refused(seq, organization, error, uncertain=uncertain)
            return True

        async def look_up() -> bool | None:
            found = await retrying(seq, lambda: self._by_slug(organization.slug))
            if found is UNKNOWN:
                return None
            if isinstance(found, Organization):
                await self._found(seq, organization, found, before_sending=False, uncertain=True)
                return True
            return False

        created = await send_once(
            run, seq, lambda: run.clerk.send(CREATE_ORGANIZATION, Organization, body=body,
                                             retries=None),
            uncertain=uncertain, refused=refused, look_up=look_up,
        )  # fmt: skip
        if created is None:
            return
        if organization.domains:
            journal.sent(seq, created.id)
            await self._add_domains(seq, organization, created.id)
        journal.created(seq, created.id)

    async def _refused(
        self,
        seq: int,
        organization: MappedOrganization,
        error: UnprocessableEntityError,
        *,
        uncertain: bool,
    ) -> None:
        """A 422: a taken slug is looked up (ours, or another organization's); else failed."""
        journal = self.run.journal
        if identifier_exists(error):
            found = await retrying(seq, lambda: self._by_slug(organization.slug))
            if found is UNKNOWN:
                return
            if isinstance(found, Organization):
                await self._found(
                    seq, organization, found, before_sending=False, uncertain=uncertain
                )
                return
        journal.failed(seq, error.code or "unprocessable", error_message(error),
                       uncertain=uncertain)  # fmt: skip

    # -- domains -------------------------------------------------------------------------------

    async def _add_domains(
        self, seq: int, organization: MappedOrganization, organization_id: str
    ) -> None:
        """Each domain once: one already there (a killed run's) counts as added. A domain Clerk
        refuses does not stop the organization: the report's note says why."""
        journal = self.run.journal
        for domain in organization.domains:
            problem = await self._add_domain(organization_id, domain)
            if problem is not None:
                note = f"domain {domain.name} not added: {problem}"
                row = journal.row(seq)
                if row is None or note not in (row.note or ""):
                    journal.add_note(seq, note)

    async def _add_domain(self, organization_id: str, domain: Domain) -> str | None:
        run = self.run
        mode = UNSET if domain.enrollment_mode is None else domain.enrollment_mode
        verified = UNSET if domain.verified is None else domain.verified
        for attempt in range(MAX_LOOKUPS):
            try:
                await run.throttle.call(
                    lambda: run.clerk.organization_domains.create(
                        organization_id,
                        name=domain.name,
                        enrollment_mode=mode,
                        verified=verified,
                        retries=None,
                    )
                )
            except RateLimitError:
                continue
            except UnprocessableEntityError as error:
                if error.code == _DOMAIN_EXISTS and await self._has_domain(organization_id, domain):
                    return None
                return error_message(error)
            except (ResponseValidationError, APIConnectionError, SDKError) as error:
                if isinstance(error, SDKError) and error.status_code < 500:
                    return error_message(error)
                await anyio.sleep(0.25 * 2**attempt)
                continue  # a second add of a domain that was added says so: looked up above
            return None
        return "Clerk did not answer"

    async def _has_domain(self, organization_id: str, domain: Domain) -> bool:
        run = self.run
        page = await run.throttle.call(
            lambda: run.clerk.organization_domains.list(organization_id, limit=100)
        )
        return any(item.name == domain.name for item in page)
