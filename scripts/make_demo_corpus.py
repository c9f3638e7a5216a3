"""Write WildTrace's bundled demo corpus (src/wildtrace/demo/data/).

Everything here is invented for the project: shop names, sellers, handles, e-mail addresses
(example.com / example.org / example.net), wallets and listing texts. Phone numbers are drawn
at random inside number ranges that Google's libphonenumber accepts as valid (France and the US
use their ranges reserved for fiction); any match with a real subscriber is chance.

The output is deterministic: re-running the script writes byte-identical files.

    python scripts/make_demo_corpus.py            # writes src/wildtrace/demo/data/
    python scripts/make_demo_corpus.py --out DIR  # writes elsewhere (for comparisons)

Standard library plus warcio only.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import json
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

SEED = 20250611
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "src" / "wildtrace" / "demo" / "data"

COMMODITIES = (
    "ivory", "rhino_horn", "pangolin", "tiger", "bear_bile", "hornbill", "turtle_shell",
    "shark_fin", "live_bird", "live_reptile", "live_primate", "rosewood", "agarwood",
)

# --------------------------------------------------------------------------------------------
# Selectors: phones, e-mails, wallets
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phone:
    """A phone number that can be written the many ways traders write it."""

    region: str
    cc: str
    nsn: str
    trunk: str
    groups: tuple[int, ...]

    def parts(self) -> list[str]:
        out, i = [], 0
        for g in self.groups:
            out.append(self.nsn[i : i + g])
            i += g
        return out

    def intl(self, sep: str = " ") -> str:
        return f"+{self.cc} " + sep.join(self.parts())

    def national(self, sep: str = " ") -> str:
        return self.trunk + sep.join(self.parts())

    def compact(self) -> str:
        return self.trunk + self.nsn

    def e164(self) -> str:
        return f"+{self.cc}{self.nsn}"

    def wa(self) -> str:
        return f"wa.me/{self.cc}{self.nsn}"


#: every phone written anywhere in the corpus, for the validity check
PLANTED_PHONES: dict[str, Phone] = {}


def plant(phone: Phone) -> Phone:
    PLANTED_PHONES[phone.e164()] = phone
    return phone


# prefixes (after the trunk 0) and lengths per region, all inside allocated mobile ranges
PHONE_PLANS: dict[str, tuple[str, str, tuple[str, ...], int, tuple[int, ...]]] = {
    "VN": ("84", "0", ("90", "91", "93", "94", "96", "97", "98", "32", "35", "38", "70", "77",
                      "78", "79", "81", "83", "85", "86", "88", "89"), 9, (3, 3, 3)),
    "TH": ("66", "0", ("81", "82", "84", "86", "87", "89", "61", "62", "63", "91", "92", "95"),
           9, (2, 3, 4)),
    "ID": ("62", "0", ("811", "812", "813", "821", "822", "852", "857", "878", "896"), 11,
           (3, 4, 4)),
    "CN": ("86", "", ("135", "136", "137", "138", "139", "150", "151", "158", "186", "187"), 11,
           (3, 4, 4)),
    "HK": ("852", "", ("51", "52", "61", "62", "63", "65", "90", "91", "92", "93", "94"), 8,
           (4, 4)),
    "TW": ("886", "0", ("910", "912", "916", "920", "921", "928", "933", "936", "955", "988"), 9,
           (3, 3, 3)),
    "FR": ("33", "0", ("19900",), 9, (1, 2, 2, 2, 2)),
    "BR": ("55", "", ("1198", "2199", "9198", "9299", "7199", "8198"), 11, (2, 5, 4)),
    "MX": ("52", "", ("5512", "5519", "5541", "5567", "3312", "8112"), 10, (2, 4, 4)),
    "TZ": ("255", "0", ("754", "755", "713", "715", "784", "767", "768"), 9, (3, 3, 3)),
    "KE": ("254", "0", ("712", "722", "733", "701", "710", "720", "799", "740"), 9, (3, 3, 3)),
    "JP": ("81", "0", ("90", "80", "70"), 10, (2, 4, 4)),
    "US": ("1", "", ("20155501", "21255501", "41555501", "64655501", "31255501"), 10, (3, 3, 4)),
    "SG": ("65", "", ("81", "82", "87", "90", "91", "93", "96", "97", "98"), 8, (4, 4)),
    "MY": ("60", "0", ("12", "13", "16", "17", "19"), 9, (2, 3, 4)),
}

#: which regions a seller writing in a language is likely to live in
LANG_REGIONS: dict[str, tuple[str, ...]] = {
    "vi": ("VN",), "zh-Hans": ("CN",), "zh-Hant": ("HK", "TW"), "th": ("TH",), "id": ("ID",),
    "fr": ("FR",), "es": ("MX",), "pt": ("BR",), "en": ("US", "SG", "MY"), "sw": ("TZ", "KE"),
    "ja": ("JP",),
}


def random_phone(rng: random.Random, region: str) -> Phone:
    cc, trunk, prefixes, length, groups = PHONE_PLANS[region]
    prefix = rng.choice(prefixes)
    digits = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix)))
    return plant(Phone(region, cc, digits, trunk, groups))


def phone_variant(rng: random.Random, phone: Phone) -> str:
    """One of the ways a trader writes a number."""
    forms = [
        phone.intl(), phone.national(), phone.national("."), phone.national("-"),
        phone.compact(), phone.e164(),
    ]
    if phone.region == "BR":
        p = phone.parts()
        forms += [f"({p[0]}) {p[1]}-{p[2]}", f"{p[0]} {p[1]}-{p[2]}"]
    if phone.region == "US":
        p = phone.parts()
        forms += [f"({p[0]}) {p[1]}-{p[2]}"]
    return rng.choice(forms)


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check(payload: bytes) -> str:
    check = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    raw = payload + check
    n = int.from_bytes(raw, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    pad = len(raw) - len(raw.lstrip(b"\0"))
    return "1" * pad + out


def btc_address(label: str) -> str:
    """A P2PKH address (version 0x00) with a valid base58check checksum; no key behind it."""
    h160 = hashlib.sha256(f"wildtrace-demo-btc:{label}".encode()).digest()[:20]
    return base58check(b"\x00" + h160)


def eth_address(label: str) -> str:
    """A lowercase (non-checksummed, hence valid) Ethereum address; no key behind it."""
    return "0x" + hashlib.sha256(f"wildtrace-demo-eth:{label}".encode()).hexdigest()[:40]


def obfuscate_email(user: str, domain: str, style: int) -> str:
    name, _, tld = domain.rpartition(".")
    return [
        f"{user}@{domain}",
        f"{user} [at] {name} [dot] {tld}",
        f"{user}(at){domain}",
        f"{user} @ {name} . {tld}",
        f"{user} [at] {domain}",
    ][style % 5]


# --------------------------------------------------------------------------------------------
# Platforms, prices, places
# --------------------------------------------------------------------------------------------

PLATFORMS: dict[str, str] = {
    "chotot-demo": "www.chotot-demo.example",
    "facebook-marketplace": "www.facebook-demo.example",
    "shopee-demo": "shopee-demo.example",
    "taobao-demo": "item.taobao-demo.example",
    "xianyu-demo": "www.xianyu-demo.example",
    "line-openchat": "openchat.line-demo.example",
    "kaskus-demo": "fjb.kaskus-demo.example",
    "leboncoin-demo": "www.leboncoin-demo.example",
    "mercadolivre-demo": "produto.mercadolivre-demo.example",
    "mercadolibre-demo": "articulo.mercadolibre-demo.example",
    "telegram-channel": "tg-demo.example",
    "instagram": "www.instagram-demo.example",
    "carousell-demo": "www.carousell-demo.example",
    "jiji-demo": "jiji-demo.example",
    "mercari-demo": "jp.mercari-demo.example",
}

LANG_PLATFORMS: dict[str, tuple[str, ...]] = {
    "vi": ("chotot-demo", "facebook-marketplace", "shopee-demo", "chotot-demo", "instagram"),
    "zh-Hans": ("taobao-demo", "xianyu-demo", "taobao-demo", "telegram-channel"),
    "zh-Hant": ("carousell-demo", "shopee-demo", "line-openchat", "facebook-marketplace"),
    "th": ("facebook-marketplace", "shopee-demo", "line-openchat", "instagram"),
    "id": ("kaskus-demo", "facebook-marketplace", "shopee-demo", "instagram"),
    "fr": ("leboncoin-demo", "leboncoin-demo", "facebook-marketplace", "instagram"),
    "es": ("mercadolibre-demo", "mercadolibre-demo", "facebook-marketplace", "instagram"),
    "pt": ("mercadolivre-demo", "mercadolivre-demo", "facebook-marketplace", "instagram"),
    "en": ("facebook-marketplace", "carousell-demo", "instagram", "jiji-demo"),
    "sw": ("jiji-demo", "facebook-marketplace"),
    "ja": ("mercari-demo", "mercari-demo", "instagram"),
}


def slugify(text: str) -> str:
    t = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = re.sub(r"[^a-z0-9]+", "-", t).strip("-")
    return "-".join(t.split("-")[:6])


def make_url(rng: random.Random, platform: str, seller: str, title: str) -> str:
    host = PLATFORMS[platform]
    n = rng.randrange(10**8, 10**9)
    slug = slugify(title) or "item"
    handle = slugify(seller).replace("-", "_") or f"u{n % 100000}"
    if platform == "chotot-demo":
        return f"https://{host}/{slug}-{n}.htm"
    if platform == "facebook-marketplace":
        return f"https://{host}/marketplace/item/{n}{rng.randrange(1000, 9999)}/"
    if platform == "shopee-demo":
        return f"https://{host}/{slug}-i.{rng.randrange(10**7, 10**8)}.{n}"
    if platform in ("taobao-demo", "xianyu-demo"):
        return f"https://{host}/item.htm?id={n}{rng.randrange(100, 999)}"
    if platform == "line-openchat":
        return f"https://{host}/room/{rng.randrange(10**5, 10**6)}/post/{n}"
    if platform == "kaskus-demo":
        return f"https://{host}/product/{n:x}{rng.randrange(4096):03x}/{slug}"
    if platform == "leboncoin-demo":
        return f"https://{host}/ad/{rng.choice(['antiquites', 'decoration', 'vetements'])}/{n}"
    if platform == "mercadolivre-demo":
        return f"https://{host}/MLB-{n}-{slug}-_JM"
    if platform == "mercadolibre-demo":
        return f"https://{host}/MLM-{n}-{slug}-_JM"
    if platform == "telegram-channel":
        return f"https://{host}/s/{handle}/{rng.randrange(100, 9999)}"
    if platform == "instagram":
        code = "".join(rng.choice(B58 + "_-") for _ in range(11))
        return f"https://{host}/p/{code}/"
    if platform == "carousell-demo":
        return f"https://{host}/p/{slug}-{n}/"
    if platform == "jiji-demo":
        return f"https://{host}/listing/{slug}-{n:x}.html"
    if platform == "mercari-demo":
        return f"https://{host}/item/m{n}{rng.randrange(100, 999)}"
    raise ValueError(platform)


def image_url(rng: random.Random, platform: str) -> str:
    host = ".".join(PLATFORMS[platform].split(".")[-2:])
    return f"https://img.{host}/{rng.getrandbits(64):016x}.jpg"


USD_RATE: dict[str, float] = {
    "MYR": 4.7, "VND": 25000, "CNY": 7.2, "HKD": 7.8, "TWD": 32, "THB": 36, "IDR": 16000,
    "EUR": 0.92,
    "MXN": 17, "BRL": 5.2, "USD": 1, "SGD": 1.35, "TZS": 2600, "KES": 130, "JPY": 150,
}

OFFER_USD: dict[str, tuple[int, int]] = {
    "ivory": (80, 3000), "rhino_horn": (600, 20000), "pangolin": (60, 900), "tiger": (80, 4000),
    "bear_bile": (30, 600), "hornbill": (150, 2500), "turtle_shell": (40, 700),
    "shark_fin": (60, 800), "live_bird": (80, 3000), "live_reptile": (60, 2000),
    "live_primate": (150, 3000), "rosewood": (300, 15000), "agarwood": (100, 6000),
}

ON_REQUEST: dict[str, tuple[str, ...]] = {
    "vi": ("Liên hệ", "ib", "Thỏa thuận", ""), "zh-Hans": ("私聊", "面议", ""),
    "zh-Hant": ("私訊", "面議", ""), "th": ("ทักแชท", "สอบถาม", ""), "id": ("Nego", "Hubungi", ""),
    "en": ("DM", "POA", ""), "fr": ("Sur demande", ""), "es": ("Consultar", ""),
    "pt": ("A combinar", ""), "sw": ("Maelewano", ""), "ja": ("要相談", ""),
}


def nice(x: float) -> int:
    """Round to a price a person would write."""
    if x <= 0:
        return 0
    mag = int(10 ** max(0, len(str(int(x))) - 2))
    return int(max(1, round(x / mag)) * mag)


def group(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


REGION_CURRENCY: dict[str, str] = {
    "VN": "VND", "CN": "CNY", "HK": "HKD", "TW": "TWD", "TH": "THB", "ID": "IDR", "FR": "EUR",
    "MX": "MXN", "BR": "BRL", "US": "USD", "SG": "SGD", "MY": "MYR", "TZ": "TZS", "KE": "KES",
    "JP": "JPY",
}


def currency_for(lang: str, region: str) -> str:
    """What a seller in region writing in lang prices in (English posts abroad quote USD)."""
    if lang == "en" and region in ("CN", "TH", "VN", "ID"):
        return "USD"
    return REGION_CURRENCY[region]


def region_for(rng: random.Random, lang: str, platform: str) -> str:
    if lang == "zh-Hant":
        return {"carousell-demo": "HK", "shopee-demo": "TW", "line-openchat": "TW"}.get(
            platform, rng.choice(("HK", "TW")))
    if lang == "en":
        if platform == "jiji-demo":
            return "KE"
        if platform == "carousell-demo":
            return rng.choice(("SG", "MY"))
        return rng.choice(("US", "SG"))
    return rng.choice(LANG_REGIONS[lang])


def format_price(rng: random.Random, currency: str, usd: float) -> str:
    v = nice(usd * USD_RATE[currency])
    style = rng.randrange(3)
    if currency == "VND":
        if style == 0:
            return group(v, ".") + "đ"
        if style == 1 and v >= 1_000_000:
            tr, rest = divmod(v, 1_000_000)
            return f"{tr}tr{str(rest // 100_000) if rest else ''}"
        if v < 1_000_000:
            return f"{v // 1000}k"
        return group(v, ".") + " VND"
    if currency == "CNY":
        return [f"¥{group(v, ',')}", f"{v}元", f"￥{v}"][style]
    if currency == "HKD":
        return [f"HK${group(v, ',')}", f"HK$ {v}", f"${group(v, ',')}"][style]
    if currency == "TWD":
        return [f"NT${group(v, ',')}", f"{v}元", f"NT$ {v}"][style]
    if currency == "THB":
        return [f"{group(v, ',')} บาท", f"฿{group(v, ',')}", f"{v}.-"][style]
    if currency == "IDR":
        if style == 1 and v >= 1_000_000:
            return f"{v / 1_000_000:g}jt".replace(".", ",")
        return [f"Rp {group(v, '.')}", f"Rp{group(v, '.')}", f"IDR {group(v, '.')}"][style]
    if currency == "EUR":
        return [f"{group(v, ' ')} €", f"{v}€", f"{group(v, ' ')} euros"][style]
    if currency == "MXN":
        return [f"${group(v, ',')} MXN", f"${group(v, ',')}", f"{group(v, ',')} pesos"][style]
    if currency == "BRL":
        return [f"R$ {group(v, '.')}", f"R$ {group(v, '.')},00", f"R${group(v, '.')}"][style]
    if currency == "USD":
        return [f"${group(v, ',')}", f"US${group(v, ',')}", f"{v} USD"][style]
    if currency == "MYR":
        return [f"RM{group(v, ',')}", f"RM {v}", f"RM {group(v, ',')}"][style]
    if currency == "SGD":
        return [f"S${group(v, ',')}", f"S$ {v}", f"SGD {group(v, ',')}"][style]
    if currency == "TZS":
        return [f"TSh {group(v, ',')}", f"Tsh {v}", f"TZS {group(v, ',')}"][style]
    if currency == "KES":
        return [f"KSh {group(v, ',')}", f"Ksh {v}", f"KES {group(v, ',')}"][style]
    if currency == "JPY":
        return [f"¥{group(v, ',')}", f"{group(v, ',')}円", f"￥{group(v, ',')}"][style]
    raise ValueError(currency)


CITIES: dict[str, tuple[str, ...]] = {
    "VN": ("Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Nghệ An", "Quảng Ninh",
           "Bắc Ninh", "Cần Thơ", "Lạng Sơn", "Gia Lai", "Khánh Hòa", "Thanh Hóa"),
    "CN": ("广东 广州", "福建 莆田", "广西 凭祥", "云南 西双版纳", "北京", "上海",
                "河南 南阳", "浙江 义乌"),
    "HK": ("香港 上環", "香港 旺角", "九龍 深水埗", "新界 沙田"),
    "TW": ("台北市", "新北市", "台中市", "高雄市"),
    "TH": ("กรุงเทพฯ", "นนทบุรี", "เชียงใหม่", "ขอนแก่น", "หาดใหญ่", "ชลบุรี", "แม่สอด"),
    "ID": ("Jakarta", "Surabaya", "Pontianak", "Medan", "Makassar", "Bandung", "Denpasar",
           "Samarinda"),
    "FR": ("Paris", "Marseille", "Lyon", "Bordeaux", "Nantes", "Lille", "Nice"),
    "MX": ("Ciudad de México", "Guadalajara", "Monterrey", "Puebla", "Tapachula", "Mérida"),
    "BR": ("São Paulo", "Rio de Janeiro", "Belém", "Manaus", "Salvador", "Recife", "Curitiba"),
    "US": ("Los Angeles", "New York", "Houston", "Chicago"),
    "SG": ("Singapore", "Singapore (Jurong)", "Singapore (Tampines)"),
    "MY": ("Kuala Lumpur", "Penang", "Johor Bahru"),
    "TZ": ("Dar es Salaam", "Arusha", "Mwanza"),
    "KE": ("Nairobi", "Mombasa", "Kisumu"),
    "JP": ("東京都", "大阪府", "京都府", "神奈川県", "愛知県"),
}

# --------------------------------------------------------------------------------------------
# Phrase banks, per language. All text authored for this corpus.
#   open: openers; ship / ship_covert: delivery; pay: payment; inbox: "price in private";
#   antique / cites / mammoth: legality cover stories; contact: needs {sel}
# --------------------------------------------------------------------------------------------

GENERIC: dict[str, dict[str, list[str]]] = {
    "vi": {
        "open": ["Hàng mới về!", "Thanh lý gấp.", "🔥 Hàng hiếm 🔥", "Cần ra đi nhanh.",
                 "Về thêm lô mới các bác ơi.", "Hàng tuyển, số lượng có hạn."],
        "ship": ["COD toàn quốc, kiểm hàng rồi mới trả tiền.", "Giao nhanh nội thành trong ngày.",
                 "Ship toàn quốc, đóng gói cẩn thận.", "Gửi xe khách đi các tỉnh."],
        "ship_covert": ["Ship kín đáo, không ghi tên hàng ngoài thùng.",
                        "Đóng gói kín, ship kín đáo toàn quốc.",
                        "Giao tận tay, không qua bưu điện.",
                        "Hàng đi đường kín, khách yên tâm."],
        "pay": ["Nhận chuyển khoản hoặc tiền mặt.", "Khách tỉnh xa cọc trước 30%.",
                "Nhận thanh toán USDT cho khách quen."],
        "inbox": ["Ib để biết giá.", "Giá inbox, không trả lời comment.",
                  "Inbox mình gửi thêm ảnh thật.", "Ai quan tâm ib riêng.",
                  "Giá tốt cho khách lấy sỉ, ib."],
        "antique": ["Hàng sưu tầm từ thời Pháp, có từ trước năm 1975.",
                    "Đồ cổ gia truyền, ông nội để lại.",
                    "Đồ xưa trong nhà cụ, không phải hàng mới."],
        "cites": ["Có giấy tờ CITES đầy đủ.", "Hàng có giấy phép, khách yên tâm.",
                  "Có giấy kiểm định nguồn gốc."],
        "mammoth": ["Ngà voi ma mút Siberia, hàng hợp pháp 100%.",
                    "Đây là ngà ma mút hóa thạch, không vi phạm pháp luật."],
        "contact": ["Liên hệ {sel} để xem hàng thật.", "Zalo {sel} báo giá.",
                    "Gọi hoặc nhắn {sel}, trả lời 24/7.", "Khách cần xem video call {sel}.",
                    "Alo {sel} gặp anh Tuấn.", "SĐT/zalo: {sel}"],
    },
    "zh-Hans": {
        "open": ["新到一批货！", "老客户都知道。", "低调出售。", "货不多，先到先得。",
                 "一手货源，非诚勿扰。"],
        "ship": ["顺丰包邮。", "支持货到付款。", "同城可以自提。", "全国发货，三天到。"],
        "ship_covert": ["隐私发货，外包装不写品名。", "走物流到港口，安全。",
                        "发货用茶叶盒装，放心。", "可以帮忙带到边境。"],
        "pay": ["支付宝/微信转账都可以。", "可以USDT付款。", "先付定金三成。"],
        "inbox": ["价格私聊。", "懂的来，不懂勿扰。", "私信询价。", "量大价格好谈。"],
        "antique": ["老货，民国时期传下来的。", "1947年以前老件，合法收藏。",
                    "家里老人留下的，有年份。"],
        "cites": ["带CITES证书。", "有鉴定证书和合法来源证明。", "有国检证书。"],
        "mammoth": ["猛犸象牙，来源合法，需要的私聊。", "俄罗斯猛犸料，不是保护动物。"],
        "contact": ["详情加{sel}", "{sel} 备注来意", "价格私聊，{sel}", "看实拍视频加{sel}",
                    "联系方式：{sel}"],
    },
    "zh-Hant": {
        "open": ["新貨到！", "舖頭清貨。", "熟客價。", "數量有限，欲購從速。"],
        "ship": ["順豐到付，可面交。", "港鐵站面交。", "7-11 取貨付款。", "全台宅配。"],
        "ship_covert": ["低調出貨，包裝不寫品名。", "可以幫手寄去內地，包過關。",
                        "包裝隱密，放心。"],
        "pay": ["轉數快 / PayMe。", "可匯款或面交。", "收 USDT。"],
        "inbox": ["價錢私訊。", "請私訊詢價。", "有意私訊，詳談。", "量多有優惠。"],
        "antique": ["1947年前古董，合法買賣。", "家中長輩收藏，年代久遠。", "舊日香港老舖貨。"],
        "cites": ["附CITES證明。", "有證書。"],
        "mammoth": ["長毛象牙，合法。"],
        "contact": ["WhatsApp {sel}", "詳情請加 {sel}", "有興趣請電 {sel}", "私訊或加{sel}",
                    "聯絡：{sel}"],
    },
    "th": {
        "open": ["มาใหม่!", "ของหายาก 🔥", "ปล่อยด่วน", "ของแท้ 100%", "มีจำนวนจำกัด"],
        "ship": ["ส่งทั่วประเทศ เก็บเงินปลายทางได้", "ส่ง Kerry หรือไปรษณีย์",
                 "นัดรับได้แถวจตุจักร", "ส่งฟรีในกรุงเทพฯ"],
        "ship_covert": ["แพ็คมิดชิด ไม่ระบุชื่อสินค้า", "ส่งแบบเงียบๆ ปลอดภัย",
                        "ส่งรถทัวร์ ไม่ผ่านไปรษณีย์"],
        "pay": ["โอนก่อนส่ง หรือเก็บปลายทาง", "รับโอนผ่านพร้อมเพย์"],
        "inbox": ["ราคาทักแชท", "สนใจทักเลยครับ", "ราคาสอบถามทางแชท", "ทักมาคุยได้ค่ะ"],
        "antique": ["ของเก่าเก็บ อายุเกิน 70 ปี", "ของสะสมจากคุณปู่"],
        "cites": ["มีใบ CITES ให้ครับ", "มีเอกสารถูกต้องตามกฎหมาย", "มีใบทะเบียนพร้อมโอน"],
        "mammoth": ["งาช้างแมมมอธ ถูกกฎหมาย"],
        "contact": ["แอดไลน์ {sel}", "สนใจทักไลน์ {sel}", "โทร {sel}", "ติดต่อ {sel} ค่ะ",
                    "สอบถามเพิ่มเติม {sel}"],
    },
    "id": {
        "open": ["Ready stok!", "Barang langka gan!", "Jual cepat.", "Stok terbatas.",
                 "Barang baru datang."],
        "ship": ["Kirim ke seluruh Indonesia, packing rapi.", "Bisa COD area Jakarta.",
                 "Kirim via JNE/J&T.", "Bisa ambil di tempat."],
        "ship_covert": ["Pengiriman rahasia, isi paket tidak ditulis.",
                        "Packing aman dan tertutup, dijamin lolos.",
                        "Kirim lewat kapal ke luar pulau, aman."],
        "pay": ["Transfer BCA/BRI, bisa rekber.", "Bayar setengah dulu, sisanya setelah sampai."],
        "inbox": ["Harga via inbox.", "Nego tipis, japri aja.", "PM untuk harga.",
                  "Serius tanya langsung japri."],
        "antique": ["Barang lama peninggalan kakek.", "Koleksi lama, umur lebih dari 50 tahun."],
        "cites": ["Ada sertifikat CITES.", "Dokumen lengkap, aman.", "Ada surat izin edar."],
        "mammoth": ["Gading mammoth, legal."],
        "contact": ["WA {sel}", "Hubungi {sel} (fast respon)", "Minat? Chat WA {sel}",
                    "Info lanjut {sel}", "Kontak: {sel}"],
    },
    "en": {
        "open": ["New batch just in!", "Rare find.", "Quick sale.", "Limited stock.",
                 "Genuine only, no fakes."],
        "ship": ["Local pickup or courier.", "Ships within 2 days, tracked.",
                 "Free delivery in town.", "Worldwide shipping available."],
        "ship_covert": ["Discreet shipping worldwide.", "Parcels packed discreetly, no labels.",
                        "We handle customs, 100% safe delivery.",
                        "Shipped as handicraft, arrives safely."],
        "pay": ["Payment in BTC/USDT accepted.", "PayPal F&F only.",
                "50% deposit, balance on delivery."],
        "inbox": ["DM for price.", "Price on request, serious buyers only.",
                  "Inbox for more pics.", "PM me for wholesale prices."],
        "antique": ["Pre-1947 antique, legal to sell.", "Estate piece, over 100 years old.",
                    "Old family piece from the colonial era."],
        "cites": ["Comes with CITES certificate.", "Legal paperwork available.",
                  "Papers can be arranged."],
        "mammoth": ["Mammoth ivory, no permit needed.", "This is fossil mammoth, 100% legal."],
        "contact": ["WhatsApp {sel}", "Contact {sel}", "Message {sel} for details",
                    "Reach me on {sel}", "Orders: {sel}"],
    },
    "fr": {
        "open": ["Rare.", "À saisir.", "Vente rapide.", "Pièce de collection."],
        "ship": ["Remise en main propre de préférence.", "Envoi Colissimo suivi possible.",
                 "Envoi soigné et assuré."],
        "ship_covert": ["Envoi discret possible, sans mention du contenu.",
                        "Expédition à l'étranger sans problème, emballage neutre."],
        "pay": ["Paiement en espèces uniquement.", "Virement ou espèces."],
        "inbox": ["Prix sur demande, MP.", "Faire offre en message privé.",
                  "Renseignements par message."],
        "antique": ["Pièce antérieure à 1947, donc vente libre.",
                    "Provient d'une succession, objet ancien d'avant 1947.",
                    "Objet ancien, bien avant la convention de Washington."],
        "cites": ["Avec certificat CITES (à demander).",
                  "Certificat intracommunautaire disponible."],
        "mammoth": ["Ivoire de mammouth, aucun papier nécessaire."],
        "contact": ["Contact : {sel}", "Me joindre au {sel}", "Écrivez-moi : {sel}",
                    "Tél. {sel}"],
    },
    "es": {
        "open": ["¡Recién llegados!", "Oferta.", "Últimos disponibles.", "Lo mejor en mascotas."],
        "ship": ["Envíos a todo México por paquetería.", "Entrega en mano en el centro.",
                 "Envío gratis en la ciudad."],
        "ship_covert": ["Envío discreto, caja con ventilación.", "Mandamos por autobús, seguro."],
        "pay": ["Depósito en OXXO o transferencia.", "Aparta con el 50%."],
        "inbox": ["Precio por inbox.", "Pregunta sin compromiso.", "Mándame mensaje."],
        "antique": ["Pieza antigua de colección."],
        "cites": ["Con papeles y certificado CITES.", "Con factura y papeles en regla."],
        "mammoth": ["Es marfil de mamut, legal."],
        "contact": ["Whats {sel}", "Informes al {sel}", "Escríbeme al {sel}", "Tel. {sel}"],
    },
    "pt": {
        "open": ["Novidade!", "Raridade.", "Últimas unidades.", "Aproveite."],
        "ship": ["Envio para todo o Brasil.", "Entrego em mãos no centro.",
                 "Envio rápido pelos Correios."],
        "ship_covert": ["Envio discreto por transportadora.", "Mando de ônibus, chega tranquilo."],
        "pay": ["Pix ou dinheiro.", "Aceito Pix, sinal de 50%."],
        "inbox": ["Valor no privado.", "Chama no direct.", "Preço só no zap."],
        "antique": ["Peça antiga de coleção de família."],
        "cites": ["Com nota e documentação do IBAMA.", "Com anilha e nota fiscal."],
        "mammoth": ["Marfim de mamute, legalizado."],
        "contact": ["Zap {sel}", "Chama no WhatsApp {sel}", "Contato: {sel}", "Fone/zap {sel}"],
    },
    "sw": {
        "open": ["Mzigo mpya!", "Bei poa.", "Haraka!"],
        "ship": ["Tunatuma mikoa yote.", "Tunaleta hadi mlangoni."],
        "ship_covert": ["Mzigo unafika kwa siri.", "Tunasafirisha kwa usalama mpaka mpakani."],
        "pay": ["Tunapokea M-Pesa.", "Malipo kwa Bitcoin pia yanakubalika."],
        "inbox": ["Bei inbox.", "Bei maelewano.", "Tuma ujumbe kwa bei."],
        "antique": ["Ni vya zamani, tangu enzi za mkoloni."],
        "cites": ["Tuna kibali cha CITES.", "Vibali vipo."],
        "mammoth": ["Ni pembe za mamuthi, halali."],
        "contact": ["Piga {sel}", "WhatsApp {sel}", "Wasiliana nasi {sel}"],
    },
    "ja": {
        "open": ["新入荷です。", "希少品。", "早い者勝ちです。"],
        "ship": ["匿名配送で発送します。", "送料込みです。", "即日発送します。"],
        "ship_covert": ["海外発送も相談に乗ります。", "品名は雑貨として発送します。"],
        "pay": ["お支払いは銀行振込のみ。"],
        "inbox": ["価格はDMで。", "コメントください。", "値下げ交渉可。"],
        "antique": ["昭和の古いものです。", "祖父の遺品整理で出てきました。"],
        "cites": ["登録票あり（全形牙）。", "登録票のコピーをお付けします。"],
        "mammoth": ["マンモス牙なので規制対象外です。"],
        "contact": ["詳細はLINE {sel} まで", "連絡先：{sel}", "お問い合わせは {sel}"],
    },
}

# lang -> commodity -> (titles, body sentences); "@02 ..." marks a sentence that fits only
# titles[0] and titles[2]; unmarked sentences fit every title
OFFERS: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    "vi": {
        "ivory": (
            ["Vòng tay ngà voi tự nhiên 🐘", "Ngà voi nguyên khúc 1,8kg",
             "Tượng Di Lặc ngà chạm tay",
             "Phôi ngà thô Châu Phi", "Mặt dây chuyền ngà, nhẫn ngà", "Đũa ngà voi 10 đôi",
             "Tẩu thuốc ngà cổ", "Ngà non trắng sữa"],
            ["Ngà thật 100%, vân ngà ô trám rõ, hơ lửa không cháy.",
             "@137 Ngà voi Châu Phi nguyên khúc dài 62cm, nặng 1,8kg.",
             "@0 Vòng ngà bản 12mm, size tay nữ, đã đánh bóng.",
             "@2 Tượng cao 15cm, chạm tay tinh xảo, soi đèn thấy vân.",
             "@137 Phôi ngà thô về từ Lào, nhận chế tác theo mẫu khách.",
             "Bao test, phát hiện hàng giả đền gấp 10.",
             "@45 Có sẵn 3 cặp đũa ngà và 5 mặt Phật.",
             "Ngà non màu trắng sữa, dân chơi rất thích.",
             "@137 Khúc ngà đặc ruột, không nứt, thích hợp làm tượng."],
        ),
        "rhino_horn": (
            ["Sừng tê giác Châu Phi nguyên chiếc 🦏", "Bột sừng tê mài sẵn", "Sừng tê + chén mài",
             "Sừng tê đen loại 1", "Lát sừng tê cắt sẵn"],
            ["@023 Sừng nguyên chiếc 420g, có chân đế, hàng chuẩn từ Mozambique.",
             "@1 Bán lẻ theo chỉ, sừng tê mài sẵn giá tốt.",
             "Dùng hạ sốt, giải độc, theo kinh nghiệm dân gian.",
             "Test bằng đĩa mài, nước sừng trắng đục sóng sánh.",
             "@4 Có lát sừng cắt sẵn cho khách dùng dần.",
             "Hàng từ Nam Phi về theo đường kín.",
             "Sừng tê già, gốc to, vân sợi rõ."],
        ),
        "pangolin": (
            ["Vảy tê tê sạch, đã sao", "Tê tê sống nguyên con", "Vảy tê tê số lượng lớn",
             "Xuyên sơn giáp loại 1"],
            ["@023 Vảy tê tê đã làm sạch, phơi khô, có sẵn 20kg.",
             "@023 Xuyên sơn giáp lợi sữa cho mẹ bỉm, hàng rừng tự nhiên.",
             "@1 Có tê tê sống 4–5kg, giao tại Hà Nội.",
             "Nhận đơn sỉ đi Móng Cái.",
             "@023 Vảy to đều, không lẫn tạp chất."],
        ),
        "tiger": (
            ["Cao hổ cốt nấu gia truyền", "Răng hổ bọc bạc", "Nanh hổ thật, móng hổ hộ mệnh",
             "Cao hổ nguyên chất bánh 100g"],
            ["@03 Cao nấu 100 ngày từ xương hổ nguyên bộ, bánh 100g.",
             "@12 Răng hổ dài 7cm, đã bọc bạc, đeo trấn trạch.",
             "@2 Móng hổ thật, không phải móng nhựa hay móng bò.",
             "@03 Cao hổ cốt trị đau xương khớp, người già dùng rất tốt.",
             "Có da hổ nguyên tấm cho khách sưu tầm, hỏi riêng.",
             "@03 Xương hổ Lào, nấu tại nhà, có video quá trình."],
        ),
        "bear_bile": (
            ["Mật gấu rừng nguyên túi", "Mật gấu tươi hút tại trại", "Rượu mật gấu ngâm sẵn"],
            ["@0 Mật gấu rừng nguyên túi phơi khô, mỗi túi khoảng 30g.",
             "@1 Mật hút tươi tại trại, bán theo cc.",
             "@2 Ngâm rượu xoa bóp chữa bầm tím, đau lưng.",
             "Thử bằng cách nhỏ vào cốc nước, tan thành sợi vàng chìm xuống đáy.",
             "Mật đắng, thơm, màu vàng óng."],
        ),
        "rosewood": (
            ["Gỗ trắc đỏ Lào phách lớn", "Bộ bàn ghế gỗ trắc nguyên khối", "Gỗ cẩm lai xẻ hộp",
             "Gỗ hương đá cây to", "Gỗ trắc phách, hàng tồn kho"],
            ["@0 Gỗ trắc đỏ đường kính 45cm, dài 2m2, lõi đỏ thơm.",
             "@2 Có 3 khối gỗ cẩm lai xẻ hộp, gỗ rừng già.",
             "@1 Bộ trường kỷ gỗ trắc 6 món, chạm đào tiên.",
             "@04 Nhận cung cấp gỗ trắc phách cho xưởng số lượng lớn.",
             "Hàng tồn từ năm 2015, không có hồ sơ lâm sản, giá mềm.",
             "Vân gỗ đẹp, tỷ trọng nặng chìm nước.",
             "@3 Gỗ hương đá Lào, đã phơi khô 3 năm."],
        ),
        "agarwood": (
            ["Trầm hương tốc tự nhiên", "Kỳ nam sánh dầu", "Vòng trầm hương 108 hạt hàng rừng",
             "Khối trầm chìm nước"],
            ["Trầm tự nhiên khai thác trong rừng, không phải trầm cấy.",
             "@1 Kỳ nam chìm nước, mùi ngọt, có giấy kiểm định.",
             "@3 Khối trầm 1,2kg, nhiều dầu, hợp chưng cất.",
             "Bán theo kg cho khách mối Trung Đông.",
             "Hàng rừng Khánh Hòa, lên hương thơm ngọt mát.",
             "@2 Vòng 108 hạt 8mm, hạt chìm, thơm lâu."],
        ),
        "turtle_shell": (
            ["Vòng đồi mồi thật", "Mai đồi mồi nguyên con", "Lược đồi mồi cổ"],
            ["@1 Mai đồi mồi nguyên con dài 40cm, màu cánh gián đẹp.",
             "@2 Lược, gọng kính đồi mồi thật, không phải nhựa.",
             "@0 Vòng đồi mồi trong, soi đèn thấy vân hạt."],
        ),
        "live_primate": (
            ["Cu li con đã thuần", "Khỉ vàng con", "Bán cu li lớn ăn chuối"],
            ["@0 Cu li con rất hiền, bắt từ rừng về nuôi được 2 tháng.",
             "@1 Khỉ vàng con 3 tháng tuổi, đã biết ăn cháo.",
             "@02 Cu li đã quen người, ăn chuối và sâu.",
             "Bán kèm lồng, giao tận nơi."],
        ),
        "live_reptile": (
            ["Rùa núi vàng", "Rùa hộp trán vàng"],
            ["@0 Rùa núi vàng bắt rừng, mai 18cm, khỏe mạnh.",
             "@1 Rùa hộp trán vàng, hàng hiếm, ăn chuối và rau."],
        ),
    },
    "zh-Hans": {
        "ivory": (
            ["牙料 白料 整根 非洲料", "象牙手镯 老料", "白料佛珠手串 108颗", "牙雕观音摆件",
             "象牙 筷子 老件", "白料 牌子 挂件"],
            ["非洲白料，油性足，纹路清晰，能看到人字纹。", "@0 整根牙料长58公分，重2.3斤，可加工。",
             "@1 手镯内径56，冰白色，无裂。", "@05 工厂直供，可以按图定制牌子。",
             "老料件，包浆自然。",
             "@2 佛珠8毫米，颗颗都有纹路。", "不是骨头不是树脂，真牙料。"],
        ),
        "pangolin": (
            ["穿山甲片 野生 炮制", "炮山甲 500克装", "穿山甲 鳞片 原片", "甲片 大片 干净"],
            ["正宗野生穿山甲片，已炮制，下奶效果好。", "原片大片，一斤起卖。",
             "产地缅甸，货源稳定，量大从优。", "药店买不到的好货。", "炮得好，不糊不碎。"],
        ),
        "hornbill": (
            ["鹤顶红 原料 雕件", "鹤顶红 挂件 血红色", "鹤顶 手把件"],
            ["盔犀鸟头骨原料，顶部血红色正。", "@2 鹤顶红手把件，雕工精细。",
             "料子油润，侧面红皮完整。", "存货两块，要的抓紧。"],
        ),
        "rhino_horn": (
            ["犀角杯 老件", "犀牛角 实物拍摄", "犀角粉 按克卖", "非洲犀角 整支"],
            ["@13 非洲犀牛角整支，830克，火烧无异味。", "@2 犀角粉按克卖，退烧效果明显。",
             "@0 犀角杯清代老件，纹理清晰。", "@13 整支带底座，可视频验货。"],
        ),
        "rosewood": (
            ["越南黄花梨 老料 大板", "黄花梨 手串 老料", "大红酸枝原木 老挝料",
             "huanghuali 黄花梨 原木", "交趾黄檀 板材"],
            ["@03 越南黄花梨老料，鬼脸纹明显，香味浓。", "@2 大红酸枝原木，直径40公分，整柜出。",
             "@2 老挝红酸枝，有货不多，先到先得。", "可提供原木、板材、手串料。",
             "@4 交趾黄檀老料，油性好，沉水。", "木料从越南过来，手续自己办。"],
        ),
        "tiger": (
            ["虎骨酒 十年陈", "虎牙 吊坠 真品", "虎爪 辟邪 挂件"],
            ["@0 正宗虎骨泡酒，十年陈，治风湿骨痛。", "@1 虎牙长6.5厘米，包银吊坠，辟邪。",
             "@2 虎爪真品，不是牛角仿的。"],
        ),
        "bear_bile": (
            ["熊胆粉 野生 黑熊", "熊胆 整个 干货"],
            ["@1 野生黑熊胆，整只晒干，金黄色透明。", "@0 熊胆粉一克一价，清热明目。",
             "老家山里收的，纯天然。"],
        ),
        "shark_fin": (
            ["鱼翅 干货 大排翅", "鲨鱼翅 饭店货"],
            ["印尼进口大排翅，一斤装。", "正宗鲨鱼翅，给饭店供货多年。", "翅针粗，泡发率高。"],
        ),
        "agarwood": (
            ["沉香 原料 芽庄 沉水级", "奇楠 沉香手串", "野生沉香 块料"],
            ["@02 越南芽庄野生沉香，沉水级，油线饱满。", "@1 奇楠手串14毫米，香味甜凉。",
             "@2 块料适合雕刻或者熏香。", "野生料，不是人工结香。"],
        ),
    },
    "zh-Hant": {
        "shark_fin": (
            ["大排翅 一斤裝 海味", "魚翅 金山勾翅", "散翅 碎翅 平價", "海虎翅 酒樓貨"],
            ["正宗海虎翅，翅針粗長，酒樓貨。", "@1 金山勾翅一斤裝，送禮自用一流。",
             "上環海味舖貨源，量多可議價。", "鯊魚翅乾貨，曬得透，無雪藏味。",
             "@2 碎翅適合煲湯，平過外面。"],
        ),
        "turtle_shell": (
            ["玳瑁 手鐲 老件", "玳瑁眼鏡框 真玳瑁", "玳瑁原殼 一整片"],
            ["真玳瑁殼，非膠，紋理通透。", "@0 老玳瑁手鐲，戴了幾十年，包漿好。",
             "@2 原殼一整片，適合做髮夾、梳子。", "放大鏡下見到色斑自然，唔係膠。"],
        ),
        "ivory": (
            ["象牙印章 老料", "象牙麻將 一副", "牙雕 擺件 香港老舖", "象牙筷子 十對"],
            ["@0 老象牙印章，未刻字，可代刻。", "@1 象牙麻將一副144隻，舊時家中用過。",
             "香港老牙雕舖結業清貨。", "真象牙，有人字紋，唔係樹脂。",
             "@0 印材12毫米圓，日本代購。"],
        ),
    },
    "th": {
        "live_bird": (
            ["ลูกนกขุนทองป้อนมือ", "นกแก้วโม่งป่า ตัวใหญ่", "ลูกนกเงือก เลี้ยงเชื่อง",
             "ลูกนกแก้วมาคอว์"],
            ["@0 ลูกนกขุนทองอายุ 2 เดือน กินเองได้แล้ว", "@1 นกแก้วโม่งจับจากป่า ตัวใหญ่ สีสวย",
             "ลูกนกป้อนมือ เชื่องมาก ไม่กัด", "มีหลายตัว เลือกได้",
             "@2 นกเงือกตัวเล็ก เลี้ยงในกรงใหญ่ได้",
             "@3 ลูกมาคอว์ป้อนมือ สีสวยมาก", "พูดได้หลายคำแล้ว"],
        ),
        "live_primate": (
            ["ลูกชะนีเชื่อง", "ลิงลม ตัวเล็ก น่ารัก", "ลูกลิงแสม", "นางอาย พร้อมกรง"],
            ["@0 ลูกชะนีมือขาว อายุ 6 เดือน กินนมขวด", "@13 ลิงลมตัวเล็ก เลี้ยงง่าย กินผลไม้",
             "เชื่องมาก ติดคน", "ไม่มีใบอนุญาต ซื้อแล้วเลี้ยงเงียบๆ", "แถมกรงและขวดนม"],
        ),
        "live_reptile": (
            ["เต่าดาวพม่า ตัวเล็ก", "ตุ๊กแกป่า จำนวนมาก", "เต่าปูลู"],
            ["@0 เต่าดาวพม่าขนาด 8 ซม. ลายชัด", "จับจากป่าธรรมชาติ ไม่ใช่ฟาร์ม",
             "@1 ตุ๊กแกตัวใหญ่ รับซื้อขายส่ง", "@2 เต่าปูลูจากดอย หายากมาก"],
        ),
        "tiger": (
            ["เขี้ยวเสือแท้ หุ้มทอง", "หนังเสือโคร่ง ทั้งผืน", "เล็บเสือ เครื่องราง"],
            ["@0 เขี้ยวเสือแท้ ยาว 6 ซม. หุ้มทองลงยา", "@1 หนังเสือโคร่งทั้งผืน สำหรับนักสะสม",
             "@2 เล็บเสือแท้ เลี่ยมเงิน ใช้เป็นเครื่องราง"],
        ),
        "ivory": (
            ["งาช้างแท้ ท่อนใหญ่", "กำไลงาช้าง", "พระแกะงา", "ปลอกมีดงาช้าง"],
            ["งาช้างบ้าน มีใบทะเบียน", "@1 กำไลงาช้างแท้ ลายงาชัด ไม่ใช่เรซิ่น",
             "@2 พระแกะจากงาช้าง เก่าเก็บ", "@0 งาท่อนยาว 55 ซม. หนัก 2 กิโล"],
        ),
        "shark_fin": (
            ["หูฉลามแห้ง เกรด A", "ครีบฉลาม ขายส่ง"],
            ["หูฉลามแห้งแท้ ครีบใหญ่ ส่งร้านอาหาร", "ขายส่งเป็นกิโล ราคาพิเศษ"],
        ),
    },
    "id": {
        "pangolin": (
            ["Sisik trenggiling kering 1 kg", "Trenggiling hidup ukuran 5 kg",
             "Sisik trenggiling bersih siap kirim", "Trenggiling utuh beku"],
            ["@023 Sisik trenggiling asli hutan Kalimantan, sudah bersih dan kering.",
             "@023 Stok 15 kg, bisa ambil partai.", "@1 Trenggiling hidup, sehat, ukuran 4–6 kg.",
             "Harga per kilo, nego untuk pembelian banyak.",
             "@3 Trenggiling utuh beku, sudah dibersihkan, 20 ekor.",
             "@023 Sisik besar-besar, tidak campur."],
        ),
        "agarwood": (
            ["Kayu gaharu super kelas A", "Gubal gaharu Papua", "Gaharu alam bukan budidaya",
             "Kemedangan gaharu murah"],
            ["Gubal gaharu alam dari Papua, wangi kuat, tenggelam di air.",
             "Kelas super, kemedangan juga ada.", "Cocok untuk pembeli Timur Tengah, stok 3 kg.",
             "Bukan gaharu budidaya, asli hutan.", "Kayu gaharu hasil pencarian di pedalaman."],
        ),
        "hornbill": (
            ["Gading rangkong ukir", "Paruh rangkong gading asli", "Kepala enggang gading"],
            ["Balung rangkong gading asli Kalimantan, warna merah kuning alami.",
             "Ukiran naga di gading rangkong, halus.", "Barang langka, hanya 2 pcs.",
             "Paruh utuh, belum diukir."],
        ),
        "live_bird": (
            ["Kakatua jambul kuning jinak", "Burung nuri kepala hitam", "Anakan cendrawasih",
             "Beo Nias bisa ngomong"],
            ["@0 Kakatua jambul kuning sudah jinak, bisa ngomong.",
             "@1 Nuri kepala hitam dari Papua, sehat, makan pinter.",
             "Burung tangkapan alam, bukan ternak.", "Kirim pakai kotak kayu berventilasi.",
             "@2 Cendrawasih anakan, bulu mulai keluar.",
             "@3 Beo Nias gacor, sudah bisa niru suara."],
        ),
        "live_primate": (
            ["Kukang jinak siap adopsi", "Anak owa umur 5 bulan", "Bayi orangutan"],
            ["@0 Kukang sudah jinak, giginya sudah dipotong.",
             "@1 Anak owa minum susu, manja sekali.",
             "@2 Bayi orangutan umur 1 tahun, sehat.",
             "Lengkap dengan kandang."],
        ),
        "rhino_horn": (
            ["Cula badak asli", "Cula badak Afrika 300 gr"],
            ["Cula badak asli, berat 300 gram, ada video uji.", "Untuk obat panas dan koleksi.",
             "Barang dari Afrika, bukan tanduk kerbau."],
        ),
        "tiger": (
            ["Kulit harimau sumatera utuh", "Taring harimau asli"],
            ["@0 Kulit harimau sumatera utuh, lengkap kepala.",
             "@1 Taring harimau asli untuk koleksi.",
             "Barang lama, masih bagus."],
        ),
        "shark_fin": (
            ["Sirip hiu kering ekspor", "Sirip hiu grade A"],
            ["Sirip hiu kering grade A, stok 50 kg.", "Siap ekspor ke Hong Kong dan Singapura."],
        ),
        "turtle_shell": (
            ["Sisik penyu asli", "Gelang penyu sisik"],
            ["@0 Karapas penyu sisik asli, warna bagus.", "@1 Gelang sisik penyu, bukan plastik."],
        ),
    },
    "en": {
        "ivory": (
            ["🐘 White gold pieces available", "Carved ivory bangle, genuine",
             "Antique ivory netsuke",
             "Raw tusk 2.1kg", "Ivory chopsticks set", "Real ivory beads 8mm"],
            ["Genuine elephant ivory, Schreger lines visible.",
             "@3 Raw tusk 2.1 kg, 60 cm, natural colour.",
             "@03 White gold in stock, cut pieces and full tusks.",
             "@1 Carved bangle, 58 mm inner diameter.",
             "Not bone, not resin, the real thing.",
             "@2 Netsuke of a sleeping rat, finely carved."],
        ),
        "rhino_horn": (
            ["🦏 Rhino horn full piece 480 g", "Rhino horn powder by the gram",
             "RH for serious buyers"],
            ["@02 Full horn 480 g from South Africa.", "@1 Powder sold per gram, great for fever.",
             "Testing welcome before payment.", "Base intact, no cracks."],
        ),
        "pangolin": (
            ["Pangolin scales bulk", "Pangolin scales 10 kg lots"],
            ["Clean dry pangolin scales, 10 kg lots.", "Whole scales, no powder mixed in.",
             "Steady supply from West Africa."],
        ),
        "agarwood": (
            ["Wild agarwood chips, sinking grade", "Oud wood, wild harvested", "Kynam agarwood"],
            ["Wild agarwood, not plantation, sinking grade.", "Great for oud oil distillation.",
             "Chips and blocks available, 5 kg minimum."],
        ),
        "bear_bile": (
            ["Bear bile powder", "Wild bear gall, whole"],
            ["@1 Wild bear gall bladder, whole and dried.",
             "@0 Pure bear bile powder, 10 g vials."],
        ),
        "shark_fin": (
            ["Dried shark fin export grade", "Shark fin bulk for restaurants"],
            ["Grade A dried shark fin, bulk for restaurants.", "Large fins, sun dried."],
        ),
        "live_primate": (
            ["Baby slow loris", "Baby marmoset for sale"],
            ["@0 Cute baby slow loris, very tame, eats fruit.", "Bottle fed, used to kids.",
             "@1 Baby marmoset, bottle fed.",
             "Comes with cage and food."],
        ),
        "live_reptile": (
            ["Ploughshare tortoise juvenile", "Radiated tortoise hatchlings"],
            ["@0 Rare ploughshare tortoise, 8 cm, no papers.",
             "@1 Radiated tortoise babies, eating well.",
             "Wild caught, strong colours."],
        ),
        "live_bird": (
            ["African grey parrot babies", "Hyacinth macaw chick"],
            ["@0 Hand-fed African grey babies, parents wild-caught.", "@0 Talking, very tame.",
             "@1 Hyacinth macaw chick, weaned, no ring."],
        ),
        "hornbill": (
            ["Helmeted hornbill casque carving", "Red ivory carving"],
            ["Hornbill casque carving, golden red edge.", "Red ivory pendant, very rare material."],
        ),
        "tiger": (
            ["Tiger claw pendant", "Tiger bone wine", "Tiger tooth"],
            ["@0 Real tiger claw, silver capped.", "@1 Tiger bone wine, aged, good for joints.",
             "@2 Tooth is 6 cm, genuine, with video."],
        ),
    },
    "fr": {
        "ivory": (
            ["Statuette ancienne en ivoire sculpté", "Défense d'éléphant montée sur socle",
             "Netsuke en ivoire", "Touches de piano en ivoire véritable", "Bracelet en ivoire"],
            ["@0 Belle statuette en ivoire représentant une Vierge, hauteur 18 cm.",
             "@1 Défense entière de 74 cm, belle patine jaune.",
             "Ivoire véritable, on voit les stries de Schreger à la loupe.",
             "Objet de famille rapporté d'Afrique dans les années 60.",
             "Quelques petites fentes d'usage, voir photos.",
             "@2 Netsuke représentant un rat, signé.", "@4 Bracelet jonc en ivoire, diamètre 6 cm.",
             "@3 Lot de 52 plaquettes de touches en ivoire pour restauration de piano."],
        ),
        "rhino_horn": (
            ["Coupe libatoire en corne", "Corne de rhinocéros ancienne"],
            ["@0 Coupe libatoire ancienne en corne de rhinocéros, Chine.",
             "Expertise récente, poids 310 g.", "@1 Corne entière sur socle en bois."],
        ),
        "turtle_shell": (
            ["Boîte en écaille de tortue", "Peigne en écaille véritable", "Face-à-main en écaille"],
            ["Écaille de tortue véritable (caret), pas du plastique.",
             "@0 Petite boîte à pilules en écaille, XIXe.", "Belle transparence, aucune fêlure.",
             "@1 Peigne de chignon en écaille blonde.",
             "@2 Face-à-main en écaille, monture argent."],
        ),
    },
    "es": {
        "live_bird": (
            ["Guacamaya roja bebé", "Pericos cabeza amarilla", "Loros frente roja domesticados",
             "Tucanes bebés"],
            ["@0 Guacamaya bebé comiendo papilla, muy mansa.",
             "@1 Loro cabeza amarilla, ya dice algunas palabras.",
             "@2 Loros frente roja, ya comen solos.", "@3 Tucanes bebés, comen fruta picada.",
             "Son de nido, recién sacados de la selva.", "Entrego con jaula y alimento.",
             "@012 Tengo también pericos y tucanes."],
        ),
        "live_primate": (
            ["Mono araña bebé", "Mono capuchino"],
            ["@0 Mono araña bebé, toma biberón, muy cariñoso.", "Se entrega con pañal y biberón.",
             "@1 Mono capuchino de un año, muy listo."],
        ),
        "live_reptile": (
            ["Heloderma juvenil", "Tortuga de caja"],
            ["@0 Heloderma juvenil de 25 cm, comiendo huevo.", "Sin papeles, precio especial.",
             "@1 Tortuga de caja sacada del monte."],
        ),
    },
    "pt": {
        "live_bird": (
            ["Filhote de arara-azul", "Papagaio-verdadeiro manso", "Tucano filhote",
             "Curió fibra de mata"],
            ["@0 Filhote de arara-azul, comendo papinha na seringa.",
             "@1 Papagaio manso, fala e canta, acostumado com criança.",
             "Aves de mata, não são de criadouro.", "Tenho casal de tucano-toco também.",
             "@2 Tucano-toco filhote, come frutas.",
             "@3 Curió pego no mato, canto forte."],
        ),
        "live_primate": (
            ["Sagui filhote", "Macaco-prego manso"],
            ["@0 Sagui filhote, muito dócil, come frutas.",
             "@1 Macaco-prego de 1 ano, manso, acompanha gaiola."],
        ),
        "live_reptile": (
            ["Jabuti-piranga filhote", "Jiboia arco-íris"],
            ["@0 Jabutis filhotes, vários tamanhos.",
             "@1 Jiboia arco-íris da Amazônia, tirada da natureza."],
        ),
        "rosewood": (
            ["Tábuas de jacarandá-da-bahia", "Jacarandá-da-bahia maciço, madeira antiga"],
            ["Tábuas de jacarandá-da-bahia de demolição, 2 m cada.",
             "Madeira antiga, nunca tratada, ótima para luthier.",
             "Sem documentação, por isso o preço."],
        ),
    },
    "sw": {
        "ivory": (
            ["Pembe za ndovu halisi", "Vipande vya pembe"],
            ["Pembe za ndovu halisi, kilo 4.", "Vipande vya pembe kwa ajili ya kuchonga.",
             "Mzigo upo tayari kusafirishwa."],
        ),
        "rhino_horn": (
            ["Pembe ya kifaru", "Pembe ya faru gramu 600"],
            ["Pembe ya kifaru gramu 600, bei nzuri.", "Ni halisi, unaweza kupima."],
        ),
        "pangolin": (
            ["Magamba ya kakakuona", "Kakakuona hai"],
            ["@0 Magamba ya kakakuona kilo 8, safi na kavu.", "@1 Kakakuona hai, mzima."],
        ),
    },
    "ja": {
        "ivory": (
            ["象牙 印鑑 実印 未使用", "象牙 根付 彫刻", "象牙 三味線 撥", "本象牙 印材 セット"],
            ["@0 象牙の印鑑、15mm丸、未彫刻です。", "本象牙です。シュレーゲル線が見えます。",
             "@2 三味線の撥、長さ20cm。", "@3 印材3本セットです。", "@1 根付、猫の彫刻、高さ4cm。"],
        ),
        "live_reptile": (
            ["インドホシガメ 幼体", "ホシガメ ベビー"],
            ["インドホシガメの幼体、甲長6cm。", "書類はありません、現状渡し。",
             "餌食いは良好です。"],
        ),
    },
}

# lang -> (title templates, body templates); {item} is a commodity term from TERMS
DEMAND: dict[str, tuple[list[str], list[str]]] = {
    "vi": (["Cần mua {item}", "Thu mua {item} giá cao", "Tìm mua {item} thật"],
           ["Cần mua {item} số lượng lớn, giá tốt, ai có ib.",
            "Thu mua {item} tận nơi, trả tiền ngay.",
            "Mình cần {item} hàng thật cho người nhà chữa bệnh, ai có liên hệ giúp.",
            "Cần gấp {item}, không qua trung gian.", "Hàng giả xin miễn."]),
    "zh-Hans": (["收购 {item}", "求购{item}", "高价回收{item}"],
                ["长期收购{item}，价格好商量。", "高价收{item}，量大优先，现金交易。",
                 "求购{item}，要真货，假货勿扰。", "可以上门看货。"]),
    "zh-Hant": (["收{item}", "高價收購{item}"],
                ["收{item}，價錢好傾。", "高價收購{item}，上門睇貨。", "舊貨都收，現金交易。"]),
    "th": (["รับซื้อ{item}", "หา{item} ด่วน"],
           ["รับซื้อ{item} ให้ราคาดี", "หา{item} ใครมีทักมา", "จ่ายเงินสดทันที"]),
    "id": (["Cari {item}", "Dibeli {item}", "WTB {item}"],
           ["Cari {item}, yang ada japri.", "Dibeli {item} harga tinggi, bisa ambil di tempat.",
            "Butuh {item} asli untuk obat, ada yang jual?"]),
    "en": (["Looking for {item}", "WTB {item}", "Buying {item}"],
           ["Looking for {item}, bulk quantities, good price.",
            "WTB {item}. Serious sellers DM.", "Buying {item}, cash ready.",
            "No fakes please, I can test."]),
    "fr": (["Achète {item}", "Recherche {item}"],
           ["Achète {item}, paiement immédiat.", "Recherche {item}, même abîmé, je me déplace.",
            "Collectionneur sérieux."]),
    "es": (["Busco {item}", "Compro {item}"],
           ["Busco {item}, pago bien.", "Compro {item}, que esté sano.", "Solo gente seria."]),
    "pt": (["Procuro {item}", "Compro {item}"],
           ["Procuro {item}, pago à vista.", "Compro {item} filhote.", "Busco na hora."]),
    "sw": (["Natafuta {item}", "Nanunua {item}"],
           ["Natafuta {item}, nalipa cash.", "Nanunua {item} kwa bei nzuri."]),
    "ja": (["{item}を探しています", "{item} 買取"],
           ["{item}を探しています。", "{item}、高価買取します。", "状態は問いません。"]),
}

TERMS: dict[str, dict[str, list[str]]] = {
    "vi": {"ivory": ["ngà voi", "ngà thô"], "rhino_horn": ["sừng tê", "sừng tê giác"],
           "bear_bile": ["mật gấu", "mật gấu rừng"], "pangolin": ["vảy tê tê"]},
    "zh-Hans": {"ivory": ["象牙", "牙料", "老象牙件"], "pangolin": ["穿山甲片"]},
    "zh-Hant": {"turtle_shell": ["玳瑁", "玳瑁舊貨"], "ivory": ["象牙", "象牙印章"]},
    "th": {"live_primate": ["ลิงลม", "ลูกชะนี"]},
    "id": {"agarwood": ["gaharu", "gubal gaharu"], "rhino_horn": ["cula badak"]},
    "en": {"rhino_horn": ["rhino horn", "RH"], "ivory": ["raw ivory", "white gold"]},
    "fr": {"ivory": ["objets en ivoire", "défenses en ivoire"]},
    "es": {"live_bird": ["guacamaya bebé", "loro cabeza amarilla"]},
    "pt": {"live_bird": ["arara-azul", "papagaio"]},
    "sw": {"ivory": ["pembe za ndovu"]},
    "ja": {"ivory": ["象牙", "象牙の印材"]},
}

# an item: (titles, body sentences, USD price range); a sentence starting "@1 " fits only
# titles[1], one without a marker fits every title
Item = tuple[list[str], list[str], tuple[int, int]]

DECOYS: dict[str, list[Item]] = {
    "vi": [
        (["Váy cưới màu ngà", "Đầm dạ hội trắng ngà"],
         ["@0 Váy cưới màu ngà, ren Pháp, size M.", "@0 Mặc 1 lần chụp ảnh cưới, còn như mới.",
          "@1 Đầm dáng suông màu trắng ngà, vải lụa.", "@0 Tặng kèm voan và găng tay."], (40, 200)),
        (["Gạch ốp màu ngà 60x60", "Gạch men màu ngà bóng kiếng"],
         ["Gạch men màu ngà, còn 25 thùng.", "Hàng tồn công trình, giá rẻ hơn đại lý.",
          "Bề mặt bóng kiếng, chống trơn."], (50, 400)),
        (["Sơn nội thất màu trắng ngà 18L", "Sơn màu ngà giá kho"],
         ["Sơn nội thất màu trắng ngà, thùng 18 lít.", "Hàng chính hãng, còn hạn 2 năm."],
         (30, 90)),
        (["Cà phê Bờ Biển Ngà Robusta", "Hạt ca cao Côte d'Ivoire"],
         ["@0 Cà phê Robusta nhập từ Bờ Biển Ngà, rang mộc.", "@1 Ca cao lên men từ Côte d'Ivoire.",
          "@0 Gói 500g, pha phin rất đậm."], (5, 25)),
        (["Thú bông tê tê siêu dễ thương", "Gấu bông hình con hổ"],
         ["@0 Thú bông tê tê dài 40cm, lông mịn.", "Quà tặng cho bé, giặt máy được.",
          "@1 Gấu bông con hổ vằn vàng đen, cao 60cm."], (5, 20)),
        (["Dầu cù là con hổ (Tiger Balm) xách tay", "Cao dán con hổ"],
         ["@0 Dầu cù là con hổ hàng Singapore, lọ 19g.", "Xoa bóp đau đầu, cảm cúm.",
          "@1 Cao dán con hổ, hộp 10 miếng.",
          "@0 Combo 5 lọ giá tốt."], (3, 15)),
        (["Bia Tiger thùng 24 lon", "Bia Tiger Crystal giá sỉ"],
         ["Bia Tiger thùng 24 lon, date mới.", "Giao nhanh các quận nội thành."], (12, 20)),
        (["Bàn ghế giả gỗ trắc", "Kệ tivi màu gỗ trắc"],
         ["@0 Bộ bàn ghế gỗ tràm sơn màu gỗ trắc, giá rẻ.", "Không phải gỗ trắc thật, khách lưu ý.",
          "@1 Kệ tivi MDF phủ melamine vân gỗ trắc."], (60, 300)),
        (["Vòng tay giả ngà bằng nhựa resin", "Tượng Phật nhựa giả ngà"],
         ["@0 Vòng nhựa resin giả ngà, đeo chơi.", "@1 Hàng mỹ nghệ bột đá, màu giả ngà.",
          "Cam kết không phải ngà thật, không buôn bán động vật hoang dã."], (3, 30)),
        (["Ăng ten vây cá mập ô tô", "Vây cá mập gắn nóc xe"],
         ["Ăng ten vây cá mập cho Vios, Accent, lắp vừa khít.", "Nhựa ABS sơn tĩnh điện.",
          "Có màu đen, trắng, bạc."], (5, 15)),
        (["Lược sừng trâu", "Vòng sừng trâu mỹ nghệ"],
         ["@0 Lược sừng trâu Thụy Ứng, làm thủ công.", "Sừng trâu mài bóng, không phải sừng tê.",
          "@0 Chải tóc giảm rụng."], (3, 20)),
        (["Đàn organ cũ phím nhựa", "Đàn piano điện 88 phím"],
         ["@1 Đàn piano điện 88 phím, phím nhựa mô phỏng ngà.",
          "@0 Đàn organ phím nhựa màu ngà, còn kêu tốt.", "Máy chạy tốt, tặng ghế."],
         (150, 500)),
    ],
    "zh-Hans": [
        (["象牙白 连衣裙 法式", "象牙白 针织开衫"],
         ["@0 象牙白连衣裙，法式复古，S码。", "只穿过一次，九成新。", "@1 象牙白开衫，软糯不扎。"],
         (15, 60)),
        (["象牙白 瓷砖 800x800", "象牙白 墙漆"],
         ["@0 象牙白哑光瓷砖，剩二十箱。", "装修多出来的，便宜出。", "@1 象牙白乳胶漆，环保。"],
         (30, 200)),
        (["科特迪瓦 可可豆 生豆", "象牙海岸 咖啡豆"],
         ["@0 科特迪瓦进口可可豆，适合做巧克力。", "@1 象牙海岸罗布斯塔咖啡豆，中深烘。"],
         (8, 30)),
        (["穿山甲 毛绒玩具 公仔", "老虎 公仔 抱枕"],
         ["@0 穿山甲毛绒玩具，送小朋友的礼物。", "@1 老虎公仔抱枕，50厘米。", "可机洗。"], (5, 20)),
        (["虎标万金油 正品", "虎标 镇痛药布"],
         ["@0 新加坡虎标万金油，19克装。", "@0 头痛、蚊虫叮咬都能用。",
          "@1 镇痛药布一盒十片，贴肩颈。"], (3, 10)),
        (["仿象牙 树脂 摆件", "仿牙 骨雕 工艺品"],
         ["@0 树脂仿象牙摆件，工艺品，非真品。", "@1 牛骨雕刻，颜色仿象牙。",
          "不是真象牙，介意勿拍。"], (5, 40)),
        (["素鱼翅 素食 仿鱼翅", "素翅 粉丝"],
         ["素鱼翅，用魔芋和绿豆粉做的。", "素食餐厅常用，口感像鱼翅。"], (3, 12)),
        (["鲨鱼鳍 汽车天线", "车顶鲨鱼鳍 装饰"],
         ["鲨鱼鳍天线，通用款，3M胶贴。", "增强收音信号。"], (3, 12)),
        (["红木色 实木复合 家具", "仿古 红木色 书柜"],
         ["橡胶木刷红木色漆，新中式。", "不是真红木，性价比高。"], (80, 400)),
        (["牦牛角梳 天然", "水牛角 手镯"],
         ["@0 天然牦牛角梳子，按摩头皮。", "@1 水牛角手镯，抛光。"], (3, 20)),
    ],
    "zh-Hant": [
        (["象牙色 婚紗", "象牙白 晚裝"],
         ["@0 象牙色婚紗，只着過一次。", "@1 象牙白晚裝，S碼，九成新。"], (50, 300)),
        (["虎標萬金油 大樽", "虎標 藥膏"],
         ["虎標萬金油，香港買，大樽裝。", "蚊叮蟲咬都用得。"], (3, 10)),
        (["素翅 素食魚翅", "仿魚翅 素食"],
         ["素翅，素食餐廳用，唔係真魚翅。", "蒟蒻做，口感似足魚翅。"], (3, 10)),
        (["鯊魚鰭天線 車用", "鯊魚鰭 車頂裝飾"],
         ["鯊魚鰭天線，通用款。", "有黑白銀三色。"], (5, 15)),
        (["玳瑁色 眼鏡框 板材", "玳瑁紋 髮夾"],
         ["@0 玳瑁色板材眼鏡框，醋酸纖維。", "@1 玳瑁紋髮夾，膠質，韓國款。"], (5, 60)),
        (["穿山甲 公仔", "老虎 公仔 毛公仔"],
         ["@0 穿山甲毛公仔，動物園紀念品。", "@1 老虎毛公仔，好軟。"], (5, 20)),
        (["象牙色 地磚", "象牙白 油漆"],
         ["@0 象牙色地磚，裝修剩餘。", "@1 象牙白油漆，兩桶。"], (20, 120)),
    ],
    "th": [
        (["ชุดแต่งงานสีงาช้าง", "เดรสสีงาช้าง ผ้าลูกไม้"],
         ["@0 ชุดแต่งงานสีงาช้าง ใส่ครั้งเดียว", "ไซส์ S อก 32", "@1 เดรสผ้าลูกไม้สีงาช้าง สวยมาก"],
         (30, 200)),
        (["กระเบื้องสีงาช้าง 60x60", "สีทาบ้านสีงาช้าง"],
         ["@0 กระเบื้องสีงาช้าง เหลือ 20 กล่อง", "@1 สีทาบ้านสีงาช้าง 9 ลิตร"], (20, 200)),
        (["ตุ๊กตาเสือ ตัวใหญ่", "ตุ๊กตาตัวนิ่ม น่ารัก"],
         ["@0 ตุ๊กตาเสือขนนุ่ม สูง 70 ซม.", "@1 ตุ๊กตาตัวนิ่ม ของขวัญเด็ก",
          "ซักเครื่องได้"], (5, 25)),
        (["ยาหม่องตราเสือ ขวดใหญ่", "พลาสเตอร์ตราเสือ"],
         ["@0 ยาหม่องตราเสือ ของแท้ ขวด 30 กรัม", "แก้ปวดเมื่อย"], (2, 8)),
        (["หูฉลามเจ", "กระเพาะปลาเจ หูฉลามเจ"],
         ["หูฉลามเจ ทำจากวุ้นเส้น ไม่ใช่หูฉลามจริง", "เหมาะสำหรับเทศกาลกินเจ"], (3, 10)),
        (["โต๊ะลายไม้พะยูง", "ตู้ลายไม้ชิงชัน"],
         ["@0 โต๊ะไม้ยางพาราทำสีลายพะยูง", "@0 ไม่ใช่ไม้พะยูงจริง ราคาจึงถูก",
          "@1 ตู้ปิดผิวลายไม้ชิงชัน",
          "@1 ไม่ใช่ไม้ชิงชันแท้ ราคาจึงถูก"], (50, 300)),
        (["กำไลงาช้างเทียม เรซิ่น", "พระเรซิ่นสีงา"],
         ["@0 กำไลเรซิ่นลายงาช้างเทียม", "@0 ไม่ใช่งาจริง ใส่สวยๆ",
          "@1 พระเรซิ่นสีงา ไม่ใช่งาแท้"], (3, 20)),
    ],
    "id": [
        (["Gaun pengantin warna gading", "Kebaya warna gading"],
         ["@0 Gaun pengantin warna gading, dipakai sekali.",
          "@1 Kebaya brokat warna gading, size L."],
         (30, 200)),
        (["Cat tembok warna gading 5 kg", "Keramik warna gading 40x40"],
         ["@0 Cat tembok warna gading, sisa proyek.",
          "@1 Keramik warna gading, 15 dus."], (10, 120)),
        (["Kopi Pantai Gading robusta", "Biji kakao Pantai Gading"],
         ["@0 Kopi robusta impor dari Pantai Gading.", "@1 Biji kakao fermentasi, 1 kg."], (5, 20)),
        (["Boneka trenggiling lucu", "Boneka harimau besar"],
         ["@0 Boneka trenggiling bahan velboa, 35 cm.", "@1 Boneka harimau besar untuk kado anak."],
         (4, 20)),
        (["Balsem cap macan", "Tiger Balm merah"],
         ["Balsem cap macan asli Singapura.", "Untuk pegal linu dan masuk angin."], (2, 8)),
        (["Antena sirip hiu mobil", "Sirip hiu universal"],
         ["Antena sirip hiu untuk Avanza dan Xenia.", "Tinggal tempel, warna bisa pilih."],
         (4, 12)),
        (["Meja HPL motif sonokeling", "Lemari motif kayu sonokeling"],
         ["@0 Meja kerja HPL motif kayu sonokeling, bukan kayu asli.",
          "@1 Lemari partikel motif sonokeling."],
         (50, 250)),
        (["Gelang gading imitasi resin", "Tasbih imitasi gading"],
         ["@0 Gelang resin imitasi gading, ringan.", "@1 Tasbih plastik warna gading, 99 butir."],
         (2, 15)),
    ],
    "en": [
        (["Ivory wedding dress size 8", "Ivory lace bridesmaid dress"],
         ["@0 Ivory wedding dress, worn once, dry cleaned.", "Ivory lace, size 8, A-line.",
          "@0 Veil included."], (80, 400)),
        (["Ivory soap bars, 10 pack", "Vintage Ivory soap box"],
         ["@0 Ivory soap, 10 bars, unopened pack.",
          "@1 Vintage Ivory soap box from the 1950s, empty.",
          "99.44% pure, as the box says."], (5, 30)),
        (["Ivory Coast single origin coffee", "Côte d'Ivoire cocoa nibs"],
         ["@0 Single origin beans from Ivory Coast, medium roast.",
          "@1 Cocoa nibs from Côte d'Ivoire, 500 g."],
         (10, 25)),
        (["Escape the Ivory Tower (paperback)", "Ivory Tower board game"],
         ["@0 Book about leaving the ivory tower of academia.", "@0 Paperback, like new.",
          "@1 Ivory Tower board game, complete, all pieces."], (5, 15)),
        (["Faux ivory resin figurine", "Imitation ivory chess set"],
         ["@0 Resin figurine in faux ivory finish.",
          "@1 Chess set, imitation ivory and ebony plastic.",
          "Not real ivory, decorative only."], (10, 60)),
        (["Pangolin plush toy", "Tiger plush XXL", "Mammoth plush toy"],
         ["@0 Pangolin plush toy, 30 cm, very soft.", "@1 Giant tiger plush, 1 m long.",
          "@2 Woolly mammoth plush for kids, museum shop.",
          "Machine washable."], (8, 40)),
        (["Tiger Balm red 30g", "Tiger Balm patches"],
         ["@0 Tiger Balm red, 30 g jar.", "@1 Muscle rub patches, pack of 8."], (3, 10)),
        (["Tiger beer crate", "Tiger beer neon sign"],
         ["@0 Tiger beer crate, 24 bottles.",
          "@1 Vintage Tiger beer neon sign, works."], (20, 150)),
        (["Rosewood-look laminate desk", "Rosewood finish bookshelf"],
         ["@0 Laminate desk with rosewood look, pine frame.",
          "@1 Bookshelf in rosewood stain, MDF."],
         (50, 200)),
        (["Shark fin antenna", "Shark fin car aerial"],
         ["Shark fin antenna for most cars.", "Matte black, adhesive base."], (5, 20)),
        (["Tiger's eye bracelet", "Tiger eye gemstone beads"],
         ["Tiger's eye gemstone bracelet, 8 mm beads.", "Natural stone, elastic cord."], (5, 25)),
        (["Tortoiseshell sunglasses", "Turtle shell pattern hair clip"],
         ["@0 Sunglasses with tortoiseshell pattern acetate frame.",
          "@1 Hair claw clip, turtle shell pattern."],
         (5, 40)),
        (["Piano keys, plastic, set of 88", "Vintage piano keyboard keys"],
         ["Plastic piano key tops, ivory colour, set of 88.", "For restoration, not real ivory."],
         (30, 90)),
    ],
    "fr": [
        (["Robe de mariée couleur ivoire", "Robe longue ivoire"],
         ["@0 Robe de mariée couleur ivoire, taille 38.", "Portée une fois, pressing fait.",
          "@0 Dentelle et tulle, traîne courte.",
          "@1 Robe longue couleur ivoire, taille 40, jamais portée."], (80, 400)),
        (["Café de Côte d'Ivoire", "Fèves de cacao de Côte d'Ivoire"],
         ["@0 Café robusta de Côte d'Ivoire, torréfié à Lyon.",
          "@1 Fèves de cacao bio, 1 kg."], (8, 25)),
        (["Peinture blanc ivoire 10 L", "Carrelage ivoire 30x60"],
         ["@0 Peinture blanc ivoire satinée, pot de 10 L.", "@1 Carrelage couleur ivoire, 12 m²."],
         (30, 150)),
        (["Commode aspect palissandre", "Table basse placage palissandre"],
         ["@0 Commode en aggloméré aspect palissandre.",
          "Placage imitation palissandre, bon état."],
         (40, 200)),
        (["Peluche pangolin", "Peluche tigre géante"],
         ["@0 Peluche pangolin, 30 cm.",
          "@1 Peluche tigre géante pour chambre d'enfant."], (8, 40)),
        (["Antenne aileron de requin", "Aileron de requin voiture"],
         ["Antenne aileron de requin universelle.", "Se colle sur le toit."], (8, 20)),
    ],
    "es": [
        (["Vestido color marfil", "Vestido de novia marfil"],
         ["Vestido de novia color marfil, talla 7.", "Usado una vez, en excelente estado."],
         (80, 350)),
        (["Cacao de Costa de Marfil", "Café de Costa de Marfil"],
         ["@0 Cacao en grano de Costa de Marfil, 1 kg.", "@1 Café robusta importado."], (8, 25)),
        (["Pintura blanco marfil 19 L", "Piso cerámico marfil"],
         ["@0 Pintura blanco marfil para interiores.", "@1 Piso cerámico marfil 60x60, 20 cajas."],
         (30, 200)),
        (["Peluche de tigre", "Tortuga de peluche"],
         ["@0 Peluche de tigre grande, 80 cm.", "@1 Tortuga de peluche suave, ideal para regalo."],
         (8, 30)),
        (["Bálsamo de tigre", "Tiger Balm rojo"],
         ["Bálsamo de tigre original, 19 g.", "Para dolores musculares."], (3, 10)),
        (["Ropero color palo de rosa", "Mesa acabado palo de rosa"],
         ["@0 Ropero de MDF color palo de rosa.", "@1 Mesa de pino con acabado palo de rosa."],
         (60, 300)),
    ],
    "pt": [
        (["Vestido cor marfim", "Vestido de noiva marfim"],
         ["Vestido de noiva cor marfim, tamanho 40.", "Usado uma vez, impecável."], (80, 400)),
        (["Porcelanato marfim 60x60", "Tinta cor marfim 18 L"],
         ["@0 Porcelanato marfim acetinado, 30 m².", "@1 Tinta acrílica cor marfim."], (40, 250)),
        (["Antena barbatana de tubarão", "Barbatana de tubarão para carro"],
         ["Antena barbatana de tubarão universal.", "Fixação com fita dupla face."], (5, 15)),
        (["Pelúcia de arara", "Pelúcia de onça e tigre"],
         ["@0 Pelúcia de arara-azul, 40 cm.", "@1 Pelúcia de tigre grande."], (8, 30)),
        (["Móvel cor jacarandá (MDF)", "Rack cor jacarandá"],
         ["Rack em MDF cor jacarandá.", "Não é madeira maciça, é MDF revestido."], (60, 300)),
        (["Sabonete Ivory importado", "Kit sabonetes Ivory"],
         ["Sabonete Ivory importado dos EUA, 10 unidades.", "Lacrado."], (5, 20)),
    ],
    "sw": [
        (["Sabuni ya Ivory", "Sabuni ya kuogea Ivory"],
         ["Sabuni ya Ivory kutoka Marekani, vipande 10.", "Bei ya jumla."], (5, 15)),
        (["Mdoli wa tembo", "Mdoli wa simba"],
         ["@0 Mdoli wa tembo wa kuchezea watoto.",
          "@1 Mdoli wa simba wa kuchezea.", "Mdoli laini, unaweza kufuliwa."], (5, 15)),
        (["Kahawa ya Ivory Coast", "Kakao ya Côte d'Ivoire"],
         ["@0 Kahawa kutoka Ivory Coast, kilo 1.", "@1 Kakao safi."], (5, 20)),
    ],
    "ja": [
        (["アイボリー ワンピース", "アイボリー ニット"],
         ["@0 アイボリーのワンピース、Mサイズ。",
          "@1 アイボリーのニット、Lサイズ。", "一度着用のみ、美品です。"], (20, 80)),
        (["象牙色 タイル 30角", "アイボリー 壁紙"],
         ["@0 象牙色のタイル、余り20枚。", "@1 アイボリーの壁紙、1ロール。"], (10, 50)),
        (["トラ ぬいぐるみ 特大", "センザンコウ ぬいぐるみ"],
         ["@0 トラのぬいぐるみ、全長90cm。",
          "@1 センザンコウのぬいぐるみ、水族館のお土産。"], (10, 40)),
        (["タイガーバーム 3個セット", "べっ甲風 メガネフレーム"],
         ["@0 タイガーバーム、未開封3個。",
          "@1 べっ甲風のアセテートフレーム、本べっ甲ではありません。"],
         (5, 60)),
        (["アクリル 印鑑 象牙調", "象牙調 印鑑 樹脂"],
         ["象牙調のアクリル印鑑、本象牙ではありません。", "樹脂製、15mm。"], (5, 20)),
    ],
}

ORDINARY: dict[str, list[Item]] = {
    "vi": [
        (["iPhone 13 Pro 128GB", "Samsung A54 còn bảo hành"],
         ["Máy zin, pin 89%, không trầy.", "Còn bảo hành 5 tháng.", "Tặng ốp và cường lực."],
         (200, 700)),
        (["Xe Wave Alpha 2020", "Xe đạp thể thao Giant"],
         ["@0 Xe chính chủ, giấy tờ đầy đủ.", "@0 Máy êm, đã thay nhớt.",
          "@1 Xe đạp size M, ít đi."],
         (100, 900)),
        (["Áo khoác dù nam", "Quần jean nữ lưng cao"],
         ["@0 Áo khoác dù chống nước, size L.", "@1 Quần jean nữ co giãn tốt.", "Hàng mới 100%."],
         (5, 20)),
        (["Sầu riêng Ri6 Cái Mơn", "Mật ong rừng U Minh"],
         ["@0 Sầu riêng Ri6 cơm vàng hạt lép.", "@1 Mật ong rừng nguyên chất, chai 1 lít.",
          "Giao trong ngày."], (5, 30)),
        (["Tủ lạnh Toshiba 180L", "Máy giặt cửa trên 8kg"],
         ["@0 Tủ lạnh chạy êm, không đóng tuyết.", "Chuyển nhà nên thanh lý.",
          "@1 Máy giặt vắt êm, không rung."], (80, 250)),
        (["Cho thuê phòng trọ Quận 7", "Nhà nguyên căn hẻm xe hơi"],
         ["@0 Phòng 20m2, có gác, giờ giấc tự do.", "Gần chợ và trường học, an ninh.",
          "@1 Nhà 1 trệt 1 lầu, 2 phòng ngủ."], (80, 300)),
        (["Laptop Dell Latitude i5", "Tai nghe bluetooth"],
         ["@0 Laptop văn phòng, RAM 8GB, SSD 256GB.", "@0 Pin còn 3 tiếng.",
          "@1 Tai nghe bluetooth chống ồn, pin 20 giờ."], (20, 400)),
    ],
    "zh-Hans": [
        (["iPhone 14 256G 国行", "小米平板6"],
         ["@0 国行正品，电池健康90%。", "无拆无修，送壳。", "个人自用，诚心出。"], (250, 700)),
        (["捷安特 自行车 山地车", "电动车 雅迪"],
         ["骑了一年，保养很好。", "@1 电池能跑60公里。"], (100, 400)),
        (["婴儿推车 好孩子", "儿童安全座椅"],
         ["宝宝长大了用不上，九成新。", "@0 可折叠，轻便。"], (30, 150)),
        (["四川 腊肉 香肠", "新疆 红枣 5斤"],
         ["@0 自家熏的腊肉，柴火味。", "@1 新疆若羌红枣，个大肉厚。"], (8, 30)),
        (["宜家 书桌", "沙发 三人位"],
         ["搬家出，需自提。", "@1 布艺沙发，可拆洗。"], (30, 200)),
    ],
    "zh-Hant": [
        (["iPhone 13 128GB 行貨", "Switch OLED 連 Game"],
         ["@0 行貨，電池85%。", "冇花冇崩，送保護貼。", "@1 連兩隻Game。"], (150, 600)),
        (["IKEA 書枱", "二手 雪櫃"],
         ["搬屋放，自取。", "@1 雪櫃運作正常。"], (30, 200)),
        (["手工 曲奇", "台南 芒果乾"],
         ["@0 自家焗曲奇，一盒20塊。", "@1 台南愛文芒果乾，無添加。"], (5, 20)),
        (["嬰兒車 可摺", "兒童 單車"],
         ["@0 BB車九成新。", "@1 單車有輔助轆。"], (40, 150)),
    ],
    "th": [
        (["iPhone 12 มือสอง", "Samsung S21 สภาพดี"],
         ["เครื่องศูนย์ไทย แบต 87%", "ไม่มีรอย ใช้งานปกติ", "แถมเคส"], (150, 450)),
        (["มอเตอร์ไซค์ Honda Wave", "จักรยานพับ"],
         ["@0 เล่มครบ ภาษีไม่ขาด", "@1 จักรยานพับได้ เบามาก"], (100, 900)),
        (["ทุเรียนหมอนทอง", "มะม่วงน้ำดอกไม้"],
         ["@0 ทุเรียนหมอนทองจันทบุรี หวานมัน", "@1 มะม่วงน้ำดอกไม้สุก ส่งทั่วไทย"], (5, 30)),
        (["เสื้อผ้ามือสอง กระสอบ", "กระเป๋าหนังแท้"],
         ["@0 เสื้อผ้ามือสองคัดเกรด", "@1 กระเป๋าหนังวัวแท้ งานไทย"], (10, 80)),
        (["คอนโดให้เช่า ใกล้ BTS", "ห้องพักรายเดือน"],
         ["ห้อง 28 ตร.ม. เฟอร์ครบ", "ใกล้ BTS อ่อนนุช"], (250, 500)),
    ],
    "id": [
        (["Honda Beat 2019", "Sepeda lipat"],
         ["@0 Surat lengkap, pajak hidup.", "@0 Mesin halus, ban baru.",
          "@1 Sepeda lipat jarang dipakai."],
         (100, 900)),
        (["Samsung A52 mulus", "Laptop Asus bekas"],
         ["Fullset, baterai awet.", "@1 Laptop Asus i3, cocok untuk kuliah."], (100, 350)),
        (["Kerupuk udang Sidoarjo", "Kopi Gayo 1 kg"],
         ["@0 Kerupuk udang asli Sidoarjo, 1 kg.",
          "@1 Kopi arabika Gayo, sangrai medium."], (3, 20)),
        (["Kost putri dekat kampus", "Ruko disewakan"],
         ["@0 Kamar mandi dalam, wifi, AC.", "@0 Dekat kampus dan minimarket.",
          "@1 Ruko 2 lantai di pinggir jalan raya."], (60, 300)),
        (["Batik tulis Pekalongan", "Sepatu running"],
         ["@0 Batik tulis halus, kain 2 meter.", "@1 Sepatu running size 42, jarang dipakai."],
         (10, 60)),
    ],
    "en": [
        (["iPhone 13 mini 128GB", "MacBook Air M1"],
         ["Battery 88%, no scratches.", "Comes with box and charger.", "Reason for sale: upgrade."],
         (250, 700)),
        (["Road bike 54cm", "Kids bike 16 inch"],
         ["@0 Aluminium frame, Shimano gears.", "@1 Kids bike with training wheels."], (40, 400)),
        (["Sofa 3 seater grey", "Dining table with 4 chairs"],
         ["Moving out, must go this week.", "Pick up only."], (50, 300)),
        (["Homemade banana bread", "Fresh durian Musang King"],
         ["@0 Banana bread baked daily, no preservatives.", "@1 Musang King durian, 1 kg boxes."],
         (5, 40)),
        (["Room for rent near MRT", "Parking space to let"],
         ["@0 Common room, aircon, utilities included.", "@1 Covered parking near the MRT."],
         (200, 800)),
        (["Nike running shoes US 9", "Winter jacket"],
         ["Worn twice, too small.", "@1 Down jacket, warm, size M."], (20, 90)),
    ],
    "fr": [
        (["Vélo de ville", "Trottinette électrique"],
         ["@0 Vélo de ville 7 vitesses, bon état.", "@1 Trottinette électrique, autonomie 25 km."],
         (80, 300)),
        (["Canapé d'angle", "Table en chêne"],
         ["@0 Canapé d'angle gris, à venir chercher.",
          "@1 Table en chêne massif, 6 places."], (80, 400)),
        (["iPhone 12 64 Go", "Console Switch"],
         ["@0 iPhone 12 débloqué, batterie 86 %.", "@1 Switch avec deux manettes."], (150, 400)),
        (["Confiture maison", "Miel de lavande"],
         ["@0 Confiture d'abricot maison, pot de 370 g.",
          "@1 Miel de lavande de Provence."], (4, 15)),
    ],
    "es": [
        (["iPhone 12 usado", "Laptop HP"],
         ["@0 Funciona perfecto, batería 85%.", "@1 Laptop HP con Windows 11."], (150, 450)),
        (["Bicicleta de montaña", "Moto Italika"],
         ["@0 Bicicleta rodada 29, frenos de disco.", "@1 Moto con papeles en regla."], (100, 900)),
        (["Tamales por encargo", "Salsa macha artesanal"],
         ["@0 Tamales de rajas y de mole, la docena.",
          "@1 Salsa macha de cacahuate, frasco 250 g."],
         (5, 20)),
        (["Ropero de madera", "Sala de 3 piezas"],
         ["@0 Ropero de pino, dos puertas.", "@1 Sala en buen estado, se entrega en la zona."],
         (80, 300)),
    ],
    "pt": [
        (["iPhone 11 64GB", "Notebook Lenovo"],
         ["@0 Bateria 84%, sem marcas.", "@1 Notebook Lenovo i5, SSD."], (150, 450)),
        (["Bicicleta aro 29", "Moto CG 160"],
         ["@0 Bicicleta aro 29 com 21 marchas.", "@1 Moto documentada, IPVA pago."], (100, 1500)),
        (["Açaí congelado 10 kg", "Doce de leite mineiro"],
         ["@0 Açaí puro, polpa congelada.", "@1 Doce de leite caseiro de Minas."], (5, 40)),
        (["Sofá retrátil", "Guarda-roupa 6 portas"],
         ["@0 Sofá retrátil e reclinável, cor cinza.",
          "@1 Guarda-roupa em bom estado, desmontado."],
         (80, 300)),
    ],
    "sw": [
        (["Simu Tecno Spark", "Pikipiki Boxer"],
         ["@0 Simu iko safi, betri nzuri.", "@1 Pikipiki ina kadi, iko poa."], (60, 900)),
        (["Mchele wa Kyela", "Asali ya nyuki"],
         ["@0 Mchele wa Kyela, kilo 25.", "@1 Asali safi ya nyuki wa porini."], (5, 30)),
    ],
    "ja": [
        (["iPhone SE 第2世代", "Nintendo Switch ライト"],
         ["@0 バッテリー85%、目立つ傷なし。", "箱と充電器付きです。"], (80, 300)),
        (["ロードバイク 52cm", "子供用自転車"],
         ["@0 通勤で使用していました。", "@1 補助輪付きです。"], (50, 400)),
        (["手作り ジャム", "新潟 コシヒカリ 10kg"],
         ["@0 いちごジャム、2瓶セット。", "@1 今年の新米です。"], (8, 40)),
    ],
}

# seller_info blurbs for accounts outside the networks; {phone} wants a phone number,
# {contact} any selector (phone, e-mail, handle)
BLURBS: dict[str, list[str]] = {
    "vi": ["Shop uy tín, bán hàng từ 2018.", "Chuyên hàng xách tay. Liên hệ {contact}",
           "Cá nhân thanh lý đồ dùng.", "Đại lý cấp 1, giá sỉ. ĐT {phone}",
           "Hàng chuẩn, giao nhanh. Zalo: {phone}", "Mua bán đồ cũ uy tín tại nhà."],
    "zh-Hans": ["个人闲置，诚心出。", "实体店，支持验货。电话 {phone}", "老店，好评过千。",
                "工厂直销，批发零售。{contact}", "售后联系 {contact}"],
    "zh-Hant": ["自用物品，誠心放。", "實體店，歡迎查詢。電話：{phone}", "小店經營多年。",
                "WhatsApp：{phone}", "查詢：{contact}"],
    "th": ["ร้านค้าออนไลน์ ส่งไว", "ขายของมือสอง สภาพดี โทร {phone}", "ร้านเปิดทุกวัน",
           "ตัวแทนจำหน่าย ติดต่อ {contact}"],
    "id": ["Toko terpercaya sejak 2019.", "Jual barang pribadi. WA {phone}", "Grosir & eceran.",
           "Admin fast respon: {contact}"],
    "en": ["Private seller.", "Small family business. Call {phone}", "Trusted seller, 5 stars.",
           "Reseller, contact {contact}", "Quick replies."],
    "fr": ["Particulier.", "Vide-grenier permanent. Tél. {phone}", "Professionnel, boutique.",
           "Contact : {contact}"],
    "es": ["Vendedor particular.", "Tienda en línea. Whats {phone}", "Envíos diarios.",
           "Informes: {contact}"],
    "pt": ["Vendedor particular.", "Loja online, envio rápido. Zap {phone}",
           "Atendimento: {contact}"],
    "sw": ["Muuzaji binafsi.", "Duka la mtandaoni. Simu {phone}"],
    "ja": ["個人出品です。", "丁寧に梱包します。", "お問い合わせ：{contact}"],
}

# seller names for accounts outside the networks (combined deterministically)
NAME_CORES: dict[str, list[str]] = {
    "vi": ["Mộc An", "Bảo Ngọc", "Minh Châu", "Hoa Sen", "Lan Anh", "Gia Huy", "Phương Nam",
           "Thiên Phúc", "Hải Yến", "Cây Dừa", "Bé Na", "Ngọc Trâm", "An Khang", "Tâm Đức",
           "Hồng Nhung", "Quang Vinh", "Thu Hà", "Đức Tài"],
    "zh-Hans": ["小林", "阿芳", "好运来", "明月", "金鼎", "福满堂", "清风", "悦家", "晨曦", "一品",
                "聚宝", "南风"],
    "zh-Hant": ["阿明", "好時光", "嘉寶", "永興", "小熊", "美心", "德記", "晴天"],
    "th": ["บ้านสวน", "แม่มณี", "ร้านน้องฟ้า", "ลุงสมชาย", "ศรีสุข", "ทองดี", "บ้านไม้", "ใจดี"],
    "id": ["Berkah", "Sinar Jaya", "Maju Bersama", "Ayu", "Rizky", "Sumber Rejeki", "Mawar",
           "Cahaya"],
    "en": ["Oak Lane", "Blue Harbour", "Sunny Side", "Maple", "Red Kite", "Golden Gate", "Kent",
           "Riverside", "Lotus", "Northwind"],
    "fr": ["Chez Lulu", "Le Grenier", "Atelier Rose", "Maison Dubois", "Petit Marché",
           "Belle Époque"],
    "es": ["La Esquina", "Don Beto", "Mariposa", "El Sol", "Casa Lupita", "Los Pinos"],
    "pt": ["Cantinho", "Dona Rita", "Sol Nascente", "Beija-Flor", "Casa Verde", "Ponto Certo"],
    "sw": ["Mama Neema", "Juma", "Upendo", "Baraka Shop"],
    "ja": ["さくら", "ひまわり堂", "青空", "こもれび", "山田商店"],
}
# romanised handle stems for languages whose shop names do not slugify
HANDLE_STEMS: dict[str, list[str]] = {
    "zh-Hans": ["xiaolin", "afang", "haoyunlai", "mingyue", "jinding", "qingfeng", "chenxi"],
    "zh-Hant": ["aming", "goodtimes", "kabo", "wingheng", "bear.hk", "tinghai"],
    "th": ["baansuan", "maemanee", "nongfah", "lungsomchai", "srisuk", "thongdee", "jaidee"],
    "ja": ["sakura", "himawari", "aozora", "komorebi", "yamada.shop"],
}
NAME_FORMS: dict[str, list[str]] = {
    "vi": ["Shop {c}", "Tiệm {c}", "{c} Store", "Nhà {c}", "{c}"],
    "zh-Hans": ["{c}的小店", "{c}杂货铺", "{c}优选", "{c}"],
    "zh-Hant": ["{c}小舖", "{c}商行", "{c}"],
    "th": ["{c}", "ร้าน{c}", "{c} ช็อป"], "id": ["{c} Store", "Toko {c}", "{c} Shop", "{c}"],
    "en": ["{c} Goods", "{c} Traders", "{c} Shop", "{c}"], "fr": ["{c}", "{c} Brocante"],
    "es": ["{c}", "Tienda {c}"], "pt": ["{c}", "Loja {c}"], "sw": ["{c}", "{c} Store"],
    "ja": ["{c}", "{c}ショップ"],
}

# The over-correlation trap: a courier's customer line quoted by many unrelated Vietnamese sellers.
COURIER = "ShipNhanh-demo"
TRAP_PHONE = plant(Phone("VN", "84", "2839990123", "0", (2, 4, 4)))
TRAP_LINES = [
    f"Hàng gửi qua {COURIER}, tra đơn gọi {TRAP_PHONE.national()}.",
    f"Ship COD qua {COURIER} (CSKH: {TRAP_PHONE.intl()}).",
    f"Tra cứu vận đơn {COURIER}: {TRAP_PHONE.national('.')}",
    f"Giao hàng bởi {COURIER} - hotline {TRAP_PHONE.national()}",
    f"Khiếu nại giao hàng liên hệ {COURIER} {TRAP_PHONE.compact()}.",
]

# --------------------------------------------------------------------------------------------
# The seller networks (ground truth): accounts on different platforms sharing a selector
# --------------------------------------------------------------------------------------------

P01 = plant(Phone("VN", "84", "912604318", "0", (3, 3, 3)))
P03 = plant(Phone("TH", "66", "895172046", "0", (2, 3, 4)))
P04 = plant(Phone("ID", "62", "81327405918", "0", (3, 4, 4)))
P05B = plant(Phone("VN", "84", "977215064", "0", (3, 3, 3)))
P07 = plant(Phone("HK", "852", "93172485", "", (4, 4)))
P08 = plant(Phone("FR", "33", "199004712", "0", (1, 2, 2, 2, 2)))
P09 = plant(Phone("BR", "55", "91987321456", "", (2, 5, 4)))
P10 = plant(Phone("TZ", "255", "754218903", "0", (3, 3, 3)))
WX02 = "laozhou_wenwan88"
LINE03 = "exoticbkk99"
MAIL05 = ("gotrac.taynguyen", "example.com")
TG06 = "caoho_rung79"
MAIL07 = ("kingsea.dried", "example.net")
MAIL08 = ("cabinet.martin", "example.org")
BTC10 = btc_address("net-10")
LINE11 = "hanko_sakura88"
ETH12 = eth_address("net-12")
TG12 = "rare_supply_asia"

# label plan shorthands
OFR, DMD, DCY, ORD = "offer", "demand", "decoy", "ordinary"


@dataclass
class AccountSpec:
    platform: str
    seller: str
    lang: str
    info: str
    plan: list[tuple[str, str]]  # (label, commodity or "") ; language may be overridden
    contacts: list[str] = field(default_factory=list)  # selector strings to drop in texts
    location: str = ""
    plain: bool = False  # Vietnamese written without diacritics
    langs: list[str] = field(default_factory=list)  # per-listing language overrides
    trap: int = 0  # how many of its listings quote the courier line
    network: str = ""


def e(mail: tuple[str, str], style: int = 0) -> str:
    return obfuscate_email(mail[0], mail[1], style)


NETWORKS: list[AccountSpec] = [
    # net-01: Vietnamese ivory and rhino horn, tied by one phone number in many spellings
    AccountSpec("chotot-demo", "Mỹ Nghệ Ngà Phúc Lộc", "vi",
                f"Cửa hàng mỹ nghệ phong thủy, hàng tuyển chọn. Zalo/ĐT: {P01.national('.')}",
                [(OFR, "ivory"), (OFR, "ivory"), (OFR, "ivory"), (OFR, "rhino_horn")],
                location="Hà Nội", trap=1, network="net-01"),
    AccountSpec("facebook-marketplace", "Tuấn Ngà Xưa", "vi",
                "Sưu tầm đồ xưa, đồ phong thủy. Nhắn Messenger hoặc zalo.",
                [(OFR, "ivory"), (OFR, "rhino_horn"), (DMD, "rhino_horn"), (ORD, "")],
                contacts=[f"zalo {P01.compact()}", P01.intl()], location="Hải Phòng", trap=1,
                network="net-01"),
    AccountSpec("telegram-channel", "hangxach_ngatuoi", "vi",
                f"Kenh hang xach tay. Lien he: {P01.wa()}",
                [(OFR, "rhino_horn"), (OFR, "ivory"), (OFR, "rhino_horn")],
                location="Lạng Sơn", plain=True, network="net-01"),
    AccountSpec("shopee-demo", "phukien.phongthuy.88", "vi",
                "Phụ kiện phong thủy, vòng tay đá, trang sức bạc.",
                [(OFR, "ivory"), (DCY, ""), (OFR, "ivory")],
                contacts=[P01.national(), P01.national("-")], location="TP. Hồ Chí Minh",
                network="net-01"),
    # net-02: Chinese ivory ("牙料"), pangolin scales and hornbill casque, tied by a WeChat ID
    AccountSpec("taobao-demo", "老周文玩工作室", "zh-Hans",
                "文玩手串、雕件，十年老店。售后找客服。",
                [(OFR, "ivory"), (OFR, "ivory"), (OFR, "hornbill"), (DCY, "")],
                contacts=[f"微信: {WX02}", f"V: {WX02}"], location="广东 广州", network="net-02"),
    AccountSpec("xianyu-demo", "南山收藏阁", "zh-Hans", f"个人闲置，诚心出。wx: {WX02}",
                [(OFR, "ivory"), (OFR, "pangolin"), (DMD, "ivory")], location="福建 莆田",
                network="net-02"),
    AccountSpec("telegram-channel", "yaliao_zhijia", "zh-Hans",
                f"牙料 甲片 鹤顶 一手货源。加薇: {WX02}（备注TG）",
                [(OFR, "ivory"), (OFR, "pangolin"), (OFR, "hornbill"), (OFR, "rhino_horn")],
                network="net-02"),
    AccountSpec("instagram", "jade.bone.art", "en",
                f"Hand carved art pieces 🐘 Ship from Guangzhou. WeChat: {WX02}",
                [(OFR, "ivory"), (OFR, "ivory")], location="Guangzhou", network="net-02"),
    # net-03: Thai live birds, primates and reptiles, tied by a LINE ID (and one phone)
    AccountSpec("facebook-marketplace", "ฟาร์มนกลุงชัย", "th",
                f"ขายนกสวยงาม ลูกป้อน เชื่องทุกตัว โทร {P03.national('-')}",
                [(OFR, "live_bird"), (OFR, "live_bird"), (OFR, "live_bird"), (ORD, "")],
                contacts=[f"ไลน์ {LINE03}", f"Line: @{LINE03}"], location="นนทบุรี",
                network="net-03"),
    AccountSpec("line-openchat", "สัตว์แปลก ส่งทั่วไทย", "th",
                f"Line ID: {LINE03} | ส่งได้ทุกจังหวัด",
                [(OFR, "live_primate"), (OFR, "live_primate"), (OFR, "live_reptile"),
                 (OFR, "live_bird"),
                 (OFR, "tiger")], location="กรุงเทพฯ", network="net-03"),
    AccountSpec("instagram", "exotic.pets.bkk", "en",
                f"Exotic pets Bangkok 🇹🇭 DM or Line: @{LINE03}",
                [(OFR, "live_primate"), (OFR, "live_reptile"), (OFR, "live_bird")],
                langs=["en", "en", "th"], location="Bangkok", network="net-03"),
    # net-04: Indonesian pangolin scales, agarwood, hornbill and live animals, tied by WhatsApp
    AccountSpec("kaskus-demo", "GaharuBorneoJaya", "id",
                f"Supplier gaharu alam Kalimantan. WA {P04.national('-')}",
                [(OFR, "agarwood"), (OFR, "agarwood"), (OFR, "agarwood"), (OFR, "pangolin")],
                location="Pontianak", network="net-04"),
    AccountSpec("facebook-marketplace", "Rudi Sisik Kalbar", "id",
                "Jual beli hasil hutan. Fast respon via WA.",
                [(OFR, "pangolin"), (OFR, "pangolin"), (OFR, "hornbill"), (ORD, "")],
                contacts=[P04.wa(), f"WA {P04.compact()}"], location="Singkawang",
                network="net-04"),
    AccountSpec("shopee-demo", "kerajinan.enggang", "id",
                "Kerajinan khas Dayak: ukiran, manik-manik, mandau.",
                [(OFR, "hornbill"), (DCY, ""), (OFR, "hornbill")], contacts=[P04.intl()],
                location="Samarinda", network="net-04"),
    AccountSpec("telegram-channel", "satwa_langka_nusantara", "id",
                f"Satwa & hasil hutan langka. Order: {P04.wa()}",
                [(OFR, "live_bird"), (OFR, "live_bird"), (OFR, "live_primate"), (OFR, "pangolin"),
                 (DMD, "rhino_horn")], network="net-04"),
    # net-05: rosewood (gỗ trắc, 黄花梨 / 红酸枝) from Vietnam to China, tied by an e-mail
    AccountSpec("chotot-demo", "Gỗ Trắc Tây Nguyên", "vi",
                f"Chuyên gỗ trắc, cẩm lai, gỗ hương. Email: {e(MAIL05)}",
                [(OFR, "rosewood"), (OFR, "rosewood"), (OFR, "rosewood")], location="Gia Lai",
                trap=1,
                network="net-05"),
    AccountSpec("facebook-marketplace", "Xưởng Mộc Đồng Kỵ", "vi",
                f"Xưởng đồ gỗ mỹ nghệ Đồng Kỵ. Zalo {P05B.national()}",
                [(OFR, "rosewood"), (OFR, "rosewood"), (DCY, ""), (ORD, "")],
                contacts=[f"mail: {e(MAIL05, 1)}", f"email {e(MAIL05, 4)}"], location="Bắc Ninh",
                trap=1, network="net-05"),
    AccountSpec("taobao-demo", "越南红木原料直供", "zh-Hans",
                f"越南、老挝红木原料，整柜出货。邮箱 {e(MAIL05, 2)}",
                [(OFR, "rosewood"), (OFR, "rosewood"), (OFR, "rosewood"), (OFR, "agarwood")],
                location="广西 凭祥", network="net-05"),
    # net-06: tiger bone glue and bear bile in Vietnam, tied by a Telegram handle
    AccountSpec("facebook-marketplace", "Cao Hổ Cốt Gia Truyền", "vi",
                f"Thuốc nam gia truyền 3 đời. Telegram @{TG06}",
                [(OFR, "tiger"), (OFR, "tiger"), (OFR, "bear_bile")], location="Nghệ An", trap=1,
                network="net-06"),
    AccountSpec("telegram-channel", "caoho_matgau_rung", "vi",
                f"Kenh chinh thuc: t.me/{TG06}",
                [(OFR, "bear_bile"), (OFR, "bear_bile"), (OFR, "tiger"), (OFR, "tiger")],
                plain=True,
                network="net-06"),
    AccountSpec("instagram", "thaoduoc.nui.rung", "vi", "🌿 Thảo dược núi rừng Tây Bắc 🌿",
                [(OFR, "bear_bile"), (OFR, "tiger"), (ORD, "")],
                contacts=[f"tele: {TG06}", f"Telegram: t.me/{TG06}"], location="Sơn La",
                network="net-06"),
    # net-07: Hong Kong shark fin and hawksbill shell, tied by an e-mail (and a phone)
    AccountSpec("carousell-demo", "海味世家 Dried Seafood", "zh-Hant",
                f"上環海味批發，歡迎查詢。WhatsApp {P07.intl()}",
                [(OFR, "shark_fin"), (OFR, "shark_fin"), (OFR, "shark_fin"), (ORD, "")],
                contacts=[e(MAIL07)], location="香港 上環", network="net-07"),
    AccountSpec("instagram", "hk.seafood.wholesale", "en",
                f"Dried seafood wholesale HK. Email {e(MAIL07)}",
                [(OFR, "shark_fin"), (OFR, "turtle_shell")], langs=["en", "zh-Hant"],
                location="Hong Kong", network="net-07"),
    AccountSpec("facebook-marketplace", "Ah Keung 海味批發", "zh-Hant",
                f"Email: {e(MAIL07, 4)}",
                [(OFR, "shark_fin"), (OFR, "turtle_shell"), (DCY, "")], location="九龍 深水埗",
                network="net-07"),
    # net-08: French "pre-1947" antiques (ivory, rhino horn cups, tortoiseshell), tied by e-mail
    AccountSpec("leboncoin-demo", "Antiquités du Vieux Port", "fr",
                f"Antiquaire, estimations gratuites. Tél. {P08.national()}",
                [(OFR, "ivory"), (OFR, "ivory"), (OFR, "rhino_horn"), (OFR, "turtle_shell")],
                contacts=[e(MAIL08, 1)], location="Marseille", network="net-08"),
    AccountSpec("instagram", "cabinet.curiosites", "fr",
                f"Cabinet de curiosités ✨ Contact : {e(MAIL08)}",
                [(OFR, "ivory"), (OFR, "ivory")], langs=["fr", "en"], location="Paris",
                network="net-08"),
    AccountSpec("facebook-marketplace", "Brocante Martin", "fr",
                "Brocante, débarras de maisons, successions.",
                [(OFR, "turtle_shell"), (DCY, ""), (ORD, "")],
                contacts=[P08.intl(), e(MAIL08, 2)], location="Aix-en-Provence",
                network="net-08"),
    # net-09: Brazilian and Mexican live birds, primates, reptiles, tied by a WhatsApp number
    AccountSpec("mercadolivre-demo", "Criadouro Asas do Norte", "pt",
                "Criadouro de aves. Atendimento pelo WhatsApp.",
                [(OFR, "live_bird"), (OFR, "live_bird"), (OFR, "live_bird"), (OFR, "live_reptile")],
                contacts=[f"({P09.parts()[0]}) {P09.parts()[1]}-{P09.parts()[2]}",
                          f"zap {P09.nsn}"], location="Belém", network="net-09"),
    AccountSpec("mercadolibre-demo", "Aves Exóticas del Sur", "es",
                f"Aves y mascotas exóticas. WhatsApp {P09.intl()}",
                [(OFR, "live_bird"), (OFR, "live_bird"), (OFR, "live_primate")],
                location="Tapachula",
                network="net-09"),
    AccountSpec("facebook-marketplace", "Zé dos Pássaros", "pt",
                f"Passarinheiro há 20 anos. Zap: {P09.wa()}",
                [(OFR, "live_bird"), (OFR, "live_primate"), (ORD, "")], location="Manaus",
                network="net-09"),
    AccountSpec("instagram", "pets.raros.br", "pt",
                "🦜🐒 Animais raros | Encomendas pelo direct",
                [(OFR, "live_primate"), (OFR, "live_reptile")], contacts=[f"WhatsApp {P09.intl()}"],
                network="net-09"),
    # net-10: East African ivory, rhino horn and pangolin, tied by a Bitcoin wallet and a phone
    AccountSpec("jiji-demo", "Mzee Crafts Arusha", "sw",
                f"Vinyago na vito vya asili. Simu {P10.national()}",
                [(OFR, "ivory"), (OFR, "ivory"), (OFR, "pangolin")], contacts=[f"BTC: {BTC10}"],
                location="Arusha", network="net-10"),
    AccountSpec("telegram-channel", "white_gold_ea", "en", f"Bulk only. Payment BTC: {BTC10}",
                [(OFR, "ivory"), (OFR, "ivory"), (OFR, "rhino_horn")], network="net-10"),
    AccountSpec("facebook-marketplace", "Baraka Curios", "sw",
                "Curio shop, Dar es Salaam.", [(OFR, "rhino_horn"), (OFR, "pangolin")],
                contacts=[f"BTC {BTC10}", f"WhatsApp {P10.intl()}"], langs=["sw", "en"],
                location="Dar es Salaam", network="net-10"),
    # net-11: ivory hanko seals between Japan and Taiwan, tied by a LINE ID
    AccountSpec("mercari-demo", "印鑑工房さくら", "ja",
                "手彫り印鑑の工房です。まとめ買いはLINEで。",
                [(OFR, "ivory"), (OFR, "ivory"), (OFR, "ivory"), (DCY, "")],
                contacts=[f"LINE ID: {LINE11}"], location="大阪府", network="net-11"),
    AccountSpec("line-openchat", "象牙印章 台灣代購", "zh-Hant",
                f"日本代購 印章 佛珠 Line ID: {LINE11}",
                [(OFR, "ivory"), (OFR, "ivory"), (DMD, "ivory")], location="台北市",
                network="net-11"),
    AccountSpec("shopee-demo", "日本印材專賣", "zh-Hant", "日本直送印材，品質保證。",
                [(OFR, "ivory"), (ORD, "")], contacts=[f"加Line: {LINE11}"], location="台中市",
                network="net-11"),
    # net-12: crypto-paid wholesaler (rhino horn, pangolin, agarwood), tied by wallet + Telegram
    AccountSpec("telegram-channel", "asia_rare_supply", "en",
                f"Wholesale only. t.me/{TG12} · ETH/USDT: {ETH12}",
                [(OFR, "rhino_horn"), (OFR, "pangolin"), (OFR, "agarwood"), (OFR, "ivory")],
                network="net-12"),
    AccountSpec("instagram", "natural.medicine.wholesale", "en", "Natural remedies 🌿 DM",
                [(OFR, "rhino_horn"), (OFR, "bear_bile")], contacts=[f"telegram @{TG12}"],
                network="net-12"),
    AccountSpec("carousell-demo", "RareRemedies SG", "en", "Traditional remedies. Crypto OK.",
                [(OFR, "agarwood"), (OFR, "pangolin")], contacts=[f"USDT (ERC20): {ETH12}"],
                location="Singapore", network="net-12"),
    AccountSpec("facebook-marketplace", "Minh Hoang Trading", "vi",
                f"Hang xach tay, thuoc quy. Tele: {TG12}",
                [(OFR, "rhino_horn"), (OFR, "pangolin")], plain=True, location="TP. Hồ Chí Minh",
                network="net-12"),
]

# accounts outside any network that still deal in wildlife (lang, platform, plan, trap)
LONE_TRADERS: list[tuple[str, str, list[tuple[str, str]], int]] = [
    ("vi", "chotot-demo", [(OFR, "ivory"), (OFR, "ivory")], 1),
    ("vi", "facebook-marketplace", [(OFR, "ivory")], 0),
    ("vi", "facebook-marketplace", [(OFR, "pangolin"), (OFR, "pangolin")], 1),
    ("vi", "chotot-demo", [(OFR, "live_primate"), (OFR, "live_reptile")], 0),
    ("vi", "chotot-demo", [(OFR, "agarwood")], 0),
    ("vi", "shopee-demo", [(OFR, "turtle_shell")], 0),
    ("vi", "facebook-marketplace", [(DMD, "rhino_horn")], 0),
    ("vi", "chotot-demo", [(DMD, "bear_bile")], 1),
    ("zh-Hans", "xianyu-demo", [(OFR, "rhino_horn")], 0),
    ("zh-Hans", "taobao-demo", [(OFR, "bear_bile"), (OFR, "shark_fin")], 0),
    ("zh-Hans", "xianyu-demo", [(OFR, "tiger")], 0),
    ("zh-Hans", "taobao-demo", [(OFR, "agarwood")], 0),
    ("zh-Hans", "xianyu-demo", [(DMD, "ivory")], 0),
    ("zh-Hant", "carousell-demo", [(OFR, "shark_fin")], 0),
    ("zh-Hant", "shopee-demo", [(OFR, "turtle_shell")], 0),
    ("zh-Hant", "carousell-demo", [(DMD, "turtle_shell")], 0),
    ("th", "facebook-marketplace", [(OFR, "ivory")], 0),
    ("th", "shopee-demo", [(OFR, "shark_fin")], 0),
    ("th", "facebook-marketplace", [(OFR, "live_reptile")], 0),
    ("th", "line-openchat", [(DMD, "live_primate")], 0),
    ("id", "facebook-marketplace", [(OFR, "rhino_horn"), (OFR, "tiger")], 0),
    ("id", "kaskus-demo", [(OFR, "shark_fin")], 0),
    ("id", "kaskus-demo", [(OFR, "turtle_shell")], 0),
    ("id", "facebook-marketplace", [(DMD, "agarwood")], 0),
    ("en", "facebook-marketplace", [(OFR, "live_bird")], 0),
    ("en", "instagram", [(OFR, "hornbill")], 0),
    ("en", "carousell-demo", [(OFR, "tiger")], 0),
    ("en", "facebook-marketplace", [(DMD, "rhino_horn")], 0),
    ("en", "instagram", [(OFR, "live_reptile")], 0),
    ("fr", "leboncoin-demo", [(DMD, "ivory")], 0),
    ("es", "mercadolibre-demo", [(OFR, "live_reptile")], 0),
    ("es", "facebook-marketplace", [(DMD, "live_bird")], 0),
    ("pt", "mercadolivre-demo", [(OFR, "rosewood")], 0),
    ("pt", "facebook-marketplace", [(DMD, "live_bird")], 0),
    ("sw", "jiji-demo", [(DMD, "ivory")], 0),
    ("ja", "mercari-demo", [(OFR, "live_reptile")], 0),
]

# how many decoy and ordinary listings to write per language (outside the networks)
FILLER: dict[str, tuple[int, int]] = {
    "vi": (22, 16), "zh-Hans": (15, 10), "zh-Hant": (11, 7), "th": (13, 9), "id": (13, 9),
    "en": (21, 12), "fr": (10, 6), "es": (9, 6), "pt": (9, 6), "sw": (3, 3), "ja": (6, 3),
}
# Vietnamese filler accounts whose listings quote the courier line
FILLER_TRAP = 8

NEUTRAL_CONTACT: dict[str, str] = {
    "vi": "Liên hệ: {sel}", "zh-Hans": "联系：{sel}", "zh-Hant": "聯絡：{sel}",
    "th": "ติดต่อ {sel}",
    "id": "Kontak: {sel}", "en": "Contact: {sel}", "fr": "Contact : {sel}", "es": "Contacto: {sel}",
    "pt": "Contato: {sel}", "sw": "Mawasiliano: {sel}", "ja": "連絡先：{sel}",
}
INSTAGRAM_TAGS: dict[str, list[str]] = {
    "vi": ["#shipcod", "#giare", "#hangmoi"], "zh-Hans": ["#好物", "#闲置"],
    "zh-Hant": ["#香港", "#好物"], "th": ["#ส่งทั่วไทย", "#ของดี"], "id": ["#jualbeli", "#murah"],
    "en": ["#forsale", "#deals", "#shoplocal"], "fr": ["#bonplan", "#occasion"],
    "es": ["#ventas", "#ofertas"], "pt": ["#vendas", "#promo"], "sw": ["#biashara"],
    "ja": ["#出品", "#おすすめ"],
}
# extra tags that wildlife traders add
TRADE_TAGS: dict[str, list[str]] = {
    "vi": ["#phongthuy", "#sutam", "#hanghiem", "#dogo"], "zh-Hans": ["#文玩", "#收藏"],
    "zh-Hant": ["#收藏", "#海味"], "th": ["#ของสะสม", "#สัตว์เลี้ยง", "#สัตว์แปลก"],
    "id": ["#koleksi", "#langka"], "en": ["#collector", "#rare", "#exoticpets", "#wholesale"],
    "fr": ["#antiquites", "#cabinetdecuriosites"], "es": ["#mascotas", "#exoticos"],
    "pt": ["#pets", "#raridade"], "sw": ["#sanaa"], "ja": ["#コレクション", "#骨董"],
}
CJK = ("zh-Hans", "zh-Hant", "ja")
SPECIAL_REGION = {"net-02": "CN", "net-03": "TH", "net-07": "HK", "net-10": "TZ", "net-11": "TW",
                  "net-12": "SG"}


@dataclass
class Account:
    platform: str
    seller: str
    lang: str
    info: str
    plan: list[tuple[str, str]]
    contacts: list[str]
    location: str
    plain: bool
    langs: list[str]
    trap_slots: set[int]
    network: str
    region: str
    image_pool: list[str]


@dataclass
class Record:
    platform: str
    url: str
    seller: str
    seller_info: str
    title: str
    text: str
    price: str
    location: str
    posted_at: str
    images: list[str]
    label: str
    commodity: str
    language: str
    network: str
    account: str
    id: str = ""
    carries_contact: bool = False  # a selector planted in the text (not the profile)


def fitting(bodies: list[str], title_index: int) -> list[str]:
    """The sentences that fit titles[title_index]: "@02 text" fits titles 0 and 2 only."""
    out = []
    for body in bodies:
        if body.startswith("@"):
            marker, body = body[1:].split(" ", 1)
            if str(title_index) not in marker:
                continue
        out.append(body)
    return out


def strip_marks(text: str) -> str:
    """Vietnamese as many traders type it: no diacritics."""
    t = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in t if not unicodedata.combining(c)))


class Deck:
    """Draw items evenly: every item once before any item twice."""

    def __init__(self, rng: random.Random, items: Sequence[Item]) -> None:
        self.rng, self.items, self.pile = rng, list(items), list[int]()

    def draw(self) -> Item:
        if not self.pile:
            self.pile = list(range(len(self.items)))
            self.rng.shuffle(self.pile)
        return self.items[self.pile.pop()]


class Corpus:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.names: set[str] = set()
        self.decks: dict[tuple[str, str], Deck] = {}
        self.records: list[Record] = []

    # ---- accounts ------------------------------------------------------------------------

    def unique_name(self, lang: str, platform: str) -> str:
        rng = self.rng
        for _ in range(200):
            core = rng.choice(NAME_CORES[lang])
            handle_style = platform in ("instagram", "telegram-channel")
            if handle_style or (lang == "vi" and rng.random() < 0.2):
                base = slugify(core) or rng.choice(HANDLE_STEMS[lang])
                sep = "_" if platform == "telegram-channel" else rng.choice("._")
                name = base.replace("-", sep) + sep + str(rng.randrange(10, 99))
            else:
                name = rng.choice(NAME_FORMS[lang]).replace("{c}", core)
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("ran out of seller names")

    def own_contact(self, lang: str, region: str, seller: str, phone: bool = False) -> str:
        rng = self.rng
        roll = rng.random()
        if phone or roll < 0.6:
            return phone_variant(rng, random_phone(rng, region))
        if roll < 0.8:
            stem = slugify(seller) or rng.choice(HANDLE_STEMS[lang])
            user = stem.replace("-", ".") + str(rng.randrange(10, 99))
            return obfuscate_email(user, rng.choice(["example.com", "example.org", "example.net"]),
                                   rng.choice([0, 0, 0, 1, 2]))
        stem = slugify(seller) or rng.choice(HANDLE_STEMS[lang])
        handle = stem.replace("-", "_").replace(".", "_") + str(rng.randrange(100, 999))
        if lang == "zh-Hans":
            return f"微信 {handle}"
        if lang in ("th", "ja", "zh-Hant"):
            return f"Line ID: {handle}"
        return f"telegram @{handle}"

    def blurb(self, lang: str, region: str, seller: str) -> tuple[str, list[str]]:
        text = self.rng.choice(BLURBS[lang])
        if "{phone}" in text:
            return text.replace("{phone}", self.own_contact(lang, region, seller, True)), []
        if "{contact}" in text:
            contact = self.own_contact(lang, region, seller)
            return text.replace("{contact}", contact), []
        if self.rng.random() < 0.35:
            return text, [self.own_contact(lang, region, seller)]
        return text, []

    def network_accounts(self) -> list[Account]:
        out: list[Account] = []
        pools: dict[str, list[str]] = {}
        for spec in NETWORKS:
            self.names.add(spec.seller)
            pool = pools.setdefault(
                spec.network, [image_url(self.rng, spec.platform) for _ in range(3)]
            )
            region = LANG_REGIONS[spec.lang][0]
            if spec.lang in ("zh-Hant", "en", "sw", "zh-Hans"):
                region = SPECIAL_REGION.get(spec.network, region)
            n = len(spec.plan)
            out.append(Account(spec.platform, spec.seller, spec.lang, spec.info, spec.plan,
                               spec.contacts, spec.location, spec.plain, spec.langs,
                               set(self.rng.sample(range(n), spec.trap)), spec.network, region,
                               pool))
        return out

    def lone_accounts(self) -> list[Account]:
        out: list[Account] = []
        for lang, platform, plan, trap in LONE_TRADERS:
            region = region_for(self.rng, lang, platform)
            seller = self.unique_name(lang, platform)
            info, contacts = self.blurb(lang, region, seller)
            loc = "" if platform == "telegram-channel" else self.rng.choice(CITIES[region])
            out.append(Account(platform, seller, lang, info, plan, contacts, loc,
                               lang == "vi" and self.rng.random() < 0.3, [],
                               set(self.rng.sample(range(len(plan)), trap)), "", region, []))
        return out

    def filler_accounts(self) -> list[Account]:
        out: list[Account] = []
        trap_left = FILLER_TRAP
        for lang, (n_decoy, n_ordinary) in FILLER.items():
            labels = [DCY] * n_decoy + [ORD] * n_ordinary
            self.rng.shuffle(labels)
            while labels:
                size = min(len(labels), self.rng.choice([1, 1, 1, 2, 2, 2, 3, 3, 4]))
                plan = [(lab, "") for lab in labels[:size]]
                labels = labels[size:]
                platform = self.rng.choice(LANG_PLATFORMS[lang])
                region = region_for(self.rng, lang, platform)
                seller = self.unique_name(lang, platform)
                info, contacts = self.blurb(lang, region, seller)
                trap: set[int] = set()
                if lang == "vi" and trap_left > 0:
                    trap = {0}
                    trap_left -= 1
                out.append(Account(platform, seller, lang, info, plan, contacts,
                                   self.rng.choice(CITIES[region]),
                                   lang == "vi" and self.rng.random() < 0.25, [], trap, "",
                                   region, []))
        return out

    # ---- listings ------------------------------------------------------------------------

    def deck(self, kind: str, lang: str) -> Deck:
        key = (kind, lang)
        if key not in self.decks:
            source = DECOYS if kind == DCY else ORDINARY
            self.decks[key] = Deck(self.rng, source[lang])
        return self.decks[key]

    def contact_sentence(self, lang: str, sel: str) -> str:
        if sel[:1].isdigit() or sel[:1] in "+(" or sel.startswith("wa.me"):
            return self.rng.choice(GENERIC[lang]["contact"]).replace("{sel}", sel)
        if ":" in sel or self.rng.random() < 0.5:
            return sel
        return NEUTRAL_CONTACT[lang].replace("{sel}", sel)

    def price(self, lang: str, acct: Account, label: str, usd: tuple[float, float]) -> str:
        rng = self.rng
        if label in (OFR, DMD) and rng.random() < (0.3 if label == OFR else 0.8):
            return rng.choice(ON_REQUEST[lang])
        lo, hi = usd
        value = lo * (hi / lo) ** rng.random()
        return format_price(rng, currency_for(lang, acct.region), value)

    def compose(self, acct: Account, label: str, commodity: str, lang: str, *,
                want_contact: bool, trap: bool) -> tuple[str, list[str], tuple[float, float]]:
        rng = self.rng
        g = GENERIC[lang]
        lead: list[str] = []
        tail: list[str] = []
        if label == OFR:
            titles, bodies = OFFERS[lang][commodity]
            t = rng.randrange(len(titles))
            title = titles[t]
            fits = fitting(bodies, t)
            core = rng.sample(fits, min(len(fits), rng.choice([1, 1, 2, 2, 2, 3])))
            if rng.random() < 0.18:
                lead.append(rng.choice(g["open"]))
            if rng.random() < 0.3:
                kinds = ["cites"]
                if commodity in ("ivory", "rhino_horn", "turtle_shell", "tiger"):
                    kinds += ["antique", "antique"]
                if commodity == "ivory":
                    kinds += ["mammoth", "mammoth"]
                tail.append(rng.choice(g[rng.choice(kinds)]))
            if rng.random() < 0.5:
                tail.append(rng.choice(g["ship_covert" if rng.random() < 0.6 else "ship"]))
            if rng.random() < 0.2:
                tail.append(rng.choice(g["pay"]))
            if rng.random() < 0.4:
                tail.append(rng.choice(g["inbox"]))
            usd: tuple[float, float] = OFFER_USD[commodity]
        elif label == DMD:
            titles, bodies = DEMAND[lang]
            item = rng.choice(TERMS[lang][commodity])
            title = rng.choice(titles).replace("{item}", item)
            first = [b for b in bodies if "{item}" in b]
            rest = [b for b in bodies if "{item}" not in b]
            core = [rng.choice(first).replace("{item}", item)]
            if rest and rng.random() < 0.5:
                core.append(rng.choice(rest))
            usd = OFFER_USD[commodity]
        else:
            titles, bodies, usd_i = self.deck(label, lang).draw()
            t = rng.randrange(len(titles))
            title = titles[t]
            fits = fitting(bodies, t)
            core = rng.sample(fits, min(len(fits), rng.choice([1, 2, 2, 3, 4])))
            if rng.random() < 0.35:
                tail.append(rng.choice(g["ship"]))
            usd = (float(usd_i[0]), float(usd_i[1]))
        rng.shuffle(tail)
        parts = lead + core + tail
        if trap:
            parts.insert(rng.randrange(1, len(parts) + 1), rng.choice(TRAP_LINES))
        if want_contact:
            sel = rng.choice(acct.contacts)
            parts.append(self.contact_sentence(lang, sel))
        while len(parts) > 6:
            # keep the first and the planted lines; drop a middle sentence
            droppable = [i for i in range(1, len(parts) - 1)
                         if parts[i] not in TRAP_LINES]
            del parts[droppable[-1]]
        return title, parts, usd

    def join(self, lang: str, platform: str, parts: list[str]) -> str:
        if platform == "telegram-channel":
            bullet = self.rng.choice(["", "✅ ", "▪️ ", "- "])
            return "\n".join(bullet + p for p in parts)
        if lang in CJK:
            out = ""
            for p in parts:
                if out and out[-1] not in "。！？!?）)":
                    out += " "
                out += p
            return out
        return " ".join(parts)

    def listing(self, acct: Account, index: int, label: str, commodity: str) -> Record:
        rng = self.rng
        lang = acct.langs[index] if acct.langs else acct.lang
        last = index == len(acct.plan) - 1
        used = any(r.account == f"{acct.platform}:{acct.seller}" and
                   any(c in r.text for c in acct.contacts) for r in self.records)
        want = bool(acct.contacts) and (rng.random() < (0.6 if label in (OFR, DMD) else 0.3)
                                         or (last and not used))
        title, parts, usd = self.compose(acct, label, commodity, lang, want_contact=want,
                                         trap=index in acct.trap_slots)
        text = self.join(lang, acct.platform, parts)
        if acct.platform == "instagram":
            tags = INSTAGRAM_TAGS[lang] + (TRADE_TAGS[lang] if label in (OFR, DMD) else [])
            text += "\n\n" + " ".join(rng.sample(tags, min(3, len(tags))))
        if acct.plain and lang == "vi":
            title, text = strip_marks(title), strip_marks(text)
        images: list[str] = []
        if rng.random() > 0.08:
            images = [image_url(rng, acct.platform) for _ in range(rng.choice([1, 1, 2, 3]))]
        if acct.image_pool and rng.random() < 0.35:
            images[:0] = [rng.choice(acct.image_pool[:2])]
        day = rng.randrange(0, 547)
        y, doy = (2024, day) if day < 366 else (2025, day - 366)
        posted = f"{y}-{_month_day(y, doy)}"
        return Record(
            platform=acct.platform, url=make_url(rng, acct.platform, acct.seller, title),
            seller=acct.seller, seller_info=acct.info, title=title, text=text,
            price=self.price(lang, acct, label, usd), location=acct.location,
            posted_at=posted, images=images, label=label, commodity=commodity if label in (OFR, DMD)
            else "", language=lang, network=acct.network,
            account=f"{acct.platform}:{acct.seller}", carries_contact=want,
        )

    def build(self) -> list[Record]:
        accounts = self.network_accounts() + self.lone_accounts() + self.filler_accounts()
        for acct in accounts:
            for i, (label, commodity) in enumerate(acct.plan):
                self.records.append(self.listing(acct, i, label, commodity))
        return self.records


def _month_day(year: int, doy: int) -> str:
    days = [31, 29 if year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    m = 0
    while doy >= days[m]:
        doy -= days[m]
        m += 1
    return f"{m + 1:02d}-{doy + 1:02d}"

# --------------------------------------------------------------------------------------------
# Other input formats: CSV, single HTML pages, a WARC capture
# --------------------------------------------------------------------------------------------

JSONL_FIELDS = ("id", "platform", "url", "seller", "seller_info", "title", "text", "price",
                "location", "posted_at", "images")
CSV_FIELDS = ("id", "platform", "url", "seller", "seller_info", "title", "description", "price",
              "location", "posted_at")
LABEL_FIELDS = ("id", "label", "commodity", "language", "network", "account")

CURRENCY_CODES = {"đ": "VND", "VND": "VND", "¥": "CNY", "元": "CNY", "￥": "CNY", "บาท": "THB",
                  "฿": "THB", "Rp": "IDR", "€": "EUR", "R$": "BRL", "HK$": "HKD", "NT$": "TWD",
                  "S$": "SGD", "US$": "USD", "円": "JPY", "TSh": "TZS", "Tsh": "TZS", "TZS": "TZS",
                  "KSh": "KES", "Ksh": "KES", "KES": "KES", "MXN": "MXN", "pesos": "MXN",
                  "USD": "USD", "RM": "MYR"}


def split_price(price: str) -> tuple[str, str]:
    """(amount, ISO currency) for structured markup; best effort, for the demo pages only."""
    code = ""
    for sym, iso in CURRENCY_CODES.items():
        if sym in price:
            code = iso
            break
    if m := re.search(r"(\d+)tr(\d?)", price):
        return str(int(m[1]) * 1_000_000 + int(m[2] or 0) * 100_000), code or "VND"
    if m := re.search(r"(\d+)k\b", price):
        return str(int(m[1]) * 1000), code or "VND"
    if m := re.search(r"([\d,]+)jt", price):
        return str(round(float(m[1].replace(",", ".")) * 1_000_000)), "IDR"
    return re.sub(r"[^0-9]", "", re.sub(r",00$", "", price)), code


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def paragraphs(text: str) -> str:
    return "\n".join(f"    <p>{esc(line)}</p>" for line in text.split("\n") if line.strip())


def page_jsonld(r: Record, lang: str) -> str:
    amount, code = split_price(r.price)
    data = {
        "@context": "https://schema.org", "@type": "Product", "name": r.title,
        "description": r.text, "image": r.images, "url": r.url,
        "offers": {"@type": "Offer", "price": amount, "priceCurrency": code,
                   "availability": "https://schema.org/InStock",
                   "seller": {"@type": "Organization", "name": r.seller,
                              "description": r.seller_info}},
    }
    ld = json.dumps(data, ensure_ascii=False, indent=2)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
  <meta charset="utf-8">
  <title>{esc(r.title)} | {esc(r.platform)}</title>
  <script type="application/ld+json">
{ld}
  </script>
</head>
<body>
  <header><a href="/">{esc(r.platform)}</a></header>
  <main>
    <h1 class="ad-title">{esc(r.title)}</h1>
    <div class="ad-price">{esc(r.price)}</div>
    <div class="ad-body">
{paragraphs(r.text)}
    </div>
    <aside class="seller">
      <strong>{esc(r.seller)}</strong>
      <p>{esc(r.seller_info)}</p>
      <span class="location">{esc(r.location)}</span>
    </aside>
    <time datetime="{r.posted_at}">{r.posted_at}</time>
  </main>
</body>
</html>
"""


