"""Extraction speed: listings/s and µs per listing of ``extract`` alone, per selector family.

The corpus imitates ~1 KB multilingual listings (Vietnamese, Chinese, Indonesian, Thai,
French, Portuguese, English): most give 0-2 selectors (phones most often, then handles,
emails, prices, weights, places; a few wallets and IBANs), about one in five is a long text
with none (descriptions full of sizes, dates and ordinary words such as "line"). Values are
generated (random phone numbers, handles, valid wallets and IBANs), so caches of parsed
values do not make the figures look better than on real data. Times are CPU time
(``time.process_time``: other processes on the machine do not count), median of 5 runs.

    .venv/bin/python benchmarks/extract_speed.py             # 5,000 listings
    .venv/bin/python benchmarks/extract_speed.py --n 20000 --runs 5
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import statistics
import time
from collections.abc import Callable, Iterable

import base58

from wildtrace.extract import extract
from wildtrace.extract.emails import find_emails
from wildtrace.extract.handles import find_handles
from wildtrace.extract.iban import find_ibans
from wildtrace.extract.money import find_money
from wildtrace.extract.phones import find_phones
from wildtrace.extract.places import find_places
from wildtrace.extract.quantities import find_quantities
from wildtrace.extract.regions import guess_region
from wildtrace.extract.wallets import find_wallets
from wildtrace.model import Listing

FILLER = {
    "vi": ("Hàng đẹp, vân rõ, bảo hành lâu dài, kích thước 45x30cm, ngày đăng 13/08/2024. "
           "Sản phẩm thủ công, chất liệu tự nhiên, online cả ngày, giao hàng toàn quốc. "),
    "zh": "品相完美，包邮。尺寸 12x8 厘米，2024年8月13日上架，全国发货，支持验货，欢迎咨询。",
    "id": ("Barang bagus, siap kirim ke seluruh Indonesia. Ukuran 20 x 15 cm, kondisi mulus, "
           "fast respon, online setiap hari dari jam 8 sampai 21. "),
    "th": "สินค้าคุณภาพดี ส่งฟรี ขนาด 10 x 20 ซม. ลงประกาศ 13/08/2024 ติดต่อได้ตลอด 24 ชั่วโมง ",
    "fr": ("Très bon état, envoi rapide, dimensions 30 x 40 cm, annonce du 13/08/2024. "
           "Pièce ancienne de collection, provenance famille, remise en main propre possible. "),
    "pt": ("Em ótimo estado, envio para todo o Brasil, medidas 25 x 18 cm, anúncio de 13/08/2024. "
           "Peça de coleção, aceito propostas, entrega rápida. "),
    "en": ("Great condition, fast shipping, size 45 x 30 cm, posted 13/08/2024, order no. 2024081300123. "
           "Blood line pure, hand carved, message me on any platform, serious buyers only. "),
}  # fmt: skip
LOCATIONS = {"vi": "Hà Nội", "zh": "广州", "id": "Jakarta", "th": "กรุงเทพ", "fr": "Paris", "pt": "São Paulo",
             "en": ""}  # fmt: skip
PLATFORMS = {"vi": "chotot", "zh": "xianyu", "id": "kaskus", "th": "kaidee", "fr": "leboncoin",
             "pt": "olx-br", "en": "facebook"}  # fmt: skip


def _phone(rng: random.Random, language: str) -> str:
    """A phone number written the way sellers of that language write them."""
    if language == "vi":
        return f"0{rng.choice('93')}{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
    if language == "zh":
        return f"13{rng.randint(0, 9)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    if language == "id":
        return f"0812-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    if language == "th":
        return f"08{rng.randint(1, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    if language == "fr":
        return "06 " + " ".join(f"{rng.randint(10, 99)}" for _ in range(4))
    if language == "pt":
        return f"(11) 9{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    return f"+1 {rng.randint(201, 989)} {rng.randint(200, 999)} {rng.randint(1000, 9999)}"


def _b58check(rng: random.Random, version: int) -> str:
    payload = bytes([version]) + rng.randbytes(20)
    return base58.b58encode_check(payload).decode()


def _iban(rng: random.Random) -> str:
    """A German IBAN with correct check digits (ISO 13616 mod 97)."""
    bban = f"{rng.randint(10**7, 10**8 - 1)}{rng.randint(10**9, 10**10 - 1)}"
    check = 98 - int(bban + "131400") % 97  # "DE" = 13 14, check digits 00
    return f"DE{check:02d}{bban}"


def _vary(rng: random.Random, digits: str) -> str:
    """A real date for a date, a random digit for a digit."""
    if len(digits) > 1:
        return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.choice((2024, 2025))}"
    return rng.choice("0123456789")


def _selector_sentence(rng: random.Random, language: str) -> str:
    """One sentence giving one selector, in the listing's language where it matters."""
    name = f"{rng.choice(('shop', 'ivory', 'horn', 'ngoc', 'wang', 'toko'))}{rng.randint(10, 99999)}"
    kind = rng.choices(
        ("phone", "handle", "email", "money", "quantity", "wallet", "iban"),
        weights=(40, 18, 8, 16, 12, 3, 2),
    )[0]
    if kind == "phone":
        app = {
            "vi": "Zalo",
            "zh": "电话",
            "id": "WA",
            "th": "โทร",
            "fr": "Tél",
            "pt": "zap",
            "en": "WhatsApp",
        }
        return f"{app[language]} {_phone(rng, language)}. "
    if kind == "handle":
        form = {"vi": "Telegram: {}", "zh": "微信: {}", "th": "ไลน์ {}", "en": "t.me/{}", "id": "IG: @{}",
                "fr": "Line ID: {}", "pt": "instagram.com/{}"}  # fmt: skip
        return form[language].format(name) + " "
    if kind == "email":
        at = rng.choice(("@", " [at] "))
        return f"contact {name}{at}{rng.choice(('gmail.com', 'example.fr', 'yahoo.com'))} "
    if kind == "money":
        amount = rng.randint(1, 999)
        form = {"vi": "giá {}tr", "zh": "每斤{}万元", "id": "harga Rp {}.000.000", "th": "ราคา {},000 บาท",
                "fr": "{},50 €", "pt": "R$ {}.000", "en": "US$ {}"}  # fmt: skip
        return form[language].format(amount) + " "
    if kind == "quantity":
        unit = {"vi": "ký", "zh": "斤", "id": "kg", "th": "กิโล", "fr": "kg", "pt": "quilos", "en": "lbs"}
        return f"{rng.randint(1, 50)} {unit[language]} "
    if kind == "wallet":
        return f"USDT TRC20 {_b58check(rng, 0x41)} " if rng.random() < 0.5 else f"BTC {_b58check(rng, 0)} "
    return f"IBAN {_iban(rng)} "


