"""The operation's domain: seizures, suspects and outcomes as plain frozen data.

No I/O here: the importer makes these from spreadsheet rows, the store keeps them and
the report reads them back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import date

from wildtrace.ops.units import fold

#: How a seizure travelled (the transport sector's categories).
TRANSPORT_MODES = (
    "air_cargo",
    "air_passenger",
    "sea_container",
    "sea_other",
    "road",
    "rail",
    "post_courier",
    "online_controlled_delivery",
    "other",
)

_TRANSPORT_ALIASES: dict[str, tuple[str, ...]] = {
    "air_cargo": (
        "air cargo",
        "air freight",
        "airfreight",
        "fret aerien",
        "carga aerea",
        "carga aérea",
        "空运",
        "航空货运",
        "hàng không",
        "ขนส่งทางอากาศ",
        "kargo udara",
        "mizigo ya ndege",
    ),
    "air_passenger": (
        "air passenger",
        "passenger",
        "air passenger luggage",
        "passenger luggage",
        "passenger baggage",
        "checked luggage",
        "luggage",
        "baggage",
        "hand luggage",
        "bagages",
        "passager",
        "pasajero",
        "equipaje",
        "bagagem",
        "passageiro",
        "旅客",
        "行李",
        "hành lý",
        "penumpang",
        "abiria",
    ),
    "sea_container": (
        "sea container",
        "container",
        "containers",
        "sea cargo",
        "maritime container",
        "conteneur",
        "contenedor",
        "contêiner",
        "contentor",
        "集装箱",
        "海运",
        "container biển",
        "kontainer",
        "kontena",
    ),
    "sea_other": (
        "sea",
        "boat",
        "vessel",
        "ship",
        "fishing vessel",
        "bateau",
        "barco",
        "navio",
        "船",
        "tàu",
        "kapal",
        "jahazi",
    ),
    "road": (
        "road",
        "truck",
        "lorry",
        "car",
        "vehicle",
        "bus",
        "motorbike",
        "camion",
        "voiture",
        "route",
        "camión",
        "carretera",
        "caminhão",
        "rodoviário",
        "公路",
        "汽车",
        "卡车",
        "đường bộ",
        "xe tải",
        "ทางถนน",
        "truk",
        "darat",
        "barabara",
        "lori",
    ),
    "rail": (
        "rail",
        "train",
        "railway",
        "ferroviaire",
        "tren",
        "trem",
        "铁路",
        "火车",
        "đường sắt",
        "kereta",
    ),
    "post_courier": (
        "post",
        "postal",
        "mail",
        "courier",
        "express mail",
        "parcel",
        "parcels",
        "colis",
        "poste",
        "correo",
        "paquete",
        "correio",
        "encomenda",
        "邮政",
        "快递",
        "包裹",
        "bưu điện",
        "bưu phẩm",
        "chuyển phát nhanh",
        "pos",
        "paket",
        "kurir",
        "posta",
        "vifurushi",
    ),
    "online_controlled_delivery": (
        "online",
        "controlled delivery",
        "online controlled delivery",
        "online/controlled delivery",
        "livraison surveillée",
        "entrega vigilada",
        "entrega controlada",
        "网购",
        "控制下交付",
        "giao hàng có kiểm soát",
    ),
    "other": ("other", "autre", "otro", "outro", "其他", "khác", "lainnya", "nyingine"),
}
_TRANSPORT: dict[str, str] = {
    fold(alias): mode for mode, aliases in _TRANSPORT_ALIASES.items() for alias in (*aliases, mode)
}
_TRANSPORT.update({fold(mode.replace("_", " ")): mode for mode in TRANSPORT_MODES})


def transport_mode(text: str) -> str | None:
    """The transport category a cell names, or None when it names none we know."""
    return _TRANSPORT.get(fold(text).strip(" ."))


#: What happened to a suspect, in the order a case goes.
OUTCOME_KINDS = ("arrest", "charge", "prosecution", "conviction", "sentence", "acquittal")


@dataclass(frozen=True, slots=True)
class Suspect:
    """A person or company named in a seizure report."""

    name: str
    kind: str = "person"  # "person" or "company"
    nationality: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """An arrest, charge, prosecution, conviction or sentence, on a date."""

    kind: str
    occurred_on: date
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class Seizure:
    """One seizure line, already checked and in canonical units."""

    seized_on: date
    country: str
    commodity: str
    reference: str | None = None
    agency: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    detection_point: str | None = None
    transport_mode: str | None = None
    origin: str | None = None
    transit: tuple[str, ...] = ()
    destination: str | None = None
    concealment: str | None = None
    species: str | None = None
    trade_term: str | None = None
    quantity: float | None = None
    unit: str | None = None
    kg: float | None = None
    m3: float | None = None
    pieces: float | None = None
    live: float | None = None
    value_usd: float | None = None
    suspects: tuple[Suspect, ...] = ()
    unnamed_suspects: int = 0
    outcomes: tuple[Outcome, ...] = ()
    listings: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """SHA-256 of the canonical values: the same line read again (from CSV or Excel,
        with any column names) has the same fingerprint."""
        values: list[object] = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "seized_on":
                value = value.isoformat()
            elif item.name == "suspects":
                value = [[s.name, s.kind, s.nationality, s.role] for s in value]
            elif item.name == "outcomes":
                value = [[o.kind, o.occurred_on.isoformat(), o.detail] for o in value]
            elif item.name == "extra":
                value = sorted(value.items())
            values.append([item.name, value])
        text = json.dumps(values, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that could not be imported, and why."""

    file: str
    row: int
    reason: str
    raw: dict[str, str]
