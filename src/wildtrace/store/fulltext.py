"""Full-text search over listings' titles and texts, indexed on both engines.

- SQLite: an FTS5 table ``listings_fts`` with the ``trigram`` tokenizer (any script, spaced or
  not: 犀牛角 is found inside a Chinese sentence), kept in step with ``listings`` by triggers
  (migration 0008). A word matches where it occurs as a substring, case-insensitively, as
  ``LIKE '%word%'`` would, but from the index; words shorter than three characters (which
  trigrams cannot index) fall back to ``LIKE``.
- PostgreSQL: a GIN index over ``to_tsvector('simple', title || ' ' || text)``, queried with
  ``websearch_to_tsquery('simple', ...)`` (whole words, any language, no stemming).

Both are created by migration 0008 (its own frozen copy of the DDL) and are outside the table
declarations (Alembic cannot describe them): ``outside_metadata`` tells autogenerate and the
schema test to leave them be.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal_column, or_, select, text, true

from wildtrace.store.tables import ListingRow

#: The FTS5 table and its shadow tables' prefix (SQLite).
FTS_TABLE = "listings_fts"
#: The GIN index (PostgreSQL).
PG_INDEX = "ix_listings_fulltext"
#: The indexed document, as SQL (the index and the query must use the very same expression).
PG_DOCUMENT = "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(text, ''))"
#: Most words of a query used (a search box, not a boolean language).
MAX_WORDS = 8


def outside_metadata(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's ``include_object``: False for the full-text table and index, which the
    migrations create by hand."""
    return not (name is not None and (name.startswith(FTS_TABLE) or name == PG_INDEX))


def words(query: str) -> list[str]:
    """The words of a search query (at most ``MAX_WORDS``)."""
    return [word for word in query.split() if word][:MAX_WORDS]


def like_word(column: Any, word: str) -> ColumnElement[bool]:
    """``column`` holds ``word``, case-insensitively (LIKE with its wildcards escaped)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped.lower()}%", escape="\\")


def text_match(dialect: str, query: str) -> ColumnElement[bool]:
    """A WHERE clause over ``listings``: the title or text holds every word of ``query``."""
    found = words(query)
    if not found:
        return true()
    if dialect == "postgresql":
        tsquery = func.websearch_to_tsquery(literal_column("'simple'::regconfig"), " ".join(found))
        return literal_column(PG_DOCUMENT).op("@@")(tsquery)
    indexed = [word for word in found if len(word) >= 3]
    clauses: list[ColumnElement[bool]] = []
    if indexed:
        phrase = " ".join('"' + word.replace('"', '""') + '"' for word in indexed)
        rows: Any = (
            select(literal_column("rowid"))
            .select_from(text(FTS_TABLE))
            .where(literal_column(FTS_TABLE).op("MATCH")(phrase))
        )
        clauses.append(ListingRow.id.in_(rows))
    short = [word for word in found if len(word) < 3]
    clauses += [or_(like_word(ListingRow.title, w), like_word(ListingRow.text, w)) for w in short]
    return and_(*clauses)