def corpus(count: int, seed: int) -> tuple[list[tuple[Listing, str]], float]:
    """``count`` listings of ~1 KB with their language, and their size in KB."""
    rng = random.Random(seed)
    languages = list(FILLER)
    listings: list[tuple[Listing, str]] = []
    for i in range(count):
        language = rng.choice(languages)
        filler = FILLER[language]
        # ~20% long texts with no selector; the rest 0-2 (a few 3)
        given = 0 if rng.random() < 0.2 else rng.choices((0, 1, 2, 3), weights=(25, 40, 28, 7))[0]
        sentences = [_selector_sentence(rng, language) for _ in range(given)]
        # sizes, dates (of the last two years) and order numbers vary from listing to listing
        body = re.sub(r"\d\d/\d\d/\d{4}|\d", lambda found: _vary(rng, found.group(0)), filler * 12)
        cut = rng.randint(0, len(filler))
        text = body[cut:]
        for sentence in sentences:  # at random places in the text, between words
            at = text.find(" ", rng.randint(0, 700)) + 1
            text = text[:at] + sentence + text[at:]
        text = text.encode()[:1024].decode("utf-8", "ignore")
        title = text[:60]
        listings.append((Listing(
            id=str(i), platform=PLATFORMS[language], title=title, text=text,
            location=LOCATIONS[language] if rng.random() < 0.7 else None,
            price=rng.choice((None, None, "1.500.000", "350 €", "$120")),
            url=f"https://example.{language}/item/{hashlib.sha1(str(i).encode()).hexdigest()[:10]}",
        ), language))  # fmt: skip
    kilobytes = sum(len((x.text or "").encode()) for x, _ in listings) / 1024
    return listings, kilobytes


def _families(listings: list[tuple[Listing, str]]) -> dict[str, Callable[[], None]]:
    """One callable per family running it over the title and text of every listing."""
    inputs = [
        (listing, [t for t in (listing.title, listing.text) if t], guess_region(listing, language))
        for listing, language in listings
    ]

    def run(call: Callable[[str, str | None], Iterable[object]]) -> Callable[[], None]:
        def loop() -> None:
            for _, texts, region in inputs:
                for text in texts:
                    list(call(text, region))

        return loop

    def regions() -> None:
        for listing, language in listings:
            guess_region(listing, language)

    return {
        "phones": run(lambda text, region: find_phones(text, "text", region)),
        "emails": run(lambda text, _: find_emails(text, "text")),
        "handles": run(lambda text, _: find_handles(text, "text")),
        "wallets": run(lambda text, _: find_wallets(text, "text")),
        "iban": run(lambda text, _: find_ibans(text, "text")),
        "money": run(lambda text, region: find_money(text, "text", region)),
        "quantities": run(lambda text, region: find_quantities(text, "text", region)),
        "places": run(lambda text, _: find_places(text, "text")),
        "regions": regions,
    }


def _median_cpu(calls: list[Callable[[], None]]) -> float:
    """Median CPU time of the calls (each on its own corpus: no warm caches of parsed values)."""
    times = []
    for call in calls:
        start = time.process_time()
        call()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="listings to generate")
    parser.add_argument("--runs", type=int, default=5, help="runs; the median is printed")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    # a fresh corpus for every timed run: a number parsed in an earlier run is not a cache hit
    corpora = [corpus(args.n, args.seed + run) for run in range(2 * args.runs + 1)]
    count = len(corpora[0][0])
    kilobytes = statistics.median(size for _, size in corpora)

    def everything(listings: list[tuple[Listing, str]]) -> Callable[[], None]:
        def loop() -> None:
            for listing, language in listings:
                extract(listing, language)

        return loop

    listings = corpora[-1][0]
    selectors = sum(len(extract(listing, language)) for listing, language in listings)
    median = _median_cpu([everything(listings) for listings, _ in corpora[: args.runs]])
    print(f"corpus: {count:,} listings, {kilobytes / count:.2f} KB of text each on average, "
          f"{selectors / count:.2f} selectors each")  # fmt: skip
    print(
        f"extract: {count / median:,.0f} listings/s, {median / count * 1e6:,.0f} µs per listing, "
        f"{median / kilobytes * 1e6:,.0f} µs per KB (1 process, CPU time, median of {args.runs})"
    )
    print("per family (title + text of every listing; regions: guess_region):")
    families = [_families(listings) for listings, _ in corpora[args.runs : 2 * args.runs]]
    for name in families[0]:
        took = _median_cpu([family[name] for family in families])
        print(f"  {name:<11} {took / count * 1e6:8.1f} µs per listing")


if __name__ == "__main__":
    main()
