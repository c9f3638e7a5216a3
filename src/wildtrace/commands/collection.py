"""``wildtrace collection``: the collections every listing enters through, who owns them,
their TLP markings, the agencies they are shared with and the readers of RED ones.

Every change is written to the audit log (as the command line: the local agency).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from wildtrace.commands.common import DbOpt, console, fail, failure, stopping_errors

if TYPE_CHECKING:
    from wildtrace.store.collections import CollectionInfo

app = typer.Typer(
    help="Collections: list, show, share with an agency, mark (TLP), name the readers of RED ones.",
    no_args_is_help=True,
)

NameArg = Annotated[str, typer.Argument(help="The collection's name.")]
WithOpt = Annotated[str, typer.Option("--with", help="The agency's code.")]

#: What each marking means, as ``show`` explains it.
MEANING = {
    "CLEAR": "every account on the platform, partners included; may leave it",
    "GREEN": "every agency on the platform (not partners)",
    "AMBER": "its agency and the agencies it is shared with",
    "AMBER+STRICT": "its agency only (shares do not count)",
    "RED": "only the users named as its readers",
}


def _seen_by(info: CollectionInfo) -> str:
    """Who sees the collection, in words."""
    if info.marking == "AMBER":
        return ", ".join((info.agency, *info.shared_with))
    if info.marking == "RED":
        return ", ".join(info.readers) or "nobody yet (`wildtrace collection readers NAME --add USER`)"
    return MEANING[info.marking]


@app.command("list")
def collection_list(db: DbOpt = None) -> None:
    """Every collection: agency, marking, listings, agencies it is shared with."""
    from wildtrace.store import open_store
    from wildtrace.store.collections import list_collections

    try:
        with open_store(db) as store:
            found = list_collections(store)
    except stopping_errors() as exc:
        raise failure(exc) from exc
    typer.echo("collection\tagency\tmarking\tlistings\tshared with")
    for info in found:
        shared = ",".join(info.shared_with) or "-"
        typer.echo(f"{info.name}\t{info.agency}\t{info.marking}\t{info.listings}\t{shared}")


@app.command("show")
def collection_show(name: NameArg, db: DbOpt = None) -> None:
    """One collection: its agency, marking, listings, shares, readers and who sees it."""
    from wildtrace.store import open_store
    from wildtrace.store.collections import collection_info

    try:
        with open_store(db) as store:
            info = collection_info(store, name)
    except stopping_errors() as exc:
        raise failure(exc) from exc
    typer.echo(f"collection:  {info.name}")
    typer.echo(f"agency:      {info.agency}")
    typer.echo(f"marking:     TLP:{info.marking} ({MEANING[info.marking]})")
    typer.echo(f"listings:    {info.listings}")
    typer.echo(f"shared with: {', '.join(info.shared_with) or '-'}")
    typer.echo(f"readers:     {', '.join(info.readers) or '-'}")
    typer.echo(f"seen by:     {_seen_by(info)}")
    typer.echo(f"created:     {info.created_at:%Y-%m-%d %H:%M} UTC")


@app.command("share")
def collection_share(name: NameArg, agency: WithOpt, db: DbOpt = None) -> None:
    """Share a collection with another agency (its users see it while it is AMBER)."""
    from wildtrace.store import open_store
    from wildtrace.store.collections import collection_info, share_collection
    from wildtrace.store.people import local_viewer

    try:
        with open_store(db) as store:
            done = share_collection(store, name, agency, local_viewer(store))
            marking = collection_info(store, name).marking
    except stopping_errors() as exc:
        raise failure(exc) from exc
    console.print(f"collection {name} shared with {agency}" if done else
                  f"collection {name} was shared with {agency} already")  # fmt: skip
    if marking != "AMBER":
        console.print(f"[yellow]note[/] {escape(name)} is TLP:{marking}: the share counts only while it is "
                      "AMBER", markup=True)  # fmt: skip


@app.command("unshare")
def collection_unshare(name: NameArg, agency: WithOpt, db: DbOpt = None) -> None:
    """Stop sharing a collection with an agency."""
    from wildtrace.store import open_store
    from wildtrace.store.collections import unshare_collection
    from wildtrace.store.people import local_viewer

    try:
        with open_store(db) as store:
            done = unshare_collection(store, name, agency, local_viewer(store))
    except stopping_errors() as exc:
        raise failure(exc) from exc
    console.print(f"collection {name} no longer shared with {agency}" if done else
                  f"collection {name} was not shared with {agency}")  # fmt: skip


@app.command("set-tlp")
def collection_set_tlp(
    name: NameArg,
    marking: Annotated[str, typer.Argument(help="CLEAR, GREEN, AMBER, AMBER+STRICT or RED.")],
    db: DbOpt = None,
) -> None:
    """Change a collection's TLP marking (who may see its listings changes at once)."""
    from wildtrace.store import open_store
    from wildtrace.store.collections import collection_info, set_collection_marking
    from wildtrace.store.people import local_viewer

    try:
        with open_store(db) as store:
            before = set_collection_marking(store, name, marking, local_viewer(store))
            info = collection_info(store, name)
    except stopping_errors() as exc:
        raise failure(exc) from exc
    if before == info.marking:
        console.print(f"collection {name} is TLP:{before} already")
        return
    console.print(f"collection {name}: TLP:{before} -> TLP:{info.marking}; seen by {_seen_by(info)}")


@app.command("readers")
def collection_readers(
    name: NameArg,
    add: Annotated[
        list[str] | None, typer.Option("--add", help="Name this user on the collection; repeatable.")
    ] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="Take this user off the collection; repeatable.")
    ] = None,
    db: DbOpt = None,
) -> None:
    """The users named on a collection: while it is RED, only they see it. Without --add or
    --remove, lists them."""
    from wildtrace.store import open_store
    from wildtrace.store.collections import add_collection_reader, collection_info, remove_collection_reader
    from wildtrace.store.people import local_viewer

    if set(add or []) & set(remove or []):
        raise fail("the same user given to --add and --remove")
    try:
        with open_store(db) as store:
            viewer = local_viewer(store) if add or remove else None
            for username in add or []:
                if not add_collection_reader(store, name, username, viewer):
                    console.print(f"{username} was a reader of {name} already")
            for username in remove or []:
                if not remove_collection_reader(store, name, username, viewer):
                    console.print(f"{username} was not a reader of {name}")
            info = collection_info(store, name)
    except stopping_errors() as exc:
        raise failure(exc) from exc
    for username in info.readers:
        typer.echo(username)
    if info.marking != "RED" and info.readers:
        console.print(f"note: {name} is TLP:{info.marking}: its readers count only while it is RED")
