"""Write the fictional demo operation shipped under src/wildtrace/demo/data/ops/.

    .venv/bin/python scripts/make_ops_demo.py

Deterministic (fixed seed): running it again gives the same files. The operation, agencies,
people and companies are invented; quantities and routes are realistic in kind only.
Two files hold the same 400 seizure lines: a CSV with English headers and country names
in several languages, and an Excel workbook with French headers and date cells. Importing
both into one operation stores each line once.
"""

from __future__ import annotations

import csv
import random
import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

OUT = Path(__file__).resolve().parents[1] / "src" / "wildtrace" / "demo" / "data" / "ops"
SEED = 20250901
LINES = 400
START = date(2025, 9, 1)
DAYS = 61

#: Seizing country: names as different partners would write them.
COUNTRIES = {
    "KE": ["Kenya", "Kenia"],
    "TZ": ["Tanzania", "Tanzanie"],
    "UG": ["Uganda"],
    "MZ": ["Moçambique", "Msumbiji"],
    "NG": ["Nigeria", "Nigéria"],
    "CM": ["Cameroun", "Cameroon"],
    "CD": ["RDC", "DR Congo"],
    "ZA": ["South Africa", "Afrique du Sud"],
    "ET": ["Ethiopia"],
    "AO": ["Angola"],
    "GA": ["Gabon"],
    "CI": ["Côte d'Ivoire"],
    "VN": ["Viet Nam", "Việt Nam", "越南"],
    "CN": ["China", "中国"],
    "HK": ["Hong Kong SAR", "香港"],
    "TH": ["Thailand", "ประเทศไทย"],
    "MY": ["Malaysia", "Malaisie"],
    "ID": ["Indonesia"],
    "LA": ["Lao PDR", "Lào"],
    "KH": ["Cambodia", "Campuchia"],
    "SG": ["Singapore", "新加坡"],
    "PH": ["Philippines"],
    "IN": ["India"],
    "AE": ["United Arab Emirates", "UAE"],
    "QA": ["Qatar"],
    "TR": ["Türkiye"],
    "BE": ["Belgique", "Belgium"],
    "FR": ["France"],
    "DE": ["Germany", "Allemagne"],
    "NL": ["Netherlands"],
    "PT": ["Portugal"],
    "ES": ["España", "Spain"],
    "GB": ["United Kingdom", "UK"],
    "US": ["United States", "USA"],
    "MX": ["México"],
    "BR": ["Brasil"],
    "PE": ["Perú"],
    "CO": ["Colombia"],
}

