"""One rule for the text a store can hold (DESIGN.md: one source of truth per fact): the
store cleans what it writes with the core's ``clean_text`` / ``clean_value``, it does not
keep a copy of the rule that could drift from it."""

from __future__ import annotations

import re
from pathlib import Path

import wildtrace
from wildtrace.parse import clean_text, clean_value
from wildtrace.store.clean import clean_parameters, json_dumps, storable_value

SRC = Path(wildtrace.__file__).parent
#: How the rule is written down: a character class of NUL and the surrogate range, as
#: source text ("[\x00\ud800-\udfff]") or as the escapes json.dumps writes ("\\ud[89a-f]").
_RULE = re.compile(r"ud800-\\udfff|\\\\ud\[89a-f\]", re.IGNORECASE)


def test_the_rule_of_storable_text_is_written_once_in_src() -> None:
    places = sorted(
        str(path.relative_to(SRC)) for path in SRC.rglob("*.py") if _RULE.search(path.read_text("utf-8"))
    )
    assert places == ["parse/record.py"]


def test_the_store_cleans_as_the_core_does_tuples_included() -> None:
    value = {"k\x00": ["a\x00b", ("\ud83d", "ok")], "n": 3}
    expected, count = clean_value(value)
    assert count == 3 and expected == {"k": ["ab", ("\ufffd", "ok")], "n": 3}
    assert storable_value(value) == expected
    assert json_dumps(value) == '{"k": ["ab", ["\\ufffd", "ok"]], "n": 3}'
    assert clean_parameters(("x\x00", {"t": "\udc00"})) == (clean_text("x\x00"), {"t": "\ufffd"})


def test_clean_values_are_passed_through_untouched() -> None:
    value = {"title": "Ngà voi", "tags": ["象牙", "\\u0000 as text"]}
    assert storable_value(value) is value
    parameters = [{"a": "x", "b": 1}]
    assert clean_parameters(parameters, many=True) is parameters
