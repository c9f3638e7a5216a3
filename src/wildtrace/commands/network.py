"""``wildtrace network`` and ``wildtrace judge``: seller networks for analysts.

``network`` links listings (from files, or from the store), finds groups, communities and
key accounts, and exports the account graph as GEXF, GraphML or JSON. ``judge`` records an
analyst's confirm or reject of a link, a merge or a value; judgements win over the
automatic result from the next ``link`` or ``network`` run on the store, and ``judge undo``
withdraws one (it stays on record).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from wildtrace.commands.common import (
    EXIT_REJECTED,
    AllowOpt,
    ByOpt,
    DbOpt,
    MaxAccountsOpt,
    analyst,
    console,
    failure,
    interrupted_status,
    rejects_path,
    sigterm_as_interrupt,
    stopping_errors,
)
from wildtrace.commands.common import fail as _fail
from wildtrace.commands.link import link_files
from wildtrace.errors import WildTraceError
from wildtrace.link import (
    DEFAULT_MAX_ACCOUNTS,
    DEFAULT_SEED,
    FORMATS,
    AccountGraph,
    Format,
    Verdict,
    build_graph,
    key_accounts,
    render,
)

judge_app = typer.Typer(
    help="Confirm or reject links between accounts (or a value), list and undo judgements.",
    no_args_is_help=True,
)


def network(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders to read and link (nothing stored); none: the store's listings."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the account graph here (.gexf, .graphml or .json)."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="gexf, graphml or json (default: from the suffix of --out)."),
    ] = None,
    db: DbOpt = None,
    max_accounts: MaxAccountsOpt = DEFAULT_MAX_ACCOUNTS,
    allow: AllowOpt = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the community detection.")] = DEFAULT_SEED,
    top: Annotated[int, typer.Option("--top", min=0, help="Key accounts to print.")] = 10,
) -> None:
    """Seller networks: groups, communities (Leiden) and key accounts, exported for Gephi.

    Without INPUT, the store's listings are linked with the analysts' judgements, and the
    network and its analysis are saved in the store.
    """
    from wildtrace.scanning import ScanTotals, link_store
    from wildtrace.store import open_store

    chosen = _format(out, fmt)
    try:
        with sigterm_as_interrupt():
            if inputs:
                from wildtrace.config import threshold as resolve_threshold

                rejects = rejects_path(None, "network")
                pairs, result, totals = link_files(
                    inputs, out=out, rejects=rejects, threshold=resolve_threshold(None), workers=None,
                    max_accounts=max_accounts, allow=allow or (),
                )  # fmt: skip
                graph = build_graph([listing for listing, _ in pairs], result, seed)
            else:
                totals = ScanTotals()
                with open_store(db) as store:
                    graph = link_store(store, max_accounts, allow or (), seed).graph
                    console.print(f"Network and its analysis saved in {store.url}")
            if out is not None:
                try:
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(render(graph, chosen))
                except OSError as exc:
                    raise _fail(f"{out}: cannot write: {exc.strerror}") from exc
                console.print(f"{chosen.upper()} written to {out}")
            _print_summary(graph, top)
    except KeyboardInterrupt as stop:
        raise typer.Exit(interrupted_status(stop)) from None
    except stopping_errors() as exc:
        raise failure(exc) from exc
    if totals.rejected:
        console.print(f"Rejected records and their reasons: {rejects}")
        raise typer.Exit(EXIT_REJECTED)


def _format(out: Path | None, fmt: str | None) -> Format:
    if fmt is None:
        suffix = out.suffix.lower().lstrip(".") if out is not None else "json"
        fmt = suffix if suffix in FORMATS else "json"
    if fmt not in FORMATS:
        raise _fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return fmt  # checked against FORMATS just above


def _print_summary(graph: AccountGraph, top: int) -> None:
    groups: dict[str, int] = {}
    communities: set[str] = set()
    for node in graph.nodes.values():
        groups[node.group] = groups.get(node.group, 0) + 1
        if groups[node.group] > 1:
            communities.add(node.community)
    networks = sum(1 for size in groups.values() if size > 1)
    console.print(f"{len(graph.nodes):,} accounts, {len(graph.edges):,} ties, {networks:,} networks of 2 or "
                  f"more accounts, {len(communities):,} communities within them, "
                  f"{len(graph.held_back):,} shared values held back.")  # fmt: skip
    for node in key_accounts(graph, top):
        console.print(
            f"key account {escape(node.account)}: network {node.group}, community {node.community}, "
            f"{node.degree} ties, betweenness {node.betweenness:.3f}"
        )


def _judge(verdict: Verdict, accounts: list[str] | None, value: str | None, by: str | None,
           note: str, db: str | None) -> None:  # fmt: skip
    from wildtrace.store import judgements as stored
    from wildtrace.store import open_store

    names = accounts or []
    if (value is None) == (len(names) != 2) or (value is not None and names):
        raise _fail("give two accounts (platform:seller, or listing:ID), or --value VALUE")
    try:
        with open_store(db) as store:
            if value is None:
                unknown = sorted(set(names) - stored.known_accounts(store, names))
                for name in unknown:
                    console.print(f"warning: {name} is not (yet) in {store.url}; the judgement applies "
                                  "once it is")  # fmt: skip
            judgement = stored.add_judgement(
                store, verdict, value if value is not None else names[0],
                None if value is not None else names[1], analyst(by), note,
            )  # fmt: skip
    except WildTraceError as exc:
        raise failure(exc) from exc
    subject = " and ".join(judgement.subject)
    console.print(
        f"judgement #{judgement.id}: {judgement.by} {verdict}s {subject}; it applies from the next "
        "`wildtrace link` or `wildtrace network` on the store"
    )


AccountsArg = Annotated[
    list[str] | None,
    typer.Argument(help="Two accounts: platform:seller (or listing:ID for a listing with no seller)."),
]
ValueOpt = Annotated[str | None, typer.Option("--value", help="A selector value instead of two accounts.")]
NoteOpt = Annotated[str, typer.Option("--note", help="Why (kept with the judgement).")]


@judge_app.command("confirm")
def confirm(accounts: AccountsArg = None, value: ValueOpt = None, by: ByOpt = None, note: NoteOpt = "",
            db: DbOpt = None) -> None:  # fmt: skip
    """Two accounts are one operator (joined even with nothing shared), or a value may link
    however widely it is shared (overrides the over-correlation guard)."""
    _judge("confirm", accounts, value, by, note, db)


@judge_app.command("reject")
def reject(accounts: AccountsArg = None, value: ValueOpt = None, by: ByOpt = None, note: NoteOpt = "",
           db: DbOpt = None) -> None:  # fmt: skip
    """Two accounts are different operators (never in one network), or a value must not
    link (a help line, a courier)."""
    _judge("reject", accounts, value, by, note, db)


@judge_app.command("list")
def list_command(db: DbOpt = None) -> None:
    """Every judgement, with who made it and when, and who undid it."""
    from wildtrace.store import judgements as stored
    from wildtrace.store import open_store

    try:
        with open_store(db) as store:
            records = stored.list_judgements(store)
    except WildTraceError as exc:
        raise failure(exc) from exc
    for record in records:
        j = record.judgement
        undone = f" [undone by {record.undone_by} on {record.undone_at:%Y-%m-%d}]" if record.undone_at else ""
        note = f" - {j.note}" if j.note else ""
        typer.echo(f"#{j.id} {j.at} {j.by} {j.verdict} {' | '.join(j.subject)}{note}{undone}")
    if not records:
        console.print("no judgements yet")


@judge_app.command("undo")
def undo(judgement_id: Annotated[int, typer.Argument(help="The judgement's number (see `judge list`).")],
         by: ByOpt = None, db: DbOpt = None) -> None:  # fmt: skip
    """Withdraw a judgement (it stays on record); the automatic result applies again."""
    from wildtrace.store import judgements as stored
    from wildtrace.store import open_store

    try:
        with open_store(db) as store:
            judgement = stored.undo_judgement(store, judgement_id, analyst(by))
    except WildTraceError as exc:
        raise failure(exc) from exc
    console.print(f"judgement #{judgement.id} undone; run `wildtrace link` or `wildtrace network` to apply")
