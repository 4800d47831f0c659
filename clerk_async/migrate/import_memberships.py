"""Importing memberships: each one once its user and its organization are in Clerk.

Clerk keeps one membership per user and organization, and answers a second one with 400
``already_a_member_in_organization``: that answer, and every unknown outcome, is settled by
looking the membership up (``GET /organizations/{id}/memberships?user_id=...``). In an
organization this journal created, a membership found there is this journal's own (the creator's,
made with the organization, or an earlier attempt's), and its role is set to the input's. In an
organization that was already in Clerk, memberships are looked up before their first POST (100
per request): one already there is ``already_imported``, or a ``conflict`` when its role is not
the input's. A membership waits for its user and its organization only, not for every user: one
whose user or organization was not imported is ``failed`` (``retry-failed`` tries both again) or
``conflict``, as they are.
"""

from __future__ import annotations

from msgspec import UNSET

from clerk_async.errors import (
    APIConnectionError,
    ResponseValidationError,
    SDKError,
)
from clerk_async.migrate.records import MappedMembership
from clerk_async.models import OrganizationMembership

from .importing import (
    IMPORTED,
    Mode,
    Pending,
    Queued,
    Run,
    Work,
    error_code,
    error_message,
    retrying,
    send_once,
)
from .journal import JournalRow
from .reconcile import MAX_IDS
from .roles import RoleKeeper
from .states import JournalStateError, Status

__all__ = ["MembershipImporter"]

ALREADY_A_MEMBER = "already_a_member_in_organization"
#: Where a membership goes: its organization's and its user's Clerk ids, and whether this
#: journal created the organization.
Target = tuple[str, str, bool]
_Ready = tuple[int, MappedMembership, Target]


