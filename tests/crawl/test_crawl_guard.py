"""The private-address guard's decisions (the crawls in test_crawl_guard_http.py use them for real)."""

from __future__ import annotations

import pytest

from wildtrace.crawl.guard import check_url, is_allowed, is_public, parse_networks


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.0.0.2",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "192.0.2.1",
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "::127.0.0.1",  # IPv4-compatible
        "::",
        "not an address",
    ],
)
def test_internal_and_reserved_addresses_are_not_public(address: str) -> None:
    assert not is_public(address)


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1"]
)
def test_global_addresses_are_public(address: str) -> None:
    assert is_public(address)


def test_an_allowed_network_opens_only_itself() -> None:
    networks = parse_networks(["127.0.0.1"])
    assert is_allowed("127.0.0.1", networks)
    assert not is_allowed("127.0.0.2", networks)
    assert not is_allowed("::1", networks)
    with pytest.raises(ValueError, match="not an IP network"):
        parse_networks(["10.0.0.0/33"])


def test_names_are_resolved_before_they_are_judged() -> None:
    reason = check_url("http://localhost:9/x")
    assert reason is not None and "localhost resolves to" in reason and "--allow-private" in reason
    assert check_url("http://[::1]:9/") is not None
    assert check_url("http://127.0.0.1:9/", parse_networks(["127.0.0.0/8"])) is None
