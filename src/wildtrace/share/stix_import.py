"""A partner's STIX 2.1 bundle read as watchlist entries: the selectors it carries, with where
each came from, its marking and how long it is valid.

Read: observables (``email-addr``, ``user-account``, ``phone-number``,
``cryptocurrency-wallet``, ``bank-account``, as WildTrace and OpenCTI write them), the
equality comparisons of ``indicator`` patterns (as MISP and OpenCTI write them), and MISP's
``x-misp-attribute`` objects. Every value is normalised like the extractors normalise
listings (``extract.identifiers``). Any other object type is counted as skipped; a value that
is not a valid identifier is reported, with the object it came from, and not imported.

A bundle is hostile input: its size, nesting depth and object count are bounded, and every
field is type-checked before use.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wildtrace.errors import InputError
from wildtrace.extract import HANDLE_TYPES, IdentifierError, identify
from wildtrace.share.exportset import stricter
from wildtrace.share.stix_model import TLP1_MARKING_IDS, TLP2_MARKING_IDS, WILDTRACE_IDENTITY_ID
from wildtrace.store.access import DEFAULT_MARKING, MARKINGS, MarkingError, parse_marking
from wildtrace.store.watchlists import WatchEntry

#: The largest bundle read (bytes); bigger is refused before it is parsed.
MAX_BUNDLE_BYTES = 200 * 1024 * 1024
#: The deepest nesting of JSON arrays and objects accepted (STIX needs fewer than 10).
MAX_DEPTH = 64
#: The most objects one bundle may hold.
MAX_OBJECTS = 2_000_000

_TLP_BY_ID = {**{mid: name for name, mid in TLP2_MARKING_IDS.items()}, **TLP1_MARKING_IDS}
#: Observable type -> (the kind ``identify`` takes, the property holding the value).
_OBSERVABLES: dict[str, tuple[str, str]] = {
    "email-addr": ("email", "value"),
    "phone-number": ("phone", "value"),
    "cryptocurrency-wallet": ("wallet", "value"),
    "bank-account": ("iban", "iban"),
}
#: MISP attribute types -> the kind ``identify`` takes.
_MISP_TYPES: dict[str, str] = {
    "phone-number": "phone", "whois-registrant-phone": "phone", "email": "email", "email-src": "email",
    "email-dst": "email", "whois-registrant-email": "email", "btc": "wallet", "iban": "iban",
}  # fmt: skip


@dataclass(slots=True)
class ImportedBundle:
    """What a bundle gave: the entries, the marking they go under, and what was left out."""

    entries: list[WatchEntry] = field(default_factory=list)
    marking: str = DEFAULT_MARKING
    #: The bundle's author(s), by their identity names.
    source: str = ""
    objects: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def _depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON ``text`` (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def load_bundle(path: Path) -> dict[str, Any]:
    """The bundle in ``path`` as JSON, refusing what is too big, too deep or not a bundle."""
    size = path.stat().st_size
    if size > MAX_BUNDLE_BYTES:
        raise InputError(str(path), f"{size:,} bytes is over the {MAX_BUNDLE_BYTES:,} a bundle may have")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text (byte {exc.start}): a STIX bundle is JSON") from exc
    if _depth(text) > MAX_DEPTH:
        raise InputError(str(path), f"JSON nested deeper than {MAX_DEPTH} levels: not a STIX bundle")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"not JSON: {exc.msg}", line=exc.lineno) from exc
    except RecursionError as exc:
        raise InputError(str(path), "JSON nested too deeply: not a STIX bundle") from exc
    if not isinstance(data, dict) or data.get("type") != "bundle":
        raise InputError(str(path), 'not a STIX bundle: the top object needs "type": "bundle"')
    objects = data.get("objects", [])
    if not isinstance(objects, list):
        raise InputError(str(path), 'not a STIX bundle: "objects" is not a list')
    if len(objects) > MAX_OBJECTS:
        raise InputError(str(path), f"{len(objects):,} objects is over the {MAX_OBJECTS:,} a bundle may hold")
    return data


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _refs(value: Any) -> list[str]:
    return [ref for ref in value if isinstance(ref, str)] if isinstance(value, list) else []


def _tlp_of(obj: dict[str, Any]) -> str | None:
    """A marking-definition's TLP level, by its id, its TLP 2.0 extension, its TLP 1.0
    definition or its name (``TLP:AMBER+STRICT``); None when it is not a TLP marking."""
    mid = obj.get("id")
    if isinstance(mid, str) and mid in _TLP_BY_ID:
        return _TLP_BY_ID[mid]
    candidates: list[Any] = []
    extensions = obj.get("extensions")
    if isinstance(extensions, dict):
        candidates += [ext.get("tlp_2_0") for ext in extensions.values() if isinstance(ext, dict)]
    definition = obj.get("definition")
    if obj.get("definition_type") == "tlp" and isinstance(definition, dict):
        candidates.append(definition.get("tlp"))
    candidates.append(obj.get("name"))
    for candidate in candidates:
        if isinstance(candidate, str):
            try:
                return parse_marking(candidate)
            except MarkingError:
                continue
    return None


def _unquote(literal: str) -> str:
    """A STIX pattern string literal's text (quotes removed, escapes undone)."""
    inner = literal[1:-1] if len(literal) >= 2 and literal[0] == literal[-1] == "'" else literal
    return inner.replace("\\'", "'").replace("\\\\", "\\")


