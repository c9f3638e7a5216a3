"""The demo's operation: the fictional KESTREL-DEMO (400 seizure lines in 33 countries, the
files under ``demo/data/ops/``), imported by ``wildtrace demo`` into a GREEN collection of the
Kenya Wildlife Service, so that every demo agency's analyst finds its report under
Operations and can add its seizures to a case. The partner (CLEAR only) does not see it."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wildtrace.store import Store

OPERATION = "KESTREL-DEMO"
COLLECTION = "kestrel-demo-operation"
OWNER = "KE-KWS"
MARKING = "GREEN"


@dataclass(frozen=True, slots=True)
class DemoOperation:
    name: str
    collection: str
    #: Seizure lines in the store, and how many this run added.
    lines: int
    added: int


def demo_sheet() -> Path:
    """The operation's CSV, inside the package."""
    return Path(str(resources.files("wildtrace.demo") / "data" / "ops" / "operation-kestrel-demo.csv"))


def add_demo_operation(store: Store) -> DemoOperation:
    """Import KESTREL-DEMO (again: lines already stored are left as they are) into its GREEN
    collection; the demo agencies must exist (``add_demo_agencies``)."""
    from wildtrace.ops.importer import read_seizures
    from wildtrace.ops.store import save_rows
    from wildtrace.store.collections import ensure_collection

    read = read_seizures(demo_sheet())
    with store.write_transaction("the demo operation's collection") as conn:
        collection = ensure_collection(conn, COLLECTION, OWNER, MARKING)
    saved = save_rows(store, OPERATION, read.rows, collection_id=collection)
    return DemoOperation(OPERATION, COLLECTION, saved.new + saved.already, saved.new)
