"""Seizure spreadsheets (CSV or Excel) to checked ``Seizure`` lines, with reasons for the rest.

Columns are matched by name, in several languages, ignoring case, spaces and accents
(``Quantité``, ``cantidad``, ``数量`` and ``qty`` are all the quantity), and by the
user's ``--map column=field``. A row that cannot be read is rejected with its file, row
number (the header is row 1, as a spreadsheet shows it) and the reason; the good rows go on.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from wildtrace.collect.tabular import ReadOptions, Row, guard_formula, is_excel, read_table
from wildtrace.collect.tabular import parse_mapping as parse_column_mapping
from wildtrace.errors import InputError, WildTraceError
from wildtrace.ops.commodities import (
    OTHER,
    commodity_from_name,
    commodity_from_species,
    commodity_from_term,
    trade_term,
)
from wildtrace.ops.countries import country_code
from wildtrace.ops.dates import DateError, DateOrder, order_evidence, parse_date
from wildtrace.ops.model import OUTCOME_KINDS, Outcome, RejectedRow, Seizure, Suspect, transport_mode
from wildtrace.ops.sheet_columns import FIELD_ALIASES, outcome_words
from wildtrace.ops.units import canonical, fold, parse_number, parse_unit, split_quantity

FIELDS = tuple(FIELD_ALIASES)

_FOLDED_ALIASES: dict[str, str] = {}
for _field, _aliases in FIELD_ALIASES.items():
    for _alias in (_field, _field.replace("_", " "), *_aliases):
        _FOLDED_ALIASES.setdefault(fold(_alias), _field)

_LIST_SPLIT = re.compile(r"\s*(?:;|\||\n|->|→|>)\s*")
_ROUTE_SPLIT = re.compile(r"\s*(?:;|,|\||\n|->|→|>|/)\s*")
_SUSPECT = re.compile(r"^(?P<name>[^()\[\]]+?)\s*(?:[(\[](?P<inside>[^)\]]*)[)\]])?$")
_COMPANY_WORDS = re.compile(
    r"(?:\b(?:ltd|limited|co|company|corp|corporation|inc|llc|sarl|sa|gmbh|pte|bhd|plc|pt|cv|trading|"
    r"import|export|logistics|cong ty)\b|公司)",
    re.IGNORECASE,
)
_CURRENCY = re.compile(r"(?i)^\s*(?:us\s*\$|usd|\$)?\s*(.*?)\s*(?:usd|us\$|\$)?\s*$")
_OUTCOMES = {fold(word): kind for word, kind in outcome_words().items()}


#: ``Seizure.extra`` key of a transport mode the aliases do not know (stored as ``other``).
GIVEN_TRANSPORT = "transport_mode (as given)"
#: ``Seizure.extra`` key of a CITES trade term not in the CITES list, on a row that names
#: its commodity or species (stored without a trade term).
GIVEN_TRADE_TERM = "trade_term (as given)"
#: (extra key, field) of the descriptive values kept as given, listed in the summary.
GIVEN = ((GIVEN_TRANSPORT, "transport_mode"), (GIVEN_TRADE_TERM, "trade_term"))


class RowError(WildTraceError, ValueError):
    """A row that cannot be imported; the message is the reject reason."""


@dataclass(frozen=True, slots=True)
class ImportedRow:
    """A good row: the seizure line and where it was read."""

    seizure: Seizure
    file: str
    row: int


@dataclass(slots=True)
class ReadResult:
    """What a file gave: its good rows, its rejected rows, and the columns it had."""

    rows: list[ImportedRow] = field(default_factory=list)
    rejects: list[RejectedRow] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    date_order: DateOrder = "auto"
    #: Rows (their numbers) from which characters no database can store (NUL) were removed.
    cleaned: list[int] = field(default_factory=list)
    #: (field, value as given) -> rows: descriptive values kept as given that the tables lack
    unmapped: dict[tuple[str, str], int] = field(default_factory=dict)


def parse_mapping(items: Sequence[str]) -> dict[str, str]:
    """``["qty=quantity", "Pays saisie=country"]`` -> folded column name -> field
    (MappingError, a ValueError, naming the fields for a bad entry)."""
    return parse_column_mapping(items, FIELDS, fold)


def match_columns(header: Sequence[str], mapping: Mapping[str, str] | None = None) -> dict[int, str]:
    """Column index -> canonical field, for the columns WildTrace recognises."""
    chosen: dict[int, str] = {}
    taken: set[str] = set()
    for index, name in enumerate(header):
        key = fold(name)
        target = (mapping or {}).get(key)
        if target is None:
            target = _FOLDED_ALIASES.get(key) or _FOLDED_ALIASES.get(key.replace("_", " "))
        if target is not None and target not in taken:
            chosen[index] = target
            taken.add(target)
    return chosen


# -- reading files ---------------------------------------------------------------------------


def read_rows(
    path: Path, sheet: str | None = None, encoding: str | None = None
) -> tuple[list[str], Iterator[Row], bool]:
    """The header, the rows and whether it is a rejects file read back, of a CSV or Excel
    file, through the one tabular reader (``collect.tabular``) that ``scan`` uses too."""
    try:
        table = read_table(path, ReadOptions(encoding=encoding, sheet=sheet))
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    if not table.header:
        raise InputError(str(path), "the sheet is empty" if is_excel(path) else "the file is empty")
    return table.header, table.rows, table.rejects_file


# -- reading one row ------------------------------------------------------------------------


def _text(value: object) -> str:
    """A cell as text, spaces collapsed and NUL removed (PostgreSQL refuses NUL in text,
    SQLite keeps it: one rule for both; the tabular reader counts such rows)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).replace("\x00", "").split())