def _pattern_values(pattern: str) -> Iterator[tuple[str, str, str | None]]:
    """(kind, value, app) for each equality comparison on a selector in a STIX pattern."""
    from stix2patterns.pattern import Pattern

    comparisons = Pattern(pattern).inspect().comparisons
    for observable, (kind, prop) in _OBSERVABLES.items():
        for path, op, value in comparisons.get(observable, ()):
            if path == [prop] and op == "=":
                yield kind, _unquote(value), None
    accounts = comparisons.get("user-account", [])
    apps = {_unquote(value).lower() for path, op, value in accounts if path == ["account_type"] and op == "="}
    app = next(iter(apps)) if len(apps) == 1 else None
    for path, op, value in accounts:
        if path == ["account_login"] and op == "=":
            yield ("handle" if app is None or app in HANDLE_TYPES else "account"), _unquote(value), app


def _until(obj: dict[str, Any]) -> datetime | None:
    value = _text(obj.get("valid_until"))
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def read_bundle(path: Path, region: str | None = None, default_marking: str | None = None) -> ImportedBundle:
    """The watchlist entries of the bundle in ``path``. ``region`` reads phone numbers written
    without their country code; ``default_marking`` is the marking when the bundle marks
    nothing (AMBER otherwise). The marking of the result is the strictest TLP marking found
    on the objects imported (or on the bundle's markings when none is referenced)."""
    data = load_bundle(path)
    result = ImportedBundle()
    objects = [obj for obj in data.get("objects", []) if isinstance(obj, dict)]
    result.objects = len(data.get("objects", []))
    result.skipped["not an object"] = result.objects - len(objects)
    tlp = dict(_TLP_BY_ID)
    tlp.update({str(obj["id"]): level for obj in objects if obj.get("type") == "marking-definition"
                and isinstance(obj.get("id"), str) and (level := _tlp_of(obj)) is not None})  # fmt: skip
    authors = sorted(
        {name for obj in objects if obj.get("type") == "identity" and obj.get("id") != WILDTRACE_IDENTITY_ID
         and (name := _text(obj.get("name")))}
    )  # fmt: skip
    result.source = ", ".join(authors[:3])
    found: list[tuple[str, str, str | None, str, datetime | None, str, list[str]]] = []
    for obj in objects:
        kind = obj.get("type")
        ref = obj.get("id") if isinstance(obj.get("id"), str) else f"(object without id, {kind})"
        markings = [tlp[mid] for mid in _refs(obj.get("object_marking_refs")) if mid in tlp]
        if kind in _OBSERVABLES:
            identify_as, prop = _OBSERVABLES[kind]
            value = _text(obj.get(prop))
            if value is None:
                result.problems.append(f"{ref}: no {prop}")
                continue
            found.append((identify_as, value, None, "", None, str(ref), markings))
        elif kind == "user-account":
            login = _text(obj.get("account_login")) or _text(obj.get("user_id"))
            app = (_text(obj.get("account_type")) or "").lower() or None
            if login is None:
                result.problems.append(f"{ref}: a user-account without account_login")
                continue
            seller = login == _text(obj.get("user_id"))  # how WildTrace writes a seller account
            as_kind = "handle" if (app is None or app in HANDLE_TYPES) and not seller else "account"
            found.append(
                (as_kind, login, app, _text(obj.get("display_name")) or "", None, str(ref), markings)
            )
        elif kind == "indicator":
            pattern = _text(obj.get("pattern"))
            if obj.get("pattern_type", "stix") != "stix" or pattern is None:
                result.skipped["indicator (not a STIX pattern)"] += 1
                continue
            try:
                values = list(_pattern_values(pattern))
            except Exception as exc:  # stix2patterns raises its own parse errors
                result.problems.append(f"{ref}: unreadable pattern ({type(exc).__name__}: {exc})")
                continue
            if not values:
                result.skipped["indicator (no selector in its pattern)"] += 1
            note = _text(obj.get("name")) or ""
            for as_kind, value, app in values:
                found.append((as_kind, value, app, note, _until(obj), str(ref), markings))
        elif kind == "x-misp-attribute":
            misp_type = _text(obj.get("x_misp_type"))
            value = _text(obj.get("x_misp_value"))
            if misp_type not in _MISP_TYPES or value is None:
                result.skipped[f"x-misp-attribute ({misp_type or 'no type'})"] += 1
                continue
            note = _text(obj.get("x_misp_comment")) or ""
            found.append((_MISP_TYPES[misp_type], value, None, note, None, str(ref), markings))
        else:
            result.skipped[str(kind) if isinstance(kind, str) else "object without a type"] += 1
    used: list[str] = []
    for as_kind, value, app, note, until, ref, markings in found:
        try:
            identifier = identify(as_kind, value, region, app)
        except IdentifierError as exc:
            result.problems.append(f"{ref}: {exc}")
            continue
        result.entries.append(WatchEntry(identifier, note[:500], until, ref))
        used += markings
    if not used:  # nothing imported names a marking: those the bundle defines, if any
        used = [level for obj in objects if obj.get("type") == "marking-definition"
                and (level := _tlp_of(obj)) is not None]  # fmt: skip
    fallback = parse_marking(default_marking) if default_marking else DEFAULT_MARKING
    result.marking = stricter(*used) if used else fallback
    if default_marking and MARKINGS.index(fallback) > MARKINGS.index(result.marking):
        result.marking = fallback  # the user may mark it stricter than the bundle, never looser
    result.skipped = Counter({kind: n for kind, n in result.skipped.items() if n})
    return result
