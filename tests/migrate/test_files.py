"""Telling files apart by content (gzip, NDJSON, JSON arrays and documents, CSV); file errors."""

from __future__ import annotations

import gzip
import json
import os
import threading
from pathlib import Path

import pytest

from clerk_async.migrate.readers import read_source
from clerk_async.migrate.records import (
    SkippedRecord,
    SourceError,
    SourceFileError,
    SourceRecord,
    UnknownSourceError,
)

from .support import body, invalid, ndjson, read_all, records, write

ADA = {"external_id": "u1", "email_address": ["ada@example.com"]}
GRACE = {"external_id": "u2", "email_address": ["grace@example.com"]}


@pytest.mark.parametrize("name", ["users.csv", "users.json", "users.txt", "users"])
@pytest.mark.parametrize("gz", [False, True])
def test_ndjson_whatever_the_name_and_compression(tmp_path: Path, name: str, gz: bool) -> None:
    path = ndjson(tmp_path / name, [ADA, GRACE], gz=gz)

    found = records("jsonl", path)

    assert [(r.source_id, r.line, r.index) for r in found] == [("u1", 1, 1), ("u2", 2, 2)]
    assert found[0].fields == ADA


@pytest.mark.parametrize("indent", [None, 2])
def test_json_array_compact_or_pretty(tmp_path: Path, indent: int | None) -> None:
    path = write(tmp_path / "users.ndjson", json.dumps([ADA, GRACE], indent=indent), gz=True)

    found = records("jsonl", path)

    assert [(r.source_id, r.line, r.index) for r in found] == [("u1", 0, 1), ("u2", 0, 2)]
    assert found[1].location.endswith("users.ndjson record 2")


def test_pretty_printed_concatenated_objects(tmp_path: Path) -> None:
    path = write(tmp_path / "users.json", json.dumps(ADA, indent=2) + "\n" + json.dumps(GRACE))

    assert [r.source_id for r in records("jsonl", path)] == ["u1", "u2"]


def test_csv_by_content_with_bom_and_crlf(tmp_path: Path) -> None:
    text = "\ufeffexternal_id,email_address\r\nu1,ada@example.com\r\n\r\nu2,grace@example.com\r\n"
    path = write(tmp_path / "users.json", text)

    found = records("csv", path)

    assert [(r.source_id, r.line) for r in found] == [("u1", 2), ("u2", 4)]
    assert found[0].fields == {"external_id": "u1", "email_address": "ada@example.com"}


def test_csv_line_numbers_count_quoted_line_breaks(tmp_path: Path) -> None:
    text = 'external_id,first_name\nu1,"two\nlines"\nu2,plain\n'
    found = records("csv", write(tmp_path / "u.csv", text))

    assert [(r.source_id, r.line) for r in found] == [("u1", 2), ("u2", 4)]
    assert found[0].fields["first_name"] == "two\nlines"


def test_bad_lines_and_rows_are_skipped_not_fatal(tmp_path: Path) -> None:
    lines = tmp_path / "u.ndjson"
    write(lines, json.dumps(ADA) + "\n{not json\n[1, 2]\n\n" + json.dumps({"x": 1}) + "\n")
    rows = write(tmp_path / "u.csv", "external_id,email_address\nu1,a@example.com\nu2,b,c\n")

    found = read_all("jsonl", lines) + read_all("csv", rows)

    kinds = [(type(item).__name__, item.line) for item in found]
    assert kinds == [
        ("SourceRecord", 1),
        ("SkippedRecord", 2),
        ("SkippedRecord", 3),
        ("SkippedRecord", 5),
        ("SourceRecord", 2),
        ("SkippedRecord", 3),
    ]
    skipped = [item for item in found if isinstance(item, SkippedRecord)]
    assert [s.code for s in skipped] == ["unreadable", "unreadable", "no_id", "unreadable"]
    assert "not valid JSON" in skipped[0].reason
    assert "3 cells where the header has 2" in skipped[3].reason


def test_ndjson_lines_end_at_newlines_only(tmp_path: Path) -> None:
    """CRLF ends a line; a bare CR does not (two objects joined by one are one bad line); a
    blank line of spaces and tabs is no record but is counted."""
    text = (
        json.dumps(ADA) + "\r\n"
        + json.dumps(GRACE) + "\r" + json.dumps(ADA) + "\n"
        + " \t \r\n"
        + json.dumps({**GRACE, "external_id": "u3"})
    )  # fmt: skip
    path = write(tmp_path / "u.ndjson", text)

    found = read_all("jsonl", path)

    assert [(type(item).__name__, item.line, item.index) for item in found] == [
        ("SourceRecord", 1, 1),
        ("SkippedRecord", 2, 2),
        ("SourceRecord", 4, 3),
    ]
    assert isinstance(found[1], SkippedRecord) and "not valid JSON" in found[1].reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("shape", ["ndjson", "csv"])
