"""The HTML report in a real headless chromium: loads cleanly, draws its charts, shows the
right figures, and shows hostile text as text."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wildtrace.cli import app

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


@pytest.fixture(autouse=True)
def _chromium(missing_service: Callable[[str], None]) -> None:
    if shutil.which(CHROMIUM) is None:
        missing_service(f"no chromium at {CHROMIUM} (apt-get install -y chromium)")


runner = CliRunner()


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    folder = tmp_path_factory.mktemp("html")
    source = folder / "s.csv"
    header = "reference,date,country,commodity,quantity,unit,value_usd,origin,destination,transport_mode"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*header.split(","), "concealment", "location"])
        for index in range(12):
            country = ["Kenya", "Viet Nam", "China"][index % 3]
            value = "1000" if index % 2 else ""
            day = f"2025-0{1 + index % 3}-1{index % 9}"
            writer.writerow(
                [
                    f"R{index}",
                    day,
                    country,
                    "ivory",
                    "2",
                    "kg",
                    value,
                    "KE",
                    "CN",
                    "air cargo",
                    HOSTILE,
                    HOSTILE,
                ]
            )
    db = str(folder / "d.db")
    imported = runner.invoke(app, ["ops", "import", str(source), "--operation", "<b>OP</b>", "--db", db])
    assert imported.exit_code == 0, imported.output
    out = folder / "report.html"
    assert (
        runner.invoke(app, ["ops", "report", "<b>OP</b>", "-f", "html", "-o", str(out), "--db", db]).exit_code
        == 0
    )
    data = json.loads(runner.invoke(app, ["ops", "report", "<b>OP</b>", "-f", "json", "--db", db]).stdout)
    return out, data


def test_report_page_in_chromium(report_page: tuple[Path, dict[str, object]]) -> None:
    from playwright.sync_api import sync_playwright

    path, data = report_page
    messages: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
            page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-charts=ready]", timeout=15000)
            # both charts drew on canvas, with pixels
            assert page.locator("#chart-timeline canvas").count() >= 1
            assert page.locator("#chart-routes canvas").count() >= 1
            painted = page.evaluate(
                "() => { const c = document.querySelector('#chart-routes canvas');"
                " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                " let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) n++; } return n; }"
            )
            assert painted > 1000
            assert page.locator("#fig-seizures").inner_text() == "12"
            assert page.locator("#fig-countries").inner_text() == "3"
            assert page.locator("#fig-suspects").inner_text() == "0"
            value = data["value_usd"]
            assert isinstance(value, dict)
            assert page.locator("#fig-value").inner_text() == (
                f"US${value['total_low']:,.0f} – US${value['total_high']:,.0f}"
            )
            assert value["reported"] == 6000
            assert page.locator("#by-commodity tbody tr").count() == 1
            # the hostile concealment recurs (3 countries): it is shown, as text
            cell = page.locator("#recurring-concealment tbody td").first.inner_text()
            assert cell == HOSTILE
            assert page.locator("h1").inner_text() == "Operation <b>OP</b>"
            assert page.evaluate("() => window.__pwned") is None
            assert page.locator("#recurring-concealment img").count() == 0
            assert all(url.startswith("file://") for url in requests), requests
        finally:
            browser.close()
    assert messages == []
