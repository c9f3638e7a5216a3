"""Selector quality: precision and recall of ``extract`` on hand-labelled multilingual listings.

Each case is a listing (text, location, platform) and the selectors a careful analyst would
record: (type, normalised value). Cases include traps that must NOT give selectors: order
numbers, dates, sizes, prices written like phone numbers, a wallet with a bad checksum, an IBAN
with a wrong check digit, "line" and "telegram" as ordinary words, a bare @name. Written by the
extractors' authors, so the figures are an upper bound, not a forecast for unseen data.

    .venv/bin/python benchmarks/selector_quality.py
"""

from __future__ import annotations

from collections import Counter

from wildtrace.extract import extract
from wildtrace.model import Listing

ETH = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
ETH_BAD = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d35A"
BTC = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"
BTC_BAD = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3"
TRON = "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"

#: (language, text, location, platform, expected {(type, value)})
CASES: list[tuple[str, str, str, str, set[tuple[str, str]]]] = [
    ("vi", "Bán vòng ngà voi thật, giá 3.500.000đ. Zalo 0912 345 678 (chính chủ)", "Hà Nội", "chotot",
     {("phone", "+84912345678"), ("money", "3500000 VND"), ("place", "VN")}),
    ("vi", "Sừng tê 1 ký 2 lạng, LH 0 9 8 7 . 6 5 4 . 3 2 1, ship từ Lào", "Sài Gòn", "facebook",
     {("phone", "+84987654321"), ("quantity", "1 kg"), ("quantity", "0.2 kg"), ("place", "LA"),
      ("place", "VN")}),
    ("vi", "Mã đơn 2024081300123, size 45cm, ngày 13/08/2024, giá 140tr", "Bắc Ninh", "facebook",
     {("money", "140000000 VND")}),
    ("vi", "Liên hệ email ngavoi [at] example [dot] com hoặc Telegram: ngavoi_hn", "", "facebook",
     {("email", "ngavoi@example.com"), ("telegram", "ngavoi_hn")}),
    ("vi", "Vảy tê tê 5 cân, chuyển khoản USDT TRC20 " + TRON, "Hải Phòng", "zalo",
     {("quantity", "5 kg"), ("tron", TRON), ("place", "VN")}),
    ("zh", "象牙手镯 微信: laowang888 每斤3万元 广州发货", "广州", "xianyu",
     {("wechat", "laowang888"), ("money", "30000 CNY"), ("place", "CN")}),  # 每斤: a unit price
    ("zh", "穿山甲片 加V信 lz_88866 两斤起 138 0013 8000", "昆明", "weibo",
     {("wechat", "lz_88866"), ("phone", "+8613800138000"), ("place", "CN"), ("quantity", "1 kg")}),
    ("zh", "老虎毛公仔，好軟。NT$ 480", "高雄市", "shopee-demo",
     {("money", "480 TWD"), ("place", "TW")}),
    ("zh", "犀牛角 10 tael, 香港交收, WhatsApp +852 5123 4567", "香港", "carousell",
     {("quantity", "0.378 kg"), ("place", "HK"), ("phone", "+85251234567")}),
    ("th", "ขายงาช้าง 2 กิโล ราคา 12,000 บาท ไลน์ nokkaew99 ส่งจากกรุงเทพ", "กรุงเทพมหานคร", "kaidee",
     {("line", "nokkaew99"), ("money", "12000 THB"), ("quantity", "2 kg"), ("place", "TH")}),
    ("th", "Line ID: ivoryth โทร 081 234 5678", "เชียงใหม่", "pantip",
     {("line", "ivoryth"), ("phone", "+66812345678"), ("place", "TH")}),
    ("th", "บ้านอยู่ online ตลอด blood line แท้", "Bangkok", "kaidee", {("place", "TH")}),
    ("id", "Jual gading gajah asli, harga Rp 2.500.000, WA 0812-3456-7890, kirim dari Jakarta", "Jakarta",
     "tokopedia", {("phone", "+6281234567890"), ("money", "2500000 IDR"), ("place", "ID")}),
    ("id", "Sisik trenggiling 3 ekor, 3,5 juta nego, IG @sisik.asli", "Medan", "kaskus",
     {("quantity", "3 pieces"), ("money", "3500000 IDR"), ("instagram", "sisik.asli"), ("place", "ID")}),
    ("id", "No resi JNE 0123456789012, ukuran 20x30", "Surabaya", "bukalapak", {("place", "ID")}),
    ("fr", "Bracelet ivoire ancien, 1.250,50 €, contact ivoire [at] example [dot] fr", "Paris", "leboncoin",
     {("money", "1250.5 EUR"), ("email", "ivoire@example.fr"), ("place", "FR")}),
    ("fr", "Virement IBAN FR14 2004 1010 0505 0001 3M02 606 ou appelez le 06 12 34 56 78", "Lyon",
     "leboncoin",
     {("iban", "FR1420041010050500013M02606"), ("phone", "+33612345678"), ("place", "FR")}),
    ("fr", "IBAN FR15 2004 1010 0505 0001 3M02 606 (erreur), réf 2024-08-13", "Marseille", "leboncoin",
     {("place", "FR")}),
    ("pt", "Chifre de rinoceronte R$ 15.000, chama no zap (11) 91234-5678", "São Paulo", "olx-br",
     {("money", "15000 BRL"), ("phone", "+5511912345678"), ("place", "BR")}),
    ("pt", "Papagaio filhote 2 unidades, 500 gramas, entrega em Manaus", "Manaus", "mercadolivre",
     {("quantity", "0.5 kg"), ("place", "BR")}),
    ("es", "Colmillo tallado $ 3,000 pesos, WhatsApp 55 1234 5678", "CDMX", "mercadolibre",
     {("money", "3000 MXN"), ("phone", "+525512345678"), ("place", "MX")}),
    ("sw", "Pembe za ndovu KSh 45,000 kwa kilo, piga WhatsApp 0712 345 678", "Nairobi", "jiji",
     {("money", "45000 KES"), ("phone", "+254712345678"), ("place", "KE")}),
    ("en", f"Ivory carving, pay BTC {BTC} or ETH {ETH}, t.me/hornshop", "", "telegram",
     {("btc", BTC), ("eth", ETH.lower()), ("telegram", "hornshop")}),
    ("en", f"Bad wallets {BTC_BAD} {ETH_BAD}, write to @hornshop", "", "forum", set()),
    ("en", "Telegram channel is the best, call me on the line tonight", "London, UK", "forum",
     {("place", "GB")}),
    ("en", "Rhino horn 2.5kg, $1,250.50 each, shipping from Lagos, Nigeria. WeChat ID: horn_king88", "",
     "forum",
     {("quantity", "2.5 kg"), ("money", "1250.5 USD"), ("place", "NG"), ("wechat", "horn_king88")}),
    ("en", "instagram.com/ivory.shop and tiktok.com/@horn_gallery, fb.com/ivory.dealer", "", "forum",
     {("instagram", "ivory.shop"), ("tiktok", "horn_gallery"), ("facebook", "ivory.dealer")}),
    ("en", "Order #4481516234 shipped 2024-08-13, 4G LTE, 5G ready, size 12345", "", "forum", set()),
    ("en", "wa.me/254712345678 or +254 733 123 456 (Viber)", "", "forum",
     {("phone", "+254712345678"), ("phone", "+254733123456")}),
    ("en", "IBAN GB82 WEST 1234 5698 7654 32, 20 pcs available", "", "forum",
     {("iban", "GB82WEST12345698765432"), ("quantity", "20 pieces")}),
]  # fmt: skip