def _country(value: str, what: str) -> str:
    code = country_code(value)
    if code is None:
        raise RowError(f"unknown {what} {value!r}")
    return code


def _float(value: object, what: str) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = _text(value)
    if not text:
        return None
    number = parse_number(text)
    if number is None:
        raise RowError(f"{what} {text!r} is not a number")
    return number


def _suspects(text: str) -> tuple[tuple[Suspect, ...], int]:
    if not text:
        return (), 0
    count = parse_number(text)
    if count is not None:
        if count < 0 or not count.is_integer():
            raise RowError(f"suspects {text!r}: a count must be a whole number, 0 or more")
        return (), int(count)
    found: dict[str, Suspect] = {}
    for entry in _LIST_SPLIT.split(text):
        if not entry:
            continue
        match = _SUSPECT.match(entry)
        if match is None:
            raise RowError(f"suspect {entry!r}: write Name (nationality, role)")
        name = " ".join(match.group("name").split())
        kind = "company" if _COMPANY_WORDS.search(name) else "person"
        nationality = role = None
        for part in (match.group("inside") or "").split(","):
            part = part.strip()
            if not part:
                continue
            if fold(part) in ("company", "person", "societe", "empresa", "公司", "cong ty"):
                kind = "person" if fold(part) == "person" else "company"
            elif nationality is None and (code := country_code(part)) is not None:
                nationality = code
            else:
                role = part if role is None else f"{role}, {part}"
        found[name] = Suspect(name, kind, nationality, role)
    return tuple(found.values()), 0


def _outcomes(text: str, order: DateOrder) -> tuple[Outcome, ...]:
    outcomes: list[Outcome] = []
    for entry in _LIST_SPLIT.split(text):
        if not entry:
            continue
        words = entry.split()
        kind = None
        for length in (3, 2, 1):
            kind = _OUTCOMES.get(fold(" ".join(words[:length])))
            if kind is not None:
                words = words[length:]
                break
        if kind is None or not words:
            raise RowError(
                f"outcome {entry!r}: write KIND DATE [detail], KIND one of {', '.join(OUTCOME_KINDS)}"
            )
        try:
            when = parse_date(words[0], order)
        except DateError as exc:
            raise RowError(f"outcome {entry!r}: {exc}") from None
        detail = " ".join(words[1:]) or None
        outcomes.append(Outcome(kind, when, detail))
    return tuple(outcomes)


