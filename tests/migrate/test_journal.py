"""The journal's state machine, duplicates, durability and input binding."""

from __future__ import annotations

import gc
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from clerk_async.migrate.journal import (
    Entry,
    InputMismatchError,
    Journal,
    JournalBusyError,
)
from clerk_async.migrate.states import JournalStateError, check_move


def pending(external_id: str, *identifiers: tuple[str, str], line: int = 1) -> Entry:
    claims = (("external_id", external_id), *identifiers)
    return Entry(external_id, f"users.jsonl:{line}", "pending", claims=claims)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    book = Journal(tmp_path / "migration.db")
    book.begin_run("import")
    return book


def test_admitting_sorts_records_and_finds_in_file_duplicates(journal: Journal) -> None:
    statuses = journal.admit(
        0,
        [
            pending("a", ("email_address", "ada@example.com"), line=1),
            Entry("b", "users.jsonl:2", "invalid", "invalid_phone_number", "no +", "phone_number"),
            pending("a", ("email_address", "other@example.com"), line=3),
            pending("c", ("email_address", "ada@example.com"), line=4),
            Entry(None, "users.jsonl:5", "skipped", "soft_deleted", "deleted in the source"),
            pending("d", ("email_address", "other@example.com"), line=6),
        ],
    )
    assert statuses == ["pending", "invalid", "duplicate", "duplicate", "skipped", "pending"]
    third = journal.row(2)
    assert third is not None
    assert (third.code, third.identifier) == ("duplicate_external_id", "external_id a")
    assert third.message == "the external id a is also in users.jsonl:1"
    fourth = journal.row(3)
    assert fourth is not None
    assert (fourth.code, fourth.field) == ("duplicate_identifier", "email_address")
    # record 3's clash on its external id released the email it had claimed first: d may have it
    assert journal.row(5) is not None and journal.row(5).status == "pending"  # type: ignore[union-attr]
    assert journal.counts()["duplicate"] == 2
    assert journal.codes() == {
        "duplicate_external_id": 1,
        "duplicate_identifier": 1,
        "invalid_phone_number": 1,
        "soft_deleted": 1,
    }


def test_each_admitted_row_keeps_its_own_values_whichever_its_batch_gives(
    journal: Journal,
) -> None:
    noted = Entry("b", "users.jsonl:2", "pending", note="no password", dropped=("mfa",))
    journal.admit(0, [pending("a"), noted, pending("c")])
    journal.admit(3, [pending("d"), pending("e")])  # a batch giving none of the optional values

    rows = {row.seq: row for row in journal.rows()}
    assert (rows[1].note, rows[1].dropped) == ("no password", ("mfa",))
    assert all((rows[seq].note, rows[seq].dropped) == (None, ()) for seq in (0, 2, 3, 4))
    assert [rows[seq].location for seq in range(5)] == [f"users.jsonl:{n}" for n in (1, 2, 1, 1, 1)]
    assert {row.status for row in rows.values()} == {"pending"}


def test_admitting_again_is_idempotent(journal: Journal) -> None:
    entries = [pending("a"), pending("b"), pending("c")]
    journal.admit(0, entries[:2])
    assert journal.admit(0, entries) == ["pending", "pending", "pending"]
    assert journal.admitted == 3
    assert journal.counts()["pending"] == 3


@pytest.mark.parametrize("commit", [True, False])
def test_a_claim_an_earlier_batch_holds_makes_a_duplicate(journal: Journal, commit: bool) -> None:
    journal.admit(0, [pending("a", ("email_address", "ada@example.com"), line=1)], commit=commit)
    statuses = journal.admit(
        1,
        [
            pending("b", ("email_address", "bob@example.com"), line=2),
            pending("c", ("email_address", "ada@example.com"), line=3),
            pending("d", ("email_address", "bob@example.com"), line=4),
            pending("e", ("email_address", "eve@example.com"), line=5),
        ],
        commit=commit,
    )
    journal.commit()

    assert statuses == ["pending", "duplicate", "duplicate", "pending"]
    messages = {row.seq: row.message for row in journal.rows("duplicate")}
    assert messages == {
        2: "the email address ada@example.com is also in users.jsonl:1",
        3: "the email address bob@example.com is also in users.jsonl:2",
    }
    assert journal.counts()["pending"] == 3 and journal.live_counts() == journal.counts()
    # the claims of the batch's pending records, each once: e's email is taken for the next
    assert journal.admit(5, [pending("f", ("email_address", "eve@example.com"), line=6)]) == [
        "duplicate"
    ]


