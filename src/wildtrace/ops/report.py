"""What an operation achieved: figures, tables, routes, concealment and money leads.

``build_report`` reads the store once and returns plain JSON-ready data; the text and HTML
renderings only present it. Counting rules, so that the figures can be checked by hand:

* a *seizure* is one reference in one country (lines sharing a reference are one seizure);
  a line without a reference is a seizure of its own;
* *suspects* are the named suspects (one per name within the operation) plus the suspects
  that rows only counted;
* values: reported values are summed as given; a line without one is estimated from the
  price references (``valuation``) as a range; totals are rounded outwards to two
  significant figures and the references used are listed;
* a route *recurs* when seizures in at least two countries share origin, destination and
  transport mode; a concealment method recurs when it is seen in two or more countries or
  three or more seizures.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter, defaultdict
from datetime import date
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from wildtrace import __version__
from wildtrace.ops.countries import country_name, country_points
from wildtrace.ops.store import OperationData, load_operation
from wildtrace.ops.units import MEASURES, fold
from wildtrace.ops.valuation import PriceReference, cite_all, estimate, round_range
from wildtrace.store import Store

#: Selector types that are payment channels (phones count when a mobile-money service is named).
FINANCIAL_TYPES = frozenset(
    {
        "btc",
        "eth",
        "tron",
        "usdt",
        "xmr",
        "ltc",
        "iban",
        "bank_account",
        "wallet",
        "paypal",
        "mobile_money",
        "card",
    }
)

#: Seizing countries that must share a route for it to be flagged.
ROUTE_MIN_COUNTRIES = 2
CONCEALMENT_MIN_COUNTRIES = 2
CONCEALMENT_MIN_SEIZURES = 3
#: Rows of a long list shown in the text report.
TEXT_ROWS = 12


def _r(value: float) -> float:
    """Quantities to the gram / litre: no binary noise in the report."""
    return round(value, 3)


def _seizure_key(row: dict[str, Any]) -> tuple[Any, ...]:
    if row["reference"]:
        return ("ref", row["country"], row["reference"])
    return ("line", row["id"])


def build_report(store: Store, name: str) -> dict[str, Any] | None:
    """The report of operation ``name`` as JSON-ready data; None when there is no such operation."""
    data = load_operation(store, name, FINANCIAL_TYPES)
    if data is None:
        return None
    return summarise(data)


def summarise(data: OperationData) -> dict[str, Any]:
    """The figures of an operation already read from the store."""
    rows = data.seizures
    events: set[tuple[Any, ...]] = set()
    commodity_events: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    country_events: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    month_events: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    by_commodity: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0.0))
    by_country: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0.0))
    value_commodity: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    value_country: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    reported = est_low = est_high = 0.0
    n_reported = n_estimated = 0
    unvalued: Counter[str] = Counter()
    used: list[PriceReference] = []
    unnamed = 0
    for row in rows:
        key = _seizure_key(row)
        events.add(key)
        commodity, country = row["commodity"], row["country"]
        commodity_events[commodity].add(key)
        country_events[country].add(key)
        seized_on: date = row["seized_on"]
        month_events[seized_on.strftime("%Y-%m")].add(key)
        unnamed += row["unnamed_suspects"] or 0
        measure, amount = None, 0.0
        for name in MEASURES:
            if row[name] is not None:
                by_commodity[commodity][name] += row[name]
                by_country[country][name] += row[name]
                if measure is None:
                    measure, amount = name, row[name]
        value = (0.0, 0.0, 0.0)
        if row["value_usd"] is not None:
            reported += row["value_usd"]
            n_reported += 1
            value = (row["value_usd"], 0.0, 0.0)
        else:
            found = (
                estimate(commodity, row["trade_term"], measure, amount, seized_on.year)
                if measure is not None
                else None
            )
            if found is None:
                unvalued[commodity] += 1
            else:
                est_low += found.low
                est_high += found.high
                n_estimated += 1
                used.extend(found.references)
                value = (0.0, found.low, found.high)
        for totals in (value_commodity[commodity], value_country[country]):
            for index in range(3):
                totals[index] += value[index]
    low, high = round_range(est_low, est_high)
    countries = sorted(country_events)
    report: dict[str, Any] = {
        "operation": data.name,
        "coordinator": data.coordinator,
        "generated_by": f"WildTrace {__version__}",
        "period": {
            "first": rows[0]["seized_on"].isoformat() if rows else None,
            "last": rows[-1]["seized_on"].isoformat() if rows else None,
        },
        "countries": countries,
        "seizures": len(events),
        "seizure_lines": len(rows),
        "suspects": data.named_suspects + unnamed,
        "suspects_named": data.named_suspects,
        "suspects_unnamed": unnamed,
        "suspect_nationalities": dict(sorted(data.suspect_nationalities.items())),
        "outcomes": dict(sorted(data.outcomes.items())),
        "agencies": [{"country": c, "name": n} for c, n in data.agencies],
        "value_usd": {
            "reported": round(reported, 2),
            "estimated_low": low,
            "estimated_high": high,
            "total_low": round(reported + low, 2),
            "total_high": round(reported + high, 2),
            "lines_reported": n_reported,
            "lines_estimated": n_estimated,
            "lines_unvalued": sum(unvalued.values()),
            "unvalued_by_commodity": dict(sorted(unvalued.items())),
            "references": cite_all(used),
        },
        "by_commodity": {
            commodity: {
                "seizures": len(commodity_events[commodity]),
                **{name: _r(by_commodity[commodity][name]) for name in MEASURES},
                "value_reported": round(value_commodity[commodity][0], 2),
                "value_estimated_low": round_range(*value_commodity[commodity][1:])[0],
                "value_estimated_high": round_range(*value_commodity[commodity][1:])[1],
            }
            for commodity in sorted(commodity_events, key=lambda c: (-len(commodity_events[c]), c))
        },
        "by_country": {
            country: {
                "name": country_name(country),
                "seizures": len(country_events[country]),
                **{name: _r(by_country[country][name]) for name in MEASURES},
                "value_reported": round(value_country[country][0], 2),
                "value_estimated_low": round_range(*value_country[country][1:])[0],
                "value_estimated_high": round_range(*value_country[country][1:])[1],
            }
            for country in sorted(country_events, key=lambda c: (-len(country_events[c]), c))
        },
        "timeline": [
            {"month": month, "seizures": len(month_events[month])} for month in sorted(month_events)
        ],
    }
    report.update(_routes(rows))
    report["recurring_concealment"] = _concealment(rows)
    report["financial_leads"] = _financial(data)
    report["unresolved_online_links"] = data.unresolved_links
    return report


def _routes(rows: list[dict[str, Any]]) -> dict[str, Any]:
    routes: dict[tuple[str, tuple[str, ...], str, str], dict[str, Any]] = {}
    pairs: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in rows:
        if not row["origin"] or not row["destination"]:
            continue
        mode = row["transport_mode"] or "unknown"
        transit = tuple(row["transit"] or ())
        route = routes.setdefault(
            (row["origin"], transit, row["destination"], mode), {"seizures": set(), "countries": set()}
        )
        pair = pairs.setdefault(
            (row["origin"], row["destination"], mode), {"seizures": set(), "countries": set()}
        )
        for entry in (route, pair):
            entry["seizures"].add(_seizure_key(row))
            entry["countries"].add(row["country"])
    listed: list[dict[str, Any]] = [
        {
            "origin": o,
            "transit": list(t),
            "destination": d,
            "transport_mode": m,
            "seizures": len(v["seizures"]),
            "seizing_countries": sorted(v["countries"]),
        }
        for (o, t, d, m), v in routes.items()
    ]
    listed.sort(key=lambda r: (-r["seizures"], r["origin"], r["destination"], r["transport_mode"]))
    recurring: list[dict[str, Any]] = [
        {
            "origin": o,
            "destination": d,
            "transport_mode": m,
            "seizures": len(v["seizures"]),
            "seizing_countries": sorted(v["countries"]),
        }
        for (o, d, m), v in pairs.items()
        if len(v["countries"]) >= ROUTE_MIN_COUNTRIES
    ]
    recurring.sort(
        key=lambda r: (-len(r["seizing_countries"]), -r["seizures"], r["origin"], r["destination"])
    )
    points = country_points()
    used = {c for r in listed for c in (r["origin"], r["destination"], *r["transit"])}
    used |= {row["country"] for row in rows}
    return {
        "routes": listed,
        "recurring_routes": recurring,
        "points": {code: list(points[code]) for code in sorted(used) if code in points},
    }


def _concealment(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        text = row["concealment"]
        if not text:
            continue
        entry = groups.setdefault(
            fold(text), {"concealment": text, "seizures": set(), "countries": set(), "modes": set()}
        )
        entry["seizures"].add(_seizure_key(row))
        entry["countries"].add(row["country"])
        if row["transport_mode"]:
            entry["modes"].add(row["transport_mode"])
    found = [
        {
            "concealment": v["concealment"],
            "seizures": len(v["seizures"]),
            "seizing_countries": sorted(v["countries"]),
            "transport_modes": sorted(v["modes"]),
        }
        for v in groups.values()
        if len(v["countries"]) >= CONCEALMENT_MIN_COUNTRIES or len(v["seizures"]) >= CONCEALMENT_MIN_SEIZURES
    ]
    found.sort(key=lambda r: (-r["seizures"], r["concealment"]))
    return found


def _financial(data: OperationData) -> list[dict[str, Any]]:
    leads: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, value, channel, amounts, platform, seller, seizure, listing, services in data.financial:
        entry = leads.setdefault(
            (kind, value),
            {
                "type": kind,
                "value": value,
                "channels": set(),
                "amounts_seen": set(),
                "accounts": set(),
                "seizures": set(),
                "listings": set(),
                "services": set(),
            },
        )
        entry["listings"].add(listing)
        entry["services"].update(services)
        if channel:
            entry["channels"].add(channel)
        entry["amounts_seen"].update(amounts)
        if seller:
            entry["accounts"].add(f"{platform}:{seller}" if platform else seller)
        if seizure:
            entry["seizures"].add(seizure)
    for entry in leads.values():
        entry["listings"] = len(entry["listings"])
    return [
        {key: sorted(item) if isinstance(item, set) else item for key, item in entry.items()}
        for _, entry in sorted(leads.items())
    ]


# -- text --------------------------------------------------------------------------------------


def _qty(values: dict[str, Any]) -> str:
    parts = []
    if values["kg"]:
        parts.append(f"{values['kg']:,.1f} kg")
    if values["m3"]:
        parts.append(f"{values['m3']:,.1f} m3")
    if values["pieces"]:
        parts.append(f"{values['pieces']:,.0f} pieces")
    if values["live"]:
        parts.append(f"{values['live']:,.0f} live")
    return ", ".join(parts) or "-"


def usd(value: float) -> str:
    return f"US${value:,.0f}"


def render_text(report: dict[str, Any]) -> str:
    """The report as plain text, for a terminal or an e-mail."""
    value = report["value_usd"]
    lines = [
        f"Operation {report['operation']}"
        + (f", coordinated by {report['coordinator']}" if report["coordinator"] else ""),
        f"Period: {report['period']['first'] or '-'} to {report['period']['last'] or '-'}",
        f"{len(report['countries'])} countries and territories, {report['suspects']:,} suspects identified "
        f"({report['suspects_named']:,} named), {report['seizures']:,} seizures "
        f"({report['seizure_lines']:,} seizure lines)",
        f"Value: {usd(value['total_low'])} to {usd(value['total_high'])}: {usd(value['reported'])} reported "
        f"for {value['lines_reported']:,} lines, plus an estimated {usd(value['estimated_low'])} to "
        f"{usd(value['estimated_high'])} for {value['lines_estimated']:,} lines without a value; "
        f"{value['lines_unvalued']:,} lines could not be valued (no price reference).",
        "",
        "By commodity:",
    ]
    for commodity, values in report["by_commodity"].items():
        lines.append(f"  {commodity:<14} {values['seizures']:>6,} seizures  {_qty(values)}")
    lines += ["", "By country:"]
    for code, values in report["by_country"].items():
        lines.append(f"  {code} {values['name'][:24]:<24} {values['seizures']:>6,} seizures  {_qty(values)}")
    if report["outcomes"]:
        lines += ["", "Outcomes: " + ", ".join(f"{k} {v:,}" for k, v in report["outcomes"].items())]
    lines += ["", "Recurring routes (same origin, destination and transport mode in several countries):"]
    shown = report["recurring_routes"][:TEXT_ROWS]
    for route in shown or [{"none": True}]:
        if "none" in route:
            lines.append("  none")
            continue
        lines.append(
            f"  {route['origin']} -> {route['destination']} by {route['transport_mode']}: "
            f"{route['seizures']} seizures in {', '.join(route['seizing_countries'])}"
        )
    if len(report["recurring_routes"]) > TEXT_ROWS:
        lines.append(f"  ... {len(report['recurring_routes']) - TEXT_ROWS} more (see --format json or html)")
    lines += ["", "Recurring concealment methods:"]
    for item in report["recurring_concealment"][:TEXT_ROWS] or [{"none": True}]:
        if "none" in item:
            lines.append("  none")
            continue
        lines.append(
            f"  {item['concealment']}: {item['seizures']} seizures in {', '.join(item['seizing_countries'])}"
        )
    lines += ["", "Financial leads (selectors on the listings and accounts linked to seizures):"]
    for lead in report["financial_leads"] or [{"none": True}]:
        if "none" in lead:
            lines.append("  none")
            continue
        amounts = "; ".join(lead["amounts_seen"]) or "no amount seen"
        via = f" ({', '.join(lead['services'])})" if lead["services"] else ""
        lines.append(
            f"  {lead['type']} {lead['value']}{via}: {lead['listings']} listings, accounts "
            f"{', '.join(lead['accounts']) or '-'}, amounts {amounts}"
        )
    if value["references"]:
        lines += ["", "Price references used for the estimates:"]
        lines += [f"  - {ref}" for ref in value["references"]]
    return "\n".join(lines) + "\n"


# -- HTML --------------------------------------------------------------------------------------


def _static(name: str) -> str:
    return (resources.files("wildtrace.ops") / "static" / name).read_text(encoding="utf-8")


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_html(report: dict[str, Any]) -> str:
    """One self-contained page: ECharts and the page script inline, allowed by hash in a
    strict Content-Security-Policy; the data in a JSON script tag, never built into code.

    Styles may be inline (``style-src 'unsafe-inline'``): ECharts writes style attributes
    into its tooltips. Scripts may not: only the two shipped scripts run, by their hashes.
    """
    environment = Environment(
        loader=PackageLoader("wildtrace.ops", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    scripts = [_static("echarts.min.js"), _static("ops_report.js")]
    csp = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src {' '.join(_csp_hash(script) for script in scripts)}; base-uri 'none'; form-action 'none'"
    )
    template = environment.get_template("ops_report.html.j2")
    return template.render(
        report=report,
        csp=csp,
        scripts=scripts,
        usd=usd,
        qty=_qty,
    )
