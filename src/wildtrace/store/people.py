"""Agencies and their users: accounts, passwords (argon2id) and API tokens.

A password is kept only as an argon2id hash, an API token only as its SHA-256 (it is shown
once, when made). Signing in answers the same way, in about the same time, for an unknown
user, a disabled one and a wrong password, so that the answer does not say which names exist.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, insert, select, update

from wildtrace.errors import AccessError
from wildtrace.store.access import LOCAL_AGENCY, ROLES, Viewer
from wildtrace.store.collections import agency_id, local_agency_id
from wildtrace.store.tables_access import AgencyRow, ApiTokenRow, UserRow, WebSessionRow

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from wildtrace.store import Store

#: The shortest password ``add_user`` accepts.
MIN_PASSWORD = 10
#: Prefix of API tokens, so a leaked one is recognisable in logs and secret scanners.
TOKEN_PREFIX = "wt_"


@dataclass(frozen=True, slots=True)
class AgencyInfo:
    code: str
    name: str
    country: str | None
    users: int


@dataclass(frozen=True, slots=True)
class UserInfo:
    username: str
    agency: str
    role: str
    disabled: bool
    has_password: bool
    tokens: int
    created_at: datetime


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash to check against when the user is unknown, so the answer takes as long."""
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted; a new one each call)."""
    return _hasher().hash(password)


def _password_matches(stored: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    """What is stored of a token or session id: its SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def add_agency(store: Store, code: str, name: str, country: str | None = None) -> int:
    """Add an agency; an error if the code is taken or malformed."""
    code = code.strip()
    if not code or len(code) > 40 or any(ch.isspace() for ch in code):
        raise AccessError(f"agency code {code!r}: give 1 to 40 characters without spaces")
    if country is not None:
        country = country.strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise AccessError(f"country {country!r}: give an ISO 3166-1 alpha-2 code such as KE or VN")
    with store.write_transaction("add an agency") as conn:
        if agency_id(conn, code) is not None:
            raise AccessError(f"agency {code!r} exists already")
        conn.execute(insert(AgencyRow).values(code=code, name=name.strip() or code, country=country,
                                              created_at=_now()))  # fmt: skip
        found = agency_id(conn, code)
    assert found is not None
    return found


