"""Linking at scale: time and peak memory of ``link_listings`` on a synthetic corpus.

The corpus imitates how traders reuse identifiers: operators run 1-4 accounts on several
platforms; each account posts 1-12 listings (skewed: a few post many); listings give 0-3
of their operator's phones, handles, emails, wallets and IBANs (phones are the most common;
some operators share a phone with a partner). Traps that must not merge strangers:
marketplace help lines, courier numbers and a template email, each given by hundreds to
thousands of unrelated accounts. Selectors are generated directly (extraction is measured
by scan_throughput.py and --extract here), so this measures linking alone.

Prints the time to link, peak resident memory (ru_maxrss, the whole process: corpus
included) and pairwise precision / recall / F1 over accounts against the generated truth.

    .venv/bin/python benchmarks/link_scale.py            # 1,000,000 listings
    .venv/bin/python benchmarks/link_scale.py --n 100000
    .venv/bin/python benchmarks/link_scale.py --n 20000 --extract   # + extraction cost per KB

``--store FILE`` measures ``link`` on a SQLite store instead, the streamed path that the
command takes from 200,000 listings (``wildtrace.linking``): the store is built first, in a
child process, with the same corpus written straight into the tables (building it through
``scan`` would measure the scan); then this process links it, so its peak memory is the
linking's alone. ``--in-memory`` links the same store through ``scanning.link_store``.

    .venv/bin/python benchmarks/link_scale.py --n 1000000 --store /tmp/link-1m.db
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections import Counter

from wildtrace.link import link_listings
from wildtrace.model import Analysis, Detection, Listing, Selector

PLATFORMS = ("facebook", "chotot", "shopee-vn", "xianyu", "kaskus", "tokopedia", "olx-br", "jiji", "kaidee",
             "leboncoin", "mercadolibre", "telegram", "line", "instagram", "tiktok", "wechat", "weibo",
             "carousell", "mudah", "wallapop")  # fmt: skip
DETECTION = Detection(score=0.9, flagged=True)
#: Help lines, courier numbers and a template email that unrelated accounts all give.
TRAPS = (
    [f"+8419001{i:04d}" for i in range(40)]
    + [f"+628001{i:05d}" for i in range(20)]
    + ["support@marketplace.example"]
)


def peak_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def corpus(n: int, seed: int) -> tuple[list[tuple[Listing, Analysis]], dict[str, int]]:
    """``n`` listings with selectors, and the true network of each account."""
    rng = random.Random(seed)
    traps = TRAPS[:-1]
    template = TRAPS[-1]
    pairs: list[tuple[Listing, Analysis]] = []
    truth: dict[str, int] = {}  # account -> its true network
    network_of: dict[int, int] = {}
    operator = 0
    while len(pairs) < n:
        operator += 1
        pool: list[tuple[str, str]] = [("phone", f"+849{operator:08d}")]
        if rng.random() < 0.5:
            pool.append(("phone", f"+849{operator + 50_000_000:08d}"))
        if rng.random() < 0.4:
            pool.append((rng.choice(("telegram", "wechat", "line", "instagram")), f"op{operator}_shop"))
        if rng.random() < 0.2:
            pool.append(("email", f"op{operator}@mail.example"))
        if rng.random() < 0.05:
            pool.append(("tron", f"T{operator:033d}"))
        if rng.random() < 0.02:
            pool.append(("iban", f"VN{operator:020d}"))
        network = operator
        if rng.random() < 0.03 and operator > 1:  # a partner's phone: a network of two operators
            pool.append(("phone", f"+849{operator - 1:08d}"))
            network = network_of[operator - 1]
        network_of[operator] = network
        for account_no in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
            platform = rng.choice(PLATFORMS)
            seller = f"seller{operator}_{account_no}"
            truth[f"{platform}:{seller}"] = network
            for _ in range(min(12, int(rng.paretovariate(1.6)))):
                listing_id = f"L{len(pairs):08d}"
                chosen = rng.sample(pool, k=min(len(pool), rng.choice((0, 1, 1, 1, 2, 3))))
                if rng.random() < 0.03:
                    chosen.append(("phone", rng.choice(traps)))
                if rng.random() < 0.01:
                    chosen.append(("email", template))
                selectors = tuple(
                    Selector(kind, value, value, "text", 0, len(value)) for kind, value in chosen
                )
                pairs.append((Listing(id=listing_id, platform=platform, seller=seller),
                              Analysis(listing_id, DETECTION, selectors)))  # fmt: skip
                if len(pairs) >= n:
                    break
            if len(pairs) >= n:
                break
    return pairs, truth


def pairwise(truth: dict[str, int], predicted: dict[str, str]) -> tuple[float, float, float]:
    """Pairwise precision / recall / F1 over accounts, from cluster-size counts (no pair lists)."""

    def pairs(counter: Counter[object]) -> int:
        return sum(size * (size - 1) // 2 for size in counter.values())

    true_pairs = pairs(Counter(truth.values()))
    predicted_pairs = pairs(Counter(predicted.values()))
    both = pairs(Counter((truth[account], predicted[account]) for account in truth))
    precision = both / predicted_pairs if predicted_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def extraction_cost(count: int, seed: int) -> None:
    """Median cost of ``extract`` per KB of realistic multilingual listing text."""
    from wildtrace.extract import extract

    rng = random.Random(seed)
    snippets = [
        "Gỗ trắc đỏ Lào phách lớn, giá 140tr. Zalo 0977 215 064, giao Hà Nội. ",
        "老虎毛公仔，好軟。微信: laowang888 每斤3万元 广州发货。",
        "Jual gading gajah asli, harga Rp 2.500.000, WA 0812-3456-7890, kirim dari Jakarta. ",
        "ขายงาช้าง 2 กิโล ราคา 12,000 บาท ไลน์ nokkaew99 ส่งจากกรุงเทพ ",
        "Bracelet ivoire ancien, 1.250,50 €, contact ivoire [at] example [dot] fr, Paris. ",
        "Chifre de rinoceronte R$ 15.000, chama no zap (11) 91234-5678, São Paulo. ",
        "USDT TRC20 or BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 accepted, t.me/hornshop ",
        "Plain text about a wooden table with nice grain, delivered anywhere in the country. ",
    ]
    filler = ("Hàng đẹp, vân rõ, bảo hành lâu dài. 品相完美，包邮。 Barang bagus, siap kirim. "
              "สินค้าคุณภาพดี ส่งฟรี. Très bon état, envoi rapide. Em ótimo estado. ") * 8  # fmt: skip
    listings = []
    for i in range(count):
        # a listing of ~1 KB: one to three sentences with selectors in ordinary text
        chosen = "".join(rng.choice(snippets[:-1]) for _ in range(rng.choice((1, 2, 3))))
        text = (chosen + filler)[:1024]
        listings.append(
            Listing(id=str(i), title=text[:60], text=text, location=rng.choice(("Hà Nội", "", "Bangkok")))
        )
    kilobytes = sum(len((x.text or "").encode()) for x in listings) / 1024
    times = []
    for _ in range(3):
        start = time.process_time()  # CPU time: other processes on the machine do not count
        for listing in listings:
            extract(listing, None)
        times.append(time.process_time() - start)
    median = sorted(times)[1]
    print(f"extract: {count:,} listings of ~1 KB: {median / kilobytes * 1e6:,.0f} µs per KB, "
          f"{count / median:,.0f} listings/s (1 process, CPU time, median of 3)")  # fmt: skip


def build_store(path: str, n: int, seed: int) -> None:
    """The corpus written into a new SQLite store (schema by the migrations), in bulk."""
    import sqlite3

    from wildtrace.store import open_store

    with open_store(f"sqlite:///{path}"):
        pass  # creates the schema
    pairs, _ = corpus(n, seed)
    now = "2026-12-01 00:00:00.000000"
    db = sqlite3.connect(path)
    platforms = {name: i + 1 for i, name in enumerate(PLATFORMS)}
    db.executemany("INSERT INTO platforms (id, name) VALUES (?, ?)", [(i, p) for p, i in platforms.items()])
    accounts: dict[tuple[str, str], int] = {}
    listings, analyses, selectors = [], [], []
    for row_id, (listing, analysis) in enumerate(pairs, start=1):
        account = accounts.setdefault((listing.platform or "", listing.seller or ""), len(accounts) + 1)
        listings.append((row_id, listing.id, platforms[listing.platform or ""], account, "[]", "{}", "0" * 64,
                         now, now))  # fmt: skip
        analyses.append((row_id, row_id, "bench", 0.9, 1, "[]", "[]", "[]", now))
        selectors.extend((row_id, position, x.type, x.value, x.raw, x.field, x.start, x.end, x.channel, 1.0)
                         for position, x in enumerate(analysis.selectors))  # fmt: skip
    db.executemany("INSERT INTO accounts (id, platform_id, seller) VALUES (?, ?, ?)",
                   [(i, platforms[p], seller) for (p, seller), i in accounts.items()])  # fmt: skip
    db.executemany("INSERT INTO listings (id, uid, platform_id, account_id, images, extra, content_hash, "
                   "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", listings)  # fmt: skip
    db.executemany("INSERT INTO analyses (id, listing_id, analyzer_version, score, flagged, commodities, "
                   "taxa, legality_cues, analysed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   analyses)  # fmt: skip
    db.executemany('INSERT INTO selectors (listing_id, position, type, value, raw, field, start, "end", '
                   "channel, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", selectors)  # fmt: skip
    db.commit()
    db.close()
    print(f"store: {n:,} listings, {len(accounts):,} accounts, {len(selectors):,} selectors in {path}")


def link_stored(path: str, in_memory: bool) -> None:
    """Time ``link`` on the store at ``path``: wall, CPU and this process's peak memory."""
    from wildtrace.linking import link_store_streamed
    from wildtrace.scanning import link_store
    from wildtrace.store import open_store

    with open_store(f"sqlite:///{path}") as store:
        start, cpu = time.perf_counter(), time.process_time()
        if in_memory:
            linked = link_store(store)
            links, held = len(linked.network.links), len(linked.network.held_back)
        else:
            summary = link_store_streamed(store)
            links, held = summary.links, len(summary.held_back)
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
    how = "in memory" if in_memory else "streamed"
    print(f"link from the store ({how}): {took:.1f} s ({cpu:.1f} s of CPU), peak memory {peak_mb():,.0f} MB "
          f"(this process), {links:,} links, {held:,} values held back")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="listings to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--extract", action="store_true", help="also measure extraction cost per KB")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also link with the guard off, and with the traps removed (the best possible)",
    )
    parser.add_argument("--store", help="link a SQLite store at this path (built first if missing)")
    parser.add_argument("--in-memory", action="store_true", help="with --store: the in-memory path")
    parser.add_argument("--profile", action="store_true", help="with --store: print a cProfile of linking")
    args = parser.parse_args()
    if args.store:
        import multiprocessing
        import os

        if not os.path.exists(args.store):
            spawn = multiprocessing.get_context("spawn")
            child = spawn.Process(target=build_store, args=(args.store, args.n, args.seed))
            child.start()
            child.join()
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(link_stored, args.store, args.in_memory)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        else:
            link_stored(args.store, args.in_memory)
        return
    if args.extract:
        extraction_cost(min(args.n, 20_000), args.seed)
    start = time.perf_counter()
    pairs, truth = corpus(args.n, args.seed)
    built = time.perf_counter() - start
    selectors = sum(len(analysis.selectors) for _, analysis in pairs)
    print(f"corpus: {len(pairs):,} listings, {len(truth):,} accounts, {selectors:,} selectors "
          f"(built in {built:.1f} s, peak {peak_mb():,.0f} MB so far)")  # fmt: skip
    start, cpu = time.perf_counter(), time.process_time()
    network = link_listings(pairs, photos={})
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    cluster_of = {listing.id: network.clusters[listing.id] for listing, _ in pairs}
    predicted = {f"{listing.platform}:{listing.seller}": cluster_of[listing.id] for listing, _ in pairs}
    precision, recall, f1 = pairwise(truth, predicted)
    clusters = len(set(network.clusters.values()))
    print(f"link: {took:.1f} s ({cpu:.1f} s of CPU), peak memory {peak_mb():,.0f} MB (whole process), "
          f"{len(network.links):,} links, {clusters:,} clusters, "
          f"{len(network.held_back):,} values held back")  # fmt: skip
    print(f"pairwise over accounts (guard on): P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}")
    if args.compare:
        traps = set(TRAPS)
        for title, run in (
            ("guard off", lambda: link_listings(pairs, max_accounts=10**9, photos={})),
            ("oracle (traps removed, guard off)", lambda: link_listings(
                [(listing, Analysis(analysis.listing_id, analysis.detection,
                                    tuple(x for x in analysis.selectors if x.value not in traps)))
                 for listing, analysis in pairs], max_accounts=10**9, photos={})),
        ):  # fmt: skip
            other = run()
            predicted = {
                f"{listing.platform}:{listing.seller}": other.clusters[listing.id] for listing, _ in pairs
            }
            precision, recall, f1 = pairwise(truth, predicted)
            print(f"pairwise over accounts ({title}): P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}")


if __name__ == "__main__":
    main()
