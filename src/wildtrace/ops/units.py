"""Quantities as seizure reports write them, converted to four canonical measures.

Weights go to kilograms, volumes to cubic metres (timber), counts to pieces, and live
animals or plants to live specimens, so a report can add a Kenyan "2,5 t" to a Vietnamese
"300 kg" and a Chinese "20 斤". Choices that differ between markets are fixed here:

* ``斤`` / ``jin`` is the mainland Chinese market jin, 0.5 kg; ``catty`` is the Hong Kong /
  Singapore / Malaysia catty, 0.60478982 kg (Weights and Measures Ordinance, Cap. 68).
* ``两`` / ``liang`` is the mainland 50 g; ``tael`` is the Hong Kong tael, 37.799364 g.
* ``t`` / ``ton`` / ``tonne`` are metric tonnes (1,000 kg); ``lb`` is the avoirdupois pound.
* Counts (``pcs``) of a live trade term (``LIV``) or of a ``live_*`` commodity are live specimens.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Measure = Literal["kg", "m3", "pieces", "live"]
MEASURES: tuple[Measure, ...] = ("kg", "m3", "pieces", "live")


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as written, what it measures and its factor to the canonical measure."""

    measure: Measure
    factor: float


_KG = 1.0
_UNITS: dict[Measure, dict[float, tuple[str, ...]]] = {
    "kg": {
        _KG: (
            "kg",
            "kgs",
            "kilo",
            "kilos",
            "kilogram",
            "kilograms",
            "kilogramme",
            "kilogrammes",
            "kilogramo",
            "kilogramos",
            "quilo",
            "quilos",
            "quilograma",
            "quilogramas",
            "kil",
            "公斤",
            "千克",
            "ky",
            "ký",
            "kí",
            "kí lô",
            "ki lo",
            "kilogam",
            "cân",
            "กก",
            "กก.",
            "กิโลกรัม",
            "กิโล",
            "kilogramu",
            "kilo gramu",
        ),
        0.001: (
            "g",
            "gr",
            "grs",
            "gram",
            "grams",
            "gramme",
            "grammes",
            "gramo",
            "gramos",
            "grama",
            "gramas",
            "grm",
            "克",
            "gam",
            "กรัม",
            "gramu",
        ),
        1e-6: ("mg", "mgm", "milligram", "milligrams", "milligramme", "miligramo", "毫克"),
        1000.0: (
            "t",
            "ton",
            "tons",
            "tonne",
            "tonnes",
            "metric ton",
            "metric tons",
            "metric tonne",
            "metric tonnes",
            "tonelada",
            "toneladas",
            "tấn",
            "tan",
            "吨",
            "噸",
            "公吨",
            "ตัน",
            "tani",
        ),
        0.45359237: ("lb", "lbs", "pound", "pounds", "pnd", "libra", "libras", "磅"),
        0.028349523125: ("oz", "ounce", "ounces", "oun", "onza", "onzas", "盎司"),
        0.5: ("斤", "jin", "市斤", "cân ta"),
        0.60478982: ("catty", "catties", "kati"),
        0.05: ("两", "兩", "liang"),
        0.037799364: ("tael", "taels", "lượng"),
    },
    "m3": {
        1.0: (
            "m3",
            "m³",
            "m^3",
            "cbm",
            "cum",
            "cubic metre",
            "cubic metres",
            "cubic meter",
            "cubic meters",
            "mètre cube",
            "mètres cubes",
            "metre cube",
            "metres cubes",
            "metro cubico",
            "metros cubicos",
            "metro cúbico",
            "metros cúbicos",
            "立方米",
            "方",
            "khối",
            "mét khối",
            "ลูกบาศก์เมตร",
            "kubik",
            "meter kubik",
            "mita za ujazo",
        ),
        0.028316846592: ("cuf", "cubic foot", "cubic feet", "ft3", "ft³"),
        1e-6: ("ccm", "cm3", "cm³", "cubic centimetre", "cubic centimetres"),
    },
    "pieces": {
        1.0: (
            "pcs",
            "pc",
            "pce",
            "piece",
            "pieces",
            "item",
            "items",
            "ite",
            "unit",
            "units",
            "pièce",
            "pièces",
            "unidad",
            "unidades",
            "unidade",
            "peça",
            "peças",
            "pieza",
            "piezas",
            "件",
            "个",
            "個",
            "根",
            "支",
            "块",
            "塊",
            "chiếc",
            "cái",
            "khúc",
            "ชิ้น",
            "อัน",
            "buah",
            "potong",
            "batang",
            "kipande",
            "vipande",
            "skins",
            "ski",
            "skin",
        ),
        2.0: ("pair", "pairs", "pai", "paire", "paires", "par", "pares", "对", "對", "đôi"),
    },
    "live": {
        1.0: (
            "live",
            "live specimen",
            "live specimens",
            "liv",
            "head",
            "heads",
            "animal",
            "animals",
            "individual",
            "individuals",
            "individu",
            "individus",
            "vivant",
            "vivants",
            "vivo",
            "vivos",
            "ejemplares vivos",
            "spécimens vivants",
            "活体",
            "只",
            "头",
            "頭",
            "con",
            "cá thể",
            "ตัว",
            "ekor",
            "hai",
            "mnyama",
            "wanyama",
        ),
    },
}


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how names and units are compared.

    Accents are dropped only from Latin letters (``é`` -> ``e``); other scripts are kept as
    they are (a Thai or Vietnamese mark can change the word).
    """
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


_TABLE: dict[str, Unit] = {}
for _measure, _by_factor in _UNITS.items():
    for _factor, _names in _by_factor.items():
        for _name in _names:
            _TABLE.setdefault(fold(_name), Unit(_measure, _factor))


def parse_unit(text: str) -> Unit | None:
    """The unit named by ``text`` (any case, accents optional, trailing dot ignored), or None."""
    key = fold(text)
    found = _TABLE.get(key) or _TABLE.get(key.rstrip("."))
    return found


_NUMBER = re.compile(r"^[+-]?(?:\d[\d\s.,'’]*\d|\d)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+$")


def parse_number(text: str) -> float | None:
    """A number as people write it: ``1,234.5``, ``1.234,5``, ``2,5``, ``1 200``, ``1'200``.

    A lone comma is a decimal comma unless it groups thousands (``1,200`` is 1200).
    """
    raw = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not raw or not _NUMBER.match(raw):
        return None
    raw = raw.replace(" ", "").replace("'", "").replace("’", "")
    if "," in raw and "." in raw:
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif "," in raw:
        raw = raw.replace(",", "") if _THOUSANDS.match(raw) else raw.replace(",", ".")
    elif raw.count(".") > 1:
        raw = raw.replace(".", "")
    try:
        return float(raw)
    except ValueError:
        return None


_QUANTITY_WITH_UNIT = re.compile(r"^\s*([+-]?[\d][\d\s.,'’]*)\s*(\S.*)?$")


def split_quantity(text: str) -> tuple[str, str]:
    """``"2.5 kg"`` -> ``("2.5", "kg")``: a quantity cell that also carries its unit."""
    found = _QUANTITY_WITH_UNIT.match(text)
    if found is None:
        return text.strip(), ""
    return found.group(1).strip(), (found.group(2) or "").strip()


def canonical(quantity: float, unit: Unit, *, live: bool = False) -> tuple[Measure, float]:
    """The canonical measure and amount; counts become live specimens when ``live``."""
    measure: Measure = "live" if live and unit.measure == "pieces" else unit.measure
    return measure, quantity * unit.factor
