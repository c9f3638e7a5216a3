"""``wildtrace review``: reviewers label stored listings, and the detector learns from them.

    wildtrace review queue --limit 50 --out next.jsonl    # what to label next
    wildtrace review import labels.csv --by ana            # id,verdict[,note]
    wildtrace review label bazaar.example:123 yes --note "tusk, no papers"
    wildtrace review export --out labels.csv               # every label, history included
    wildtrace review stats                                 # per verdict, reviewer, agreement

Every label is kept; a reviewer's latest label of a listing is the one that counts.
Exit status as everywhere: 0 all good, 1 some rows of an import were rejected (the good
ones are stored; the rejects file says which and why), 2 the user must act, 4 the database
failed. The store, the pipeline and the tabular reader are imported where a command needs
them, so ``wildtrace --help`` stays fast.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from wildtrace.commands.common import (
    EXIT_REJECTED,
    SHOWN_REJECTS,
    ByOpt,
    DbOpt,
    ThresholdOpt,
    analyst,
    console,
    fail,
    failure,
    rejects_beside,
)
from wildtrace.errors import WildTraceError

if TYPE_CHECKING:
    from wildtrace.collect.tabular import Table
    from wildtrace.detect import Label, QueueChoice
    from wildtrace.ops.model import RejectedRow
    from wildtrace.store.labels import NewLabel, QueueListing

app = typer.Typer(
    help="Label stored listings as offers or not: what to label next, import, export, agreement.",
    no_args_is_help=True,
)

AgencyOpt = Annotated[
    str | None, typer.Option("--agency", help="The reviewer's agency (kept with the label).")
]
#: Columns of ``review export`` (CSV header, JSONL keys), in order.
EXPORT_COLUMNS = ("id", "verdict", "by", "agency", "at", "note", "source", "label", "counts")


@app.command("queue")
def queue(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many listings to choose.")] = 50,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the queue here as JSONL [default: stdout].")
    ] = None,
    db: DbOpt = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random parts of the choice.")] = 0,
    threshold: ThresholdOpt = None,
) -> None:
    """Choose the next listings to label: mostly those the detector is least sure of, over
    different kinds of listing, a few it is sure of on each side, and a few with no lexicon
    match at all. Never a listing already labelled."""
    from wildtrace.config import threshold as resolve_threshold
    from wildtrace.detect import choose_queue
    from wildtrace.scanning import open_out
    from wildtrace.store import open_store
    from wildtrace.store.labels import queue_candidates, queue_listings

    try:
        with open_store(db) as store:
            level = resolve_threshold(threshold)  # after opening: the store's model has its own
            candidates = [candidate for page in queue_candidates(store) for candidate in page]
            chosen = choose_queue(candidates, limit, level, seed)
            shown = queue_listings(store, [choice.candidate.key for choice in chosen])
        with open_out(out if out is not None else Path("-")) as sink:
            assert sink is not None
            for choice in chosen:
                item = shown.get(choice.candidate.key)
                if item is not None:  # else relabelled or removed meanwhile
                    sink.write(json.dumps(queue_row(choice, item, level), ensure_ascii=False) + "\n")
    except WildTraceError as exc:
        raise failure(exc) from exc
    if not candidates:
        console.print("nothing to review: every analysed listing in the store is labelled, or none is "
                      "stored yet (`wildtrace scan FILE --db URL` stores them)")  # fmt: skip
        return
    reasons = Counter(choice.reason for choice in chosen)
    parts = ", ".join(f"{n} {reason}" for reason, n in reasons.items())
    console.print(f"{len(chosen):,} listings to review ({parts or 'none'}) of {len(candidates):,} "
                  "not yet labelled; label them with `wildtrace review import` or "
                  "`wildtrace review label`")  # fmt: skip


def queue_row(choice: QueueChoice, item: QueueListing, threshold: float) -> dict[str, Any]:
    """One queue row: the id ``review label`` and ``review import`` accept, what the
    reviewer reads, the score and why, and why the listing was chosen."""
    listing = item.listing
    return {
        "id": choice.candidate.key,
        "title": listing.title,
        "text": listing.text,
        "url": listing.url,
        "platform": listing.platform,
        "seller": listing.seller,
        "price": listing.price,
        "score": item.score,
        "flagged": item.flagged,
        "why": why(item, threshold),
        "chosen": choice.reason,
        "commodities": list(item.commodities),
        "legality_cues": list(item.legality_cues),
        "language": item.language,
    }


def why(item: QueueListing, threshold: float) -> str:
    """What the score rests on, in a line: the score against the threshold, the lexicon
    terms found (kind, field) and the legality cues."""
    side = "above" if item.score >= threshold else "below"
    parts = [f"score {item.score:.2f} {side} the threshold {threshold:.2f}"]
    terms = list(dict.fromkeys(f"{term} ({kind}, {field})" for term, field, kind in item.matches))
    parts.append("matched " + ", ".join(terms[:8]) if terms else "no lexicon match")
    if item.legality_cues:
        parts.append("legality cues: " + ", ".join(item.legality_cues))
    return "; ".join(parts)


@app.command("label")
def label(
    listing: Annotated[
        str, typer.Argument(help="The listing: platform:id, an id used on one platform, or its URL.")
    ],
    verdict: Annotated[str, typer.Argument(help="yes, no or unsure (also 1/0, true/false).")],
    note: Annotated[str, typer.Option("--note", help="Why (kept with the label).")] = "",
    by: ByOpt = None,
    agency: AgencyOpt = None,
    db: DbOpt = None,
) -> None:
    """Label one listing: does it offer, promote or ask for a protected species or timber?"""
    from wildtrace.detect import parse_verdict
    from wildtrace.store import open_store
    from wildtrace.store.labels import NewLabel, add_labels

    try:
        value = parse_verdict(verdict)
    except WildTraceError as exc:
        raise fail(str(exc)) from exc
    try:
        with open_store(db) as store:
            added = add_labels(store, [NewLabel(listing, value, analyst(by), note, agency, "cli")])
    except WildTraceError as exc:
        raise failure(exc) from exc
    if added.unresolved:
        raise fail(added.unresolved[listing])
    stored = added.stored[0]
    console.print(f"label #{stored.id}: {stored.by} says {stored.verdict} for {stored.listing}")


@app.command("import")
def import_labels(
    file: Annotated[Path, typer.Argument(help="CSV or Excel .xlsx with columns id,verdict[,note].")],
    by: ByOpt = None,
    agency: AgencyOpt = None,
    db: DbOpt = None,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Where rejected rows go [default: FILE.rejects.csv].")
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", help="Encoding of a CSV file, e.g. cp1252 [default: UTF-8 or UTF-16, detected]."
        ),
    ] = None,
) -> None:
    """Import reviewers' labels: one row per listing, ``id`` as ``review queue`` wrote it (or
    any id ``review label`` takes) and ``verdict`` yes/no/unsure (or 1/0, true/false). Bad
    rows are reported with their line and saved beside the file; the good ones are stored."""
    from wildtrace.collect.tabular import ReadOptions, check_encoding, read_table
    from wildtrace.store import open_store
    from wildtrace.store.labels import add_labels

    try:
        check_encoding(encoding)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    if not file.is_file():
        raise fail(f"{file}: no such file")
    name = analyst(by)
    try:
        table = read_table(file, ReadOptions(encoding=encoding))
        good, rejected = label_rows(file, table, name, agency)
        with open_store(db) as store:
            added = add_labels(store, [new for _, new, _ in good])
            where = store.url
    except OSError as exc:
        raise fail(f"{file}: cannot read: {exc.strerror or exc}") from exc
    except WildTraceError as exc:
        raise failure(exc) from exc
    from wildtrace.ops.model import RejectedRow

    read = len(good) + len(rejected)
    rejected += [
        RejectedRow(str(file), line, added.unresolved[new.listing], raw)
        for line, new, raw in good
        if new.listing in added.unresolved
    ]
    rejected.sort(key=lambda reject: reject.row)
    for reject in rejected[:SHOWN_REJECTS]:
        console.print(
            f"[yellow]rejected[/] {escape(f'{reject.file}:{reject.row}: {reject.reason}')}", markup=True
        )
    if len(rejected) > SHOWN_REJECTS:
        console.print(f"... {len(rejected) - SHOWN_REJECTS:,} more rejected rows; see the rejects file")
    verdicts = Counter(new.verdict for new in added.stored)
    shown = ", ".join(f"{verdicts[v]:,} {v}" for v in ("yes", "no", "unsure") if verdicts[v])
    console.print(f"{read:,} rows read, {len(added.stored):,} labels stored"
                  f"{f' ({shown})' if shown else ''} by {name}, {len(rejected):,} rejected; "
                  f"in {where}")  # fmt: skip
    if rejected:
        path = rejects_beside(file, rejects, "review-import")
        if path.resolve() == file.resolve():
            raise fail(f"--rejects {path} would overwrite the input")
        from wildtrace.ops.importer import write_rejects

        try:
            write_rejects(path, rejected, table.header)
        except OSError as exc:
            raise fail(f"{path}: cannot write the rejects: {exc.strerror}") from exc
        console.print(f"Rejected rows and their reasons: [cyan]{escape(str(path))}[/]", markup=True)
        raise typer.Exit(EXIT_REJECTED)


def label_rows(
    file: Path, table: Table, by: str, agency: str | None
) -> tuple[list[tuple[int, NewLabel, dict[str, str]]], list[RejectedRow]]:
    """The labels of a table's rows (with their lines and cells), and the rows that cannot
    be one (with why)."""
    from wildtrace.collect.tabular import column_key
    from wildtrace.detect import parse_verdict
    from wildtrace.errors import InputError
    from wildtrace.ops.model import RejectedRow
    from wildtrace.store.labels import NewLabel

    columns = {column_key(name): index for index, name in reversed(list(enumerate(table.header)))}
    if "verdict" not in columns and "label" in columns:  # a labels file of `wildtrace train --labels`
        columns["verdict"] = columns["label"]
    missing = [name for name in ("id", "verdict") if name not in columns]
    if missing:
        where = f"{file}:{table.header_line}" if table.header else str(file)
        raise InputError(
            where, f"a labels file needs the columns id and verdict (missing: {', '.join(missing)})"
        )
    good: list[tuple[int, NewLabel, dict[str, str]]] = []
    rejected: list[RejectedRow] = []
    for row in table.rows:
        cells = {name: _cell(row.cells, index) for name, index in columns.items()}
        raw = {name: _cell(row.cells, index) for index, name in enumerate(table.header)}
        if row.problem is not None:
            rejected.append(RejectedRow(str(file), row.line, row.problem, raw))
            continue
        if not cells["id"]:
            rejected.append(RejectedRow(str(file), row.line, "no listing id", raw))
            continue
        try:
            verdict = parse_verdict(cells["verdict"])
        except WildTraceError as exc:
            rejected.append(RejectedRow(str(file), row.line, str(exc), raw))
            continue
        good.append(
            (row.line, NewLabel(cells["id"], verdict, by, cells.get("note", ""), agency, "import"), raw)
        )
    return good, rejected


def _cell(cells: tuple[Any, ...], index: int) -> str:
    """A cell as text ("" when the row is short); 12.0 from a spreadsheet is "12"."""
    value = cells[index] if index < len(cells) else None
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@app.command("export")
def export(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here (.csv or .jsonl) [default: CSV on stdout].")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="csv or jsonl [default: from --out].")
    ] = None,
    db: DbOpt = None,
) -> None:
    """Every label ever given, oldest first; ``counts`` says whether it is its reviewer's
    latest of that listing (the one that counts)."""
    from wildtrace.detect import latest_per_reviewer
    from wildtrace.scanning import open_out
    from wildtrace.store import open_store
    from wildtrace.store.labels import label_history

    chosen = fmt or ("jsonl" if out is not None and out.suffix.lower() in (".jsonl", ".json") else "csv")
    if chosen not in ("csv", "jsonl"):
        raise fail(f"--format {chosen!r}: use csv or jsonl")
    try:
        with open_store(db) as store:
            history = label_history(store)
        counting = {item.id for item in latest_per_reviewer(history)}
        with open_out(out if out is not None else Path("-")) as sink:
            assert sink is not None
            write_export(sink, [export_row(item, item.id in counting) for item in history], chosen)
    except WildTraceError as exc:
        raise failure(exc) from exc
    console.print(f"{len(history):,} labels exported ({len(counting):,} that count)")


def export_row(item: Label, counts: bool) -> dict[str, Any]:
    return {"id": item.listing, "verdict": item.verdict, "by": item.by, "agency": item.agency,
            "at": item.at.isoformat(timespec="seconds"), "note": item.note, "source": item.source,
            "label": item.id, "counts": counts}  # fmt: skip


def write_export(sink: Any, rows: list[dict[str, Any]], fmt: str) -> None:
    """CSV (cells that a spreadsheet would run as formulas guarded) or JSONL."""
    import csv

    from wildtrace.collect.tabular import guard_formula

    if fmt == "jsonl":
        for row in rows:
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = csv.writer(sink, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([guard_formula(_csv_text(row[c])) for c in EXPORT_COLUMNS])


def _csv_text(value: object) -> object:
    """None as an empty cell, booleans as ``true``/``false`` (as JSON writes them)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