def page_opengraph(r: Record, lang: str, charset: str) -> str:
    amount, code = split_price(r.price)
    imgs = "\n".join(f'  <meta property="og:image" content="{esc(u)}">' for u in r.images)
    pics = "\n".join(f'      <img src="{esc(u)}" alt="">' for u in r.images)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
  <meta charset="{charset}">
  <title>{esc(r.title)}</title>
  <meta property="og:type" content="product">
  <meta property="og:title" content="{esc(r.title)}">
  <meta property="og:description" content="{esc(r.text)}">
  <meta property="og:url" content="{esc(r.url)}">
{imgs}
  <meta property="product:price:amount" content="{amount}">
  <meta property="product:price:currency" content="{code}">
</head>
<body>
  <div id="item">
    <div class="item-title">{esc(r.title)}</div>
    <div class="item-price">{esc(r.price)}</div>
    <div class="item-desc">
{paragraphs(r.text)}
    </div>
    <div class="gallery">
{pics}
    </div>
  </div>
  <div class="shop-card">
    <div class="shop-name">{esc(r.seller)}</div>
    <div class="shop-intro">{esc(r.seller_info)}</div>
    <div class="shop-area">{esc(r.location)}</div>
    <div class="pub-date">{r.posted_at}</div>
  </div>
</body>
</html>
"""


def page_microdata(r: Record, lang: str) -> str:
    amount, code = split_price(r.price)
    pics = "\n".join(f'    <img itemprop="image" src="{esc(u)}" alt="">' for u in r.images)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
  <meta http-equiv="Content-Type" content="text/html; charset=utf-8">
  <title>{esc(r.title)}</title>
</head>
<body>
  <div itemscope itemtype="https://schema.org/Product">
    <h2 itemprop="name">{esc(r.title)}</h2>
{pics}
    <div itemprop="description">
{paragraphs(r.text)}
    </div>
    <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
      <span>{esc(r.price)}</span>
      <meta itemprop="price" content="{amount}">
      <meta itemprop="priceCurrency" content="{code}">
      <div itemprop="seller" itemscope itemtype="https://schema.org/Person">
        <span itemprop="name">{esc(r.seller)}</span>
        <span itemprop="description">{esc(r.seller_info)}</span>
      </div>
      <span itemprop="availableAtOrFrom">{esc(r.location)}</span>
    </div>
    <link itemprop="url" href="{esc(r.url)}">
    <time>{r.posted_at}</time>
  </div>
</body>
</html>
"""


