"""The FollowTheMoney export: the mapping (docs/ftm-mapping.md), stable ids, markings, and
followthemoney's own model and ``ftm`` command accepting every line as written."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest

from wildtrace.errors import WildTraceError
from wildtrace.share.exportset import (
    ExportedAccount,
    ExportedGroup,
    ExportedLink,
    ExportedListing,
    ExportedSelector,
    Exporter,
    ExportSet,
)
from wildtrace.share.ftm import MissingExtraError, write_ftm

followthemoney = pytest.importorskip("followthemoney")
from followthemoney import model  # noqa: E402
from followthemoney.util import make_entity_id  # noqa: E402

PHONE_SHARED = "+8613800138000"
PHONE_GREEN = "+84912345678"
BTC = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
ETH = "0x52908400098527886E0F7030069857D2E4169EE7"
IBAN = "DE89370400440532013000"
SEEN = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def _listing(
    ref: int, key: str, account_ref: int | None, seller: str | None, marking: str
) -> ExportedListing:
    platform, uid = key.split(":")
    return ExportedListing(
        ref=ref,
        key=key,
        platform=platform,
        uid=uid,
        url=f"https://{platform}.example/item/{uid}",
        title=f"Carved ivory bangle {uid}",
        account_ref=account_ref,
        seller=seller,
        score=0.91,
        flagged=True,
        commodities=("ivory",),
        taxa=(("Loxodonta africana", "I"),),
        price="1200 USD",
        location="Hai Phong",
        first_seen=SEEN,
        last_seen=SEEN.replace(day=9),
        marking=marking,
    )


def _export(**changes: Any) -> ExportSet:
    """Two accounts on two platforms, five kinds of identifier, one link, one case."""
    export = ExportSet(
        exporter=Exporter(code="xx-wcu", name="Test Wildlife Crime Unit", country="XX"),
        created_at=SEEN,
        groups=(
            ExportedGroup(
                kind="case",
                ref="7",
                title="Operation Bangle",
                description="Ivory sold on two sites",
                listing_refs=(1, 2, 3),
                account_refs=(10, 20),
                marking="AMBER",
            ),
        ),
        listings=(
            _listing(1, "bazaar:111", 10, "ivory_king", "AMBER"),
            _listing(2, "bazaar:112", 10, "ivory_king", "AMBER"),
            _listing(3, "facebook:9001", 20, "Tiger Trader", "GREEN"),
        ),
        selectors=(
            ExportedSelector("phone", PHONE_SHARED, (1, 3), ("whatsapp",), "AMBER"),
            ExportedSelector("phone", PHONE_GREEN, (3,), (), "GREEN"),
            ExportedSelector("email", "ivory.king@example.com", (2,), (), "AMBER"),
            ExportedSelector("btc", BTC, (1,), (), "AMBER"),
            ExportedSelector("eth", ETH, (3,), (), "GREEN"),
            ExportedSelector("iban", IBAN, (2,), (), "AMBER"),
            ExportedSelector("telegram", "ivorykingdom", (1,), (), "AMBER"),
        ),
        accounts=(
            ExportedAccount(
                ref=10, platform="bazaar", seller="ivory_king", listing_refs=(1, 2), marking="AMBER"
            ),
            ExportedAccount(
                ref=20, platform="facebook", seller="Tiger Trader", listing_refs=(3,), marking="GREEN"
            ),
        ),
        links=(
            ExportedLink(
                source_ref=3,
                target_ref=1,
                kind="phone",
                value=PHONE_SHARED,
                reason=f"both listings give the phone number {PHONE_SHARED}",
                marking="AMBER",
            ),
        ),
        marking="AMBER",
    )
    return replace(export, **changes)


def _write(export: ExportSet) -> tuple[str, list[dict[str, Any]]]:
    out = io.StringIO()
    count = write_ftm(export, out)
    text = out.getvalue()
    entities = [json.loads(line) for line in text.splitlines()]
    assert count == len(entities)
    return text, entities


def _one(entities: list[dict[str, Any]], schema: str, **where: str) -> dict[str, Any]:
    found = [
        e
        for e in entities
        if e["schema"] == schema
        and all(value in e["properties"].get(key, []) for key, value in where.items())
    ]
    assert len(found) == 1, (schema, where, found)
    return found[0]


def _id(*key: str) -> str:
    """The documented recipe: namespaced by WildTrace and the exporting agency."""
    return str(make_entity_id(json.dumps(["wildtrace", "xx-wcu", *key], ensure_ascii=False)))


def test_each_object_maps_to_the_documented_schema() -> None:
    _, entities = _write(_export())
    counts: dict[str, int] = {}
    for entity in entities:
        counts[entity["schema"]] = counts.get(entity["schema"], 0) + 1
    assert counts == {
        "LegalEntity": 2,
        "UserAccount": 4,
        "HyperText": 3,
        "Documentation": 3,
        "CryptoWallet": 2,
        "BankAccount": 1,
        "Ownership": 1,
        "UnknownLink": 1,
        "Note": 1,
    }
    assert len({entity["id"] for entity in entities}) == len(entities)

    king = _one(entities, "LegalEntity", name="ivory_king")
    tiger = _one(entities, "LegalEntity", name="Tiger Trader")
    assert king["properties"]["phone"] == [PHONE_SHARED]
    assert king["properties"]["email"] == ["ivory.king@example.com"]
    assert sorted(tiger["properties"]["phone"]) == sorted([PHONE_SHARED, PHONE_GREEN])

    account = _one(entities, "UserAccount", username="ivory_king")
    assert account["properties"]["service"] == ["bazaar"]
    assert account["properties"]["owner"] == [king["id"]]
    telegram = _one(entities, "UserAccount", username="ivorykingdom")
    assert telegram["properties"]["service"] == ["telegram"]
    assert telegram["properties"]["owner"] == [king["id"]]
    whatsapp = _one(entities, "UserAccount", service="whatsapp")
    assert whatsapp["properties"]["username"] == whatsapp["properties"]["phone"] == [PHONE_SHARED]
    assert sorted(whatsapp["properties"]["owner"]) == sorted([king["id"], tiger["id"]])

    page = _one(entities, "HyperText", title="Carved ivory bangle 111")
    props = page["properties"]
    assert props["sourceUrl"] == ["https://bazaar.example/item/111"]
    assert props["retrievedAt"] == ["2026-03-01T08:30:00", "2026-03-09T08:30:00"]
    assert props["author"] == ["ivory_king"]
    assert props["phoneMentioned"] == [PHONE_SHARED]
    assert "Loxodonta africana: CITES Appendix I" in props["description"]
    posted = _one(entities, "Documentation", document=page["id"])
    assert posted["properties"]["entity"] == [account["id"]]
    assert posted["properties"]["role"] == ["posted by"]

    btc = _one(entities, "CryptoWallet", currency="BTC")
    assert btc["properties"]["publicKey"] == [BTC]
    assert btc["properties"]["holder"] == [king["id"]]
    assert btc["properties"]["proof"] == [page["id"]]
    eth = _one(entities, "CryptoWallet", currency="ETH")
    assert eth["properties"]["blockchain"] == ["ethereum"]
    assert eth["properties"]["holder"] == [tiger["id"]]

    bank = _one(entities, "BankAccount", iban=IBAN)
    assert bank["properties"]["country"] == ["de"]
    owned = _one(entities, "Ownership", asset=bank["id"])
    assert owned["properties"]["owner"] == [king["id"]]

    link = _one(entities, "UnknownLink")
    ends = {link["properties"]["subject"][0], link["properties"]["object"][0]}
    assert ends == {page["id"], _id("listing", "facebook:9001")}
    assert link["properties"]["role"] == ["phone"]
    assert link["properties"]["description"] == [f"both listings give the phone number {PHONE_SHARED}"]

    case = _one(entities, "Note", name="Operation Bangle")
    assert case["properties"]["keywords"] == ["case", "case:7"]
    assert len(case["properties"]["entity"]) == 5
    assert all(e["properties"]["publisher"] == ["Test Wildlife Crime Unit"] for e in entities)


def test_ids_are_stable_and_namespaced() -> None:
    text, entities = _write(_export())
    again, _ = _write(_export())
    assert again == text
    ids = {entity["id"] for entity in entities}
    assert _id("listing", "bazaar:111") in ids
    assert _id("account", "bazaar", "ivory_king") in ids
    assert _id("seller", "facebook", "Tiger Trader") in ids
    assert _id("wallet", "btc", BTC) in ids
    # the link is undirected: naming its ends the other way round gives the same entity
    (link,) = _export().links
    flipped, _ = _write(_export(links=(replace(link, source_ref=1, target_ref=3),)))
    assert flipped == text
    # parts do not run together: ("bazaar", "xking") is not ("bazaarx", "king")
    (account, other) = _export().accounts
    _, renamed = _write(_export(accounts=(replace(account, platform="bazaari", seller="vory_king"), other)))
    assert _id("account", "bazaari", "vory_king") in {entity["id"] for entity in renamed}
    assert _id("account", "bazaari", "vory_king") not in ids
    # another agency exporting the same objects gets other ids
    _, theirs = _write(_export(exporter=Exporter(code="yy-police", name="Other", country=None)))
    assert ids.isdisjoint(entity["id"] for entity in theirs)


def test_every_entity_carries_the_strictest_marking_of_what_went_into_it() -> None:
    _, entities = _write(_export())
    by_id = {entity["id"]: entity for entity in entities}

    def marking(entity_id: str) -> list[str]:
        return list(by_id[entity_id]["properties"]["summary"])

    assert all(len(entity["properties"]["summary"]) == 1 for entity in entities)
    assert marking(_id("account", "facebook", "Tiger Trader")) == ["TLP:GREEN"]
    assert marking(_id("posted", "facebook:9001")) == ["TLP:GREEN"]
    assert marking(_id("wallet", "eth", ETH)) == ["TLP:GREEN"]
    assert marking(_id("listing", "bazaar:111")) == ["TLP:AMBER"]
    # a GREEN seller holding a phone that AMBER listings also give: the stricter wins
    assert marking(_id("seller", "facebook", "Tiger Trader")) == ["TLP:AMBER"]
    assert {m for entity in entities for m in entity["properties"]["summary"]} == {"TLP:AMBER", "TLP:GREEN"}


def _check_against_the_model(entities: list[dict[str, Any]]) -> None:
    """What Aleph does on import, and more: re-cleaning changes nothing (no value dropped or
    rewritten), required properties are there, references resolve to the right schemata."""
    by_id = {entity["id"]: entity for entity in entities}
    for data in entities:
        proxy = model.get_proxy(data, cleaned=False)
        assert proxy.to_dict() == data
        assert proxy.schema.validate(cast(Any, data)) is None  # raises InvalidData, naming the property
        assert all(proxy.has(name) for name in proxy.schema.required), (data, proxy.schema.required)
        for prop, value in proxy.itervalues():
            if prop.type.name == "entity":
                assert value in by_id, (data["schema"], prop.name)
                target = model.get(by_id[value]["schema"])
                assert target is not None and prop.range is not None and target.is_a(prop.range)


def test_every_line_loads_in_the_followthemoney_model_unchanged() -> None:
    _, entities = _write(_export())
    _check_against_the_model(entities)


def test_the_ftm_command_accepts_the_file(tmp_path: Path) -> None:
    text, entities = _write(_export())
    path = tmp_path / "export.ftm.json"
    path.write_text(text, encoding="utf-8")
    ftm = str(Path(sys.executable).parent / "ftm")
    for command in ("validate", "aggregate"):
        result = subprocess.run(
            [ftm, command, "-i", str(path), "-o", str(tmp_path / f"{command}.json")],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        again = [json.loads(line) for line in (tmp_path / f"{command}.json").read_text("utf-8").splitlines()]
        # validate re-cleans every value: nothing may change; aggregate merges by id: nothing to merge
        # (the command adds its own empty ``datasets`` and ``referents``)
        assert _comparable(again) == _comparable(entities), command


def _comparable(entities: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, list[str]]]]:
    return sorted(
        (e["id"], e["schema"], {key: sorted(values) for key, values in e["properties"].items()})
        for e in entities
    )


def test_a_value_followthemoney_refuses_is_kept_as_text() -> None:
    """libphonenumber calls this fictional UK number invalid, and the IBAN's checksum is
    wrong: FtM would drop both without a word; the export keeps them, saying why."""
    export = _export()
    refused = (
        ExportedSelector("phone", "+441632960123", (1,), (), "AMBER"),
        ExportedSelector("iban", "DE00370400440532013001", (2,), (), "AMBER"),
    )
    _, entities = _write(replace(export, selectors=export.selectors + refused))
    _check_against_the_model(entities)
    king = _one(entities, "LegalEntity", name="ivory_king")
    assert "+441632960123" not in king["properties"]["phone"]
    assert any("+441632960123" in text for text in king["properties"]["description"])
    assert _one(entities, "BankAccount", iban=IBAN)["id"] == _id("iban", IBAN)  # the valid one is as before
    bad = next(e for e in entities if e["id"] == _id("iban", "DE00370400440532013001"))
    assert "iban" not in bad["properties"] and "country" not in bad["properties"]
    assert any("DE00370400440532013001" in text for text in bad["properties"]["description"])


def test_without_followthemoney_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "followthemoney", None)
    monkeypatch.setitem(sys.modules, "followthemoney.util", None)
    out = io.StringIO()
    with pytest.raises(MissingExtraError) as raised:
        write_ftm(_export(), out)
    assert isinstance(raised.value, WildTraceError)
    message = str(raised.value)
    assert "'ftm'" in message
    assert "pip install 'wildtrace[ftm]'" in message
    assert ".venv/bin/pip install -c constraints.txt -e '.[ftm]'" in message
    assert out.getvalue() == ""