#: (commodity, unit, quantity range, trade term, species, origins, transit, destinations,
#:  transport modes, concealments, share of lines with a reported value, USD per unit for it)
PATTERNS = [
    (
        "ivory",
        "kg",
        (0.5, 60.0),
        "TUS",
        "Loxodonta africana",
        ["KE", "TZ", "MZ", "CD", "CM", "NG"],
        ["ET", "AE", "QA"],
        ["CN", "VN", "HK", "TH"],
        ["air passenger", "air cargo", "sea container"],
        ["wrapped in carbon paper in suitcase", "false-bottom crates", "among cashew nuts"],
        0.5,
        900,
    ),
    (
        "ivory",
        "pcs",
        (1, 40),
        "IVC",
        "Loxodonta africana",
        ["CD", "CM", "NG", "CI"],
        ["FR", "BE"],
        ["CN", "US", "VN"],
        ["post", "courier", "air passenger"],
        ["declared as wooden handicrafts"],
        0.3,
        150,
    ),
    (
        "pangolin",
        "kg",
        (5.0, 900.0),
        "SCA",
        "Manis gigantea",
        ["NG", "CM", "CD", "GA", "CI"],
        ["MY", "SG"],
        ["VN", "CN"],
        ["sea container"],
        ["under frozen fish cartons", "in sacks of ginger"],
        0.4,
        250,
    ),
    (
        "pangolin",
        "kg",
        (1.0, 25.0),
        "SCA",
        "Manis javanica",
        ["ID", "MY", "LA"],
        [],
        ["VN", "CN"],
        ["road", "air passenger"],
        ["in cool boxes", "wrapped in carbon paper in suitcase"],
        0.2,
        300,
    ),
    (
        "rhino_horn",
        "kg",
        (0.5, 12.0),
        "HOR",
        "Ceratotherium simum",
        ["ZA", "MZ"],
        ["ET", "QA", "AE"],
        ["VN", "CN", "MY"],
        ["air passenger", "air cargo"],
        ["wrapped in carbon paper in suitcase", "inside wine boxes"],
        0.5,
        25000,
    ),
    (
        "rosewood",
        "m3",
        (2.0, 80.0),
        "TIM",
        "Dalbergia cochinchinensis",
        ["LA", "KH", "TH"],
        [],
        ["CN", "VN"],
        ["road", "sea container"],
        ["under sawn pine planks", "timber truck with false papers"],
        0.6,
        9000,
    ),
    (
        "rosewood",
        "m3",
        (5.0, 120.0),
        "LOG",
        "Pterocarpus erinaceus",
        ["NG", "CM", "GA"],
        ["MY"],
        ["CN", "IN"],
        ["sea container"],
        ["declared as teak logs"],
        0.7,
        1100,
    ),
    (
        "timber",
        "t",
        (2.0, 40.0),
        "SAW",
        None,
        ["CD", "CM", "BR", "PE", "CO", "ID"],
        [],
        ["CN", "VN", "US", "PT", "ES"],
        ["sea container", "road"],
        ["declared as legal plantation wood"],
        0.8,
        600,
    ),
    (
        "tiger",
        "pcs",
        (1, 6),
        "SKI",
        "Panthera tigris",
        ["LA", "TH", "MY", "IN"],
        [],
        ["VN", "CN"],
        ["road", "post"],
        ["rolled inside rice sacks"],
        0.2,
        9000,
    ),
    (
        "tiger",
        "kg",
        (0.5, 20.0),
        "BON",
        "Panthera tigris",
        ["LA", "TH", "MY"],
        [],
        ["VN", "CN"],
        ["road"],
        ["rolled inside rice sacks"],
        0.2,
        1500,
    ),
    (
        "live_reptile",
        "live",
        (2, 300),
        "LIV",
        "Geochelone elegans",
        ["IN", "MY", "TH"],
        ["TH"],
        ["HK", "CN", "PH"],
        ["air passenger", "post"],
        ["socks inside suitcase", "parcels declared as toys"],
        0.5,
        40,
    ),
    (
        "live_bird",
        "live",
        (1, 60),
        "LIV",
        "Psittacus erithacus",
        ["CM", "CD", "NG"],
        ["TR"],
        ["AE", "TR", "MX"],
        ["air cargo", "road"],
        ["plastic bottles in luggage"],
        0.4,
        700,
    ),
    (
        "shark_fin",
        "kg",
        (20.0, 1500.0),
        "FIN",
        "Sphyrna lewini",
        ["MX", "PE", "BR", "ID"],
        [],
        ["HK", "CN"],
        ["sea container", "air cargo"],
        ["declared as dried fish maw"],
        0.7,
        120,
    ),
    (
        "agarwood",
        "kg",
        (1.0, 200.0),
        "CHP",
        "Aquilaria malaccensis",
        ["ID", "MY", "LA"],
        [],
        ["AE", "QA", "SG"],
        ["air cargo", "air passenger", "courier"],
        ["declared as incense"],
        0.6,
        1500,
    ),
    (
        "totoaba",
        "kg",
        (2.0, 60.0),
        "SWI",
        "Totoaba macdonaldi",
        ["MX"],
        ["US"],
        ["CN", "HK"],
        ["courier", "air passenger"],
        ["vacuum-packed in luggage"],
        0.5,
        8000,
    ),
]

AGENCIES = [
    "Customs",
    "Police",
    "Wildlife Service",
    "Forestry Department",
    "Border Guard",
    "Airport Task Force",
]
GIVEN = [
    "Amani",
    "Bao",
    "Chen",
    "Duc",
    "Emeka",
    "Fatou",
    "Gift",
    "Hoang",
    "Ibrahim",
    "Joao",
    "Kofi",
    "Lin",
    "Minh",
    "Nuru",
    "Omar",
    "Pedro",
    "Quang",
    "Rashid",
    "Somchai",
    "Tariq",
    "Usha",
    "Wei",
    "Yusuf",
    "Zola",
]
FAMILY = ["Demoson", "Fictus", "Exempla", "Testerov", "Placeholda", "Samplewe", "Modelo", "Inventa"]
COMPANIES = [
    "Kestrel Demo Logistics Ltd",
    "Example Freight Co",
    "Fictional Timber Trading Ltd",
    "Sample Seafood Export Co",
    "Imaginary Handicrafts Ltd",
]
#: Seller accounts and listings of the bundled demo corpus (src/wildtrace/demo/data/listings.jsonl).
ACCOUNTS = [
    "telegram-channel:asia_rare_supply",
    "carousell-demo:RareRemedies SG",
    "telegram-channel:yaliao_zhijia",
]
LISTINGS = ["demo-0014", "demo-0099", "demo-0162"]
PLACES = ["Port", "Airport", "Border post", "Mail centre", "Checkpoint"]
OUTCOMES = ["arrest", "charge", "prosecution", "conviction"]

HEADER = [
    "reference",
    "date",
    "country",
    "agency",
    "location",
    "commodity",
    "species",
    "trade_term",
    "quantity",
    "unit",
    "value_usd",
    "transport_mode",
    "origin",
    "transit",
    "destination",
    "concealment",
    "detection_point",
    "suspects",
    "outcomes",
    "accounts",
    "listings",
]
FRENCH = [
    "Référence",
    "Date de saisie",
    "Pays",
    "Agence",
    "Lieu",
    "Marchandise",
    "Espèce",
    "Terme CITES",
    "Quantité",
    "Unité",
    "Valeur USD",
    "Moyen de transport",
    "Origine",
    "Transit",
    "Destination",
    "Dissimulation",
    "Point de détection",
    "Suspects",
    "Résultat",
    "Comptes",
    "Annonces",
]