def test_a_batch_judged_again_moves_a_claim_to_the_record_that_now_wins_it(
    journal: Journal,
) -> None:
    journal.admit(0, [pending("b", line=1)])
    # alone, the batch gives ada@ to its first record; knowing the journal, that one is a
    # duplicate of record 0, and ada@ goes to the next
    ada = ("email_address", "ada@example.com")
    statuses = journal.admit(1, [pending("b", ada, line=2), pending("c", ada, line=3)])
    assert statuses == ["duplicate", "pending"]
    later = journal.admit(3, [pending("d", ada, line=4), pending("b", line=5)])
    assert later == ["duplicate", "duplicate"]
    messages = {row.seq: row.message for row in journal.rows("duplicate")}
    assert messages[3] == "the email address ada@example.com is also in users.jsonl:3"
    assert messages[4] == "the external id b is also in users.jsonl:1"


def test_a_large_batch_keeps_every_row_and_claim(journal: Journal) -> None:
    def user(n: int, email: int) -> Entry:
        return pending(f"u{n}", ("email_address", f"e{email}@example.com"), line=n + 1)

    assert journal.admit(0, [user(n, n) for n in range(73)]) == ["pending"] * 73
    # 123 records (two statements' worth of rows and a rest): record 173 repeats record 5's email
    statuses = journal.admit(73, [user(n, 5 if n == 173 else n) for n in range(73, 196)])
    assert statuses == ["pending"] * 100 + ["duplicate"] + ["pending"] * 22
    assert journal.counts()["pending"] == 195
    assert [row.external_id for row in journal.rows()] == [f"u{n}" for n in range(196)]
    # every pending record's claims are held: repeating any of them is a duplicate
    again = [user(196 + n, n) for n in (0, 49, 50, 99, 172, 174, 195)]
    assert journal.admit(196, again) == ["duplicate"] * 7


def test_a_batch_judged_again_keeps_the_dropped_fields_it_named(tmp_path: Path) -> None:
    path = tmp_path / "migration.db"
    with Journal(path) as journal:
        journal.admit(0, [pending("a")])
        dropping = Entry("b", "users.jsonl:2", "pending", claims=(("external_id", "b"),),
                         dropped=("mfa",))  # fmt: skip
        assert journal.admit(1, [dropping, pending("a", line=3)]) == ["pending", "duplicate"]
    with Journal(path) as again:
        assert again.row(1).dropped == ("mfa",)  # type: ignore[union-attr]
        assert again.dropped_fields() == {"mfa": 1}


def test_the_moves_of_one_record(journal: Journal) -> None:
    journal.admit(0, [pending("a"), pending("b"), pending("c")])
    journal.mark_in_flight([0, 1, 2])
    journal.another_attempt(1, uncertain=True)
    journal.created(0, "user_0")
    journal.failed(1, "internal_clerk_error", "boom", uncertain=True)
    journal.back_to_pending(2)
    journal.commit()
    rows = {row.seq: row for row in journal.rows()}
    assert (rows[0].status, rows[0].clerk_id, rows[0].attempts) == ("created", "user_0", 1)
    assert (rows[1].status, rows[1].attempts, rows[1].uncertain) == ("failed", 2, True)
    assert rows[2].status == "pending"
    assert journal.retry_failed() == 1
    assert journal.row(1).status == "pending"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("prepare", "move"),
    [
        ("pending", lambda j: j.created(0, "user_1")),  # never created without being sent
        ("created", lambda j: j.mark_in_flight([0])),  # never sent twice
        ("created", lambda j: j.failed(0, "x", "y")),
        ("pending", lambda j: j.another_attempt(0, uncertain=False)),
        ("failed", lambda j: j.mark_in_flight([0])),  # retried only through retry-failed
    ],
)
def test_a_move_the_state_machine_forbids_raises(
    journal: Journal, prepare: str, move: object
) -> None:
    journal.admit(0, [pending("a")])
    if prepare != "pending":
        journal.mark_in_flight([0])
        if prepare == "created":
            journal.created(0, "user_1")
        else:
            journal.failed(0, "code", "message")
    before = journal.row(0)
    with pytest.raises(JournalStateError, match="record 0"):
        move(journal)  # type: ignore[operator]
    assert journal.row(0) == before


