"""``wildtrace agency``, ``wildtrace user`` and ``wildtrace audit``: who works on the platform,
and the record of what they read and wrote."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wildtrace.commands.common import DbOpt, console, fail, failure, stopping_errors

if TYPE_CHECKING:
    from wildtrace.store import Store

agency_app = typer.Typer(help="Agencies on the platform: add, list.", no_args_is_help=True)
user_app = typer.Typer(
    help="Users of the web app and API: add, list, disable, password, token, revoke.", no_args_is_help=True
)
audit_app = typer.Typer(help="The audit log: verify its chain, export it.", no_args_is_help=True)

UserArg = Annotated[str, typer.Argument(help="The user's name (what they sign in with).")]


def _read_password(prompt_twice: bool = True) -> str:
    """The password from standard input when it is not a terminal (one line), else prompted
    twice without echo."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    if prompt_twice and typer.prompt("Again", hide_input=True) != first:
        raise fail("the two passwords differ; nothing was changed")
    return str(first)


def _audit(store: Store, action: str, object_: str, detail: dict[str, object] | None = None) -> None:
    from wildtrace.store.audit import AuditLog
    from wildtrace.store.people import local_viewer

    AuditLog(store).append(local_viewer(store), action, object_, "cli", detail)


@agency_app.command("add")
def agency_add(
    code: Annotated[str, typer.Argument(help="A short code, e.g. KE-KWS.")],
    name: Annotated[str, typer.Option("--name", help="The agency's full name.")],
    country: Annotated[str | None, typer.Option("--country", help="ISO 3166-1 alpha-2, e.g. KE.")] = None,
    db: DbOpt = None,
) -> None:
    """Add an agency (police, customs, wildlife service, NGO)."""
    from wildtrace.store import open_store
    from wildtrace.store.people import add_agency

    try:
        with open_store(db) as store:
            add_agency(store, code, name, country)
            _audit(store, "agency.add", f"agency:{code}", {"name": name, "country": country})
    except stopping_errors() as exc:
        raise failure(exc) from exc
    console.print(f"agency {code} added")


@agency_app.command("list")
def agency_list(db: DbOpt = None) -> None:
    """Every agency, with its country and number of users."""
    from wildtrace.store import open_store
    from wildtrace.store.people import list_agencies

    try:
        with open_store(db) as store:
            agencies = list_agencies(store)
    except stopping_errors() as exc:
        raise failure(exc) from exc
    for agency in agencies:
        typer.echo(f"{agency.code}\t{agency.country or '-'}\t{agency.users} users\t{agency.name}")


@user_app.command("add")
def user_add(
    username: UserArg,
    agency: Annotated[str, typer.Option("--agency", help="The user's agency code.")],
    role: Annotated[
        str,
        typer.Option("--role", help="admin, coordinator, analyst, reviewer, viewer or partner."),
    ],
    no_password: Annotated[
        bool, typer.Option("--no-password", help="An account for API tokens only.")
    ] = False,
    db: DbOpt = None,
) -> None:
    """Add a user. The password is read from standard input when it is not a terminal,
    else asked for twice."""
    from wildtrace.store import open_store
    from wildtrace.store.people import add_user

    password = None if no_password else _read_password()
    try:
        with open_store(db) as store:
            add_user(store, username, agency, role, password)
            _audit(store, "user.add", f"user:{username}", {"agency": agency, "role": role})
    except stopping_errors() as exc:
        raise failure(exc) from exc
    console.print(f"user {username} ({role}, {agency}) added")


@user_app.command("list")
def user_list(db: DbOpt = None) -> None:
    """Every user: agency, role, whether disabled, live API tokens."""
    from wildtrace.store import open_store
    from wildtrace.store.people import list_users

    try:
        with open_store(db) as store:
            users = list_users(store)
    except stopping_errors() as exc:
        raise failure(exc) from exc
    for user in users:
        state = "disabled" if user.disabled else "enabled"
        typer.echo(f"{user.username}\t{user.agency}\t{user.role}\t{state}\t{user.tokens} tokens")