def page_plain(r: Record, lang: str) -> str:
    pics = "\n".join(f'  <img src="{esc(u)}" width="320">' for u in r.images)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{esc(r.title)} - {esc(r.platform)}</title>
<link rel="canonical" href="{esc(r.url)}">
</head>
<body>
<h1>{esc(r.title)}</h1>
<p class="price">Prix : {esc(r.price)}</p>
<div class="description">
{paragraphs(r.text)}
</div>
{pics}
<div class="vendeur">Vendeur : <b>{esc(r.seller)}</b> &mdash; {esc(r.seller_info)}</div>
<div class="lieu">{esc(r.location)}</div>
<div class="date">Publiée le {r.posted_at}</div>
</body>
</html>
"""


def page_warc(r: Record, lang: str) -> str:
    pics = "".join(f'<img src="{esc(u)}">' for u in r.images)
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{esc(r.title)}</title></head>
<body><div class="post"><h1>{esc(r.title)}</h1>
<div class="post-price">{esc(r.price)}</div>
<div class="post-text">{esc(r.text).replace(chr(10), "<br>")}</div>{pics}
<div class="post-author"><a class="name">{esc(r.seller)}</a>
<span class="bio">{esc(r.seller_info)}</span></div>
<div class="post-meta">{esc(r.location)} · {r.posted_at}</div></div></body></html>
"""


