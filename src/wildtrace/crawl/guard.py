"""The private-address guard: a crawler must never be turned against the investigator's own network.

Three checks, because hostile pages choose where links and redirects point:

* before each request (start URLs, followed links, every redirect hop, robots.txt), the host
  is resolved and refused if any address is loopback, private, link-local or otherwise not
  global (``PrivateAddressGuard``, a downloader middleware);
* when Twisted connects, the resolver refuses the same addresses (``GuardedResolver``), so a
  name that resolves to a public address for the check and to a private one for the
  connection (DNS rebinding) is still refused;
* after the response, the peer's address is checked once more.

``--allow-private`` (setting ``WILDTRACE_ALLOW_PRIVATE``) turns the guard off; the tests and
the demo site need it on loopback.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from wildtrace.errors import WildTraceError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class PrivateAddressRefused(IgnoreRequest, WildTraceError):
    """A request to an address the guard does not allow."""


def is_public(address: str | IPAddress) -> bool:
    """Whether an address is a global unicast one (not loopback, private, link-local, reserved...)."""
    try:
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_public(embedded)
    return bool(ip.is_global) and not ip.is_multicast


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4, IPv4-compatible), if any:
    judged on its own, so ``[64:ff9b::7f00:1]`` or ``[2002:7f00:1::]`` is not a way to 127.0.0.1."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address a host names directly ("127.0.0.1", "[::1]"), or None for a host name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve(host: str, port: int | None = None) -> list[str]:
    """Every address a host resolves to (blocking; for the check before a crawl starts)."""
    literal = literal_address(host)
    if literal is not None:
        return [str(literal)]
    infos = socket.getaddrinfo(host, port or 80, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


Networks = Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]


def parse_networks(values: Sequence[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Networks from text ("10.1.0.0/16", "127.0.0.1"); ValueError names the bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not an IP network (e.g. 10.1.0.0/16): {exc}") from exc
    return networks


def is_allowed(address: str, networks: Networks = ()) -> bool:
    """Public, or inside one of the networks the user allowed."""
    if is_public(address):
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in networks)


def refusal(url: str, addresses: Sequence[str], networks: Networks = ()) -> str | None:
    """Why ``url`` must not be crawled (it resolves to a non-public address), or None if it may."""
    private = [a for a in addresses if not is_allowed(a, networks)]
    if not private:
        return None
    host = urlsplit(url).hostname or url
    return (
        f"{url}: refused: {host} resolves to {', '.join(private)}, a loopback, private, link-local "
        "or reserved address (pass --allow-private to crawl it)"
    )


def check_url(url: str, networks: Networks = ()) -> str | None:
    """The guard's answer for one URL before crawling (None: allowed), resolving its host."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        return f"{url}: not a URL with a host"
    try:
        addresses = resolve(host, parts.port)
    except (OSError, UnicodeError) as exc:
        return f"{url}: cannot resolve {host}: {exc}"
    return refusal(url, addresses, networks)


class PrivateAddressGuard:
    """Downloader middleware: refuses requests (and responses) to non-public addresses."""

    def __init__(self, allow_private: bool, networks: Networks = ()) -> None:
        self.allow_private = allow_private
        self.networks = networks
        self._cache: dict[str, list[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressGuard:
        networks = parse_networks(crawler.settings.getlist("WILDTRACE_ALLOWED_NETWORKS"))
        return cls(crawler.settings.getbool("WILDTRACE_ALLOW_PRIVATE"), networks)

    async def process_request(self, request: Request) -> None:
        if not request.url.startswith(("http://", "https://")):
            raise PrivateAddressRefused(f"{request.url}: refused: only http(s) URLs are crawled")
        if self.allow_private:
            return
        parts = urlsplit(request.url)
        host = parts.hostname
        if not host:
            raise PrivateAddressRefused(f"{request.url}: refused: no host")
        addresses = self._cache.get(host)
        if addresses is None:
            literal = literal_address(host)
            if literal is not None:
                addresses = [str(literal)]
            else:
                try:
                    infos = await asyncio.get_running_loop().getaddrinfo(
                        host, parts.port or 80, type=socket.SOCK_STREAM
                    )
                except (OSError, UnicodeError) as exc:
                    raise IgnoreRequest(f"{request.url}: cannot resolve {host}: {exc}") from exc
                addresses = sorted({str(info[4][0]) for info in infos})
            self._cache[host] = addresses
        reason = refusal(request.url, addresses, self.networks)
        if reason is not None:
            raise PrivateAddressRefused(reason)

    def process_response(self, request: Request, response: Response) -> Response:
        peer = getattr(response, "ip_address", None)
        if not self.allow_private and peer is not None and not is_allowed(str(peer), self.networks):
            raise PrivateAddressRefused(f"{response.url}: refused: the server answered from {peer}")
        return response


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing non-public addresses at connection time."""

    allow_private = False
    networks: Networks = ()

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> GuardedResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = crawler.settings.getbool("WILDTRACE_ALLOW_PRIVATE")
        resolver.networks = parse_networks(crawler.settings.getlist("WILDTRACE_ALLOWED_NETWORKS"))
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        deferred = super().getHostByName(name, timeout)
        if self.allow_private:
            return deferred

        def check(address: str) -> str:
            if not is_allowed(address, self.networks):
                raise DNSLookupError(f"{name} resolves to {address}: refused by the private-address guard")
            return address

        return deferred.addCallback(check)
