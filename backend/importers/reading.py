"""Reading import files: UTF-8 with or without BOM, exact headers, typed cells, problems with their line.

Every problem is recorded, not raised, so one run reports all of a file's mistakes. A message reads
"customers.csv line 7, credit_limit '1.000.000': <what is wrong>; <how to fix it>".
"""
from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from backend.money import KNOWN_CURRENCIES

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z")
_INTEGER = re.compile(r"[+-]?\d+\Z")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")
_BOOLEANS = {"true": True, "false": False}
MAX_INTEGER = 2**31 - 1
# Money is stored at 4 decimals in a signed 64-bit integer on SQLite: keep well inside that range.
MAX_AMOUNT = Decimal(10) ** 14
_KNOWN_CURRENCY_LIST = ", ".join(sorted(KNOWN_CURRENCIES))
_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(9)}


def _clip(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


class Problems:
    """Every problem found in one import run, in the order found."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __len__(self) -> int:
        return len(self.messages)

    def at(self, file: str, line: int, column: str, value: object, message: str) -> None:
        shown = f" '{_clip(str(value))}'" if value not in (None, "") else ""
        self.messages.append(f"{file} line {line}, {column}{shown}: {message}")

    def on_line(self, file: str, line: int, message: str) -> None:
        self.messages.append(f"{file} line {line}: {message}")

    def in_file(self, file: str, message: str) -> None:
        self.messages.append(f"{file}: {message}")


@dataclass
class CsvTable:
    """One file's header (known column -> position) and its non-blank records with their first physical line."""

    file: str
    header: dict[str, int]
    records: list[tuple[int, dict[str, str]]]  # (line, column -> stripped cell)
    complete: bool  # False when a required column is missing: the rows cannot be checked

    def rows(self, problems: Problems, tz: ZoneInfo) -> Iterator["Row"]:
        context = _RowContext(self.file, self.header, problems, tz)
        for line, values in self.records:
            yield Row(context, line, values)


def read_table(path: Path, columns: tuple[str, ...], required: frozenset[str], problems: Problems) -> CsvTable | None:
    """Decode and split one file; header problems are recorded, and None means nothing in it is usable."""
    name = path.name
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.in_file(name, f"line {line} is not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as 'CSV UTF-8'")
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header_cells = next(reader, None)
        if not header_cells or not any(cell.strip() for cell in header_cells):
            problems.in_file(name, "the first line must be the header (column names); "
                                   "the file is empty or starts with a blank line")
            return None
        names = [cell.strip() for cell in header_cells]
        header, complete = _check_header(name, names, columns, required, problems)
        records: list[tuple[int, dict[str, str]]] = []
        width = len(names)
        previous = reader.line_num
        for cells in reader:
            line = previous + 1
            previous = reader.line_num
            stripped = list(map(str.strip, cells))
            if not any(stripped):
                continue
            if len(stripped) != width:
                problems.on_line(name, line, f"{len(stripped)} cells but the header has {width}; "
                                             "put double quotes around values that contain commas")
                continue
            records.append((line, dict(zip(names, stripped))))
    except csv.Error as exc:
        problems.on_line(name, reader.line_num, f"cannot be read as CSV ({exc}); check the quotes on this line")
        return None
    return CsvTable(name, header, records, complete)


def _check_header(name: str, cells: list[str], columns: tuple[str, ...], required: frozenset[str],
                  problems: Problems) -> tuple[dict[str, int], bool]:
    header: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if cell in header:
            problems.at(name, 1, "column", cell, "appears twice in the header; keep one of them")
        elif cell in columns:
            header[cell] = index
        elif not cell:
            problems.at(name, 1, "column", f"#{index + 1}", "has no name; name it or delete the empty column")
        else:
            problems.at(name, 1, "column", cell, f"unknown column{_suggestion(cell, columns)}; "
                                                 f"{name} takes: {', '.join(columns)}")
    if len(cells) == 1 and any(separator in cells[0] for separator in ";\t|"):
        problems.on_line(name, 1, "the header looks separated by something other than commas; "
                                  "save the file as CSV with commas")
    missing = [column for column in columns if column in required and column not in header]
    for column in missing:
        problems.at(name, 1, "column", column, "required column is missing; add it to the header")
    return header, not missing


def _suggestion(value: str, choices) -> str:
    close = difflib.get_close_matches(value.lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _RowContext:
    __slots__ = ("file", "header", "problems", "tz")

    def __init__(self, file: str, header: dict[str, int], problems: Problems, tz: ZoneInfo):
        self.file, self.header, self.problems, self.tz = file, header, problems, tz


class Row:
    """One record; each typed getter returns None for an empty or absent cell and records what is wrong."""

    __slots__ = ("_context", "line", "_values", "ok")

    def __init__(self, context: _RowContext, line: int, values: dict[str, str]):
        self._context = context
        self.line = line
        self._values = values
        self.ok = True

    def has(self, column: str) -> bool:
        """Whether the file has this column at all (an absent column leaves existing values alone)."""
        return column in self._context.header

    def raw(self, column: str) -> str | None:
        """The stripped cell, or None when it is empty or the file has no such column."""
        return self._values.get(column) or None

    def fail(self, column: str, value: object, message: str) -> None:
        self.ok = False
        self._context.problems.at(self._context.file, self.line, column, value, message)

    def _missing(self, column: str, required: bool) -> None:
        if required:
            self.fail(column, None, "is required but empty; fill it in")

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str | None:
        value = self.raw(column)
        if value is None:
            self._missing(column, required)
            return None
        if max_length is not None and len(value) > max_length:
            self.fail(column, value, f"is {len(value)} characters long; shorten it to at most {max_length}")
            return None
        return value

    def email(self, column: str, *, max_length: int = 254) -> str | None:
        value = self.text(column, max_length=max_length)
        if value is not None and not _EMAIL.match(value):
            self.fail(column, value, "is not an e-mail address; write it like name@example.com or leave it empty")
            return None
        return value

    def decimal(self, column: str, *, required: bool = False, minimum: Decimal | int | None = None,
                maximum: Decimal | int | None = None, positive: bool = False, places: int = 4,
                unit: str = "") -> Decimal | None:
        """A plain decimal (dot for decimals, no thousands separators); `unit` names why places is limited."""
        value = self.raw(column)
        if value is None:
            self._missing(column, required)
            return None
        if not _DECIMAL.match(value):
            self.fail(column, value, "is not a plain number; write it like 1250000 or 19.90 "
                                     "(a dot for decimals, no thousands separators or currency signs)")
            return None
        number = Decimal(value)
        if abs(number) >= MAX_AMOUNT:
            self.fail(column, value, f"is too large; amounts must stay below {MAX_AMOUNT:,}")
            return None
        dot = value.find(".")
        if dot >= 0 and len(value) - dot - 1 > places and number != number.quantize(_QUANTUM[places]):
            where = f" for {unit}" if unit else ""
            self.fail(column, value, f"has more than {places} decimal places{where}; round it")
            return None
        if positive and number <= 0:
            self.fail(column, value, "must be greater than 0")
            return None
        if minimum is not None and number < minimum:
            self.fail(column, value, f"must be at least {minimum}")
            return None
        if maximum is not None and number > maximum:
            self.fail(column, value, f"must be at most {maximum}")
            return None
        return number

    def integer(self, column: str, *, required: bool = False, minimum: int | None = None,
                maximum: int = MAX_INTEGER) -> int | None:
        value = self.raw(column)
        if value is None:
            self._missing(column, required)
            return None
        if not _INTEGER.match(value):
            self.fail(column, value, "is not a whole number; write it like 12")
            return None
        number = int(value)
        if minimum is not None and number < minimum:
            self.fail(column, value, "must be a positive whole number" if minimum == 1 else f"must be at least {minimum}")
            return None
        if number > maximum:
            self.fail(column, value, f"must be at most {maximum}")
            return None
        return number

    def date(self, column: str, *, required: bool = False) -> date | None:
        value = self.raw(column)
        if value is None:
            self._missing(column, required)
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(column, value, "is not a date; write it as YYYY-MM-DD (ISO 8601), e.g. 2026-03-14")
            return None

    def moment(self, column: str, *, required: bool = False) -> datetime | None:
        """An ISO 8601 date-time; without an offset it is company time. Returned in UTC."""
        value = self.raw(column)
        if value is None:
            self._missing(column, required)
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(column, value, "is not a date-time; write it as ISO 8601, e.g. 2026-03-14T09:30 (company time) "
                                     "or 2026-03-14T09:30:00+07:00")
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self._context.tz)
        return moment.astimezone(timezone.utc)

    def boolean(self, column: str) -> bool | None:
        value = self.raw(column)
        if value is None:
            return None
        flag = _BOOLEANS.get(value.lower())
        if flag is None:
            self.fail(column, value, "is not a boolean; write true or false")
        return flag

    def choice(self, column: str, choices: tuple[str, ...], *, required: bool = False) -> str | None:
        value = self.raw(column)
        if value is None:
            self._missing(column, required)
            return None
        folded = value.lower()
        if folded not in choices:
            self.fail(column, value, f"is not allowed{_suggestion(folded, choices)}; use one of {', '.join(choices)}")
            return None
        return folded

    def currency(self, column: str, *, required: bool = False) -> str | None:
        value = self.raw(column)
        if value is None:
            self._missing(column, required)
            return None
        code = value.upper()
        if code not in KNOWN_CURRENCIES:
            self.fail(column, value, f"is not a known currency; use a 3-letter ISO 4217 code ({_KNOWN_CURRENCY_LIST})")
            return None
        return code

    def timezone(self, column: str) -> str | None:
        value = self.raw(column)
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(column, value, "is not a time zone; use an IANA name such as Asia/Ho_Chi_Minh or UTC")
            return None
        return value