HTML_LANG = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}


def pick(records: list[Record], taken: set[int], cond: Callable[[Record], bool]) -> int:
    """The first free record matching cond; never one whose text holds a network's selector,
    so every network stays linkable inside listings.jsonl alone."""
    for i, r in enumerate(records):
        if i not in taken and cond(r) and "\n" not in r.text and not r.carries_contact:
            taken.add(i)
            return i
    raise LookupError("no record matches")


def of_network(net: str) -> Callable[[Record], bool]:
    return lambda r: r.network == net


def record_id(n: int) -> str:
    return f"demo-{n:04d}"


def warc_id(*parts: str) -> str:
    h = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"<urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}>"


def write_warc(path: Path, records: list[Record]) -> list[str]:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    info = (b"software: wildtrace scripts/make_demo_corpus.py\r\n"
            b"format: WARC File Format 1.0\r\n"
            b"description: WildTrace demo capture; fictional pages, no real site\r\n")
    info_headers = StatusAndHeaders("", [
        ("WARC-Type", "warcinfo"), ("WARC-Record-ID", warc_id("warcinfo")),
        ("WARC-Filename", "capture.warc.gz"), ("WARC-Date", "2025-05-01T09:00:00Z"),
    ], protocol="WARC/1.0")
    writer.write_record(writer.create_warc_record(
        "", "warcinfo", payload=io.BytesIO(info), length=len(info),
        warc_content_type="application/warc-fields", warc_headers=info_headers))
    uris = []
    for n, r in enumerate(records, 1):
        date = f"2025-05-0{n + 1}T10:{10 * n:02d}:00Z"
        body = page_warc(r, HTML_LANG.get(r.language, r.language)).encode("utf-8")
        host = r.url.split("/")[2]
        path_q = "/" + r.url.split("/", 3)[3]
        resp_id = warc_id("response", r.url)
        http = StatusAndHeaders("200 OK", [
            ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
            ("Date", "Thu, 01 May 2025 10:00:00 GMT"), ("Server", "demo"),
        ], protocol="HTTP/1.1")
        resp = writer.create_warc_record(
            r.url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict={"WARC-Record-ID": resp_id, "WARC-Date": date})
        req_http = StatusAndHeaders(f"GET {path_q} HTTP/1.1", [
            ("Host", host), ("User-Agent", "WildTrace-demo/0.1"), ("Accept", "text/html"),
        ], is_http_request=True)
        req = writer.create_warc_record(
            r.url, "request", http_headers=req_http,
            warc_headers_dict={"WARC-Record-ID": warc_id("request", r.url), "WARC-Date": date,
                               "WARC-Concurrent-To": resp_id})
        writer.write_record(req)
        writer.write_record(resp)
        uris.append(r.url)
    path.write_bytes(buf.getvalue())
    return uris