def test_in_flight_marks_exactly_the_records_named(journal: Journal) -> None:
    journal.admit(0, [pending(name) for name in "abcdefgh"])
    journal.mark_in_flight([5, 1, 2, 3, 7])  # runs 5, 1-3 and 7, out of order

    assert journal.statuses_between(0, 7) == {
        seq: "in_flight" if seq in (1, 2, 3, 5, 7) else "pending" for seq in range(8)
    }
    assert [row.attempts for row in journal.rows()] == [0, 1, 1, 1, 0, 1, 0, 1]


@pytest.mark.parametrize(
    ("seqs", "error"),
    [([3, 4, 5, 6], "record 6: is in_flight, not pending"), ([4, 5, 4], "named twice")],
)
def test_in_flight_marks_none_of_a_group_unless_it_may_mark_all(
    journal: Journal, seqs: list[int], error: str
) -> None:
    journal.admit(0, [pending(name) for name in "abcdefgh"])
    journal.mark_in_flight([6])  # 6 is in flight already: [3, 4, 5, 6] may not be marked

    with pytest.raises(JournalStateError, match=error):
        journal.mark_in_flight(seqs)
    statuses = journal.statuses_between(0, 7)
    assert [seq for seq, status in statuses.items() if status != "pending"] == [6]
    assert journal.live_counts() == journal.counts()


def test_check_move_names_the_move() -> None:
    check_move(3, "pending", "in_flight")
    with pytest.raises(JournalStateError, match="record 3: a skipped record cannot become pending"):
        check_move(3, "skipped", "pending")


def test_in_flight_is_committed_before_the_call(journal: Journal) -> None:
    journal.admit(0, [pending("a")])
    journal.mark_in_flight([0])
    other = sqlite3.connect(journal.path)
    assert other.execute("SELECT status, attempts FROM records").fetchall() == [("in_flight", 1)]
    other.close()


def test_outcomes_are_committed_in_batches_and_on_close(journal: Journal) -> None:
    journal.admit(0, [pending("a")])
    journal.mark_in_flight([0])
    journal.created(0, "user_a")
    journal.close()
    with Journal(journal.path) as again:
        assert again.row(0).status == "created"  # type: ignore[union-attr]


def test_a_created_outcome_is_read_back_at_once_and_committed_with_its_batch(
    journal: Journal,
) -> None:
    journal.admit(0, [pending("a"), pending("b")])
    journal.mark_in_flight([0, 1])
    journal.created(0, "user_a")

    assert journal.row(0).clerk_id == "user_a"  # type: ignore[union-attr]
    assert journal.statuses_between(0, 1) == {0: "created", 1: "in_flight"}
    assert journal.counts()["created"] == journal.live_counts()["created"] == 1
    other = sqlite3.connect(journal.path)
    assert other.execute("SELECT status FROM records WHERE seq = 0").fetchall() == [("in_flight",)]
    journal.commit()
    assert other.execute("SELECT status FROM records WHERE seq = 0").fetchall() == [("created",)]
    other.close()