def _value(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number: float | None = float(value)
    else:
        text = _text(value)
        if not text:
            return None
        inner = _CURRENCY.match(text)
        number = parse_number(inner.group(1) if inner else text)
        if number is None:
            raise RowError(f"value_usd {text!r} is not an amount in US dollars")
    if number is not None and number < 0:
        raise RowError(f"negative value_usd {number:g}")
    return number


def convert_row(cells: Mapping[str, object], order: DateOrder = "auto", today: date | None = None) -> Seizure:
    """One row (canonical field -> cell) as a checked Seizure; RowError says why not."""
    text = {name: _text(value) for name, value in cells.items()}
    raw_date = cells.get("date")
    if raw_date in (None, ""):
        raise RowError("date missing")
    try:
        seized_on = parse_date(
            raw_date if isinstance(raw_date, date | datetime | int | float) else text["date"], order, today
        )
    except DateError as exc:
        raise RowError(str(exc)) from None
    if not text.get("country"):
        raise RowError("country missing")
    country = _country(text["country"], "country")

    extra = {name: value for name, value in text.items() if name.startswith("x:") and value}
    term = None
    if text.get("trade_term"):
        term = trade_term(text["trade_term"])
        if term is None:
            if not (text.get("commodity") or text.get("species")):
                raise RowError(
                    f"unknown CITES trade term {text['trade_term']!r} (and no commodity or species)"
                )
            # descriptive when the commodity is named: keep the row and the text as given
            extra[GIVEN[1][0]] = text["trade_term"]
    commodity = None
    if text.get("commodity"):
        commodity = commodity_from_name(text["commodity"])
        if commodity is None and (code := trade_term(text["commodity"])) is not None:
            term = term or code
    species = text.get("species") or None
    commodity = (
        commodity
        or (commodity_from_species(species) if species else None)
        or (commodity_from_term(term) if term else None)
    )
    if commodity is None:
        if not (text.get("commodity") or species or term):
            raise RowError("commodity missing (give a commodity, species or CITES trade term)")
        commodity = OTHER

    quantity_text, unit_text = text.get("quantity", ""), text.get("unit", "")
    raw_quantity = cells.get("quantity")
    if quantity_text and not unit_text and not isinstance(raw_quantity, int | float):
        quantity_text, unit_text = split_quantity(quantity_text)
    quantity = _float(raw_quantity if isinstance(raw_quantity, int | float) else quantity_text, "quantity")
    amounts: dict[str, float | None] = {"kg": None, "m3": None, "pieces": None, "live": None}
    if quantity is not None:
        if quantity < 0:
            raise RowError(f"negative quantity {quantity:g}")
        if quantity == 0:
            raise RowError("quantity is zero")
        if not unit_text:
            raise RowError("unit missing for the quantity")
        unit = parse_unit(unit_text, country)
        if unit is None and (code := trade_term(unit_text)) == "LIV":
            unit = parse_unit("live")
        if unit is None:
            raise RowError(f"unknown unit {unit_text!r}")
        live = term == "LIV" or commodity.startswith("live_")
        measure, amount = canonical(quantity, unit, live=live)
        amounts[measure] = amount
    elif unit_text and parse_unit(unit_text) is None:
        raise RowError(f"unknown unit {unit_text!r}")

    latitude = _float(cells.get("latitude"), "latitude")
    longitude = _float(cells.get("longitude"), "longitude")
    if latitude is not None and not -90 <= latitude <= 90:
        raise RowError(f"latitude {latitude:g} out of range (-90 to 90)")
    if longitude is not None and not -180 <= longitude <= 180:
        raise RowError(f"longitude {longitude:g} out of range (-180 to 180)")

    mode = None
    if text.get("transport_mode"):
        mode = transport_mode(text["transport_mode"])
        if mode is None:
            # a descriptive column: keep the row, the text as given, and count it as unmapped
            mode = "other"
            extra[GIVEN[0][0]] = text["transport_mode"]
    origin = _country(text["origin"], "origin country") if text.get("origin") else None
    destination = _country(text["destination"], "destination country") if text.get("destination") else None
    transit = tuple(
        _country(part, "transit country") for part in _ROUTE_SPLIT.split(text.get("transit", "")) if part
    )
    suspects, unnamed = _suspects(text.get("suspects", ""))
    outcomes = _outcomes(text.get("outcomes", ""), order)
    if outcomes and not suspects:
        raise RowError("outcomes given without named suspects")
    return Seizure(
        seized_on=seized_on,
        country=country,
        commodity=commodity,
        reference=text.get("reference") or None,
        agency=text.get("agency") or None,
        location=text.get("location") or None,
        latitude=latitude,
        longitude=longitude,
        detection_point=text.get("detection_point") or None,
        transport_mode=mode,
        origin=origin,
        transit=transit,
        destination=destination,
        concealment=text.get("concealment") or None,
        species=species,
        trade_term=term,
        quantity=quantity,
        unit=unit_text or None,
        kg=amounts["kg"],
        m3=amounts["m3"],
        pieces=amounts["pieces"],
        live=amounts["live"],
        value_usd=_value(cells.get("value_usd")),
        suspects=suspects,
        unnamed_suspects=unnamed,
        outcomes=outcomes,
        listings=tuple(part for part in re.split(r"[\s;,|]+", text.get("listings", "")) if part),
        accounts=tuple(
            part for part in _ROUTE_SPLIT.split(text.get("accounts", "").replace("/", " ")) if part
        ),
        extra=dict(sorted(extra.items())),
    )


def read_seizures(
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    date_order: DateOrder = "auto",
    today: date | None = None,
    encoding: str | None = None,
) -> ReadResult:
    """Every row of a seizure file, checked: good rows as Seizures, the others rejected.

    A rejects file written by ``write_rejects`` and fixed by hand reads back as the rows it
    holds: its ``file, row, reason`` columns are left out and the formula guards undone.
    """
    header, rows, rejects_file = read_rows(path, sheet, encoding)
    skipped = {0, 1, 2} if rejects_file else set()
    named = [name if index not in skipped else "" for index, name in enumerate(header)]
    columns = match_columns(named, mapping)
    present = set(columns.values())
    missing = [name for name in ("date", "country") if name not in present]
    if not present & {"commodity", "species", "trade_term"}:
        missing.append("commodity (or species or trade_term)")
    if missing:
        shown = ", ".join(repr(name) for name in header)
        raise InputError(
            str(path),
            f"no column for {', '.join(missing)} in the header ({shown}); "
            "rename the column or pass --map COLUMN=FIELD",
            1,
        )
    unknown = {
        index: f"x:{name}"
        for index, name in enumerate(named)
        if index not in columns and name and name != f"column {index + 1}"
    }
    result = ReadResult(header=header, columns={header[i]: name for i, name in columns.items()})
    materialised = list(rows)
    order = date_order
    if order == "auto":
        date_index = next(index for index, name in columns.items() if name == "date")
        order = order_evidence(
            str(row.cells[date_index])
            for row in materialised
            if not row.problem and date_index < len(row.cells) and isinstance(row.cells[date_index], str)
        )
    result.date_order = order
    file = str(path)

    def raw(row: Row) -> dict[str, str]:
        shown = {
            header[i] if i < len(header) else f"column {i + 1}": _text(cell)
            for i, cell in enumerate(row.cells)
            if i not in skipped
        }
        return shown or ({"row": row.raw} if row.raw else {})

    for row in materialised:
        number, cells = row.line, row.cells
        if row.problem:
            result.rejects.append(RejectedRow(file, number, row.problem, raw(row)))
            continue
        if len(cells) > len(header) and any(_text(cell) for cell in cells[len(header) :]):
            reason = (
                f"row has {len(cells)} cells but the header has {len(header)} (a delimiter inside a cell?)"
            )
            result.rejects.append(RejectedRow(file, number, reason, raw(row)))
            continue
        if row.removed:
            result.cleaned.append(number)
        values: dict[str, object] = {}
        for index, cell in enumerate(cells):
            name = columns.get(index) or unknown.get(index)
            if name is not None:
                values[name] = cell
        try:
            seizure = convert_row(values, order, today)
        except RowError as exc:
            result.rejects.append(RejectedRow(file, number, str(exc), raw(row)))
            continue
        result.rows.append(ImportedRow(seizure, file, number))
        for extra_key, name in GIVEN:
            given = seizure.extra.get(extra_key)
            if given is not None:
                result.unmapped[(name, given)] = result.unmapped.get((name, given), 0) + 1
    return result


def csv_cell(value: object) -> object:
    """A cell safe to open in a spreadsheet: text that Excel or LibreOffice would run as a
    formula (starting with = + - @, tab or CR, and not a plain number) gets a leading ``'``
    (``collect.tabular.guard_formula``; reading the file back undoes it exactly)."""
    return guard_formula(value)


def write_rejects(path: Path, rejects: Sequence[RejectedRow], header: Sequence[str]) -> None:
    """The rejected rows as CSV: file, row, reason, then the row's own cells (each made
    safe to open in a spreadsheet by ``csv_cell``: the source files come from outside)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = list(header)
    for reject in rejects:
        for name in reject.raw:
            if name not in columns:
                columns.append(name)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([csv_cell(c) for c in ["file", "row", "reason", *columns]])
        for reject in rejects:
            cells = [reject.file, reject.row, reject.reason, *(reject.raw.get(c, "") for c in columns)]
            writer.writerow([csv_cell(cell) for cell in cells])