@user_app.command("disable")
def user_disable(username: UserArg, db: DbOpt = None) -> None:
    """Disable a user: their sessions end and their API tokens stop working at once."""
    from wildtrace.store import open_store
    from wildtrace.store.people import disable_user

    try:
        with open_store(db) as store:
            disable_user(store, username)
            _audit(store, "user.disable", f"user:{username}")
    except stopping_errors() as exc:
        raise failure(exc) from exc
    console.print(f"user {username} disabled")


@user_app.command("password")
def user_password(username: UserArg, db: DbOpt = None) -> None:
    """Set a user's password (read as for `user add`)."""
    from wildtrace.store import open_store
    from wildtrace.store.people import set_password

    password = _read_password()
    try:
        with open_store(db) as store:
            set_password(store, username, password)
            _audit(store, "user.password", f"user:{username}")
    except stopping_errors() as exc:
        raise failure(exc) from exc
    console.print(f"password of {username} set")


@user_app.command("token")
def user_token(username: UserArg, db: DbOpt = None) -> None:
    """Print a new API token for the user, once (only its hash is kept)."""
    from wildtrace.store import open_store
    from wildtrace.store.people import new_token

    try:
        with open_store(db) as store:
            token = new_token(store, username)
            _audit(store, "user.token", f"user:{username}")
    except stopping_errors() as exc:
        raise failure(exc) from exc
    typer.echo(token)
    console.print("keep it safe: it is not shown again (send it as `Authorization: Bearer TOKEN`)")


@user_app.command("revoke")
def user_revoke(username: UserArg, db: DbOpt = None) -> None:
    """Revoke every API token of the user."""
    from wildtrace.store import open_store
    from wildtrace.store.people import revoke_tokens

    try:
        with open_store(db) as store:
            count = revoke_tokens(store, username)
            _audit(store, "user.revoke", f"user:{username}", {"tokens": count})
    except stopping_errors() as exc:
        raise failure(exc) from exc
    console.print(f"{count} tokens of {username} revoked")


@audit_app.command("verify")
def audit_verify(db: DbOpt = None) -> None:
    """Re-hash every audit entry and re-walk the chain; exit 1 on any problem."""
    from wildtrace.store import open_store
    from wildtrace.store.audit import AuditLog

    try:
        with open_store(db) as store:
            report = AuditLog(store).verify()
    except stopping_errors() as exc:
        raise failure(exc) from exc
    for problem in report.problems:
        console.print(str(problem).replace("custody entry", "audit entry"))
    console.print(f"{report.entries} audit entries, head {report.head}: "
                  + ("the chain holds" if report.ok else f"{len(report.problems)} problems"))  # fmt: skip
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("export")
def audit_export(
    out: Annotated[Path, typer.Option("--out", help="A JSONL file (one entry per line), or - for stdout.")],
    user: Annotated[str | None, typer.Option("--user", help="Only this user's entries.")] = None,
    action: Annotated[str | None, typer.Option("--action", help="Only this action.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only from this date (YYYY-MM-DD) on.")] = None,
    db: DbOpt = None,
) -> None:
    """Write the audit log, oldest first, with each entry's hash (to check it elsewhere)."""
    from wildtrace.store import open_store
    from wildtrace.store.audit import AuditLog

    try:
        start = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
    except ValueError:
        raise fail(f"--since {since!r}: give a date as YYYY-MM-DD") from None
    written = 0
    try:
        with open_store(db) as store:
            sink = sys.stdout if str(out) == "-" else out.open("w", encoding="utf-8")
            try:
                for entry in AuditLog(store).all_entries():
                    if (user and entry["user"] != user) or (action and entry["action"] != action):
                        continue
                    if start is not None and entry["at"] < start.strftime("%Y-%m-%dT%H:%M:%S.%fZ"):
                        continue
                    sink.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
                    written += 1
            finally:
                if sink is not sys.stdout:
                    sink.close()
            _audit(store, "audit.export", "audit", {"entries": written, "out": str(out)})
    except OSError as exc:
        raise fail(f"{out}: cannot write: {exc.strerror or exc}") from exc
    except stopping_errors() as exc:
        raise failure(exc) from exc
    console.print(f"{written} audit entries written to {out}")
