"""Every route × every role, generated from the app's route table: a route that declares no rule
(``require``) and is not in ``auth.PUBLIC_ROUTES`` fails the suite; each role gets exactly what
``ROLES`` grants it (403 otherwise), and nobody signed out gets in (401 JSON / a redirect to the
login page)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount, Route

from tests.web.conftest import PLATFORM, World
from wildtrace.store.access import ROLES
from wildtrace.web.auth import SESSION_COOKIE, is_public, require

#: Sample values for path parameters (anything else: "1").
SAMPLES = {"ref": f"{PLATFORM}:a1", "platform": PLATFORM, "seller": "tiger_trader", "network_id": "n1"}
#: One user of each role (``tests/web/conftest.py``).
USER_OF_ROLE = {"admin": "admin_a", "coordinator": "coord_a", "analyst": "ana", "reviewer": "rev_a",
                "viewer": "view_a", "partner": "part_b"}  # fmt: skip


def rule_of(dependency: Any) -> tuple[str, bool] | None:
    """(capability, page) when ``dependency`` is one made by ``require``, else None."""
    capability = getattr(dependency, "capability", None)
    return (capability, bool(getattr(dependency, "page", False))) if isinstance(capability, str) else None


def _rules(dependant: Any) -> list[tuple[str, bool]]:
    found = []
    for sub in dependant.dependencies:
        rule = rule_of(sub.call)
        if rule is not None:
            found.append(rule)
        found += _rules(sub)
    return found


def routes_and_rules(app: FastAPI) -> tuple[list[tuple[str, str, tuple[str, bool] | None]], list[str]]:
    """(method, path, rule or None for public) of every route, and the problems: a route with
    no rule that is not public, or with more than one."""
    table: list[tuple[str, str, tuple[str, bool] | None]] = []
    problems: list[str] = []
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path
        if isinstance(route, APIRoute):
            rules = _rules(context.dependant)
            for method in sorted(context.methods or ()):
                if is_public(method, path):
                    if rules:
                        problems.append(f"{method} {path}: public, yet declares {rules}")
                    table.append((method, path, None))
                elif len(rules) != 1:
                    problems.append(f"{method} {path}: declares {len(rules)} rules, not one")
                else:
                    table.append((method, path, rules[0]))
        elif isinstance(route, Mount):
            if not is_public("GET", f"{path}/*"):
                problems.append(f"mount {path}: not in PUBLIC_ROUTES")
        elif isinstance(route, Route):
            for method in sorted(context.methods or ()):
                if method != "HEAD" and not is_public(method, path):
                    problems.append(f"{method} {path}: a plain route with no rule")
        else:
            problems.append(f"{route!r}: a route of a kind the test does not know")
    return table, problems


def _path(template: str) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: SAMPLES.get(m.group(1), "1"), template)


def test_every_route_declares_one_rule_or_is_public(world: World) -> None:
    table, problems = routes_and_rules(world.app)
    assert problems == []
    paths = {(method, path) for method, path, _ in table}
    assert ("GET", "/api/listings") in paths and ("GET", "/api/listings/{ref:path}") in paths
    assert ("GET", "/api/audit") in paths and ("POST", "/api/cases/{case_id}/items") in paths


def test_a_route_without_a_rule_is_caught() -> None:
    app = FastAPI()

    @app.get("/api/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    @app.get("/api/twice", dependencies=[Depends(require("read")), Depends(require("audit"))])
    def twice() -> dict[str, str]:
        return {}

    _, problems = routes_and_rules(app)
    assert any("/api/forgotten" in problem for problem in problems)
    assert any("/api/twice" in problem for problem in problems)


def _session(world: World, user: str) -> tuple[str, str]:
    from wildtrace.store.web_sessions import create_session

    user_id = world.viewers[user].user_id
    assert user_id is not None
    return create_session(world.store, user_id, "testclient")


def test_every_role_gets_exactly_what_its_capabilities_allow(world: World, client: Any) -> None:
    table, _ = routes_and_rules(world.app)
    sessions = {role: _session(world, user) for role, user in USER_OF_ROLE.items()}
    checked = 0
    for method, template, rule in table:
        path = _path(template)
        body: dict[str, Any] = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        if rule is None:
            continue
        capability, page = rule
        client.cookies.clear()
        anonymous = client.request(method, path, follow_redirects=False, **body)
        if page:
            assert anonymous.status_code == 303, (method, path)
            assert anonymous.headers["location"].startswith("/login?next=")
        else:
            assert anonymous.status_code == 401, (method, path)
        for role, capabilities in ROLES.items():
            user = USER_OF_ROLE[role]
            if page:
                session_id, csrf = sessions[role]
                client.cookies.set(SESSION_COOKIE, session_id)
                answer = client.request(method, path, headers={"X-CSRF-Token": csrf}, follow_redirects=False,
                                        **body)  # fmt: skip
                client.cookies.clear()
            else:
                answer = client.request(method, path, headers=world.bearer(user), **body)
            where = (role, method, path, answer.status_code, answer.text[:200])
            if capability in capabilities:
                assert answer.status_code not in (401, 403) and answer.status_code < 500, where
                assert not (page and answer.status_code == 303 and "/login" in answer.headers["location"]), (
                    where
                )
            else:
                assert answer.status_code == 403, where
                if page:
                    assert answer.headers["content-type"].startswith("text/html"), where
                else:
                    assert answer.json()["detail"], where
            checked += 1
    assert checked >= 6 * 15


def test_public_routes_answer_without_signing_in(client: Any) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}
    spec = client.get("/openapi.json")
    assert spec.status_code == 200 and "/api/listings" in spec.json()["paths"]
    assert client.get("/login").status_code == 200
    assert client.get("/static/vendor/htmx.min.js").status_code == 200
    assert client.get("/static/ops/echarts.min.js").status_code == 200
