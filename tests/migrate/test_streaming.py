"""Readers stream: memory stays flat whatever the file size (bounds generous, never timed).

Each file is read in a fresh interpreter that reports its peak resident memory, so what is
measured is the whole process (gzip, msgspec, ijson buffers included) and nothing earlier in the
test session can hide it; a small file of the same shape gives the baseline.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

# Holding 200k records at once would take well over 200 MB, 50k array items well over 50 MB.
GROWTH_BOUND = 24 * 1024 * 1024
_READ_AND_REPORT_PEAK = """
import resource, sys
from clerk_async.migrate.mapping import map_record
from clerk_async.migrate.readers import read_source
source, path, then_map = sys.argv[1], sys.argv[2], sys.argv[3] == "map"
count = 0
for record in read_source(source, [path]):
    count += 1
    if then_map:
        map_record(record)
print(count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def _peak_rss(source: str, path: Path, *, then_map: bool = False) -> tuple[int, int]:
    result = subprocess.run(
        [sys.executable, "-c", _READ_AND_REPORT_PEAK, source, str(path), "map" if then_map else ""],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    count, peak = result.stdout.split()
    return int(count), int(peak)


def _jsonl_gz(path: Path, lines: int) -> Path:
    with gzip.open(path, "wt", compresslevel=1) as file:
        for number in range(lines):
            file.write(f'{{"external_id":"u{number}","email_address":["u{number}@example.com"]}}\n')
    return path


def _auth0_array(path: Path, count: int) -> Path:
    with path.open("w") as file:
        file.write("[\n")
        for number in range(count):
            user = {
                "user_id": f"auth0|{number:024x}",
                "email": f"user{number}@example.com",
                "email_verified": number % 3 != 0,
                "name": f"User Number{number}",
                "created_at": "2021-03-04T05:06:07.890Z",
                "user_metadata": {"plan": "pro", "seats": number % 7},
            }
            file.write(("," if number else "") + json.dumps(user, indent=2) + "\n")
        file.write("]\n")
    return path


def test_a_200k_line_gz_ndjson_file_reads_in_flat_memory(tmp_path: Path) -> None:
    small = _peak_rss("jsonl", _jsonl_gz(tmp_path / "small.jsonl.gz", 1_000))
    big = _peak_rss("jsonl", _jsonl_gz(tmp_path / "big.jsonl.gz", 200_000))

    assert (small[0], big[0]) == (1_000, 200_000)
    growth = big[1] - small[1]
    assert growth < GROWTH_BOUND, f"peak grew by {growth / 2**20:.1f} MiB"


def test_a_pretty_json_array_reads_and_maps_in_flat_memory(tmp_path: Path) -> None:
    small = _peak_rss("auth0", _auth0_array(tmp_path / "small.json", 500), then_map=True)
    big = _peak_rss("auth0", _auth0_array(tmp_path / "big.json", 50_000), then_map=True)

    assert (small[0], big[0]) == (500, 50_000)
    growth = big[1] - small[1]
    assert growth < GROWTH_BOUND, f"peak grew by {growth / 2**20:.1f} MiB"