def test_a_file_is_read_once_so_a_pipe_works(tmp_path: Path, shape: str) -> None:
    """A named pipe (``<(zcat users.ndjson.gz)``) can be read only once: past the sniffed
    head, the records come from the same open file."""
    rows = [{**ADA, "external_id": f"u{n}", "first_name": "x" * 1000} for n in range(200)]
    if shape == "ndjson":
        text = "".join(json.dumps(row) + "\n" for row in rows)
    else:
        text = "external_id,first_name\n" + "".join(
            f"{row['external_id']},{row['first_name']}\n" for row in rows
        )
    pipe = tmp_path / "users"
    os.mkfifo(pipe)
    done = threading.Event()

    def feed() -> None:
        try:
            with open(pipe, "w") as writer:
                writer.write(text)
        except BrokenPipeError:  # closed early: each open after it sees the end, not a hang
            while not done.is_set():
                with open(pipe, "w"):
                    pass

    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        found = read_all("csv" if shape == "csv" else "jsonl", pipe)
    finally:
        done.set()
        while feeder.is_alive():  # a feeder waiting in open() for a reader: give it one
            os.close(os.open(pipe, os.O_RDONLY | os.O_NONBLOCK))
            feeder.join(0.01)

    assert [r.source_id for r in found] == [f"u{n}" for n in range(200)]


def test_a_first_line_longer_than_the_sniff_is_still_read(tmp_path: Path) -> None:
    big = {**ADA, "public_metadata": {"blob": "x" * 100_000}}
    path = ndjson(tmp_path / "u.ndjson", [big, GRACE])

    assert [r.source_id for r in records("jsonl", path)] == ["u1", "u2"]


def test_empty_and_blank_files_hold_no_records(tmp_path: Path) -> None:
    assert read_all("jsonl", write(tmp_path / "a", "")) == []
    assert read_all("jsonl", write(tmp_path / "b", "\n \n", gz=True)) == []


def test_whole_file_problems_are_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match=r"missing\.json: cannot be read"):
        read_all("jsonl", tmp_path / "missing.json")
    with pytest.raises(SourceFileError, match="not UTF-8"):
        read_all("csv", _latin1(tmp_path))
    truncated = gzip.compress(json.dumps([ADA, GRACE]).encode())[:-12]
    (tmp_path / "cut.gz").write_bytes(truncated)
    with pytest.raises(SourceFileError, match=r"cut\.gz"):
        read_all("jsonl", tmp_path / "cut.gz")
    broken = write(tmp_path / "broken.json", '[{"external_id": "u1"}, {"external_id": ')
    found: list[object] = []
    with pytest.raises(SourceFileError, match="after record 1"):
        found.extend(read_source("jsonl", [broken]))
    assert [item.source_id for item in found if isinstance(item, SourceRecord)] == ["u1"]


DEEP = 5000  # far beyond the stack of a recursive decoder


def test_nesting_too_deep_for_the_stack_is_an_unreadable_record(tmp_path: Path) -> None:
    nested = '{"a":' * DEEP + "1" + "}" * DEEP
    first = json.dumps(ADA)
    lines = write(tmp_path / "u.ndjson", f'{first}\n{{"external_id": "u1", "x": {nested}}}\n')
    document = write(tmp_path / "u.json", f'[{first}, {{"external_id": "u1", "x": {nested}}}]')
    cell = nested.replace('"', '""')
    header = "external_id,email_address,public_metadata\n"
    rows = write(tmp_path / "u.csv", f'{header}u2,a@b.co,"{cell}"\n')

    _, line = read_all("jsonl", lines)
    assert isinstance(line, SkippedRecord) and (line.code, line.line) == ("unreadable", 2)
    _, element = read_all("jsonl", document)
    assert isinstance(element, SkippedRecord) and element.index == 2
    assert "nested deeper than 128 levels" in element.reason
    (row,) = records("csv", rows)
    assert invalid(row).field == "public_metadata"  # JSON text too deep: not an object


def test_a_long_chain_of_date_wrappers_is_unwrapped(tmp_path: Path) -> None:
    depth = 950  # as deep as an NDJSON line can be, deeper than the stack left to a recursion
    dates = '{"$date":' * depth + '"2021-03-04"' + "}" * depth
    line = f'{{"user_id": "auth0|1", "email": "a@b.co", "created_at": {dates}}}\n'
    dated = write(tmp_path / "d.ndjson", line)

    (user,) = records("auth0", dated)
    assert body(user)["created_at"] == "2021-03-04T00:00:00.000Z"


def _latin1(tmp_path: Path) -> Path:
    path = tmp_path / "latin1.csv"
    path.write_bytes("external_id\n\xe9t\xe9\n".encode("latin-1"))
    return path


def test_unknown_source_and_misplaced_options() -> None:
    with pytest.raises(UnknownSourceError, match="okta"):
        read_source("okta", [])
    with pytest.raises(SourceError, match="password_hashes is for the auth0 or betterauth source"):
        read_source("firebase", [], password_hashes="h.json")
    with pytest.raises(SourceError, match="hash_config is for the firebase source"):
        read_source("auth0", [], hash_config="c.json")
