"""The detection lexicon: reviewed data files, not code.

``data/lexicon.csv`` holds one row per term: the term as written, its language
(BCP-47), the commodity and CITES taxon it points to, its kind and, for cues and
negatives, the legality cue a reviewer must weigh. ``data/taxa.csv`` gives each
taxon's CITES appendix. Both are loaded once, lazily.
"""

from __future__ import annotations

import csv
import gzip
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from wildtrace.errors import InputError

#: What a term is evidence of. ``product``, ``species`` and ``code_word`` are evidence
#: of a wildlife product; the rest only qualify that evidence. A ``negation`` ("not",
#: "唔係", "không phải") right before a negative term cancels it ("not resin"). A
#: ``discussion`` term (news, seizure, campaign, ban, poaching story, question) marks a
#: post about the trade: without an offer signal it is "discussion, not an offer".
KINDS = (
    "product", "species", "code_word", "context", "sale", "demand", "cue", "negative", "negation",
    "discussion",
)  # fmt: skip
EVIDENCE_KINDS = frozenset({"product", "species", "code_word"})

#: The closed list of commodities a detection may name (docs/detection.md says what each
#: covers; ``shark_ray`` is every shark and ray product other than fins: cartilage, jaws,
#: teeth, gill plates, skin and leather, liver oil, rostra). ``reptile_skin`` is skins,
#: leather and goods of crocodilians, snakes and lizards; ``animal_part`` the skins, furs,
#: skulls, teeth, claws, antlers, feathers and taxidermy of other wild animals;
#: ``shell_coral`` seashells, giant clams, nautiluses and corals; ``insect`` insect and
#: butterfly specimens.
COMMODITIES = (
    "ivory", "rhino_horn", "pangolin", "tiger", "bear_bile", "hornbill", "turtle_shell",
    "shark_fin", "shark_ray", "live_bird", "live_reptile", "live_primate", "rosewood", "agarwood",
    "totoaba", "saiga_horn", "musk", "seahorse", "reptile_skin", "animal_part", "shell_coral",
    "insect",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Term:
    """One lexicon row."""

    term: str
    language: str
    commodity: str | None
    taxon: str | None
    kind: str
    cue: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    terms: tuple[Term, ...]
    appendices: dict[str, str]

    def appendix(self, taxon: str) -> str | None:
        return self.appendices.get(taxon) or None


def load_terms(path: Path) -> tuple[Term, ...]:
    """Read a lexicon CSV, refusing rows that would silently mislead the detector."""
    terms: list[Term] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            line = reader.line_num  # the file's line, counting blank lines that rows skip
            kind = (row.get("kind") or "").strip()
            commodity = (row.get("commodity") or "").strip() or None
            if not (row.get("term") or "").strip():
                raise InputError(str(path), "empty term", line)
            if kind not in KINDS:
                raise InputError(str(path), f"unknown kind {kind!r}; expected one of {KINDS}", line)
            if commodity is not None and commodity not in COMMODITIES:
                raise InputError(str(path), f"unknown commodity {commodity!r}", line)
            terms.append(
                Term(
                    term=row["term"].strip(),
                    language=(row.get("lang") or "und").strip(),
                    commodity=commodity,
                    taxon=(row.get("taxon") or "").strip() or None,
                    kind=kind,
                    cue=(row.get("cue") or "").strip() or None,
                    source=(row.get("source") or "").strip(),
                )
            )
    return tuple(terms)


def load_appendices(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["taxon"]: row["cites_appendix"] for row in csv.DictReader(handle)}


#: Environment variable naming a newer CITES checklist export to take appendices from.
CHECKLIST_ENV = "WILDTRACE_CITES_CHECKLIST"


def load_checklist(path: Path) -> dict[str, str]:
    """Taxon -> CITES listing from a checklist export: the official "Index of CITES
    Species" CSV (columns FullName, CurrentListing; .csv or .csv.gz, as downloaded from
    checklist.cites.org / Species+) or the derived cites_taxa.csv (full_name,
    cites_listing). The package does not ship the checklist (it has no open licence)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = set(reader.fieldnames or ())
            if {"FullName", "CurrentListing"} <= fields:
                name_field, listing_field = "FullName", "CurrentListing"
            elif {"full_name", "cites_listing"} <= fields:
                name_field, listing_field = "full_name", "cites_listing"
            else:
                reason = "not a CITES checklist export: need FullName and CurrentListing"
                raise InputError(str(path), reason, 1)
            return {
                row[name_field].strip(): row[listing_field].strip()
                for row in reader
                if row.get(name_field) and row.get(listing_field)
            }
    except (OSError, UnicodeDecodeError, gzip.BadGzipFile) as error:
        raise InputError(str(path), f"cannot read the checklist: {error}") from error


def checklist_path() -> Path | None:
    """The checklist named by $WILDTRACE_CITES_CHECKLIST, if any."""
    value = os.environ.get(CHECKLIST_ENV)
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        raise InputError(value, f"{CHECKLIST_ENV} names no file")
    return path


@cache
def default_lexicon() -> Lexicon:
    """The lexicon that ships with the package; appendices updated from a newer checklist
    export when $WILDTRACE_CITES_CHECKLIST names one (it wins over taxa.csv)."""
    data = resources.files("wildtrace.detect") / "data"
    with resources.as_file(data / "lexicon.csv") as lexicon_path:
        terms = load_terms(lexicon_path)
    with resources.as_file(data / "taxa.csv") as taxa_path:
        appendices = load_appendices(taxa_path)
    checklist = checklist_path()
    if checklist is not None:
        listed = load_checklist(checklist)
        names = set(appendices) | {name for term in terms for name in (term.taxon or "").split("|") if name}
        appendices.update({name: listed[name] for name in names if name in listed})
    return Lexicon(terms, appendices)
