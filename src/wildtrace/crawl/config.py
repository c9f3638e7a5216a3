"""What one crawl is asked to do, and the Scrapy settings that make it polite and safe."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wildtrace import __version__
from wildtrace.crawl.profile import SiteProfile

#: Who we are, and where a site owner can read why we call.
DEFAULT_USER_AGENT = (
    f"WildTrace/{__version__} (wildlife-trade research crawler; +https://example.org/wildtrace-bot)"
)
#: Largest response kept, also after decompression (Scrapy applies it to inflated bodies too).
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
#: Seconds to wait between two requests to one host (Scrapy randomises 0.5x to 1.5x).
DEFAULT_DELAY = 1.0
DEFAULT_CONCURRENCY_PER_HOST = 2
DEFAULT_TIMEOUT = 30.0
DEFAULT_DEPTH = 3
DEFAULT_RETRIES = 3
#: Longest back-off after a 429/503, whatever Retry-After asks for.
MAX_BACKOFF = 60.0


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    """Everything a crawl needs; the CLI fills it from flags, the tests directly."""

    start_urls: tuple[str, ...]
    out_dir: Path
    db_url: str | None = None
    profile: SiteProfile | None = None
    max_pages: int | None = None
    depth: int = DEFAULT_DEPTH
    allow_private: bool = False
    #: Non-public networks allowed without --allow-private (e.g. "10.1.0.0/16" for an intranet).
    allowed_networks: tuple[str, ...] = ()
    user_agent: str = DEFAULT_USER_AGENT
    delay: float | None = None
    concurrency_per_host: int | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    retries: int = DEFAULT_RETRIES
    backoff: float = 2.0
    operator: str | None = None
    crawl_id: str | None = None
    threshold: float | None = None
    #: scrapy-redis: a shared queue and duplicate filter, so several machines share one crawl.
    redis_url: str | None = None
    redis_key: str | None = None
    log_level: str = "WARNING"
    extra_settings: dict[str, Any] = field(default_factory=dict)

    @property
    def job_dir(self) -> Path:
        """Scrapy's JOBDIR: the pending queue and seen requests, so a stopped crawl resumes."""
        return self.out_dir / "job"

    @property
    def warc_dir(self) -> Path:
        return self.out_dir / "warc"

    @property
    def events_file(self) -> Path:
        """One JSON line per fault, refusal, change and takedown, as they happen."""
        return self.out_dir / "crawl-events.jsonl"


def scrapy_settings(config: CrawlConfig) -> dict[str, Any]:
    """The Scrapy settings for a crawl: polite by default, guarded, resumable."""
    profile = config.profile
    delay = config.delay
    if delay is None:
        delay = profile.download_delay if profile and profile.download_delay is not None else DEFAULT_DELAY
    per_host = config.concurrency_per_host
    if per_host is None:
        per_host = (
            profile.concurrency_per_host
            if profile and profile.concurrency_per_host
            else DEFAULT_CONCURRENCY_PER_HOST
        )
    settings: dict[str, Any] = {
        "BOT_NAME": "wildtrace",
        "USER_AGENT": config.user_agent,
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": config.user_agent,
        "CONCURRENT_REQUESTS": max(8, per_host),
        "CONCURRENT_REQUESTS_PER_DOMAIN": per_host,
        "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_DELAY_JITTER": 0.5 if delay > 0 else 0,
        "DOWNLOAD_TIMEOUT": config.timeout,
        "DOWNLOAD_MAXSIZE": config.max_bytes,
        "DOWNLOAD_WARNSIZE": max(1, config.max_bytes // 4),
        "DNS_TIMEOUT": min(config.timeout, 20),
        "TWISTED_DNS_RESOLVER": "wildtrace.crawl.guard.GuardedResolver",
        "REDIRECT_MAX_TIMES": 10,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": config.retries,
        "RETRY_HTTP_CODES": [429, 500, 502, 503, 504, 408, 522, 524],
        "WILDTRACE_BACKOFF": config.backoff,
        "WILDTRACE_ALLOW_PRIVATE": config.allow_private,
        "WILDTRACE_ALLOWED_NETWORKS": list(config.allowed_networks),
        "DEPTH_LIMIT": 0,  # Scrapy's 0 means "no limit": DepthEvents applies WILDTRACE_DEPTH
        "WILDTRACE_DEPTH": config.depth,
        "DEPTH_PRIORITY": 1,  # breadth first: a page cap keeps the pages nearest the start
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,  # no listening consoles on the investigator's machine
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_LEVEL": config.log_level,
        "LOG_INSTALL_ROOT_HANDLER": True,
        "HTTPERROR_ALLOWED_CODES": [404, 410],
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "wildtrace.crawl.middlewares.OffsiteEvents": 45,
            "wildtrace.crawl.guard.PrivateAddressGuard": 50,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "wildtrace.crawl.middlewares.RobotsTxtRfc9309": 100,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "wildtrace.crawl.middlewares.BackoffRetryMiddleware": 550,
            "wildtrace.crawl.middlewares.WarcMiddleware": 950,
        },
        "SPIDER_MIDDLEWARES": {
            "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
            "wildtrace.crawl.middlewares.DepthEvents": 900,
        },
        "ITEM_PIPELINES": {"wildtrace.crawl.pipelines.CapturePipeline": 300},
    }
    if config.redis_url:
        key = config.redis_key or "wildtrace"
        settings.update(
            {
                "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
                "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
                "SCHEDULER_PERSIST": True,
                "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
                "SCHEDULER_QUEUE_KEY": f"{key}:requests",
                "SCHEDULER_DUPEFILTER_KEY": f"{key}:dupefilter",
                "DUPEFILTER_KEY": f"{key}:dupefilter",
                "REDIS_URL": config.redis_url,
            }
        )
    else:
        settings["JOBDIR"] = str(config.job_dir)
    settings.update(config.extra_settings)
    return settings
