"""STIX 2.1 out and in: the bundle passes the OASIS validator, carries only what the exporting
agency may see under the markings of where it came from, refuses guarded markings unless
named, is audited; a partner's bundle (WildTrace's own, OpenCTI-shaped, MISP-shaped) becomes
a watchlist; hostile bundles are refused with a clear error."""

# ruff: noqa: E501  (the partner bundles below are data, kept one object per line)

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.web.conftest import PLATFORM, SECRET, SECRET_PHONE, SHARED_PHONE, build_world
from wildtrace.errors import InputError
from wildtrace.share.stix_export import build_bundle
from wildtrace.share.stix_import import read_bundle
from wildtrace.share.stix_model import TLP2_MARKING_IDS
from wildtrace.store import Store, open_store
from wildtrace.store.exchange import ExportRefusedError, Selection, build_export
from wildtrace.store.people import agency_viewer

#: Validator warnings this bundle gives by design (docs/exchange.md): deterministic (uuid5)
#: ids, so that a re-export updates a partner's objects instead of duplicating them; and
#: account types (messaging apps, marketplaces) outside STIX's open account-type vocabulary.
ACCEPTED_WARNINGS = {"103", "244"}


@pytest.fixture
def world(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as store:
        build_world(SimpleNamespace(state=SimpleNamespace(store=store)))
        yield store


def _bundle(store: Store, agency: str, selection: Selection, allow: tuple[str, ...] = ()) -> dict[str, Any]:
    export = build_export(store, agency_viewer(store, agency), selection, allow)
    return json.loads(build_bundle(export).serialize())


def _validate(bundle: dict[str, Any]) -> Counter[str]:
    from stix2validator import ValidationOptions, validate_string

    result = validate_string(json.dumps(bundle), ValidationOptions(version="2.1"))
    results = getattr(result, "object_results", None) or [result]  # one result for one bundle
    errors = [str(error) for obj in results for error in obj.errors]
    assert result.is_valid and not errors, errors
    codes: Counter[str] = Counter()
    for obj in results:
        for warning in obj.warnings:
            found = re.search(r"\{(\d+)\}", str(warning))
            codes[found.group(1) if found else str(warning)] += 1
    return codes


def _by_type(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [obj for obj in bundle["objects"] if obj["type"] == kind]


def test_bundle_validates_and_holds_only_what_the_agency_may_see(world: Store) -> None:
    bundle = _bundle(world, "A", Selection(collections=("a-amber",), networks=("n1",)))
    warnings = _validate(bundle)
    assert set(warnings) <= ACCEPTED_WARNINGS, warnings
    text = json.dumps(bundle)
    assert SECRET not in text and SECRET_PHONE not in text  # B's AMBER+STRICT listings stay home
    observed = {obj["id"]: obj for obj in _by_type(bundle, "observed-data")}
    notes = [note["content"] for note in _by_type(bundle, "note")]
    assert sum(1 for note in notes if note.startswith("Listing ")) == len(observed) == 3  # a1, a2, g1
    assert any(note == "same photo" for note in notes)  # the reason of the a1-g1 link
    phones = [obj for obj in _by_type(bundle, "phone-number")]
    assert [phone["value"] for phone in phones] == [SHARED_PHONE]
    assert phones[0]["extensions"]  # the new-sco extension it is defined by
    indicator = next(obj for obj in _by_type(bundle, "indicator") if SHARED_PHONE in obj["pattern"])
    assert indicator["pattern"] == f"[phone-number:value = '{SHARED_PHONE}']"
    identity = _by_type(bundle, "identity")[0]
    assert identity["name"] == "Agency A"
    assert all(obj.get("created_by_ref") == identity["id"] for obj in _by_type(bundle, "indicator"))
    groupings = {obj["name"]: obj for obj in _by_type(bundle, "grouping")}
    assert set(groupings) == {"Collection a-amber", "Network n1"}
    assert set(observed) <= set(groupings["Network n1"]["object_refs"])


def test_every_object_is_marked_and_the_stricter_marking_wins(world: Store) -> None:
    bundle = _bundle(world, "A", Selection(networks=("n1",)))
    amber, green = TLP2_MARKING_IDS["AMBER"], TLP2_MARKING_IDS["GREEN"]
    for obj in bundle["objects"]:
        if obj["type"] != "marking-definition":
            assert len(obj["object_marking_refs"]) == 1, obj["id"]
    defined = {obj["id"] for obj in _by_type(bundle, "marking-definition")}
    assert {amber, green} <= defined
    markings = {
        note["content"].splitlines()[0]: note["object_marking_refs"] for note in _by_type(bundle, "note")
    }
    assert markings[f"Listing {PLATFORM}:g1 on {PLATFORM}"] == [green]
    assert markings[f"Listing {PLATFORM}:a1 on {PLATFORM}"] == [amber]
    assert markings["same photo"] == [amber]  # a1 (AMBER) with g1 (GREEN): AMBER
    assert _by_type(bundle, "grouping")[0]["object_marking_refs"] == [amber]


def test_guarded_markings_and_hidden_names_are_refused(world: Store) -> None:
    with pytest.raises(ExportRefusedError, match=r"TLP:AMBER\+STRICT.*--allow-marking AMBER\+STRICT"):
        _bundle(world, "A", Selection(collections=("a-strict",)))
    allowed = _bundle(world, "A", Selection(collections=("a-strict",)), ("AMBER+STRICT",))
    assert TLP2_MARKING_IDS["AMBER+STRICT"] in json.dumps(allowed)
    with pytest.raises(ExportRefusedError, match="unknown collection"):
        _bundle(world, "A", Selection(collections=(f"b-strict-{SECRET}",)))
    with pytest.raises(ExportRefusedError, match="unknown listing"):
        _bundle(world, "A", Selection(listings=(f"{PLATFORM}:bx-{SECRET}",)))
    with pytest.raises(ExportRefusedError, match="nothing chosen"):
        _bundle(world, "A", Selection())


def test_round_trip_export_import_gives_the_same_selectors(world: Store, tmp_path: Path) -> None:
    from wildtrace.store.watchlists import add_entries, list_alerts

    export = build_export(world, agency_viewer(world, "A"), Selection(collections=("a-amber",)), ())
    path = tmp_path / "a.json"
    path.write_text(build_bundle(export).serialize(), encoding="utf-8")
    found = read_bundle(path)
    exported = {(s.type, s.value) for s in export.selectors}
    imported = {
        (e.identifier.type, e.identifier.value) for e in found.entries if e.identifier.type != "account"
    }
    assert imported == exported == {("phone", SHARED_PHONE)}
    sellers = {
        (e.identifier.value, e.identifier.platform) for e in found.entries if e.identifier.type == "account"
    }
    assert sellers == {("tiger_trader", PLATFORM)}
    assert found.marking == "AMBER" and found.source == "Agency A" and not found.problems
    assert found.skipped["observed-data"] == 2 and found.skipped["grouping"] == 1
    result = add_entries(world, found.entries, agency_viewer(world, "B"), "from-a", found.marking)
    assert result.alerts > 0
    seen = {alert.listing_key for alert in list_alerts(world, agency_viewer(world, "B"))}
    assert f"{PLATFORM}:bx-{SECRET}" in seen  # B's own listing carries A's phone: B is alerted
    assert f"{PLATFORM}:a1" not in seen  # A's AMBER listing stays invisible to B


OPENCTI_BUNDLE = {
    "type": "bundle",
    "id": "bundle--9f3c1d2e-0000-4000-8000-000000000001",
    "objects": [
        {"type": "identity", "spec_version": "2.1", "id": "identity--0a1b2c3d-0000-4000-8000-000000000001",
         "name": "Customs Intelligence Unit", "identity_class": "organization",
         "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z"},
        {"type": "marking-definition", "spec_version": "2.1",
         "id": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "created": "2017-01-20T00:00:00.000Z",
         "definition_type": "tlp", "name": "TLP:AMBER", "definition": {"tlp": "amber"}},
        {"type": "phone-number", "spec_version": "2.1", "id": "phone-number--5a2e0a3c-0000-5000-8000-000000000001",
         "value": "+84 912 345 678", "object_marking_refs": ["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"],
         "x_opencti_score": 80},
        {"type": "cryptocurrency-wallet", "spec_version": "2.1",
         "id": "cryptocurrency-wallet--5a2e0a3c-0000-5000-8000-000000000002",
         "value": "0x52908400098527886E0F7030069857D2E4169EE7"},
        {"type": "bank-account", "spec_version": "2.1", "id": "bank-account--5a2e0a3c-0000-5000-8000-000000000003",
         "iban": "GB82 WEST 1234 5698 7654 32", "account_number": "98765432"},
        {"type": "user-account", "spec_version": "2.1", "id": "user-account--5a2e0a3c-0000-5000-8000-000000000004",
         "account_type": "telegram", "account_login": "@HornShop"},
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--5a2e0a3c-0000-4000-8000-000000000005",
         "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
         "name": "ivory broker email", "pattern": "[email-addr:value = 'Broker@Example.COM']",
         "pattern_type": "stix", "valid_from": "2026-11-01T00:00:00Z", "valid_until": "2027-06-01T00:00:00Z"},
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--5a2e0a3c-0000-4000-8000-000000000006",
         "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
         "pattern": "[ipv4-addr:value = '198.51.100.7']", "pattern_type": "stix", "valid_from": "2026-11-01T00:00:00Z"},
        {"type": "malware", "spec_version": "2.1", "id": "malware--5a2e0a3c-0000-4000-8000-000000000007",
         "name": "x", "is_family": False},
        {"type": "phone-number", "spec_version": "2.1", "id": "phone-number--5a2e0a3c-0000-5000-8000-000000000008",
         "value": "12"},
    ],
}  # fmt: skip

