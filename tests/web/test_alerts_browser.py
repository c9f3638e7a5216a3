"""``/alerts`` in headless chromium (the server and browser of ``test_browser.py``): ana sees
the alert her watchlist raised, with its hostile note inert, and clicks through to the listing."""

from __future__ import annotations

from tests.web import test_browser
from tests.web.conftest import PLATFORM, SHARED_PHONE
from tests.web.test_browser import Served, _open
from wildtrace.extract import identify
from wildtrace.store.people import viewer_by_name
from wildtrace.store.watchlists import WatchEntry, add_entries

#: The module's server and browser (a fixture of ``test_browser.py``, one per module).
served = test_browser.served


def test_open_alerts_and_click_through_to_the_listing(served: Served) -> None:
    viewer = viewer_by_name(served.store, "ana")
    assert viewer is not None
    entry = WatchEntry(identify("phone", SHARED_PHONE), "<img src=x onerror=alert(1)> courier")
    assert add_entries(served.store, [entry], viewer, "a-browser-watch").alerts >= 2
    ana = _open(served)
    try:
        page = ana.page
        assert page.locator("#nav-alerts-count").inner_text() == str(
            int(page.locator("#fig-alerts").inner_text())
        )
        page.click("#nav-alerts")
        page.wait_for_url(served.url("/alerts"))
        rows = page.locator("#alerts tbody tr", has_text="a-browser-watch")
        assert rows.count() >= 2
        row = rows.filter(has_text="Tiger bone wine")
        assert row.locator("td").nth(5).inner_text() == "<img src=x onerror=alert(1)> courier"
        ana.shot("alerts")
        row.locator("a").first.click()
        page.wait_for_url(served.url(f"/listings/{PLATFORM}%3Aa1"))
        assert "Tiger bone wine" in page.locator("h1").inner_text()
        ana.assert_inert()
        assert ana.errors == []
    finally:
        ana.page.context.close()
