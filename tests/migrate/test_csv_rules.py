"""CSV as Clerk's own tool reads it: comment lines, short rows, a header that cannot be right; a
wrong ``--from`` and an empty input said once, for the file."""

from __future__ import annotations

import json
from pathlib import Path

import bcrypt
import pytest

from clerk_async.migrate.readers._common import ID_EVIDENCE
from clerk_async.migrate.readers._csv import HEADER_EVIDENCE
from clerk_async.migrate.records import SkippedRecord, SourceFileError, SourceRecord

from .support import body, read_all, records, write

CLERK_HEADER = (
    "id,first_name,last_name,username,primary_email_address,primary_phone_number,"
    "verified_email_addresses,unverified_email_addresses,verified_phone_numbers,"
    "unverified_phone_numbers,totp_secret,password_digest,password_hasher"
)
DIGEST = bcrypt.hashpw(b"sample password", bcrypt.gensalt(4)).decode()


def clerk_sample(rows: int) -> str:
    """The shape of Clerk's samples/clerk.csv: a comment line, the 13-column header, then users
    with a password (13 cells) and without one, some rows leaving out their empty last cell."""
    lines = ["# Password for users with passwords: sample password", CLERK_HEADER]
    for index in range(rows):
        cells = [f"user_2sample{index:03d}", "Jane", "Doe", "", f"jane{index}@example.com", "",
                 f"jane{index}@example.com", "", "", "", ""]  # fmt: skip
        if index % 3 == 0:
            cells += [DIGEST, "bcrypt"]  # 13 cells
        elif index % 3 == 1:
            cells += [""]  # 12: the trailing empty cell left out
        else:
            cells += ["", ""]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def test_clerks_sample_shape_reads_every_row(tmp_path: Path) -> None:
    found = records("clerk", write(tmp_path / "clerk.csv", clerk_sample(70)))

    assert len(found) == 70
    assert [record.line for record in found[:3]] == [3, 4, 5]  # the file's own line numbers
    with_password = body(found[0])
    assert (with_password["password_digest"], with_password["password_hasher"]) == (
        DIGEST,
        "bcrypt",
    )
    short = found[1]
    assert short.fields["password_hasher"] == ""  # the left-out cell reads as empty
    assert "password_digest" not in body(short)


def test_comment_lines_anywhere_but_inside_a_quoted_cell(tmp_path: Path) -> None:
    text = (
        "# exported 2024-01-02\n"
        "external_id,first_name,email_address\n"
        "# a note between rows\n"
        'u1,"first line\n# not a comment: inside the quotes",u1@example.com\n'
        "#u2,skipped,u2@example.com\n"
        "u3,Ada,u3@example.com\n"
    )
    found = records("csv", write(tmp_path / "u.csv", text))

    assert [(r.source_id, r.line) for r in found] == [("u1", 4), ("u3", 7)]
    assert found[0].fields["first_name"] == "first line\n# not a comment: inside the quotes"


def test_a_row_with_more_cells_than_the_header_is_one_record_error(tmp_path: Path) -> None:
    text = "external_id,email_address\nu1,u1@example.com\nu2,u2@example.com,extra\nu3\n"
    found = read_all("csv", write(tmp_path / "u.csv", text))

    assert [type(item).__name__ for item in found] == ["SourceRecord", "SkippedRecord",
                                                       "SourceRecord"]  # fmt: skip
    wide = found[1]
    assert isinstance(wide, SkippedRecord) and wide.line == 3
    assert "3 cells where the header has 2" in wide.reason
    short = found[2]
    assert isinstance(short, SourceRecord) and short.fields == {"external_id": "u3",
                                                                "email_address": ""}  # fmt: skip


@pytest.mark.parametrize("rows", [1, 5, HEADER_EVIDENCE + 5])
def test_a_header_every_row_is_wider_than_is_one_file_error(tmp_path: Path, rows: int) -> None:
    text = "Users of Acme, exported by hand\n" + "".join(
        f"user_{i},Jane,Doe,,jane{i}@example.com\n" for i in range(rows)
    )
    expected = r"u\.csv: line 1 has 2 cell\(s\).*cannot be the header"
    with pytest.raises(SourceFileError, match=expected):
        read_all("clerk", write(tmp_path / "u.csv", text))


def test_rows_wider_than_a_headerless_format_are_one_file_error(tmp_path: Path) -> None:
    supabase_rows = "".join(",".join(["x"] * 35) + "\n" for _ in range(3))
    with pytest.raises(SourceFileError, match=r"35 cells, more than the 29 columns.*--from"):
        read_all("firebase", write(tmp_path / "users.csv", supabase_rows))


def authjs_users(count: int) -> list[dict[str, object]]:
    return [
        {"id": index, "name": "Ada Lovelace", "email": f"ada{index}@example.com",
         "emailVerified": None, "image": None}
        for index in range(count)
    ]  # fmt: skip


@pytest.mark.parametrize("count", [3, ID_EVIDENCE, 2 * ID_EVIDENCE])
def test_a_wrong_from_is_said_once_with_what_the_file_looks_like(
    tmp_path: Path, count: int
) -> None:
    path = write(tmp_path / "users.json", json.dumps(authjs_users(count)))

    with pytest.raises(SourceFileError) as raised:
        read_all("auth0", path)

    message = str(raised.value)
    assert "not one has user_id" in message
    assert "id, name, email, emailVerified, image" in message
    assert "--from authjs" in message


def test_a_few_records_without_an_id_among_good_ones_are_record_errors(tmp_path: Path) -> None:
    users = [{"email": "nobody@example.com"}] * 3 + [{"user_id": "auth0|1", "email": "a@b.co"}]
    found = read_all("auth0", write(tmp_path / "u.json", json.dumps(users)))

    assert [getattr(item, "code", "record") for item in found] == ["no_id"] * 3 + ["record"]


def test_an_empty_input_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from clerk_async.migrate.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)
    empty = write(tmp_path / "empty.csv", "external_id,email_address\n")
    full = write(tmp_path / "full.jsonl", '{"external_id": "u1", "email_address": ["a@b.co"]}\n')

    assert main(["import", "--from", "csv", "--dry-run", str(empty)]) == 0
    out = capsys.readouterr().out
    assert f"warning   {empty} holds no records" in out
    assert "the input holds no records" in out

    assert main(["import", "--from", "jsonl", "--dry-run", str(full), str(empty)]) == 0
    out = capsys.readouterr().out
    assert f"warning   {empty} holds no records" in out
    assert "the input holds no records" not in out
