"""The mapping's rules, on drafts built directly."""

from __future__ import annotations

import gc
from datetime import datetime, timedelta, timezone
from typing import Any

import bcrypt
import msgspec
import pytest

from clerk_async.migrate.importing import QueuedUser, queued
from clerk_async.migrate.mapping import METADATA_LIMIT, map_record, split_name
from clerk_async.migrate.plan import entry_for
from clerk_async.migrate.records import Contact, InvalidRecord, MappedUser, SourceRecord, UserDraft

from .support import body

DIGEST = bcrypt.hashpw(b"pw", bcrypt.gensalt(4)).decode()
EMAIL = (Contact("Ada@Example.com", True),)


def _record(external_id: str = "src-1", **draft: Any) -> SourceRecord:
    draft.setdefault("emails", EMAIL)
    return SourceRecord(
        source="jsonl",
        source_id=external_id,
        file="users.jsonl",
        line=7,
        index=7,
        draft=UserDraft(**draft),
        fields={},
    )


def _invalid(**draft: Any) -> InvalidRecord:
    outcome = map_record(_record(**draft))
    assert isinstance(outcome, InvalidRecord), outcome
    return outcome


def test_identifiers_for_duplicate_detection_are_normalised() -> None:
    outcome = map_record(
        _record(
            emails=(Contact("Ada@Example.com", True), Contact("old@example.com", False)),
            phones=(Contact("+1 415-555-0101", False),),
            username="Ada_L",
        )
    )

    assert isinstance(outcome, MappedUser)
    assert outcome.external_id == "src-1"
    assert outcome.identifiers == (
        ("email_address", "ada@example.com"),
        ("email_address", "old@example.com"),
        ("phone_number", "+14155550101"),
        ("username", "ada_l"),
    )
    sent = body(outcome.record)
    assert sent["email_address"] == ["Ada@Example.com", "old@example.com"]
    assert sent["email_address_identification_status"] == ["verified", "reserved"]
    assert outcome.record.location == "users.jsonl:7"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ada Lovelace", ("Ada", "Lovelace")),
        ("Lovelace, Ada", ("Ada", "Lovelace")),
        ("Ada", ("Ada", None)),
        ("Ada King Lovelace", ("Ada", "King Lovelace")),
        (",Ada", (",Ada", None)),
    ],
)
def test_display_names_split(name: str, expected: tuple[str, str | None]) -> None:
    assert split_name(name) == expected


def test_given_names_win_over_the_display_name() -> None:
    sent = body(_record(first_name="Augusta", display_name="Ada Lovelace"))

    assert (sent["first_name"], "last_name" in sent) == ("Augusta", False)


def test_created_at_is_rfc3339_utc() -> None:
    moment = datetime(2021, 3, 4, 7, 6, 7, 890123, tzinfo=timezone(timedelta(hours=2)))

    assert body(_record(created_at=moment))["created_at"] == "2021-03-04T05:06:07.890Z"
    assert (
        body(_record(created_at=datetime(2021, 1, 1)))["created_at"] == "2021-01-01T00:00:00.000Z"
    )


def test_password_digest_and_second_factors() -> None:
    sent = body(
        _record(
            password_digest=DIGEST,
            password_hasher=None,  # a bcrypt digest names itself
            totp_secret="jbsw y3dp ehpk 3pxp",
            backup_codes=("a1", " ", "b2"),
            banned=True,
        )
    )

    assert (sent["password_digest"], sent["password_hasher"]) == (DIGEST, "bcrypt")
    assert sent["totp_secret"] == "JBSWY3DPEHPK3PXP"
    assert sent["backup_codes"] == ["a1", "b2"]
    assert sent["banned"] is True
    assert "skip_password_requirement" not in sent


@pytest.mark.parametrize(
    ("draft", "code", "field"),
    [
        ({"emails": (Contact("not-an-email", True),)}, "invalid_email_address", "email_address"),
        ({"phones": (Contact("4155550101", True),)}, "invalid_phone_number", "phone_number"),
        ({"username": "a b"}, "invalid_username", "username"),
        ({"emails": ()}, "no_identifier", "email_address"),
        ({"created_at": "last tuesday"}, "invalid_timestamp", "created_at"),
        (
            {"password_digest": "$P$Bshort", "password_hasher": "phpass"},
            "invalid_password_digest",
            "password_digest",
        ),
        (
            {"password_digest": DIGEST, "password_hasher": "rot13"},
            "unknown_password_hasher",
            "password_hasher",
        ),
        ({"password_digest": "abc123"}, "unknown_password_hasher", "password_hasher"),
        ({"password_hasher": "bcrypt"}, "invalid_field", "password_digest"),
        ({"password": "short"}, "invalid_field", "password"),
        ({"password": "long enough", "password_digest": DIGEST}, "invalid_field", "password"),
        ({"totp_secret": "not base32!"}, "invalid_field", "totp_secret"),
        ({"public_metadata": ["a", "list"]}, "invalid_metadata", "public_metadata"),
        ({"public_metadata": {"score": float("nan")}}, "invalid_metadata", "public_metadata"),
        ({"unsafe_metadata": {"raw": b"\x00"}}, "invalid_metadata", "unsafe_metadata"),
        ({"public_metadata": {"a": [{"b": float("inf")}]}}, "invalid_metadata", "public_metadata"),
        ({"public_metadata": {"tags": {"x"}}}, "invalid_metadata", "public_metadata"),
        ({"public_metadata": {"name": "\ud800"}}, "invalid_metadata", "public_metadata"),
        ({"private_metadata": {1: "one"}}, "invalid_metadata", "private_metadata"),
        (
            {"private_metadata": {"blob": "x" * METADATA_LIMIT}},
            "metadata_too_large",
            "private_metadata",
        ),
    ],
)
def test_unimportable_records_name_code_and_field(
    draft: dict[str, Any], code: str, field: str
) -> None:
    problem = _invalid(**draft)

    assert (problem.code, problem.field) == (code, field)
    assert problem.external_id == "src-1" and problem.location == "users.jsonl:7"


