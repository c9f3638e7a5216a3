"""The lexicon loader and the data files that ship with the package."""

from __future__ import annotations

from pathlib import Path

import pytest

from wildtrace.detect.lexicon import (
    COMMODITIES,
    EVIDENCE_KINDS,
    KINDS,
    Lexicon,
    Term,
    default_lexicon,
    load_appendices,
    load_terms,
)
from wildtrace.errors import InputError

HEADER = "term,lang,commodity,taxon,kind,cue,source\n"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "lexicon.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_load_terms_reads_and_trims_every_column(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        " ivory , en ,ivory, Elephantidae ,product,,seed\n"
        "faux,en,,,negative, faux / imitation ,wildtrace\n"
        "🦏,,rhino_horn,Rhinocerotidae,code_word,,\n",
    )
    assert load_terms(path) == (
        Term("ivory", "en", "ivory", "Elephantidae", "product", None, "seed"),
        Term("faux", "en", None, None, "negative", "faux / imitation", "wildtrace"),
        Term("🦏", "und", "rhino_horn", "Rhinocerotidae", "code_word", None, ""),
    )


def test_unknown_kind_is_refused_with_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "ivory,en,ivory,Elephantidae,product,,seed\ntusk,en,ivory,,produce,,seed\n")
    with pytest.raises(InputError) as caught:
        load_terms(path)
    assert caught.value.path == str(path)
    assert caught.value.line == 3
    assert "unknown kind 'produce'" in caught.value.reason
    assert str(caught.value).startswith(f"{path}:3: unknown kind 'produce'")


def test_unknown_commodity_is_refused_with_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "unicorn horn,en,unicorn,,product,,seed\n")
    with pytest.raises(InputError) as caught:
        load_terms(path)
    assert (caught.value.path, caught.value.line) == (str(path), 2)
    assert caught.value.reason == "unknown commodity 'unicorn'"


def test_empty_term_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "ivory,en,ivory,,product,,seed\n  ,en,ivory,,product,,seed\n")
    with pytest.raises(InputError) as caught:
        load_terms(path)
    assert (caught.value.line, caught.value.reason) == (3, "empty term")


def test_error_line_counts_blank_lines_in_the_file(tmp_path: Path) -> None:
    # csv.DictReader skips blank lines; the error must still name the file's own line.
    path = _write(tmp_path, "ivory,en,ivory,,product,,seed\n\n\ntusk,en,ivory,,bogus,,seed\n")
    with pytest.raises(InputError) as caught:
        load_terms(path)
    assert caught.value.line == 5


def test_error_line_counts_quoted_multi_line_fields(tmp_path: Path) -> None:
    path = _write(tmp_path, 'ivory,en,ivory,,cue,"two\nlines",seed\ntusk,en,ivory,,bogus,,seed\n')
    with pytest.raises(InputError) as caught:
        load_terms(path)
    assert caught.value.line == 4


def test_load_appendices(tmp_path: Path) -> None:
    path = tmp_path / "taxa.csv"
    path.write_text("taxon,cites_appendix,note\nManidae,I,pangolins\nMammuthus,,extinct\n", encoding="utf-8")
    assert load_appendices(path) == {"Manidae": "I", "Mammuthus": ""}
    lexicon = Lexicon((), load_appendices(path))
    assert lexicon.appendix("Manidae") == "I"
    assert lexicon.appendix("Mammuthus") is None  # an empty appendix reads as "not listed"
    assert lexicon.appendix("Unknown") is None


def test_default_lexicon_is_loaded_once_and_well_formed() -> None:
    lexicon = default_lexicon()
    assert default_lexicon() is lexicon
    assert len(lexicon.terms) > 500
    assert {term.kind for term in lexicon.terms} == set(KINDS)
    for term in lexicon.terms:
        assert term.commodity is None or term.commodity in COMMODITIES
        if term.kind in EVIDENCE_KINDS:
            assert term.commodity is not None, term
        if term.kind == "demand":
            assert term.cue == "wanted (demand)", term
    # every commodity has evidence in the lexicon
    assert {t.commodity for t in lexicon.terms if t.kind in EVIDENCE_KINDS} == set(COMMODITIES)


def test_every_taxon_named_by_the_lexicon_has_a_row_in_taxa_csv() -> None:
    lexicon = default_lexicon()
    named = {
        name for term in lexicon.terms for name in (term.taxon or "").split("|") if name
    }
    assert sorted(named - set(lexicon.appendices)) == []


@pytest.mark.parametrize(
    ("taxon", "appendix"),
    [
        ("Manidae", "I"),
        ("Elephantidae", "I/II"),
        ("Panthera tigris", "I"),
        ("Dalbergia cochinchinensis", "II"),
        ("Nycticebus", "I"),
        ("Psittacus erithacus", "I"),
        ("Aquilaria", "II"),
        ("Elasmobranchii", "II"),
        ("Mammuthus", None),
    ],
)
def test_shipped_appendices(taxon: str, appendix: str | None) -> None:
    assert default_lexicon().appendix(taxon) == appendix


# -- a newer CITES checklist export given by the user -------------------------------------


def test_a_newer_checklist_export_updates_the_appendices(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import gzip

    from wildtrace.detect.lexicon import CHECKLIST_ENV, default_lexicon, load_checklist

    export = tmp_path / "Index_of_CITES_Species_2025.csv.gz"
    with gzip.open(export, "wt", encoding="utf-8") as handle:
        handle.write("TaxonId,FullName,RankName,CurrentListing\n"
                     "1,Pterocarpus macrocarpus,SPECIES,II\n2,Manidae,FAMILY,I\n")  # fmt: skip
    assert load_checklist(export) == {"Pterocarpus macrocarpus": "II", "Manidae": "I"}
    default_lexicon.cache_clear()
    try:
        assert default_lexicon().appendix("Pterocarpus macrocarpus") is None  # not listed in 2017
        monkeypatch.setenv(CHECKLIST_ENV, str(export))
        default_lexicon.cache_clear()
        assert default_lexicon().appendix("Pterocarpus macrocarpus") == "II"
        assert default_lexicon().appendix("Panthera tigris") == "I"  # untouched where the export is silent
    finally:
        monkeypatch.delenv(CHECKLIST_ENV)
        default_lexicon.cache_clear()


def test_a_file_that_is_not_a_checklist_is_refused(tmp_path: Path) -> None:
    from wildtrace.detect.lexicon import load_checklist

    path = tmp_path / "other.csv"
    path.write_text("name,appendix\nManidae,I\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"other\.csv:1: not a CITES checklist export"):
        load_checklist(path)
