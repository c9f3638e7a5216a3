"""``wildtrace serve``: the investigators' web app and JSON API over a store, with uvicorn.

One worker serves the app made here; several (``--workers N``) each make their own from
``wildtrace.web.app:app_from_environment``, the database URL handed over in an environment
variable (the store is opened, and migrated, once before they start).
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.markup import escape

from wildtrace.commands.common import DbOpt, console, fail, failure, stopping_errors

HostOpt = Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")]
PortOpt = Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")]
ServeWorkersOpt = Annotated[int, typer.Option("--workers", min=1, help="Server processes.")]
SecureOpt = Annotated[
    bool,
    typer.Option("--secure-cookies/--no-secure-cookies",
                 help="Mark the session cookie Secure (when served behind HTTPS)."),
]  # fmt: skip


def serve(
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
    db: DbOpt = None,
    workers: ServeWorkersOpt = 1,
    secure_cookies: SecureOpt = False,
) -> None:
    """Serve the web app and the JSON API (OpenAPI at /openapi.json) until Ctrl-C."""
    serve_app(db, host, port, workers, secure_cookies=secure_cookies)


def serve_app(
    db_url: str | None,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    *,
    secure_cookies: bool = False,
) -> None:
    """Serve the store at ``db_url`` (None: the configured default) at ``host:port`` with
    ``workers`` processes until interrupted; for ``wildtrace serve`` and ``wildtrace demo``."""
    import uvicorn

    from wildtrace.store import open_store, resolve_db_url
    from wildtrace.web.app import DB_URL_ENV, SECURE_ENV, create_app

    _check_port(host, port)
    url = resolve_db_url(db_url)
    try:
        if workers > 1:
            with open_store(url) as store:  # migrate once, before the workers race to
                shown = store.url
            os.environ[DB_URL_ENV] = url
            os.environ[SECURE_ENV] = "1" if secure_cookies else "0"
        else:
            app = create_app(url, secure_cookies=secure_cookies)
            shown = app.state.store.url
    except stopping_errors() as exc:
        raise failure(exc) from exc
    address = f"[{host}]" if ":" in host else host
    console.print(
        f"Serving [cyan]{escape(shown)}[/] at [bold]http://{escape(address)}:{port}[/] "
        f"({workers} worker{'s' if workers > 1 else ''}); Ctrl-C to stop.",
        markup=True,
    )
    options = {"host": host, "port": port, "proxy_headers": True, "log_level": "info", "access_log": False}
    if workers > 1:
        uvicorn.run("wildtrace.web.app:app_from_environment", factory=True, workers=workers, **options)  # type: ignore[arg-type]
    else:
        uvicorn.run(app, **options)  # type: ignore[arg-type]


def _check_port(host: str, port: int) -> None:
    """Stop with a clear message (exit 2) when ``host:port`` cannot be listened on (taken by
    another program, or an address this machine does not have), before anything starts."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise fail(f"--host {host}: cannot be resolved ({exc}); give an address of this machine") from exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise fail(
                f"cannot listen on {host}:{port}: {exc.strerror or exc} (taken by another program?); "
                "give another --port"
            ) from exc
