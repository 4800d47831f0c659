"""Clerk's Dashboard CSV: |- or ,-joined multi-values, statuses kept, not promoted."""

from __future__ import annotations

from pathlib import Path

import bcrypt

from .support import body, records, write

HEADER = (
    "id,first_name,last_name,username,primary_email_address,primary_phone_number,"
    "verified_email_addresses,unverified_email_addresses,verified_phone_numbers,"
    "unverified_phone_numbers,totp_secret,password_digest,password_hasher\n"
)
DIGEST = bcrypt.hashpw(b"x", bcrypt.gensalt(4)).decode()


def test_dashboard_export(tmp_path: Path) -> None:
    rows = (
        f"user_2abc,Ada,Lovelace,ada_l,ada@example.com,+14155550101,"
        f"ada@example.com|ada@work.example,old@example.com,+14155550101,,JBSWY3DPEHPK3PXP,{DIGEST},bcrypt\n"
        'user_2def,Grace,,,grace@example.com,,"grace@example.com,g@navy.example",'
        '"grace@example.com",,"+14155550102,+14155550103",,,\n'
    )
    ada, grace = records("clerk", write(tmp_path / "export.csv", HEADER + rows))

    sent = body(ada)
    assert sent["email_address"] == ["ada@example.com", "ada@work.example", "old@example.com"]
    assert sent["email_address_identification_status"] == ["verified", "verified", "reserved"]
    assert sent["phone_number"] == ["+14155550101"]
    assert sent["totp_secret"] == "JBSWY3DPEHPK3PXP"
    assert (sent["password_digest"], sent["password_hasher"]) == (DIGEST, "bcrypt")
    assert sent["external_id"] == "user_2abc"

    other = body(grace)
    # Listed both verified and unverified: verified wins; phones listed unverified stay reserved.
    assert other["email_address"] == ["grace@example.com", "g@navy.example"]
    assert other["email_address_identification_status"] == ["verified", "verified"]
    assert other["phone_number_identification_status"] == ["reserved", "reserved"]


def test_unverified_primary_is_not_promoted(tmp_path: Path) -> None:
    row = "user_3,,,,new@example.com,,,new@example.com,,,,,\n"
    (record,) = records("clerk", write(tmp_path / "e.csv", HEADER + row))

    assert body(record)["email_address_identification_status"] == ["reserved"]