SOURCE_TEXT = """\
WildTrace demo corpus (listings.jsonl, labels.csv, more/).
Written for WildTrace by scripts/make_demo_corpus.py; no text was taken from any site.
All shops, sellers, handles, e-mails (example.com/.org/.net), wallets, sites are fictional.
Phones are random numbers in valid ranges (fiction ranges for FR, US); any match is chance.
Wallet addresses have valid checksums but come from hashes: no key exists for them.
labels.csv is the ground truth: offer/demand/decoy/ordinary, commodity, language, network.
Licence: Apache-2.0, the same as the WildTrace package.
Regenerate: python scripts/make_demo_corpus.py (deterministic: byte-identical output).
"""


def check_banks() -> None:
    """Every title must have at least one sentence that fits it."""
    for lang, by_commodity in OFFERS.items():
        for commodity, (titles, bodies) in by_commodity.items():
            for t in range(len(titles)):
                assert fitting(bodies, t), (lang, commodity, titles[t])
    for bank in (DECOYS, ORDINARY):
        for lang, items in bank.items():
            for titles, bodies, _ in items:
                for t in range(len(titles)):
                    assert fitting(bodies, t), (lang, titles[t])


def write_corpus(out: Path) -> dict[str, list[Record]]:
    check_banks()
    corpus = Corpus()
    records = corpus.build()
    rng = random.Random(SEED + 1)
    taken: set[int] = set()

    # single pages, each a different markup
    pages = [
        ("vi-nga-voi.html", "jsonld", "utf-8",
         lambda r: r.network == "net-01" and r.label == OFR and r.commodity == "ivory"
         and r.language == "vi" and r.platform == "chotot-demo"),
        ("zh-chuanshanjia.html", "opengraph", "gb18030",
         lambda r: r.network == "net-02" and r.commodity == "pangolin" and r.label == OFR),
        ("th-item.html", "microdata", "utf-8", lambda r: r.language == "th" and r.label == DCY),
        ("fr-annonce.html", "plain", "utf-8", lambda r: r.language == "fr" and r.label == DCY),
        ("pt-anuncio.html", "opengraph", "utf-8",
         lambda r: r.network == "net-09" and r.language == "pt" and r.label == OFR),
    ]
    page_idx = [(name, kind, cs, pick(records, taken, cond)) for name, kind, cs, cond in pages]
    warc_conds: list[Callable[[Record], bool]] = [
        lambda r: r.network == "net-12" and r.label == OFR,
        lambda r: r.network == "net-04" and r.label == OFR,
        lambda r: r.language == "id" and r.label == DCY,
        lambda r: r.language == "es" and r.label == ORD,
    ]
    warc_idx = [pick(records, taken, cond) for cond in warc_conds]

    # CSV: ~20 rows drawn across labels, some from the networks
    csv_idx: list[int] = []
    for net in ("net-01", "net-03", "net-05", "net-08", "net-11"):
        csv_idx.append(pick(records, taken, of_network(net)))
    for label, count in ((OFR, 2), (DMD, 1), (DCY, 7), (ORD, 5)):
        pool = [i for i, r in enumerate(records)
                if i not in taken and r.label == label and not r.network and "\n" not in r.text]
        for i in rng.sample(pool, count):
            taken.add(i)
            csv_idx.append(i)
    rng.shuffle(csv_idx)

    main = [r for i, r in enumerate(records) if i not in taken]
    rng.shuffle(main)
    for n, r in enumerate(main, 1):
        r.id = record_id(n)
    next_id = len(main) + 1

    out.mkdir(parents=True, exist_ok=True)
    (out / "more" / "pages").mkdir(parents=True, exist_ok=True)
    for stale in (out / "more" / "pages").glob("*.html"):
        stale.unlink()
    labels: list[tuple[str, Record]] = []

    with (out / "listings.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for r in main:
            row = {k: getattr(r, k) for k in JSONL_FIELDS}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            labels.append((r.id, r))

    blank = set(rng.sample(range(len(csv_idx)), 5))
    csv_rows: list[Record] = []
    with (out / "more" / "shops.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(CSV_FIELDS)
        for n, i in enumerate(csv_idx):
            r = records[i]
            if n in blank:
                r.id = ""
                key = f"more/shops.csv:{n + 2}"
            else:
                r.id = record_id(next_id)
                next_id += 1
                key = r.id
            w.writerow([r.id, r.platform, r.url, r.seller, r.seller_info, r.title, r.text,
                        r.price, r.location, r.posted_at])
            labels.append((key, r))
            csv_rows.append(r)

    page_records: list[Record] = []
    for name, kind, charset, i in page_idx:
        r = records[i]
        lang = HTML_LANG.get(r.language, r.language)
        if kind == "jsonld":
            doc = page_jsonld(r, lang)
        elif kind == "opengraph":
            doc = page_opengraph(r, lang, charset)
        elif kind == "microdata":
            doc = page_microdata(r, lang)
        else:
            doc = page_plain(r, lang)
        (out / "more" / "pages" / name).write_bytes(doc.encode(charset))
        labels.append((f"more/pages/{name}", r))
        page_records.append(r)

    warc_records = [records[i] for i in warc_idx]
    for uri, r in zip(write_warc(out / "more" / "capture.warc.gz", warc_records), warc_records,
                      strict=True):
        labels.append((f"more/capture.warc.gz:{uri}", r))

    with (out / "labels.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(LABEL_FIELDS)
        for key, r in labels:
            w.writerow([key, r.label, r.commodity, r.language, r.network, r.account])

    (out / "SOURCE.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    return {"jsonl": main, "csv": csv_rows, "pages": page_records, "warc": warc_records}


def summary(parts: dict[str, list[Record]]) -> str:
    everything = [r for rs in parts.values() for r in rs]
    lines = [f"{k}: {len(v)}" for k, v in parts.items()] + [f"total: {len(everything)}"]
    for name, key in (("label", "label"), ("language", "language"), ("platform", "platform"),
                      ("commodity", "commodity"), ("network", "network")):
        counts: dict[str, int] = {}
        for r in everything:
            v = getattr(r, key) or "-"
            counts[v] = counts.get(v, 0) + 1
        cells = ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
        lines.append(f"{name}: {cells}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    parts = write_corpus(args.out)
    print(summary(parts))


if __name__ == "__main__":
    main()
