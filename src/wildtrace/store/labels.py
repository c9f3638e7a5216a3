"""Reviewers' labels in the store (tables_review.py), and what the review queue and the
trainer read back.

Labels are never updated nor deleted: each verdict is a row, and a reviewer's latest label
of a listing is the one that counts (``detect.review.latest_per_reviewer``, the one rule).
Listings are named as users name them (``platform:id``, a plain id used on one platform,
or the listing's URL) and stored by the listing's row, so a label follows its listing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, exists, insert, select

from wildtrace.detect import (
    EVIDENCE_KINDS,
    LABEL_SOURCES,
    LABEL_VERDICTS,
    Candidate,
    Label,
    LabelSource,
    LabelVerdict,
    consensus,
    latest_per_reviewer,
)
from wildtrace.errors import WildTraceError
from wildtrace.model import Listing, ListingKey
from wildtrace.store import rows
from wildtrace.store.repository import Store, _chunks, _grouped, _named_in, listing_row_ids
from wildtrace.store.tables import AccountRow, AnalysisRow, ListingRow, MatchRow, PlatformRow
from wildtrace.store.tables_review import LabelRow

#: Candidates per page when the queue reads the store (one short connection per page).
QUEUE_PAGE = 20_000


@dataclass(frozen=True, slots=True)
class NewLabel:
    """A verdict to store: the listing as the reviewer named it, and who says so."""

    listing: str
    verdict: LabelVerdict
    by: str
    note: str = ""
    agency: str | None = None
    source: LabelSource = "cli"


@dataclass(slots=True)
class AddedLabels:
    """What ``add_labels`` did: the labels stored, and the references that named no
    listing (or several), with why; none of those was stored."""

    stored: list[Label] = field(default_factory=list)
    unresolved: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReviewedListing:
    """A listing with the verdict its reviewers agree on, for training: ``label`` 1 (an
    offer) or 0, from ``votes`` reviewers' latest labels (unsure ones not counted)."""

    listing: Listing
    label: int
    votes: int
    language: str | None
    commodities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QueueListing:
    """What a reviewer is shown of a listing in the queue: the listing, its stored score,
    and what the score rests on (lexicon matches as (term, field, kind), legality cues)."""

    listing: Listing
    score: float
    flagged: bool
    language: str | None
    commodities: tuple[str, ...]
    legality_cues: tuple[str, ...]
    matches: tuple[tuple[str, str, str], ...]


def _key_text(platform: str, uid: str) -> str:
    return str(ListingKey(platform, uid))


def _check(label: NewLabel) -> None:
    if label.verdict not in LABEL_VERDICTS:
        raise WildTraceError(f"verdict must be one of {', '.join(LABEL_VERDICTS)}, not {label.verdict!r}")
    if label.source not in LABEL_SOURCES:
        raise WildTraceError(f"label source must be one of {', '.join(LABEL_SOURCES)}, not {label.source!r}")
    if not label.by.strip():
        raise WildTraceError("a label needs the reviewer's name (--by)")


def _unresolved(conn: Connection, refs: Sequence[str]) -> dict[str, str]:
    """Why each of ``refs`` names no one listing: none in the store, or several."""
    reasons: dict[str, str] = {}
    for ref, found in _named_in(conn, sorted(set(refs))).items():
        if len(found) > 1:
            names = ", ".join(str(key) if key.platform else f":{key.id}" for key, _ in found)
            reasons[ref] = f"listing {ref!r} is on several platforms ({names}); name one as platform:id"
        else:
            reasons[ref] = f"no listing {ref!r} in the store"
    return reasons


def add_labels(store: Store, labels: Sequence[NewLabel]) -> AddedLabels:
    """Store verdicts in one transaction, each as a new row stamped now (UTC). A label whose
    listing the store does not hold (or cannot tell from another) is left out and its
    reference returned with the reason, so an import can report the row and keep the rest."""
    for label in labels:
        _check(label)
    added = AddedLabels()
    if not labels:
        return added
    now = datetime.now(UTC)
    with store.write_transaction("save the labels") as conn:
        ids = listing_row_ids(conn, [label.listing for label in labels])
        missing = [label.listing for label in labels if label.listing not in ids]
        added.unresolved = _unresolved(conn, missing) if missing else {}
        kept = [label for label in labels if label.listing in ids]
        values = [
            {"listing_id": ids[label.listing], "verdict": label.verdict, "reviewer": label.by.strip(),
             "agency": label.agency, "labelled_at": now, "note": label.note, "source": label.source}
            for label in kept
        ]  # fmt: skip
        new_ids: list[int] = []
        for chunk in _chunks(values):  # RETURNING keeps the input order on both engines
            new_ids += [row_id for (row_id,) in conn.execute(insert(LabelRow).returning(LabelRow.id), chunk)]
        keys = _keys_of(conn, sorted(set(ids.values())))
    added.stored = [
        Label(keys[ids[label.listing]], label.verdict, label.by.strip(), now, label.note, label.agency,
              label.source, row_id)
        for label, row_id in zip(kept, new_ids, strict=True)
    ]  # fmt: skip
    return added


def _keys_of(conn: Connection, row_ids: Sequence[int]) -> dict[int, str]:
    """The key text (``str(ListingKey)``) of listing rows."""
    keys: dict[int, str] = {}
    for chunk in _chunks(row_ids):
        query = (
            select(ListingRow.id, PlatformRow.name, ListingRow.uid)
            .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
            .where(ListingRow.id.in_(chunk))
        )
        keys.update((row_id, _key_text(platform, uid)) for row_id, platform, uid in conn.execute(query))
    return keys


