"""Machines: their secret keys (what M2M token calls authenticate with) and their scopes.

A machine's scopes are the machines it may reach; its M2M tokens carry them. Rotating the secret
key keeps the previous one working for ``previous_token_ttl`` seconds of the emulator's clock.
"""

from __future__ import annotations

import itertools
from typing import Any

from clerk_async.emulator.clock import Clock
from clerk_async.emulator.errors import APIError, not_found, param_value_invalid
from clerk_async.emulator.params import Body, Query

from .common import new_id, order, parse_order, random_token, window

__all__ = ["MachineRecord", "MachineStore"]

DEFAULT_TOKEN_TTL = 3600
MAX_TOKEN_TTL = 315_360_000
MAX_SCOPES = 150
MAX_PREVIOUS_KEY_TTL = 28_800


def new_machine_secret() -> str:
    """A machine secret key: ``ak_`` and 32 random characters, like Clerk's."""
    return "ak_" + random_token(32)


class MachineRecord:
    __slots__ = ("data", "previous_secret", "previous_until_ms", "scopes", "secret", "seq")

    def __init__(self, data: dict[str, Any], secret: str, seq: int) -> None:
        self.data = data
        self.secret = secret
        self.previous_secret: str | None = None
        self.previous_until_ms = 0
        #: The machines this one may reach: id -> when the scope was created (ms).
        self.scopes: dict[str, int] = {}
        self.seq = seq

    @property
    def id(self) -> str:
        return str(self.data["id"])


class MachineStore:
    def __init__(self, clock: Clock, instance_id: str) -> None:
        self.clock = clock
        self.instance_id = instance_id
        self.machines: dict[str, MachineRecord] = {}
        self._seq = itertools.count()

    def get(self, machine_id: str) -> MachineRecord:
        record = self.machines.get(machine_id)
        if record is None:
            raise not_found("machine", machine_id)
        return record

    def wire(self, record: MachineRecord) -> dict[str, Any]:
        scoped = [self.machines[other].data for other in record.scopes if other in self.machines]
        return {**record.data, "scoped_machines": scoped}

    def by_secret(self, secret: str) -> MachineRecord | None:
        """The machine whose secret key (or recently rotated one) ``secret`` is."""
        now = self.clock.now_ms()
        for record in self.machines.values():
            if secret == record.secret or (
                secret == record.previous_secret and now < record.previous_until_ms
            ):
                return record
        return None

    def create(self, body: Body) -> dict[str, Any]:
        body.only(("name", "scoped_machines", "default_token_ttl"))
        name = _name(body, required=True)
        scoped = body.strings("scoped_machines")
        if len(scoped) > MAX_SCOPES:
            raise param_value_invalid("scoped_machines", f"At most {MAX_SCOPES} machines.")
        for other in scoped:
            if other not in self.machines:
                raise param_value_invalid("scoped_machines", f"No machine has the id {other}.")
        ttl = body.integer("default_token_ttl", minimum=1, maximum=MAX_TOKEN_TTL)
        now = self.clock.now_ms()
        data = {
            "object": "machine",
            "id": new_id("mch_"),
            "name": name,
            "instance_id": self.instance_id,
            "created_at": now,
            "updated_at": now,
            "default_token_ttl": DEFAULT_TOKEN_TTL if ttl is None else ttl,
        }
        record = MachineRecord(data, new_machine_secret(), next(self._seq))
        record.scopes = dict.fromkeys(scoped, now)
        self.machines[record.id] = record
        return {**self.wire(record), "secret_key": record.secret}

    def update(self, machine_id: str, body: Body) -> dict[str, Any]:
        record = self.get(machine_id)
        body.only(("name", "default_token_ttl"))
        name = _name(body, required=False)
        ttl = body.integer("default_token_ttl", minimum=1, maximum=MAX_TOKEN_TTL)
        if name is not None:
            record.data["name"] = name
        if ttl is not None:
            record.data["default_token_ttl"] = ttl
        record.data["updated_at"] = self.clock.now_ms()
        return self.wire(record)

    def delete(self, machine_id: str) -> dict[str, Any]:
        self.get(machine_id)
        del self.machines[machine_id]
        for other in self.machines.values():
            other.scopes.pop(machine_id, None)
        return {"object": "machine", "id": machine_id, "deleted": True}

    def listing(self, query: Query) -> dict[str, Any]:
        ordering = parse_order(
            query.text("order_by"),
            {"name": lambda r: r.data["name"], "created_at": lambda r: r.data["created_at"]},
        )
        text = (query.text("query") or "").lower()
        selected = [
            r
            for r in self.machines.values()
            if not text or text in r.data["name"].lower() or text in r.id.lower()
        ]
        ordered = order(selected, ordering, lambda r: r.seq)
        limit, offset = query.page()
        page = window(ordered, limit, offset)
        return {"data": [self.wire(r) for r in page], "total_count": len(selected)}

    # -- secret keys and scopes ----------------------------------------------------------------

    def secret_key(self, machine_id: str) -> dict[str, Any]:
        return {"object": "machine_secret_key", "secret": self.get(machine_id).secret}

    def rotate_secret_key(self, machine_id: str, body: Body) -> dict[str, Any]:
        record = self.get(machine_id)
        body.only(("previous_token_ttl",))
        keep = body.integer("previous_token_ttl", minimum=0, maximum=MAX_PREVIOUS_KEY_TTL)
        if keep is None:
            raise param_value_invalid("previous_token_ttl", "previous_token_ttl is required.")
        record.previous_secret = record.secret
        record.previous_until_ms = self.clock.now_ms() + keep * 1000
        record.secret = new_machine_secret()
        record.data["updated_at"] = self.clock.now_ms()
        return {"object": "machine_secret_key", "secret": record.secret}

    def create_scope(self, machine_id: str, body: Body) -> dict[str, Any]:
        record = self.get(machine_id)
        body.only(("to_machine_id",))
        target = self.get(body.text("to_machine_id", required=True) or "")
        if target.id in record.scopes:
            raise APIError(
                409,
                "duplicate_record",
                "duplicate machine scope",
                f"{record.id} can already reach {target.id}.",
            )
        if len(record.scopes) >= MAX_SCOPES:
            raise param_value_invalid("to_machine_id", f"At most {MAX_SCOPES} scopes a machine.")
        now = self.clock.now_ms()
        record.scopes[target.id] = now
        return {
            "object": "machine_scope",
            "from_machine_id": record.id,
            "to_machine_id": target.id,
            "created_at": now,
        }

    def delete_scope(self, machine_id: str, other_id: str) -> dict[str, Any]:
        record = self.get(machine_id)
        if record.scopes.pop(other_id, None) is None:
            raise not_found("machine scope", f"{machine_id} -> {other_id}")
        return {
            "object": "machine_scope",
            "from_machine_id": record.id,
            "to_machine_id": other_id,
            "deleted": True,
        }


def _name(body: Body, *, required: bool) -> str | None:
    name = body.text("name", required=required)
    if name is not None and not 1 <= len(name) <= 255:
        raise param_value_invalid("name", "name must be 1 to 255 characters.")
    return name