@pytest.mark.parametrize(
    "first",
    [
        lambda j: j.created(0, "user_a"),
        lambda j: j.back_to_pending(0),
        lambda j: j.failed(0, "code", "message"),
    ],
)
def test_created_is_refused_at_the_call_once_the_record_left_flight(
    journal: Journal, first: object
) -> None:
    journal.admit(0, [pending("a")])
    journal.mark_in_flight([0])
    first(journal)  # type: ignore[operator]
    before = journal.row(0)

    with pytest.raises(JournalStateError, match="record 0"):
        journal.created(0, "user_again")

    assert journal.row(0) == before


def test_a_record_an_earlier_run_left_in_flight_can_be_created(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.db") as first:
        first.begin_run("import")
        first.admit(0, [pending("a")])
        first.mark_in_flight([0])
    with Journal(tmp_path / "j.db") as second:
        second.begin_run("import")
        second.created(0, "user_a")
        assert second.row(0).status == "created"  # type: ignore[union-attr]


def test_a_killed_process_leaves_its_in_flight_records(tmp_path: Path) -> None:
    path = tmp_path / "killed.db"
    script = textwrap.dedent(
        f"""
        import os, signal
        from clerk_async.migrate.journal import Entry, Journal
        j = Journal({str(path)!r}, lock=True)
        j.begin_run("import")
        j.admit(0, [Entry(str(i), "f:1", "pending", claims=(("external_id", str(i)),))
                    for i in range(3)])
        j.mark_in_flight([0, 1])
        j.mark_in_flight([2])
        j.created(0, "user_0")  # an outcome not yet committed: lost, and that is safe
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    process = subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    assert process.returncode == -signal.SIGKILL
    with Journal(path, lock=True) as after:  # the dead process's lock is gone with it
        assert [row.status for row in after.rows()] == ["in_flight"] * 3


def test_a_journal_with_the_earlier_status_index_opens_resumes_and_loses_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "migration.db"
    with Journal(path, lock=True) as first:
        first.begin_run("import")
        first.admit(0, [pending("a"), pending("b"), pending("c")])
        first.mark_in_flight([0, 1])
        first.created(0, "user_0")
    with sqlite3.connect(path) as db:  # as versions before this one wrote it
        db.execute("CREATE INDEX records_by_status ON records (status, seq)")

    def indexes() -> set[str]:
        with sqlite3.connect(path) as db:
            return {name for (name,) in db.execute("SELECT name FROM sqlite_master")}

    assert "records_by_status" in indexes()
    with Journal(path, lock=True) as again:
        again.begin_run("import")
        assert [row.seq for row in again.rows("in_flight")] == [1]
        again.created(1, "user_1")  # a leftover in flight, looked up and found
        again.mark_in_flight([2])
        again.created(2, "user_2")
    assert "records_by_status" not in indexes()
    with Journal(path) as reader:
        assert reader.counts()["created"] == 3
        assert [row.clerk_id for row in reader.rows("created")] == ["user_0", "user_1", "user_2"]


def test_a_status_this_version_does_not_know_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "migration.db"
    with Journal(path) as journal:
        journal.admit(0, [pending("a"), pending("b")])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE records SET status = 'teleported' WHERE seq = 1")
    with Journal(path) as journal:
        assert journal.statuses_between(0, 0) == {0: "pending"}
        with pytest.raises(JournalStateError, match="unknown status 'teleported'"):
            journal.statuses_between(0, 1)
        with pytest.raises(JournalStateError, match="unknown status 'teleported'"):
            list(journal.rows())


def test_two_runs_never_share_a_journal(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    with Journal(path, lock=True):
        with pytest.raises(JournalBusyError, match="another clerk-migrate"):
            Journal(path, lock=True)
        with Journal(path) as reader:  # status reads without the lock
            assert reader.counts()["pending"] == 0


def test_the_journal_is_bound_to_its_input(journal: Journal) -> None:
    description = {"source": "jsonl", "files": ["/data/users.jsonl"]}
    assert journal.bind_input("f1", description) is True
    assert journal.bind_input("f1", description) is False
    with pytest.raises(InputMismatchError, match=r"--from jsonl /data/users\.jsonl"):
        journal.bind_input("f2", description)
    assert journal.input_description() == description


def test_rollback_moves_and_logs(journal: Journal) -> None:
    journal.admit(0, [pending("a"), pending("b")])
    journal.mark_in_flight([0, 1])
    journal.created(0, "user_a")
    journal.created(1, "user_b")
    journal.rolled_back(0, "user_a", "deleted")
    journal.rollback_failed(1, "user_b", "internal_clerk_error", "boom")
    journal.commit()
    assert journal.row(0).status == "rolled_back"  # type: ignore[union-attr]
    assert journal.row(1).status == "created"  # type: ignore[union-attr]
    log = {entry["clerk_id"]: entry for entry in journal.rollback_log()}
    assert log["user_a"]["outcome"] == "deleted"
    assert (log["user_b"]["outcome"], log["user_b"]["code"]) == ("failed", "internal_clerk_error")


def test_rows_are_read_by_pages(journal: Journal) -> None:
    journal.admit(0, [pending(str(i)) for i in range(25)])
    assert [row.seq for row in journal.rows(page=10)] == list(range(25))
    assert [row.seq for row in journal.rows("pending", page=7)] == list(range(25))


def test_not_a_journal(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not sqlite at all, " * 100)
    with pytest.raises(JournalStateError, match="is not a migration journal"):
        Journal(path)


def test_runs_are_recorded(journal: Journal) -> None:
    journal.end_run("finished")
    (run,) = journal.runs()
    assert (run["command"], run["outcome"]) == ("import", "finished")
    assert run["run_id"] == journal.run_id
    assert len(journal.import_id) == 32
    assert os.path.exists(journal.path)


def test_live_counts_follow_every_move(journal: Journal) -> None:
    journal.admit(0, [pending("a"), pending("b"), pending("a"), pending("c")])
    journal.mark_in_flight([0, 1, 3])
    journal.created(0, "user_a")
    journal.failed(1, "x", "y")
    journal.back_to_pending(3)
    journal.retry_failed()
    journal.mark_in_flight([1])
    journal.created(1, "user_b")
    journal.rolled_back(1, "user_b", "deleted")
    assert journal.live_counts() == journal.counts()
    journal.commit()
    with Journal(journal.path) as reopened:
        assert reopened.live_counts() == journal.counts()


def test_a_records_note_outlives_its_moves_and_older_journals_get_the_column(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    with Journal(path) as book:
        book.begin_run("import")
        book.admit(0, [pending("a")])
    with sqlite3.connect(path) as db:  # a journal from before records had notes
        db.execute("ALTER TABLE records DROP COLUMN note")

    with Journal(path) as book:
        book.begin_run("import")
        assert book.row(0) is not None and book.row(0).note is None  # type: ignore[union-attr]
        noted = Entry("b", "users.json:2", "pending", claims=(("external_id", "b"),), note="why")
        book.admit(1, [noted])
        book.mark_in_flight([1])
        book.created(1, "user_b")
        row = book.row(1)
        assert row is not None and (row.status, row.note) == ("created", "why")


def _tracked_held_by(journal: Journal) -> int:
    """Objects the collector tracks that the journal's attributes hold (one level in)."""
    return sum(gc.is_tracked(held) for held in gc.get_referents(*vars(journal).values()))


def test_created_outcomes_waiting_to_be_written_hold_nothing_the_collector_tracks(
    journal: Journal,
) -> None:
    """A run queues thousands of ``created`` outcomes between writes: none of them is walked by
    the collector, nor counts towards its next pass."""
    journal.admit(0, [pending(str(seq)) for seq in range(50)])
    journal.mark_in_flight(list(range(50)))
    gc.disable()  # a collection would untrack tuples of values, hiding them from this test
    try:
        before = _tracked_held_by(journal)
        for seq in range(50):
            journal.created(seq, f"user_{seq}")
        assert _tracked_held_by(journal) == before
    finally:
        gc.enable()
    journal.commit()
    assert [row.clerk_id for row in journal.rows()] == [f"user_{seq}" for seq in range(50)]