MISP_BUNDLE = {
    "type": "bundle",
    "id": "bundle--7b0e7c1a-0000-4000-8000-000000000001",
    "objects": [
        {"type": "identity", "spec_version": "2.1", "id": "identity--7b0e7c1a-0000-4000-8000-000000000002",
         "name": "MISP-Wildlife", "identity_class": "organization",
         "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z"},
        {"type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--7b0e7c1a-0000-4000-8000-00000000000a",
         "created": "2026-11-01T00:00:00.000Z", "definition_type": "statement", "name": "tlp:green",
         "definition": {"statement": "tlp:green"}},
        {"type": "report", "spec_version": "2.1", "id": "report--7b0e7c1a-0000-4000-8000-000000000003",
         "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z", "name": "Event 4711",
         "published": "2026-11-01T00:00:00Z", "object_refs": ["indicator--7b0e7c1a-0000-4000-8000-000000000004"]},
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--7b0e7c1a-0000-4000-8000-000000000004",
         "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
         "pattern": "[email-addr:value = 'trader@example.org'] OR [phone-number:value = '+254700000001']",
         "pattern_type": "stix", "valid_from": "2026-11-01T00:00:00Z",
         "object_marking_refs": ["marking-definition--7b0e7c1a-0000-4000-8000-00000000000a"]},
        {"type": "x-misp-attribute", "spec_version": "2.1", "id": "x-misp-attribute--7b0e7c1a-0000-4000-8000-000000000005",
         "x_misp_type": "phone-number", "x_misp_value": "0912604318", "x_misp_comment": "courier",
         "object_marking_refs": ["marking-definition--7b0e7c1a-0000-4000-8000-00000000000a"]},
        {"type": "x-misp-attribute", "spec_version": "2.1", "id": "x-misp-attribute--7b0e7c1a-0000-4000-8000-000000000006",
         "x_misp_type": "text", "x_misp_value": "some text"},
    ],
}  # fmt: skip