def _quantity(rng: random.Random, unit: str, low: float, high: float) -> float:
    if unit in ("pcs", "live"):
        return float(rng.randint(int(low), int(high)))
    return round(rng.uniform(low, high), 1)


def make_rows() -> list[dict[str, object]]:
    rng = random.Random(SEED)
    rows: list[dict[str, object]] = []
    people: list[str] = []
    for index in range(1, LINES + 1):
        (
            commodity,
            unit,
            (low, high),
            term,
            species,
            origins,
            transits,
            destinations,
            modes,
            concealments,
            valued,
            price,
        ) = rng.choice(PATTERNS)
        origin = rng.choice(origins)
        destination = rng.choice(destinations)
        transit = rng.choice(transits) if transits and rng.random() < 0.4 else ""
        stops = [origin] + ([transit] if transit else []) + [destination]
        country = rng.choice(stops)
        quantity = _quantity(rng, unit, low, high)
        suspects: str = ""
        outcomes = ""
        draw = rng.random()
        if draw < 0.45:
            count = rng.randint(1, 3)
            names = []
            for _ in range(count):
                if people and rng.random() < 0.15:
                    names.append(rng.choice(people))
                    continue
                if rng.random() < 0.1:
                    name = rng.choice(COMPANIES)
                else:
                    name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {rng.randint(1, 999):03d}"
                    nationality = rng.choice([country, origin, destination])
                    name = (
                        f"{name} ({nationality}, {rng.choice(['courier', 'organiser', 'buyer', 'driver'])})"
                    )
                people.append(name)
                names.append(name)
            suspects = "; ".join(dict.fromkeys(names))
            if rng.random() < 0.4:
                when = START + timedelta(days=DAYS + rng.randint(0, 60))
                outcomes = f"{rng.choice(OUTCOMES)} {when.isoformat()}"
        elif draw < 0.75:
            suspects = str(rng.randint(0, 4))
        value = round(quantity * price * rng.uniform(0.6, 1.4), -1) if rng.random() < valued else ""
        online = rng.random() < 0.04
        rows.append(
            {
                "reference": f"KST-{country}-{index:04d}",
                "date": START + timedelta(days=rng.randrange(DAYS)),
                "country": country,
                "agency": f"{country} {rng.choice(AGENCIES)}",
                "location": f"{rng.choice(PLACES)} {rng.randint(1, 9)}",
                "commodity": commodity.replace("_", " "),
                "species": species or "",
                "trade_term": term,
                "quantity": quantity,
                "unit": unit,
                "value_usd": value,
                "transport_mode": rng.choice(modes),
                "origin": origin,
                "transit": transit,
                "destination": destination,
                "concealment": rng.choice(concealments),
                "detection_point": rng.choice(["x-ray", "sniffer dog", "risk profiling", "document check"]),
                "suspects": suspects,
                "outcomes": outcomes,
                "accounts": rng.choice(ACCOUNTS) if online else "",
                "listings": rng.choice(LISTINGS) if online else "",
            }
        )
    return rows


def _country_label(rng: random.Random, code: str) -> str:
    return rng.choice(COUNTRIES[code])


def _fix_zip_times(path: Path) -> None:
    """Rewrite the workbook's zip entries with one fixed time: the same bytes on every run."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(
                    rb"<dcterms:modified([^>]*)>[^<]*<", rb"<dcterms:modified\1>2025-11-01T00:00:00Z<", data
                )
            target.writestr(
                zipfile.ZipInfo(name, date_time=(2025, 11, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )


def write(rows: list[dict[str, object]]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED + 1)
    with (OUT / "operation-kestrel-demo.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for row in rows:
            cells = dict(row)
            cells["country"] = _country_label(rng, str(row["country"]))
            cells["date"] = row["date"].isoformat()  # type: ignore[attr-defined]
            writer.writerow([cells[name] for name in HEADER])
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Saisies"
    sheet.append(FRENCH)
    for row in rows:
        sheet.append([row[name] if row[name] != "" else None for name in HEADER])
    for cell in sheet["B"][1:]:
        cell.number_format = "dd/mm/yyyy"
    workbook.properties.creator = "WildTrace scripts/make_ops_demo.py"
    workbook.properties.created = workbook.properties.modified = datetime(2025, 11, 1)
    workbook.save(OUT / "operation-kestrel-demo.xlsx")
    _fix_zip_times(OUT / "operation-kestrel-demo.xlsx")
    (OUT / "SOURCE.txt").write_text(
        "Fictional demo operation 'Kestrel' (400 seizure lines), written by scripts/make_ops_demo.py\n"
        "(deterministic). All agencies, people, companies and figures are invented. The CSV has English\n"
        "headers and country names in several languages; the Excel copy has French headers and date\n"
        "cells; both hold the same lines, so importing both stores each line once.\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    write(make_rows())
    print(f"wrote {LINES} seizure lines to {OUT}")
