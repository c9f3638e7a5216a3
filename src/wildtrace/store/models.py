"""Detector models in the store: save, list, show, activate, and the active one.

``wildtrace train --db`` saves each model it trains here (the ``.npz`` bytes with their
SHA-256, the threshold it chose and how it measured); the active model is what every
command that analyses into this store uses (``use_active_model``, called when a store is
opened), unless WILDTRACE_DETECTOR_MODEL names a file. No active model: the packaged one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update

from wildtrace.detect import LearnedModel, install_model, installed_model_bytes
from wildtrace.errors import WildTraceError
from wildtrace.store.repository import Store
from wildtrace.store.tables_models import ModelRow

#: What ``wildtrace model activate`` takes to go back to the packaged model.
PACKAGED = "packaged"


@dataclass(frozen=True, slots=True)
class StoredModel:
    """A model kept in the store (``data`` is only read when asked for)."""

    version: int
    digest: str
    threshold: float
    created_at: datetime
    created_by: str
    active: bool
    metrics: dict[str, Any] = field(default_factory=dict)
    data: bytes | None = None


_LISTED = (ModelRow.version, ModelRow.digest, ModelRow.threshold, ModelRow.created_at,
           ModelRow.created_by, ModelRow.active, ModelRow.metrics)  # fmt: skip


def _stored(row: Any, data: bytes | None = None) -> StoredModel:
    return StoredModel(row.version, row.digest, row.threshold, row.created_at, row.created_by,
                       bool(row.active), dict(row.metrics or {}), data)  # fmt: skip


def save_model(
    store: Store, model: LearnedModel, *, threshold: float, by: str, metrics: dict[str, Any], activate: bool
) -> StoredModel:
    """Keep ``model`` (and make it the active one when ``activate``); its version is new."""
    if not 0.0 <= threshold <= 1.0:
        raise WildTraceError(f"threshold {threshold}: must be between 0 and 1")
    data = model.to_bytes()
    values = {"digest": hashlib.sha256(data).hexdigest(), "data": data, "threshold": threshold,
              "created_at": datetime.now(UTC), "created_by": by, "metrics": metrics,
              "active": False}  # fmt: skip
    with store.write_transaction("save the model") as conn:
        version = conn.execute(insert(ModelRow).values(values).returning(ModelRow.version)).scalar_one()
        if activate:
            _activate(conn, version)
    return get_model(store, version)


def list_models(store: Store) -> list[StoredModel]:
    """Every stored model, newest first (without its bytes)."""
    with store.read_connection("list the models") as conn:
        return [_stored(row) for row in conn.execute(select(*_LISTED).order_by(ModelRow.version.desc()))]


def get_model(store: Store, version: int, *, with_data: bool = False) -> StoredModel:
    """The model of ``version``; a WildTraceError naming it when there is none."""
    columns = (*_LISTED, ModelRow.data) if with_data else _LISTED
    with store.read_connection("read the model") as conn:
        row = conn.execute(select(*columns).where(ModelRow.version == version)).first()
    if row is None:
        raise WildTraceError(f"no model {version} in this store (see `wildtrace model list`)")
    return _stored(row, bytes(row.data) if with_data else None)


def active_model(store: Store, *, with_data: bool = False) -> StoredModel | None:
    """The store's active model, or None (the packaged model is used)."""
    columns = (*_LISTED, ModelRow.data) if with_data else _LISTED
    with store.read_connection("read the active model") as conn:
        row = conn.execute(select(*columns).where(ModelRow.active.is_(True))).first()
    if row is None:
        return None
    return _stored(row, bytes(row.data) if with_data else None)


def activate_model(store: Store, version: int | None) -> StoredModel | None:
    """Make ``version`` the active model (None: none, back to the packaged model) and use it
    in this process; the analyses stored before go stale (their analyzer version names
    the old model's digest) and are recomputed by the next scan or ``train``'s re-analysis."""
    if version is not None:
        get_model(store, version)  # a clear error for an unknown version
    with store.write_transaction("activate the model") as conn:
        _activate(conn, version)
    return use_active_model(store)


def _activate(conn: Any, version: int | None) -> None:
    conn.execute(update(ModelRow).where(ModelRow.active.is_(True)).values(active=False))
    if version is not None:
        conn.execute(update(ModelRow).where(ModelRow.version == version).values(active=True))


def use_active_model(store: Store) -> StoredModel | None:
    """Install the store's active model in ``detect`` (or none: the packaged model), so
    that everything this process analyses into the store uses it. The bytes are read only
    when the active model is not the one already installed."""
    chosen = active_model(store)
    if chosen is None:
        install_model(None)
        return None
    installed = installed_model_bytes()
    if installed is None or hashlib.sha256(installed).hexdigest() != chosen.digest:
        data = get_model(store, chosen.version, with_data=True).data
        install_model(data, f"model {chosen.version} of the store")
    return chosen