def test_opencti_shaped_bundle_becomes_entries(tmp_path: Path) -> None:
    path = tmp_path / "opencti.json"
    path.write_text(json.dumps(OPENCTI_BUNDLE), encoding="utf-8")
    found = read_bundle(path)
    entries = {(e.identifier.type, e.identifier.value): e for e in found.entries}
    assert set(entries) == {
        ("phone", "+84912345678"), ("eth", "0x52908400098527886e0f7030069857d2e4169ee7"),
        ("iban", "GB82WEST12345698765432"), ("telegram", "hornshop"), ("email", "broker@example.com"),
    }  # fmt: skip
    email = entries[("email", "broker@example.com")]
    assert (
        email.note == "ivory broker email"
        and email.valid_until is not None
        and email.valid_until.year == 2027
    )
    assert found.marking == "AMBER"  # TLP 1.0 AMBER by its STIX id
    assert found.source == "Customs Intelligence Unit"
    assert found.skipped == Counter(
        {"identity": 1, "marking-definition": 1, "malware": 1, "indicator (no selector in its pattern)": 1}
    )
    assert len(found.problems) == 1 and "'12' is not a valid phone number" in found.problems[0]


def test_misp_shaped_bundle_with_a_statement_marking(tmp_path: Path) -> None:
    path = tmp_path / "misp.json"
    path.write_text(json.dumps(MISP_BUNDLE), encoding="utf-8")
    found = read_bundle(path, region="VN")
    values = {(e.identifier.type, e.identifier.value, e.note) for e in found.entries}
    assert values == {
        ("email", "trader@example.org", ""), ("phone", SHARED_PHONE, ""), ("phone", "+84912604318", "courier"),
    }  # fmt: skip
    assert found.marking == "GREEN"
    assert found.skipped["x-misp-attribute (text)"] == 1 and found.skipped["report"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 5000 + "]" * 5000, "nested deeper"),
        ('{"type": "bundle", "objects": {"a": 1}}', '"objects" is not a list'),
        ('{"type": "indicator"}', "not a STIX bundle"),
        ("not json at all", "not JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_hostile_bundles_are_refused(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_bundle(path)


def test_huge_bundle_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wildtrace.share import stix_import

    monkeypatch.setattr(stix_import, "MAX_BUNDLE_BYTES", 1000)
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"type": "bundle", "objects": [{"type": "note"}] * 200}), encoding="utf-8")
    with pytest.raises(InputError, match="over the 1,000 a bundle may have"):
        read_bundle(path)


