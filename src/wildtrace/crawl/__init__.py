"""Crawling marketplaces politely, keeping every exchange as evidence (Scrapy).

    from wildtrace.crawl import CrawlConfig, load_profile, run_crawl
    result = run_crawl(CrawlConfig(start_urls=("https://market.example/",), out_dir=Path("crawl")))

A crawl runs Twisted's reactor, which starts once per process: run one crawl per process
(the CLI does; tests start the CLI in a child process).
"""

from wildtrace.crawl.config import CrawlConfig
from wildtrace.crawl.guard import check_url, is_public
from wildtrace.crawl.profile import ProfileError, SiteProfile, load_profile

__all__ = [
    "CrawlConfig",
    "ProfileError",
    "SiteProfile",
    "check_url",
    "is_public",
    "load_profile",
    "run_crawl",
]


def __getattr__(name: str) -> object:
    if name == "run_crawl":  # imports Scrapy and Twisted: only when a crawl is run
        from wildtrace.crawl.runner import run_crawl

        return run_crawl
    raise AttributeError(name)
