"""Units: every alias converts to its canonical measure with the right factor."""

from __future__ import annotations

import pytest

from wildtrace.ops.units import canonical, fold, parse_number, parse_unit, split_quantity

# (as written, measure, canonical amount of ONE such unit), factors written out by hand
UNITS = [
    ("kg", "kg", 1.0),
    ("KG", "kg", 1.0),
    ("Kgs", "kg", 1.0),
    ("kilogramme", "kg", 1.0),
    ("kilogramos", "kg", 1.0),
    ("quilos", "kg", 1.0),
    ("公斤", "kg", 1.0),
    ("千克", "kg", 1.0),
    ("ký", "kg", 1.0),
    ("กก.", "kg", 1.0),
    ("กิโลกรัม", "kg", 1.0),
    ("KIL", "kg", 1.0),
    ("kilo", "kg", 1.0),
    ("g", "kg", 0.001),
    ("grammes", "kg", 0.001),
    ("gramos", "kg", 0.001),
    ("克", "kg", 0.001),
    ("GRM", "kg", 0.001),
    ("กรัม", "kg", 0.001),
    ("mg", "kg", 0.000001),
    ("t", "kg", 1000.0),
    ("tonnes", "kg", 1000.0),
    ("toneladas", "kg", 1000.0),
    ("tấn", "kg", 1000.0),
    ("吨", "kg", 1000.0),
    ("噸", "kg", 1000.0),
    ("TON", "kg", 1000.0),
    ("metric tons", "kg", 1000.0),
    ("lb", "kg", 0.45359237),
    ("lbs", "kg", 0.45359237),
    ("pounds", "kg", 0.45359237),
    ("PND", "kg", 0.45359237),
    ("oz", "kg", 0.028349523125),
    ("斤", "kg", 0.5),
    ("jin", "kg", 0.5),
    ("catty", "kg", 0.60478982),
    ("两", "kg", 0.05),
    ("tael", "kg", 0.037799364),
    ("taels", "kg", 0.037799364),
    ("m3", "m3", 1.0),
    ("m³", "m3", 1.0),
    ("CBM", "m3", 1.0),
    ("CUM", "m3", 1.0),
    ("cubic metres", "m3", 1.0),
    ("mètres cubes", "m3", 1.0),
    ("metros cúbicos", "m3", 1.0),
    ("立方米", "m3", 1.0),
    ("khối", "m3", 1.0),
    ("cubic feet", "m3", 0.028316846592),
    ("CUF", "m3", 0.028316846592),
    ("cm3", "m3", 0.000001),
    ("pcs", "pieces", 1.0),
    ("PCS", "pieces", 1.0),
    ("pieces", "pieces", 1.0),
    ("pièces", "pieces", 1.0),
    ("unidades", "pieces", 1.0),
    ("件", "pieces", 1.0),
    ("个", "pieces", 1.0),
    ("chiếc", "pieces", 1.0),
    ("ชิ้น", "pieces", 1.0),
    ("buah", "pieces", 1.0),
    ("vipande", "pieces", 1.0),
    ("items", "pieces", 1.0),
    ("pairs", "pieces", 2.0),
    ("PAI", "pieces", 2.0),
    ("live", "live", 1.0),
    ("live specimens", "live", 1.0),
    ("LIV", "live", 1.0),
    ("heads", "live", 1.0),
    ("vivants", "live", 1.0),
    ("vivos", "live", 1.0),
    ("只", "live", 1.0),
    ("con", "live", 1.0),
    ("ตัว", "live", 1.0),
    ("ekor", "live", 1.0),
    ("wanyama", "live", 1.0),
]


@pytest.mark.parametrize(("text", "measure", "factor"), UNITS)
def test_each_unit_converts_to_its_canonical_measure(text: str, measure: str, factor: float) -> None:
    unit = parse_unit(text)
    assert unit is not None, text
    assert unit.measure == measure
    assert canonical(4.0, unit) == (measure, pytest.approx(4.0 * factor))


@pytest.mark.parametrize("text", ["", "bags", "kgx", "litres", "boxes", "ml"])
def test_unknown_units_are_none(text: str) -> None:
    assert parse_unit(text) is None


def test_counts_of_live_trade_are_live_specimens_and_weights_stay_weights() -> None:
    pieces, kilos = parse_unit("pcs"), parse_unit("kg")
    assert pieces is not None and kilos is not None
    assert canonical(12, pieces, live=True) == ("live", 12)
    assert canonical(12, kilos, live=True) == ("kg", 12)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1,200", 1200.0),
        ("2,5", 2.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1 200", 1200.0),
        ("1'200", 1200.0),
        ("1.200.000", 1200000.0),
        ("-3", -3.0),
        ("0.75", 0.75),
        ("12", 12.0),
    ],
)
def test_numbers_as_people_write_them(text: str, number: float) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["", "abc", "1,2,x", "twelve", "1e5"])
def test_not_numbers(text: str) -> None:
    assert parse_number(text) is None


def test_a_quantity_cell_may_carry_its_unit() -> None:
    assert split_quantity("2.5kg") == ("2.5", "kg")
    assert split_quantity("300 斤") == ("300", "斤")
    assert split_quantity("12") == ("12", "")


def test_fold_drops_latin_accents_only() -> None:
    assert fold("  Mètres   CUBES ") == "metres cubes"
    assert fold("กิโลกรัม") == "กิโลกรัม"