@app.command("stats")
def stats(db: DbOpt = None) -> None:
    """Labels per verdict and per reviewer, the listings ready for training (their
    reviewers agree), and how far reviewers agree where two labelled one listing (percent
    and Cohen's kappa)."""
    from wildtrace.store import open_store
    from wildtrace.store.labels import label_history, training_labels

    try:
        with open_store(db) as store:
            history = label_history(store)
            ready = Counter(item.label for item in training_labels(store))
    except WildTraceError as exc:
        raise failure(exc) from exc
    for line in stats_lines(history, ready[1], ready[0]):
        typer.echo(line)


def stats_lines(history: list[Label], ready_yes: int, ready_no: int) -> list[str]:
    """The text of ``review stats``; ``ready_yes``/``ready_no``: listings whose reviewers
    agree on yes/no (``detect.consensus``)."""
    from wildtrace.detect import agreement, latest_per_reviewer

    if not history:
        return ["no labels yet"]
    latest = latest_per_reviewer(history)
    listings = len({item.listing for item in latest})
    verdicts = Counter(item.verdict for item in latest)
    lines = [
        f"{len(history):,} labels given, {len(latest):,} that count (a reviewer's latest of a listing), "
        f"on {listings:,} listings",
        "verdicts that count: " + ", ".join(f"{v} {verdicts[v]:,}" for v in ("yes", "no", "unsure")),
        f"ready for training: {ready_yes + ready_no:,} listings (yes {ready_yes:,}, no {ready_no:,}); "
        f"{listings - ready_yes - ready_no:,} without a consensus (tied, or only unsure)",
        "per reviewer:",
    ]
    per: dict[str, Counter[str]] = {}
    for item in latest:
        per.setdefault(item.by, Counter())[item.verdict] += 1
    for name in sorted(per):
        counts = per[name]
        lines.append(f"  {name}: labelled {sum(counts.values()):,} (yes {counts['yes']:,}, "
                     f"no {counts['no']:,}, unsure {counts['unsure']:,})")  # fmt: skip
    pairs = agreement(history)
    if not pairs:
        lines.append("agreement: no listing was labelled by two reviewers")
    else:
        lines.append("agreement (listings both labelled, percent agreeing, Cohen's kappa):")
        for pair in pairs:
            kappa = "n/a (one verdict only)" if pair.kappa is None else f"{pair.kappa:.2f}"
            lines.append(
                f"  {pair.first} and {pair.second}: {pair.listings:,}, {pair.percent:.0f}%, kappa {kappa}"
            )
    return lines