def add_user(store: Store, username: str, agency_code: str, role: str, password: str | None) -> int:
    """Add a user of an existing agency with one of ``ROLES``; ``password`` None makes an
    account that signs in only with API tokens."""
    username = username.strip()
    if not username or len(username) > 80 or any(ch.isspace() for ch in username):
        raise AccessError(f"user name {username!r}: give 1 to 80 characters without spaces")
    if role not in ROLES:
        raise AccessError(f"role {role!r}: use one of {', '.join(ROLES)}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise AccessError(f"the password is too short: give at least {MIN_PASSWORD} characters")
    hashed = hash_password(password) if password is not None else None
    with store.write_transaction("add a user") as conn:
        agency = local_agency_id(conn) if agency_code == LOCAL_AGENCY else agency_id(conn, agency_code)
        if agency is None:
            raise AccessError(f"unknown agency {agency_code!r}; add it with `wildtrace agency add`")
        if conn.execute(select(UserRow.id).where(UserRow.username == username)).first() is not None:
            raise AccessError(f"user {username!r} exists already")
        conn.execute(
            insert(UserRow).values(
                username=username, agency_id=agency, role=role, password_hash=hashed, disabled=False,
                created_at=_now(),
            )
        )  # fmt: skip
        return int(conn.execute(select(UserRow.id).where(UserRow.username == username)).scalar_one())


def _viewer_query() -> Any:
    return select(
        UserRow.id, UserRow.username, UserRow.agency_id, AgencyRow.code, UserRow.role,
        UserRow.disabled, UserRow.password_hash,
    ).join(AgencyRow, AgencyRow.id == UserRow.agency_id)  # fmt: skip


def _viewer(row: Row[Any]) -> Viewer:
    return Viewer(int(row.id), row.username, int(row.agency_id), row.code, row.role)


def viewer_by_name(store: Store, username: str) -> Viewer | None:
    """The viewer of an enabled user, or None."""
    with store.read_connection("look up a user") as conn:
        row = conn.execute(_viewer_query().where(UserRow.username == username)).first()
    return None if row is None or row.disabled else _viewer(row)


def authenticate(store: Store, username: str, password: str) -> Viewer | None:
    """The viewer when the password is right and the user enabled; None otherwise (the same
    work is done for an unknown user)."""
    with store.read_connection("sign in") as conn:
        row = conn.execute(_viewer_query().where(UserRow.username == username)).first()
    matches = _password_matches(row.password_hash if row is not None else None, password)
    if row is None or row.disabled or not matches:
        return None
    return _viewer(row)


def set_password(store: Store, username: str, password: str) -> None:
    """Replace a user's password."""
    if len(password) < MIN_PASSWORD:
        raise AccessError(f"the password is too short: give at least {MIN_PASSWORD} characters")
    hashed = hash_password(password)
    with store.write_transaction("set a password") as conn:
        done = conn.execute(update(UserRow).where(UserRow.username == username).values(password_hash=hashed))
    if done.rowcount == 0:
        raise AccessError(f"unknown user {username!r}")


def new_token(store: Store, username: str) -> str:
    """A new API token for ``username`` (returned once; only its SHA-256 is stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.write_transaction("make an API token") as conn:
        user = conn.execute(select(UserRow.id, UserRow.disabled).where(UserRow.username == username)).first()
        if user is None:
            raise AccessError(f"unknown user {username!r}")
        if user.disabled:
            raise AccessError(f"user {username!r} is disabled")
        conn.execute(insert(ApiTokenRow).values(user_id=user.id, token_hash=token_digest(token),
                                                created_at=_now(), revoked_at=None))  # fmt: skip
    return token


def viewer_for_token(store: Store, token: str) -> Viewer | None:
    """The viewer an API token stands for; None if unknown, revoked or the user disabled."""
    with store.read_connection("check an API token") as conn:
        row = conn.execute(
            _viewer_query()
            .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
            .where(ApiTokenRow.token_hash == token_digest(token), ApiTokenRow.revoked_at.is_(None))
        ).first()
    return None if row is None or row.disabled else _viewer(row)


def revoke_tokens(store: Store, username: str) -> int:
    """Revoke every API token of a user; how many were live."""
    with store.write_transaction("revoke API tokens") as conn:
        user = conn.execute(select(UserRow.id).where(UserRow.username == username)).scalar_one_or_none()
        if user is None:
            raise AccessError(f"unknown user {username!r}")
        done = conn.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.user_id == user, ApiTokenRow.revoked_at.is_(None))
            .values(revoked_at=_now())
        )
    return int(done.rowcount)


def disable_user(store: Store, username: str) -> None:
    """Disable a user: their web sessions end and their API tokens are revoked, now."""
    now = _now()
    with store.write_transaction("disable a user") as conn:
        user = conn.execute(select(UserRow.id).where(UserRow.username == username)).scalar_one_or_none()
        if user is None:
            raise AccessError(f"unknown user {username!r}")
        conn.execute(update(UserRow).where(UserRow.id == user).values(disabled=True))
        conn.execute(
            update(WebSessionRow)
            .where(WebSessionRow.user_id == user, WebSessionRow.ended_at.is_(None))
            .values(ended_at=now)
        )
        conn.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.user_id == user, ApiTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def list_agencies(store: Store) -> list[AgencyInfo]:
    from sqlalchemy import func

    with store.read_connection("list agencies") as conn:
        rows = conn.execute(
            select(AgencyRow.code, AgencyRow.name, AgencyRow.country, func.count(UserRow.id))
            .outerjoin(UserRow, UserRow.agency_id == AgencyRow.id)
            .group_by(AgencyRow.id, AgencyRow.code, AgencyRow.name, AgencyRow.country)
            .order_by(AgencyRow.code)
        ).all()
    return [AgencyInfo(code, name, country, int(users)) for code, name, country, users in rows]


def list_users(store: Store) -> list[UserInfo]:
    from sqlalchemy import func

    live = (
        select(ApiTokenRow.user_id, func.count().label("n"))
        .where(ApiTokenRow.revoked_at.is_(None))
        .group_by(ApiTokenRow.user_id)
        .subquery()
    )
    with store.read_connection("list users") as conn:
        rows = conn.execute(
            select(UserRow.username, AgencyRow.code, UserRow.role, UserRow.disabled,
                   UserRow.password_hash.is_not(None), func.coalesce(live.c.n, 0), UserRow.created_at)
            .join(AgencyRow, AgencyRow.id == UserRow.agency_id)
            .outerjoin(live, live.c.user_id == UserRow.id)
            .order_by(AgencyRow.code, UserRow.username)
        ).all()  # fmt: skip
    return [UserInfo(u, a, r, bool(d), bool(p), int(t), c) for u, a, r, d, p, t, c in rows]


def local_viewer(store: Store) -> Viewer:
    """Who the command line acts as: the local agency, as an analyst, with no user."""
    with store.write_transaction("find the local agency") as conn:
        local = local_agency_id(conn)
    return Viewer(None, "cli", local, LOCAL_AGENCY, "analyst")


def agency_viewer(store: Store, code: str | None) -> Viewer:
    """Who the command line acts as when told ``--agency CODE`` (the local agency when None):
    that agency, as an analyst, with no user; an error naming the known agencies otherwise."""
    if code is None or code == LOCAL_AGENCY:
        return local_viewer(store)
    with store.engine.connect() as conn:
        found = agency_id(conn, code)
        if found is None:
            known = conn.execute(select(AgencyRow.code).order_by(AgencyRow.code)).scalars().all()
            raise AccessError(f"unknown agency {code!r}; known: {', '.join(known) or 'none'}")
    return Viewer(None, "cli", found, code, "analyst")