def test_wrong_types_inside_objects_are_skipped_or_reported(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    odd = {"type": "bundle", "objects": [
        "a string", 5, {"type": 7}, {"type": "email-addr", "value": 12}, {"type": "email-addr"},
        {"type": "user-account", "account_login": ["x"]}, {"type": "indicator", "pattern": "[not a pattern"},
        {"type": "indicator", "pattern": 3}, {"type": "email-addr", "value": "ok@example.org",
                                               "object_marking_refs": "not-a-list"},
    ]}  # fmt: skip
    path.write_text(json.dumps(odd), encoding="utf-8")
    found = read_bundle(path)
    assert [(e.identifier.type, e.identifier.value) for e in found.entries] == [("email", "ok@example.org")]
    assert found.skipped["not an object"] == 2 and found.skipped["object without a type"] == 1
    assert len(found.problems) == 4  # two emails without a value, the login list, the bad pattern


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WILDTRACE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "wildtrace", *args], capture_output=True, text=True, env=env, timeout=180
    )


def test_cli_red_bundle_needs_allow_marking_and_exports_are_audited(tmp_path: Path) -> None:
    red = json.loads(json.dumps(OPENCTI_BUNDLE))
    red["objects"][2]["object_marking_refs"] = ["marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"]
    path = tmp_path / "red.json"
    path.write_text(json.dumps(red), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    refused = _cli(tmp_path, "import", "stix", str(path), "--db", db)
    assert refused.returncode == 2 and "TLP:RED" in refused.stderr and "--allow-marking RED" in refused.stderr
    allowed = _cli(tmp_path, "import", "stix", str(path), "--db", db, "--allow-marking", "red")
    assert allowed.returncode == 1, allowed.stderr  # one value not understood: exit 1, the rest kept
    assert "5 entries added to watchlist stix:red (TLP:RED)" in " ".join(allowed.stderr.split())
    listed = _cli(tmp_path, "watch", "list", "--db", db)
    assert "stix:red\tlocal\tRED\t5" in listed.stdout
    listings = tmp_path / "in.jsonl"
    listings.write_text(
        '{"id": "1", "platform": "p", "title": "Ivory", "text": "ivory, mail Broker@example.com"}\n'
    )
    assert _cli(tmp_path, "scan", str(listings), "--db", db).returncode == 0
    out = tmp_path / "out.json"
    made = _cli(
        tmp_path, "export", "stix", "--listing", "p:1", "--out", str(out), "--for", "INTERPOL NCB", "--db", db
    )
    assert made.returncode == 0, made.stderr
    assert "stix, TLP:AMBER" in made.stderr and "SHA-256" in made.stderr
    again = _cli(tmp_path, "export", "stix", "--listing", "p:1", "--out", str(out), "--for", "x", "--db", db)
    assert again.returncode == 2 and "exists" in again.stderr
    audit = _cli(tmp_path, "audit", "export", "--out", "-", "--action", "export.stix", "--db", db)
    entry = next(json.loads(line) for line in audit.stdout.splitlines() if '"export.stix"' in line)
    assert entry["detail"]["for"] == "INTERPOL NCB" and entry["detail"]["counts"]["listings"] == 1
    assert entry["detail"]["format"] == "stix" and entry["detail"]["marking"] == "AMBER"


def test_a_seller_on_a_platform_named_like_an_app_stays_a_seller(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from wildtrace.share.exportset import (
        ExportedAccount,
        ExportedListing,
        ExportedSelector,
        Exporter,
        ExportSet,
    )
    from wildtrace.share.stix_export import write_stix

    when = datetime(2026, 11, 1, tzinfo=UTC)
    listing = ExportedListing(1, "instagram:p1", "instagram", "p1", None, "Ivory", 7, "Natural Medicine",
                              0.9, True, ("ivory",), (), None, None, when, when, "GREEN")  # fmt: skip
    export = ExportSet(
        Exporter("KE-KWS", "Kenya Wildlife Service", "KE"), when, (), (listing,),
        (ExportedSelector("instagram", "natural.medicine", (1,), (), "GREEN"),),
        (ExportedAccount(7, "instagram", "Natural Medicine", (1,), "GREEN"),), (), "GREEN",
    )  # fmt: skip
    path = tmp_path / "b.json"
    with path.open("w", encoding="utf-8") as handle:
        write_stix(export, handle)
    bundle = json.loads(path.read_text(encoding="utf-8"))
    accounts = _by_type(bundle, "user-account")
    assert len({account["id"] for account in accounts}) == 2  # the seller and the handle stay apart
    author = _by_type(bundle, "extension-definition")[0]["created_by_ref"]
    assert [identity["name"] for identity in _by_type(bundle, "identity") if identity["id"] == author] == ["WildTrace"]
    found = read_bundle(path)
    assert not found.problems
    kinds = {(e.identifier.type, e.identifier.value, e.identifier.platform) for e in found.entries}
    assert kinds == {("account", "natural medicine", "instagram"), ("instagram", "natural.medicine", "")}