class MembershipImporter:
    def __init__(self, run: Run, roles: RoleKeeper) -> None:
        self.run = run
        self.roles = roles
        #: The targets of memberships handed to the workers to send (at most a queue's worth),
        #: and those of them an earlier attempt may have reached Clerk with.
        self._targets: dict[int, Target] = {}
        self._uncertain: set[int] = set()

    async def queue(self, pending: list[Pending]) -> None:
        """Memberships whose user and organization are settled go out in groups of 100 (marked in
        flight a group at a time); those of an organization that was in Clerk before are looked
        up first, and so are a killed run's (both 100 per request); the others wait for what they
        need, in a worker."""
        run, journal = self.run, self.run.journal
        await self.roles.ensure()  # the roles of the memberships admitted so far, first
        rows = journal.rows_of(each.seq for each in pending)
        needs = journal.rows_of(
            seq for row in rows.values() for seq in (row.user_seq, row.org_seq) if seq is not None
        )
        ready: list[_Ready] = []
        foreign: dict[str, list[_Ready]] = {}
        leftovers: dict[str, list[_Ready]] = {}
        for each in pending:
            seq, membership, status = each.seq, each.item, each.status
            if not isinstance(membership, MappedMembership):
                raise JournalStateError(f"record {seq} is no longer a membership")
            user, organization = _needed(rows[seq], needs)
            sent = status == "in_flight"
            if _unsettled(user) or _unsettled(organization):
                await run.put(Work(seq, membership, "leftover" if sent else "wait"))
                continue
            if sent:
                target = _sent_to(user, organization)
                if target is None:  # its user or organization is no longer imported: look
                    await run.put(Work(seq, membership, "leftover"))
                else:
                    leftovers.setdefault(target[0], []).append((seq, membership, target))
                continue
            target = self._target(seq, membership, user, organization)
            if target is None:
                continue
            if organization is not None and organization.status == "already_imported":
                foreign.setdefault(target[0], []).append((seq, membership, target))
            elif _creator(rows[seq], organization):  # a member since its organization was made
                self._targets[seq] = target
                await run.put(Work(seq, membership, "look_first"))
            else:
                ready.append((seq, membership, target))
        for organization_id, group in leftovers.items():
            for start in range(0, len(group), MAX_IDS):
                await self._resend(organization_id, group[start : start + MAX_IDS])
        for organization_id, group in foreign.items():
            for start in range(0, len(group), MAX_IDS):
                ready += await self._absent(organization_id, group[start : start + MAX_IDS])
        for start in range(0, len(ready), MAX_IDS):
            if run.stopped is not None:
                return
            group = ready[start : start + MAX_IDS]
            journal.mark_in_flight([seq for seq, _, _ in group])
            for seq, membership, target in group:
                self._targets[seq] = target
                await run.put(Work(seq, membership, "send"))

    async def _resend(self, organization_id: str, group: list[_Ready]) -> None:
        """A killed run's memberships of one organization: those Clerk holds are this journal's;
        the others are sent again. When Clerk will not say, they stay in flight."""
        run, journal = self.run, self.run.journal
        users = [target[1] for _, _, target in group]
        found = await retrying(group[0][0], lambda: self._members(organization_id, users))
        if not isinstance(found, dict):
            return
        for seq, membership, target in group:
            member = found.get(target[1])
            if member is not None:
                await self._ours(seq, membership, member, target)
                continue
            journal.another_attempt(seq, uncertain=True)
            self._targets[seq] = target
            self._uncertain.add(seq)
            await run.put(Work(seq, membership, "send"))

    async def _absent(
        self, organization_id: str, group: list[tuple[int, MappedMembership, Target]]
    ) -> list[tuple[int, MappedMembership, Target]]:
        """Those of ``group`` (of an organization already in Clerk) that are not members yet;
        the others are settled here. When Clerk will not say, none: they stay pending."""
        users = [target[1] for _, _, target in group]
        found = await retrying(group[0][0], lambda: self._members(organization_id, users))
        if not isinstance(found, dict):
            return []
        absent = []
        for seq, membership, target in group:
            member = found.get(target[1])
            if member is None:
                absent.append((seq, membership, target))
            else:
                self._found(seq, membership, member, before_sending=True)
        return absent

    def _target(
        self,
        seq: int,
        membership: MappedMembership,
        user: JournalRow | None,
        organization: JournalRow | None,
    ) -> Target | None:
        """Where ``membership`` goes, or None when its user or organization was not imported
        (the membership is then settled as they are)."""
        needs = (("user", user, membership.user),
                 ("organization", organization, membership.organization))  # fmt: skip
        journal = self.run.journal
        for kind, row, ref in needs:
            if row is None or row.status not in IMPORTED or not row.clerk_id:
                status: Status = (
                    "conflict" if row is not None and row.status == "conflict" else "failed"
                )
                code = f"{kind}_{'conflict' if status == 'conflict' else 'failed'}"
                what = "not in the journal" if row is None else f"{row.status}"
                reason = f": {row.message}" if row is not None and row.message else ""
                message = f"its {kind} {ref} is {what}{reason}"
                if journal.status_of(seq) == "in_flight":  # a killed run's, looked at again
                    if status == "conflict":
                        journal.conflict(seq, f"{kind}_id", code, message)
                    else:
                        journal.failed(seq, code, message)
                else:
                    journal.refused_before_sending(seq, status, code, message)
                return None
        assert user is not None and organization is not None
        assert user.clerk_id is not None and organization.clerk_id is not None
        return organization.clerk_id, user.clerk_id, organization.status == "created"

    # -- one membership ------------------------------------------------------------------------

    async def take(self, seq: int, mapped: Queued, mode: Mode) -> None:
        """``send``: looked up if need be, marked in flight; ``look_first``: the creator of an
        organization this journal made, a member since it was made (looked up, not sent);
        ``wait``: once its user and organization are settled; ``leftover``: a killed run's."""
        assert isinstance(mapped, MappedMembership)
        run, journal = self.run, self.run.journal
        target = self._targets.pop(seq, None)
        if mode == "send" and target is not None:
            uncertain = seq in self._uncertain
            self._uncertain.discard(seq)
            await self._send(seq, mapped, target, uncertain=uncertain)
            return
        look = mode in ("leftover", "look_first")
        if target is None:
            row = journal.row(seq)
            if row is None:
                return
            user = None if row.user_seq is None else await run.settled(row.user_seq)
            organization = None if row.org_seq is None else await run.settled(row.org_seq)
            if run.stopped is not None or _unsettled(user) or _unsettled(organization):
                return  # not imported in this run: the membership waits for the next one
            target = self._target(seq, mapped, user, organization)
            if target is None:
                return
            look = look or not target[2] or _creator(row, organization)
        organization_id, user_id, ours = target
        creator = look and ours and mode != "leftover"
        if creator:  # made with its organization, by this journal: in flight since then
            journal.mark_in_flight([seq])
        if look:  # a killed run's, one of a foreign organization, or a creator's
            found = await retrying(seq, lambda: self._members(organization_id, [user_id]))
            if not isinstance(found, dict):
                return
            member = found.get(user_id)
            if member is not None:
                if mode == "leftover" or ours:
                    await self._ours(seq, mapped, member, target)
                else:
                    self._found(seq, mapped, member, before_sending=True)
                return
        if mode == "leftover":
            journal.another_attempt(seq, uncertain=True)
        elif not creator:
            journal.mark_in_flight([seq])
        await self._send(seq, mapped, target, uncertain=mode == "leftover")

    async def _send(
        self, seq: int, membership: MappedMembership, target: Target, *, uncertain: bool
    ) -> None:
        run, journal = self.run, self.run.journal
        organization_id, user_id, ours = target
        public = UNSET if membership.public_metadata is None else membership.public_metadata
        private = UNSET if membership.private_metadata is None else membership.private_metadata

        async def refused(error: SDKError, uncertain: bool) -> bool:
            if error.code != ALREADY_A_MEMBER:
                return False
            await self._settle_member(seq, membership, target, uncertain=uncertain or ours)
            return True

        async def look_up() -> bool | None:
            found = await retrying(seq, lambda: self._members(organization_id, [user_id]))
            if not isinstance(found, dict):
                return None
            member = found.get(user_id)
            if member is None:
                return False
            await self._ours(seq, membership, member, target)
            return True

        created = await send_once(
            run,
            seq,
            lambda: run.clerk.organization_memberships.create(
                organization_id,
                user_id=user_id,
                role=membership.role,
                public_metadata=public,
                private_metadata=private,
                retries=None,
            ),
            uncertain=uncertain,
            refused=refused,
            look_up=look_up,
        )
        if created is not None:
            journal.created(seq, created.id)

    async def _settle_member(
        self, seq: int, membership: MappedMembership, target: Target, *, uncertain: bool
    ) -> None:
        """Clerk says the user is a member already: ours (an earlier attempt, or the creator's
        membership of an organization this journal created), or one that was there before."""
        organization_id, user_id, _ = target
        found = await retrying(seq, lambda: self._members(organization_id, [user_id]))
        if not isinstance(found, dict):
            return
        member = found.get(user_id)
        row = self.run.journal.row(seq)
        if member is None:
            self.run.journal.failed(seq, ALREADY_A_MEMBER, "Clerk says the user is a member, "
                                    "and lists no such membership", uncertain=True)  # fmt: skip
        elif uncertain or (row is not None and row.uncertain):
            await self._ours(seq, membership, member, target)
        else:
            self._found(seq, membership, member, before_sending=False)

    async def _ours(
        self,
        seq: int,
        membership: MappedMembership,
        member: OrganizationMembership,
        target: Target,
    ) -> None:
        """A membership this journal made: created, with the input's role."""
        run = self.run
        if member.role != membership.role:
            organization_id, user_id, _ = target
            try:
                await run.throttle.call(
                    lambda: run.clerk.organization_memberships.update(
                        organization_id, user_id, role=membership.role
                    )
                )
            except (ResponseValidationError, APIConnectionError, SDKError) as error:
                run.journal.failed(seq, error_code(error), "the member's role could not be set "
                                   f"to {membership.role}: {error_message(error)}",
                                   uncertain=True)  # fmt: skip
                return
        run.journal.created(seq, member.id)

    def _found(
        self,
        seq: int,
        membership: MappedMembership,
        member: OrganizationMembership,
        *,
        before_sending: bool,
    ) -> None:
        """A membership that was in Clerk before this journal: imported if its role is the
        input's, else a conflict for a human to settle."""
        journal = self.run.journal
        if member.role != membership.role:
            message = (
                f"{membership.user} is already a member of {membership.organization} with the "
                f"role {member.role}, not {membership.role}"
            )
            if before_sending:
                journal.refused_before_sending(seq, "conflict", "role_differs", message, "role")
            else:
                journal.conflict(seq, "role", "role_differs", message)
            return
        message = f"the user was already a member of the organization: {member.id}"
        if before_sending:
            journal.found_before_sending(seq, member.id, code="member_exists", message=message)
        else:
            journal.already_imported(seq, member.id, code=ALREADY_A_MEMBER, message=message)

    async def _members(
        self, organization_id: str, user_ids: list[str]
    ) -> dict[str, OrganizationMembership]:
        """The memberships of ``organization_id`` of up to 100 users, by user id."""
        run = self.run
        page = await run.throttle.call(
            lambda: run.clerk.organization_memberships.list(
                organization_id, user_id=user_ids, limit=MAX_IDS
            )
        )
        return {
            member.public_user_data.user_id: member
            for member in page
            if member.public_user_data is not None
        }


def _needed(
    row: JournalRow, needs: dict[int, JournalRow]
) -> tuple[JournalRow | None, JournalRow | None]:
    user = None if row.user_seq is None else needs.get(row.user_seq)
    organization = None if row.org_seq is None else needs.get(row.org_seq)
    return user, organization


def _sent_to(user: JournalRow | None, organization: JournalRow | None) -> Target | None:
    """Where a membership sent by an earlier run went (its user and organization imported)."""
    if user is None or organization is None or not user.clerk_id or not organization.clerk_id:
        return None
    if user.status not in IMPORTED or organization.status not in IMPORTED:
        return None
    return organization.clerk_id, user.clerk_id, organization.status == "created"


def _creator(row: JournalRow, organization: JournalRow | None) -> bool:
    """Whether the membership is of its organization's creator (who joined it when made)."""
    return (
        organization is not None
        and row.user_seq is not None
        and (organization.user_seq == row.user_seq)
    )


def _unsettled(row: JournalRow | None) -> bool:
    return row is not None and row.status in ("pending", "in_flight")