def test_no_secret_in_reasons_or_reprs() -> None:
    secret_digest = "$P$B" + "s" * 29  # one character short
    problem = _invalid(password_digest=secret_digest, password_hasher="phpass")
    assert secret_digest not in problem.reason and secret_digest not in repr(problem)

    outcome = map_record(
        _record(password_digest=DIGEST, totp_secret="JBSWY3DPEHPK3PXP", backup_codes=("c0de",))
    )
    assert isinstance(outcome, MappedUser)
    for secret in (DIGEST, "JBSWY3DPEHPK3PXP", "c0de"):
        assert secret not in repr(outcome)


def test_no_secret_in_the_repr_of_a_user_waiting_for_its_post() -> None:
    outcome = map_record(_record(password_digest=DIGEST, totp_secret="JBSWY3DPEHPK3PXP"))
    assert isinstance(outcome, MappedUser)
    waiting = queued(outcome)
    assert isinstance(waiting, QueuedUser)
    assert DIGEST.encode() in waiting.body  # sent as it is
    for secret in (DIGEST, "JBSWY3DPEHPK3PXP"):
        assert secret not in repr(waiting)
        assert secret not in repr(list(waiting.__rich_repr__()))


def test_external_ids_the_list_filter_would_misread_are_refused() -> None:
    outcome = map_record(_record(external_id="-42"))

    assert isinstance(outcome, InvalidRecord)
    assert (outcome.code, outcome.field) == ("invalid_field", "external_id")


def test_metadata_json_converts_is_kept_as_given() -> None:
    when = datetime(2024, 5, 1, tzinfo=timezone.utc)
    metadata = {"since": when, "pair": (1, 2), "plan": "pro", "score": 0.5}

    outcome = map_record(_record(public_metadata=metadata))

    assert isinstance(outcome, MappedUser)
    assert outcome.request.public_metadata == metadata


def test_metadata_at_the_limit_is_accepted() -> None:
    value = {"k": "x" * (METADATA_LIMIT - len('{"k":""}'))}

    assert body(_record(public_metadata=value))["public_metadata"] == value


def test_skip_user_requirement_allows_a_record_without_identifiers() -> None:
    sent = body(_record(emails=(), extra={"skip_user_requirement": True}))

    assert sent["skip_user_requirement"] is True


def test_records_on_their_way_to_clerk_are_left_out_of_the_garbage_collector() -> None:
    """A run holds thousands of records between reading and sending: the collector never walks
    them (they hold values, never themselves)."""
    mapped = map_record(_record(public_metadata={"plan": "pro"}))
    assert isinstance(mapped, MappedUser)
    entry = entry_for(mapped)
    for value in (mapped, mapped.record, mapped.record.draft, EMAIL[0], entry):
        assert not gc.is_tracked(value), type(value).__name__


def test_a_user_waiting_for_its_post_holds_nothing_the_collector_tracks() -> None:
    """What a run holds of each user until its send (thousands at a time) is never walked by the
    collector, nor counted towards its next collection."""
    mapped = map_record(_record(phones=(Contact("+1 415-555-0101", True),), username="Ada_L"))
    assert isinstance(mapped, MappedUser)
    waiting = queued(mapped)
    assert isinstance(waiting, QueuedUser)
    for value in (waiting, *msgspec.structs.astuple(waiting)):
        assert not gc.is_tracked(value), type(value).__name__
    assert waiting.identifiers == mapped.identifiers


def test_a_user_with_several_addresses_waits_with_all_of_them() -> None:
    emails = (Contact("Ada@Example.com", True), Contact("ada@lovelace.org", False))
    mapped = map_record(_record(emails=emails))
    assert isinstance(mapped, MappedUser)
    waiting = queued(mapped)
    assert isinstance(waiting, QueuedUser)
    assert waiting.emails == ("ada@example.com", "ada@lovelace.org")
    assert waiting.identifiers == mapped.identifiers
