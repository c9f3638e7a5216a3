"""The demo marketplace: a small fictional site served on loopback (``wildtrace demo-site``)."""

from wildtrace.demo.site.server import DemoSite, load_listings, seller_slug

__all__ = ["DemoSite", "load_listings", "seller_slug"]
