"""Analysts' judgements and the analysed network, in the store (tables_judgements.py).

Judgements are never deleted: ``undo`` stamps who undid one and when, so the record of
every decision stays for disclosure; only judgements not undone apply to linking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update

from wildtrace.errors import WildTraceError
from wildtrace.link import VERDICTS, Judgement, Verdict
from wildtrace.store.repository import Store, listing_row_ids
from wildtrace.store.tables import AccountRow, PlatformRow
from wildtrace.store.tables_judgements import JudgementRow, NetworkAccountRow

if TYPE_CHECKING:
    from wildtrace.link import AccountGraph


@dataclass(frozen=True, slots=True)
class JudgementRecord:
    """A stored judgement and, when it was undone, by whom and when."""

    judgement: Judgement
    undone_at: datetime | None = None
    undone_by: str | None = None


def _judgement(row: Any) -> Judgement:
    made_at: datetime = row.made_at
    return Judgement(
        id=row.id,
        verdict=row.verdict,
        first=row.first,
        second=row.second,
        by=row.analyst,
        at=made_at.astimezone(UTC).isoformat(timespec="seconds"),
        note=row.note,
    )


def add_judgement(
    store: Store,
    verdict: Verdict,
    first: str,
    second: str | None,
    analyst: str,
    note: str = "",
    agency: str = "local",
) -> Judgement:
    """Record a decision (by ``analyst`` of ``agency``); it applies from the next linking on."""
    if verdict not in VERDICTS:
        raise WildTraceError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    if not first or second == "" or first == second:
        raise WildTraceError("a judgement is about two different accounts, or one value")
    if not analyst.strip():
        raise WildTraceError("a judgement needs the analyst's name (--by)")
    values = {"verdict": verdict, "first": first, "second": second, "analyst": analyst.strip(),
              "made_at": datetime.now(UTC), "note": note, "agency": agency}  # fmt: skip
    with store.write_transaction("save the judgement") as conn:
        new_id = conn.execute(insert(JudgementRow).values(values).returning(JudgementRow.id)).scalar_one()
        row = conn.execute(select(JudgementRow).where(JudgementRow.id == new_id)).one()
    return _judgement(row)


def undo_judgement(store: Store, judgement_id: int, analyst: str) -> Judgement:
    """Withdraw a decision (kept on record); linking goes back to the automatic result."""
    if not analyst.strip():
        raise WildTraceError("undoing a judgement needs the analyst's name (--by)")
    with store.write_transaction("undo the judgement") as conn:
        row = conn.execute(select(JudgementRow).where(JudgementRow.id == judgement_id)).one_or_none()
        if row is None:
            raise WildTraceError(f"no judgement #{judgement_id} in {store.url}")
        if row.undone_at is not None:
            raise WildTraceError(f"judgement #{judgement_id} was already undone by {row.undone_by}")
        conn.execute(
            update(JudgementRow)
            .where(JudgementRow.id == judgement_id)
            .values(undone_at=datetime.now(UTC), undone_by=analyst.strip())
        )
    return _judgement(row)


def list_judgements(store: Store) -> list[JudgementRecord]:
    """Every judgement ever made, oldest first, with its undoing if any."""
    with store.read_connection("read judgements") as conn:
        rows = conn.execute(select(JudgementRow).order_by(JudgementRow.id)).all()
    return [JudgementRecord(_judgement(row), row.undone_at, row.undone_by) for row in rows]


def active_judgements(store: Store) -> list[Judgement]:
    """The judgements that apply to linking: those not undone."""
    return [record.judgement for record in list_judgements(store) if record.undone_at is None]


def known_accounts(store: Store, names: list[str]) -> set[str]:
    """Which of ``names`` (``platform:seller`` or ``listing:<id>``) the store holds."""
    known: set[str] = set()
    with store.read_connection("read accounts") as conn:
        refs = [name.removeprefix("listing:") for name in names if name.startswith("listing:")]
        if refs:  # a listing is named by str(Listing.key): platform:id, or an unambiguous id
            known.update(f"listing:{ref}" for ref in listing_row_ids(conn, refs))
        sellers = [name.partition(":")[2] for name in names if not name.startswith("listing:")]
        if sellers:
            query = (
                select(PlatformRow.name, AccountRow.seller)
                .join(PlatformRow, PlatformRow.id == AccountRow.platform_id)
                .where(AccountRow.seller.in_(sellers))
            )
            known.update(f"{platform or 'unknown'}:{seller}" for platform, seller in conn.execute(query))
    return known & set(names)


def save_network_accounts(store: Store, graph: AccountGraph) -> None:
    """Replace the stored analysis of the network (groups, communities, centralities)."""
    rows = [
        {"account": node.account, "platform": node.platform, "seller": node.seller,
         "listings": len(node.listings), "cluster": node.group, "community": node.community,
         "degree": node.degree, "betweenness": node.betweenness}
        for node in graph.nodes.values()
    ]  # fmt: skip
    with store.write_transaction("save the network analysis") as conn:
        conn.execute(delete(NetworkAccountRow))
        for start in range(0, len(rows), 5000):
            conn.execute(insert(NetworkAccountRow), rows[start : start + 5000])