def main() -> None:
    per_type: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    found_by_type: Counter[str] = Counter()
    per_language: dict[str, Counter[str]] = {}
    misses: list[str] = []
    for number, (language, text, location, platform, expected) in enumerate(CASES, start=1):
        listing = Listing(id=str(number), text=text, location=location or None, platform=platform)
        found = {(s.type, s.value) for s in extract(listing, language)}
        counts = per_language.setdefault(language, Counter())
        for kind, value in expected:
            per_type[kind] += 1
            counts["expected"] += 1
            if (kind, value) in found:
                hits[kind] += 1
                counts["hits"] += 1
            else:
                misses.append(f"  missed  #{number} {kind} {value}")
        for kind, value in found:
            found_by_type[kind] += 1
            counts["found"] += 1
            if (kind, value) not in expected:
                misses.append(f"  extra   #{number} {kind} {value}")
    total_hits, total_expected = sum(hits.values()), sum(per_type.values())
    total_found = sum(found_by_type.values())
    print(f"{len(CASES)} listings, {total_expected} labelled selectors: "
          f"precision {total_hits / total_found:.3f}, recall {total_hits / total_expected:.3f}")  # fmt: skip
    for kind in sorted(set(per_type) | set(found_by_type)):
        precision = hits[kind] / found_by_type[kind] if found_by_type[kind] else 1.0
        recall = hits[kind] / per_type[kind] if per_type[kind] else 1.0
        print(f"  {kind:<10} labelled {per_type[kind]:>3}  found {found_by_type[kind]:>3}  "
              f"P {precision:.2f}  R {recall:.2f}")  # fmt: skip
    for language, counts in sorted(per_language.items()):
        precision = counts["hits"] / counts["found"] if counts["found"] else 1.0
        recall = counts["hits"] / counts["expected"] if counts["expected"] else 1.0
        print(f"  language {language}: P {precision:.2f}  R {recall:.2f}")
    if misses:
        print("differences:")
        print("\n".join(misses))


if __name__ == "__main__":
    main()