def _label(row: Any) -> Label:
    return Label(
        listing=_key_text(row.platform, row.uid),
        verdict=row.verdict,
        by=row.reviewer,
        at=row.labelled_at,
        note=row.note,
        agency=row.agency,
        source=row.source,
        id=row.id,
    )


def label_history(store: Store, listing: str | None = None) -> list[Label]:
    """Every label ever given, oldest first; only those of ``listing`` (as a user names it)
    when given (none when it names no listing)."""
    query = (
        select(LabelRow, PlatformRow.name.label("platform"), ListingRow.uid)
        .join(ListingRow, ListingRow.id == LabelRow.listing_id)
        .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
        .order_by(LabelRow.id)
    )
    with store.read_connection("read the labels") as conn:
        if listing is not None:
            row_id = listing_row_ids(conn, [listing]).get(listing)
            if row_id is None:
                return []
            query = query.where(LabelRow.listing_id == row_id)
        return [_label(row) for row in conn.execute(query)]


def training_labels(store: Store) -> list[ReviewedListing]:
    """Every listing whose reviewers agree (``detect.review.consensus``), with its fields,
    language and commodities, oldest listing first; listings without consensus are left out."""
    history = label_history(store)
    decided = consensus(history)
    votes: dict[str, int] = {}
    for label in latest_per_reviewer(history):
        if label.verdict != "unsure":
            votes[label.listing] = votes.get(label.listing, 0) + 1
    query = (
        select(ListingRow.__table__, PlatformRow.name.label("platform_name"),
               AccountRow.seller.label("seller_name"), AnalysisRow.language.label("analysis_language"),
               AnalysisRow.commodities.label("analysis_commodities"))
        .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
        .outerjoin(AccountRow, AccountRow.id == ListingRow.account_id)
        .outerjoin(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
        .where(exists().where(LabelRow.listing_id == ListingRow.id))
        .order_by(ListingRow.id)
    )  # fmt: skip
    found: list[ReviewedListing] = []
    with store.read_connection("read the labelled listings") as conn:
        for row in conn.execute(query):
            key = _key_text(row.platform_name, row.uid)
            verdict = decided.get(key)
            if verdict is None:
                continue
            found.append(
                ReviewedListing(
                    listing=rows.to_listing(row, row.platform_name, row.seller_name, None),
                    label=int(verdict == "yes"),
                    votes=votes[key],
                    language=row.analysis_language,
                    commodities=tuple(row.analysis_commodities or ()),
                )
            )
    return found


def queue_candidates(store: Store, page: int = QUEUE_PAGE) -> Iterator[list[Candidate]]:
    """The analysed listings no one has labelled yet, as the queue chooses among them, a
    page at a time (no connection is held between pages)."""
    last = 0
    while True:
        query = (
            select(ListingRow.id, PlatformRow.name, ListingRow.uid, AnalysisRow.score, AnalysisRow.language,
                   AnalysisRow.commodities)
            .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
            .join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
            # the bound on both ids lets PostgreSQL start both index scans at the page
            .where(ListingRow.id > last, AnalysisRow.listing_id > last)
            .where(~exists().where(LabelRow.listing_id == ListingRow.id))
            .order_by(ListingRow.id)
            .limit(page)
        )  # fmt: skip
        with store.read_connection("read the listings to review") as conn:
            found = conn.execute(query).all()
            matched = _with_evidence(conn, [row[0] for row in found])
        if not found:
            return
        yield [
            Candidate(_key_text(platform, uid), float(score), platform, language, tuple(commodities or ()),
                      row_id in matched)
            for row_id, platform, uid, score, language, commodities in found
        ]  # fmt: skip
        last = found[-1][0]


def _with_evidence(conn: Connection, row_ids: Sequence[int]) -> set[int]:
    """Which of the listings (ids in ascending order) the lexicon found a product, species or
    code word in: one range scan of the page's matches, not a lookup per listing."""
    if not row_ids:
        return set()
    query = select(MatchRow.listing_id).where(
        MatchRow.listing_id.between(row_ids[0], row_ids[-1]), MatchRow.kind.in_(sorted(EVIDENCE_KINDS))
    )
    return {row_id for (row_id,) in conn.execute(query)} & set(row_ids)


def queue_listings(store: Store, keys: Sequence[str]) -> dict[str, QueueListing]:
    """What the reviewer is shown of each chosen listing (``str(Listing.key)``)."""
    with store.read_connection("read the listings to review") as conn:
        ids = listing_row_ids(conn, keys)
        wanted = sorted(set(ids.values()))
        shown: dict[str, QueueListing] = {}
        for chunk in _chunks(wanted):
            query = (
                select(ListingRow.__table__, PlatformRow.name.label("platform_name"),
                       AccountRow.seller.label("seller_name"), AnalysisRow.score, AnalysisRow.flagged,
                       AnalysisRow.language, AnalysisRow.commodities, AnalysisRow.legality_cues)
                .join(PlatformRow, PlatformRow.id == ListingRow.platform_id)
                .join(AnalysisRow, AnalysisRow.listing_id == ListingRow.id)
                .outerjoin(AccountRow, AccountRow.id == ListingRow.account_id)
                .where(ListingRow.id.in_(chunk))
            )  # fmt: skip
            matches = _grouped(conn, MatchRow, chunk, MatchRow.position)
            for row in conn.execute(query):
                shown[_key_text(row.platform_name, row.uid)] = QueueListing(
                    listing=rows.to_listing(row, row.platform_name, row.seller_name, None),
                    score=float(row.score),
                    flagged=bool(row.flagged),
                    language=row.language,
                    commodities=tuple(row.commodities or ()),
                    legality_cues=tuple(row.legality_cues or ()),
                    matches=tuple((m.term, m.field, m.kind) for m in matches.get(row.id, [])),
                )
    return shown
