"""CSV files, read as Clerk's migration tool reads them, and a little more forgiving.

- A line starting with ``#`` outside a quoted cell is a comment, and skipped (Clerk's own sample
  export starts with one).
- The first row is the header, unless the source's CSV has none (Firebase): its column names are
  then given by the source.
- A row with fewer cells than the header has empty trailing cells (exports often leave them out);
  a row with more is unreadable, reported with its line.
- A header that every row is wider than cannot be the header (a title line above it, a file of
  another format): that is one error for the whole file, not one per row.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from clerk_async.migrate.records import SourceFileError

from ._raw import RawItem, Unreadable

__all__ = ["HEADER_EVIDENCE", "CsvLayout", "read_csv"]

#: Rows wider than the header, with none fitting under it, that prove the header wrong.
HEADER_EVIDENCE = 20

_Row = tuple[int, "list[str] | csv.Error"]


@dataclass(frozen=True, slots=True)
class CsvLayout:
    """How a source writes CSV: its column names when the file has no header row, a cell fix-up."""

    fieldnames: Sequence[str] | None = None
    #: A first cell that marks a header row someone added to a header-less format.
    header_marker: str | None = None
    cell: Callable[[str], str] | None = None


class _Uncommented:
    """The file's lines without its comment lines, counting those it skipped."""

    __slots__ = ("_lines", "quoted", "skipped")

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        #: Inside a quoted cell that goes on over the next line (an odd number of quotes so far).
        self.quoted = False
        self.skipped = 0

    def __iter__(self) -> _Uncommented:
        return self

    def __next__(self) -> str:
        while True:
            line = next(self._lines)
            if not self.quoted and line.startswith("#"):
                self.skipped += 1
                continue
            if line.count('"') % 2:
                self.quoted = not self.quoted
            return line


def _rows(lines: _Uncommented) -> Iterator[_Row]:
    """Every non-blank row and the file line it starts on, or csv's error for a row it refused."""
    reader = csv.reader(lines)
    while True:
        before, skipped = reader.line_num + lines.skipped, lines.skipped
        row: list[str] | csv.Error
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            row = error
        lines.quoted = False  # the row ended here, whatever its quotes looked like
        if isinstance(row, list) and not any(cell.strip() for cell in row):
            continue
        yield before + 1 + lines.skipped - skipped, row


def read_csv(name: str, lines: Iterator[str], layout: CsvLayout) -> Iterator[RawItem | Unreadable]:
    """The records of one CSV file (its text ``lines``), in order."""
    header = list(layout.fieldnames) if layout.fieldnames is not None else None
    header_line = 0
    index = 0
    data_seen = False
    #: Rows read before one fitted under the header (while the header is in doubt).
    held: list[_Row] = []
    trusted = False

    def item(line: int, row: list[str] | csv.Error) -> RawItem | Unreadable:
        nonlocal index
        index += 1
        if isinstance(row, csv.Error):
            return Unreadable(name, line, index, f"the row is not valid CSV ({row})")
        assert header is not None
        if len(row) > len(header):
            reason = f"the row has {len(row)} cells where the header has {len(header)}"
            return Unreadable(name, line, index, reason)
        if layout.cell is not None:
            row = [layout.cell(cell) for cell in row]
        row += [""] * (len(header) - len(row))
        return RawItem(name, line, index, dict(zip(header, row, strict=True)))

    for line, row in _rows(_Uncommented(lines)):
        if header is None and isinstance(row, list):
            header, header_line = [cell.strip() for cell in row], line
            continue
        if not data_seen and isinstance(row, list) and row[:1] == [layout.header_marker]:
            continue  # a header row added to a format that has none
        data_seen = True
        if trusted:
            yield item(line, row)
            continue
        held.append((line, row))
        if isinstance(row, list) and header is not None and len(row) <= len(header):
            trusted = True
            for waiting in held:
                yield item(*waiting)
            held.clear()
        elif sum(isinstance(cells, list) for _, cells in held) >= HEADER_EVIDENCE:
            raise _wrong_header(name, header or [], header_line, held)
    if any(isinstance(cells, list) for _, cells in held):
        raise _wrong_header(name, header or [], header_line, held)
    for waiting in held:
        yield item(*waiting)


def _wrong_header(name: str, header: list[str], line: int, rows: list[_Row]) -> SourceFileError:
    found = sorted({len(cells) for _, cells in rows if isinstance(cells, list)})
    widths = ", ".join(str(width) for width in found)
    if not line:  # the source's own column names: the file is not its CSV export
        return SourceFileError(
            f"{name}: its rows have {widths} cells, more than the {len(header)} columns of this "
            "source's CSV export: is --from right?"
        )
    return SourceFileError(
        f"{name}: line {line} has {len(header)} cell(s), and every row after it has more "
        f"({widths}): it cannot be the header row (is there a title line above the header?)"
    )
