"""A synthetic, reproducible training and held-out corpus for the learned detector.

Written by the WildTrace team for this purpose (no scraped text): short listings and
social posts in the twelve language tags the lexicon covers, built from phrase slots.
Positives offer a wildlife or timber product; negatives are the hard look-alikes that
fool a keyword list (ivory as a colour or a place, Ivory soap, "ivory tower", faux or
resin ivory, plush and toy animals, Tiger Balm and Tiger beer, rosewood-colour
furniture, plastic piano key tops, shark toys, fossil shark teeth, Shark vacuum
cleaners ...) and thousands of ordinary posts.

Every slot list is split by position into a ``train`` half (even items) and a
``heldout`` half (odd items), and the two splits use different sentence templates, so
that the held-out figures measure generalisation to unseen wording rather than recall
of the training sentences. The same seed always gives the same corpus.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

SPLITS = ("train", "heldout")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled synthetic listing."""

    id: str
    title: str
    text: str
    price: str | None
    label: int  # 1 = offers (or asks for) a wildlife/timber product
    commodity: str | None
    language: str
    family: str  # "offer", "demand", a hard-negative family, or "ordinary"
    shape: str  # "social_ivory_en", "shark_ray_market", "multilingual"


def _half(items: Sequence[str], split: str) -> list[str]:
    """The train (even positions) or heldout (odd positions) half of a slot list."""
    if len(items) < 2:
        return list(items)
    return list(items[0::2] if split == "train" else items[1::2])


# --------------------------------------------------------------------------- English
EN_SALE = [
    "for sale",
    "DM for price",
    "selling",
    "PM me for price",
    "available now",
    "serious buyers only",
    "in stock",
    "inbox for details",
    "ready to ship",
    "price negotiable",
    "worldwide shipping",
    "message me if interested",
    "buy it now",
    "open to offers",
    "collect or post",
    "first come first served",
]
EN_IVORY = [
    "ivory",
    "real ivory",
    "genuine ivory",
    "old ivory",
    "solid ivory",
    "elephant ivory",
    "raw ivory",
    "african ivory",
    "ivory pieces",
    "antique ivory",
    "antique ivory netsuke",
    "carved ivory figurine",
    "elephant ivory bangle",
    "ivory tusk carving",
    "mammoth ivory carving",
    "ivory chopsticks",
    "19th century ivory box",
    "ivory mahjong set",
    "ivory cane handle",
    "solid ivory bracelet",
    "ivory seal stamp",
    "ivory okimono",
    "antique ivory billiard balls",
    "ivory bead necklace",
    "Chinese ivory puzzle ball",
    "pair of elephant tusks",
    "walrus ivory scrimshaw",
    "carved mammoth tusk",
    "ivory hairpin",
    "ivory letter opener",
    "ivory rosary",
    "ivory Buddha statue",
    "ivory snuff bottle",
    "raw ivory tusk 3kg",
    "ivory piano key tops, real ivory",
    "ivory inlaid jewellery box",
    "carved ivory elephant bridge",
    "ivory brush pot",
    "ivory guanyin figure",
    "ivory tusk section",
    "ivory handled knife",
    "ivory belt buckle",
    "ivory buttons, genuine",
    "ivory dice set",
    "ivory comb, carved",
    "ivory pendant, hand carved",
    "ivory card case",
    "ivory fan, pierced",
    "ivory crucifix",
    "ivory chess set, carved",
    "mammoth ivory pendant",
    "mammoth tusk tip",
    "ivory tea caddy",
    "ivory plaque, carved",
    "ivory walking stick handle",
    "ivory portrait miniature",
    "ivory earrings, real",
    "ivory cufflinks",
    "ivory vase, carved",
    "ivory tusk bookends",
]
EN_IVORY_DETAIL = [
    "pre-1947, comes with provenance",
    "hand carved, very fine detail",
    "estate find",
    "from my grandfather's collection",
    "heavy and cold to the touch",
    "Schreger lines visible",
    "no CITES paperwork",
    "legal antique, pre-ban",
    "genuine not resin",
    "old patina",
    "Qing dynasty style",
    "signed by the carver",
    "about 12 cm tall",
    "rare piece",
    "with stand",
]
EN_SOCIAL_POS = [
    "Just listed: {item}. {detail}. {sale}!",
    "Auction tonight - lot 42, {item}, {detail}. {sale}",
    "Selling my {item} ({detail}). {sale} {tag}",
    "Beautiful {item}, {detail}. {sale} {tag}",
    "New in the shop: {item}. {detail}. {price}",
    "{tag} {item} - {detail} - {sale}",
    "Estate sale this weekend, includes {item}. {detail}.",
    "Who wants this {item}? {detail}. {sale}",
]
EN_IVORY_TAGS = [
    "#antiques",
    "#ivory",
    "#netsuke",
    "#carving",
    "#auction",
    "#collectibles",
    "#asianart",
    "#mammothivory",
    "#vintage",
    "#estatesale",
]
# ivory that is not the material
EN_IVORY_NEG = {
    "colour": [
        "my new ivory wedding dress",
        "ivory lace bridesmaid dresses",
        "the nursery painted in ivory",
        "an ivory knit sweater",
        "ivory linen curtains",
        "ivory roses for the bouquet",
        "ivory cardstock invitations",
        "an ivory leather sofa",
        "ivory and gold table setting",
        "ivory silk blouse",
        "ivory ceramic tiles for the bathroom",
        "an ivory cashmere scarf",
        "ivory satin heels",
        "ivory white kitchen cabinets",
        "a cream and ivory colour scheme",
        "ivory bedding set",
        "ivory chiffon gown",
        "ivory wool coat",
        "ivory paint, two coats",
        "ivory wrapping paper",
        "ivory tulle veil",
        "ivory throw pillows",
        "ivory cotton tablecloth",
        "ivory velvet armchair",
        "ivory hydrangeas",
        "ivory envelopes",
        "ivory baby blanket",
        "ivory pearl earrings",
        "ivory bath towels",
        "ivory sneakers",
        "ivory rug for the living room",
        "an ivory suit for the groom",
        "ivory ribbon",
        "ivory candles",
        "ivory nail polish",
        "ivory kitchen backsplash",
        "ivory crochet top",
        "ivory lampshade",
        "ivory shower curtain",
        "ivory trench coat",
        "ivory foundation shade",
        "ivory yarn",
        "ivory peonies",
        "ivory napkins",
        "ivory bathroom vanity",
        "ivory christening gown",
        "ivory duvet cover",
        "ivory flower girl dress",
        "ivory wallpaper",
        "ivory stationery",
        "ivory sheer curtains",
        "ivory sweater dress",
    ],
    "place": [
        "Ivory Coast beat Ghana 2-0 tonight",
        "flying to Côte d'Ivoire tomorrow",
        "Ivory Coast cocoa prices are up again",
        "our volunteers in Abidjan, Ivory Coast",
        "the Ivory Coast squad for the cup",
        "elections in Côte d'Ivoire",
        "Ivory Coast coffee beans, fresh roast",
        "a documentary about Ivory Coast",
    ],
    "brand": [
        "Ivory soap still floats",
        "a bar of Ivory soap",
        "Ivory dish liquid on sale at the market",
        "grandma only used Ivory soap",
        "Ivory Snow detergent",
    ],
    "figure": [
        "professors in their ivory tower",
        "get out of the ivory tower",
        "ebony and ivory on the radio",
        "another ivory tower policy",
        "ivory tower thinking again",
    ],
    "faux": [
        "faux ivory resin bangle",
        "imitation ivory plastic chess set",
        "resin ivory-look figurine",
        "ivory coloured acrylic bracelet",
        "bone (not ivory) carved pendant",
        "ivorine celluloid comb",
        "synthetic ivory cue tips",
        "cast resin netsuke replica",
    ],
    "piano": [
        "upright piano, plastic key tops",
        "piano with acrylic keytops, ivory colour",
        "digital piano, ivory feel keys",
        "replacement plastic key tops for piano",
    ],
    "name": [
        "Ivory (our cat) turned three today",
        "Ivory the labrador is looking for a home",
        "concert at the Ivory Room tonight",
        "Ivory Hill hiking trail photos",
    ],
}
EN_NEG_SOCIAL = [
    "Loving {item}! {tag}",
    "Can't believe {item}. {tag}",
    "Throwback to {item}.",
    "{item} - so happy",
    "Anyone else seen {item}?",
    "Today: {item}. {tag}",
    "Quick question about {item}",
    "Repost: {item}. {sale}",
    "{item}, {sale}",
    "Weekend plans: {item}",
]
EN_NEG_TAGS = [
    "#wedding",
    "#homedecor",
    "#interiors",
    "#ootd",
    "#football",
    "#travel",
    "#diy",
    "#bride",
    "#style",
    "#news",
    "#family",
    "#weekend",
]
EN_ORDINARY = [
    "used iPhone 12, 128GB, good battery",
    "mountain bike, 21 speeds",
    "sofa bed, barely used",
    "kids' winter jackets, size 6",
    "Honda Civic 2014, 90k km",
    "fresh mangoes from the farm",
    "gaming laptop with RTX card",
    "wooden dining table and 4 chairs",
    "baby stroller, foldable",
    "vintage vinyl records",
    "garden tools bundle",
    "handmade soy candles",
    "Nike running shoes size 42",
    "apartment for rent near the station",
    "guitar lessons for beginners",
    "puppy training classes",
    "homemade chilli sauce",
    "second-hand textbooks",
    "LED desk lamp",
    "camping tent for 4",
    "washing machine, works fine",
    "coffee grinder",
    "leather handbag",
    "tutoring in maths",
    "aquarium with filter",
    "office chair, ergonomic",
    "bluetooth speaker",
    "rice cooker",
    "wedding photography packages",
    "phone repair service",
    "silver earrings",
    "cat tree, large",
]
EN_ORDINARY_TPL = [
    "{item}, {sale}",
    "{item}. {sale}. {price}",
    "Selling {item} - {sale}",
    "{item} {tag}",
    "Just finished {item} today",
    "Looking for advice on {item}",
    "{item}! DM me",
    "{item} at a good price",
]
EN_DEMAND = ["looking for", "WTB", "wanted:", "want to buy", "buying", "need"]
# shark and ray products, and their look-alikes
EN_SHARK_POS = [
    "dried shark fin, grade A",
    "shark fins 1kg bag",
    "shark cartilage powder",
    "manta ray gill plates",
    "mobula ray gill rakers",
    "real great white shark jaw",
    "modern tiger shark teeth necklace",
    "stingray leather wallet",
    "shagreen (ray skin) box",
    "shark liver oil, pure",
    "hammerhead shark fins",
    "blue shark fins bulk",
    "dried guitarfish fins",
    "sawfish rostrum",
    "shark skin leather boots",
    "dried ray fins",
    "whole dried shark fin set",
    "mako shark jaw",
    "wedgefish fins, top grade",
    "shark fin for soup, natural",
    "dried shark fin needles",
    "thresher shark fins",
    "silky shark fins, wholesale",
    "manta gill plate, dried",
    "shark cartilage capsules",
    "tiger shark jaw, real",
    "bull shark teeth, modern",
    "stingray skin, tanned",
    "shark skin, salted",
    "hammerhead fins, dried",
    "oceanic whitetip fins",
    "dried shark meat and fins",
    "ray gill plates 1kg",
    "great white shark tooth, real, not fossil",
    "sawfish saw, real",
    "shagreen leather cuff",
]
EN_SHARK_NEG = {
    "toy": [
        "shark plush toy",
        "inflatable shark pool float",
        "shark bath toy for kids",
        "shark costume, size M",
        "rubber shark figurine set",
        "stuffed stingray plush",
        "manta ray kite",
        "shark slippers",
        "shark puppet",
        "great white shark toy, 12 inch",
        "shark hoodie for kids",
        "stingray squishy toy",
        "shark pinata",
        "hammerhead shark plush",
        "shark teeth costume hat",
        "baby shark toy set",
        "shark jaw halloween prop",
        "shark fin swim float",
    ],
    "fossil": [
        "megalodon fossil tooth",
        "fossil shark teeth lot, Morocco",
        "fossilized shark tooth pendant",
        "fossil ray tooth plate",
        "Miocene shark tooth fossil",
        "fossil megalodon tooth 5 inch",
        "fossil mako shark tooth",
        "shark tooth fossils, 50 pieces",
        "fossilised shark vertebra",
        "megalodon tooth replica",
        "fossil great white tooth, Peru",
        "otodus fossil tooth",
    ],
    "tool": [
        "Shark vacuum cleaner",
        "Shark Navigator upright vacuum",
        "shark fin car antenna",
        "Shark steam mop",
        "shark fin bottle opener",
        "shark tooth saw blade",
        "Shark cordless handheld vacuum",
        "hammerhead shark fishing lure",
        "shark fin roof antenna",
        "Shark robot vacuum",
        "shark tooth drill bit",
        "shark pliers",
        "Shark hair dryer",
        "shark fin door stopper",
        "shark jaw wrench",
        "Shark air purifier",
    ],
    "brand": [
        "Ray-Ban sunglasses",
        "Music Man StingRay bass guitar",
        "sharkskin wool suit fabric",
        "Shark Tank pitch deck",
        "imitation shark fin (vegetarian)",
        "shark fin shaped ceramic bowl",
        "shark phone case",
        "shark print t-shirt",
        "manta ray sticker",
        "shark fin soup spoons, porcelain",
        "Stingray boat for sale",
        "shark week poster",
        "Sharks hockey jersey",
        "vegan shark fin soup mix",
    ],
}
#: look-alikes named after a real species: "mako shark plush", "manta ray kite"
SHARK_ANIMALS = [
    "great white shark",
    "mako shark",
    "hammerhead shark",
    "manta ray",
    "blue shark",
    "sawfish",
    "thresher shark",
    "guitarfish",
    "whale shark",
    "wedgefish",
    "tiger shark",
    "mobula",
]
LOOKALIKE = [
    "plush",
    "toy",
    "fishing lure",
    "costume",
    "sticker",
    "replica",
    "fossil tooth",
    "phone case",
    "kite",
    "figurine set",
    "print t-shirt",
    "pool float",
    "halloween prop",
    "vacuum",
]
EN_SHARK_DETAIL = [
    "barely used",
    "as pictured",
    "bulk price available",
    "fast shipping",
    "new in box",
    "wholesale only",
    "good condition",
    "retail packaging",
    "local pickup",
]
EN_MARKET_TPL = {
    "train": ["{item} - {detail}. {sale}", "{item}, {detail} | {price}", "{sale}: {item} ({detail})"],
    "heldout": [
        "[{price}] {item} / {detail} / {sale}",
        "{item} -- {sale}, {detail}",
        "{detail}! {item}. {price}",
    ],
}

# -------------------------------------------------------------------- other languages
# per language: sale words, product terms per commodity, decoy phrases, ordinary items
LANG: dict[str, dict[str, object]] = {
    "zh-Hans": {
        "sale": [
            "出售",
            "现货",
            "有意私聊",
            "包邮",
            "价格可谈",
            "微信联系",
            "诚心出",
            "低价转让",
            "批发",
            "欢迎咨询",
        ],
        "demand": ["求购", "收购", "高价回收"],
        "products": {
            "shark_ray": ["鲨鱼牙", "鲨鱼软骨粉", "鲨鱼牙项链"],
            "ivory": ["象牙手镯", "象牙雕刻", "象牙制品", "老象牙摆件", "象牙筷子", "牙雕", "象牙原牙"],
            "rhino_horn": ["犀牛角", "犀角杯", "犀牛角粉", "犀角"],
            "pangolin": ["穿山甲鳞片", "炮山甲", "穿山甲片", "山甲片"],
            "tiger": ["虎骨酒", "虎牙", "虎皮", "虎骨"],
            "shark_fin": ["鱼翅", "干鱼翅", "鲨鱼翅", "鱼翅 散翅"],
            "rosewood": ["大红酸枝", "海南黄花梨", "小叶紫檀", "红酸枝原木"],
            "agarwood": ["沉香木", "奇楠沉香", "沉香手串"],
            "live_bird": ["非洲灰鹦鹉", "金刚鹦鹉", "凤头鹦鹉"],
            "bear_bile": ["熊胆粉", "熊胆"],
            "turtle_shell": ["玳瑁手镯", "玳瑁"],
            "hornbill": ["鹤顶红", "盔犀鸟头骨"],
            "live_primate": ["懒猴", "长臂猿"],
        },
        "decoys": {
            "fossil": ["鲨鱼牙化石", "巨齿鲨牙化石"],
            "colour": ["象牙白连衣裙", "象牙白瓷砖", "象牙色窗帘", "象牙白衬衫"],
            "figure": ["走出象牙塔", "象牙塔里的教授"],
            "place": ["象牙海岸队比赛"],
            "toy": ["老虎毛绒公仔", "鲨鱼玩具", "大象毛绒玩具", "熊猫公仔"],
            "brand": ["虎标万金油", "虎牌啤酒一箱"],
            "faux": ["仿象牙树脂摆件", "树脂仿象牙手镯", "塑料仿玳瑁眼镜"],
            "rosewood_look": ["仿红木色电视柜", "红木色贴皮衣柜"],
        },
        "ordinary": [
            "二手手机",
            "儿童自行车",
            "全新电饭煲",
            "实木餐桌",
            "羽绒服",
            "笔记本电脑",
            "婴儿推车",
            "运动鞋",
            "茶叶礼盒",
            "办公椅",
            "新鲜荔枝",
            "吉他",
        ],
        "detail": ["成色很好", "正品保证", "老件", "全国包邮", "可验货", "非诚勿扰", "自用闲置", "实物拍摄"],
        "sep": "，",
    },
    "vi": {
        "sale": [
            "cần bán",
            "bán",
            "inbox giá",
            "ib zalo",
            "giá tốt",
            "còn hàng",
            "giao hàng toàn quốc",
            "thanh lý",
            "ship cod",
            "liên hệ",
        ],
        "demand": ["cần mua", "thu mua", "tìm mua"],
        "products": {
            "shark_ray": ["răng cá mập", "vòng cổ răng cá mập thật"],
            "ivory": ["vòng tay ngà voi", "ngà voi nguyên khúc", "tượng ngà voi", "nanh voi"],
            "rhino_horn": ["sừng tê giác", "bột sừng tê", "sừng tê"],
            "pangolin": ["vảy tê tê", "vảy trút", "tê tê"],
            "tiger": ["cao hổ cốt", "nanh hổ", "xương hổ", "da hổ"],
            "shark_fin": ["vây cá mập", "vi cá mập khô"],
            "rosewood": ["gỗ trắc", "gỗ cẩm lai", "gỗ sưa", "trắc đỏ"],
            "agarwood": ["trầm hương", "kỳ nam", "trầm hương tự nhiên"],
            "live_bird": ["vẹt xám châu phi", "vẹt xám"],
            "bear_bile": ["mật gấu", "mật gấu nguyên chất"],
            "turtle_shell": ["vòng đồi mồi", "đồi mồi"],
            "live_primate": ["cu li", "vượn con"],
        },
        "decoys": {
            "fossil": ["răng cá mập hóa thạch", "hóa thạch răng cá mập"],
            "colour": ["váy cưới màu ngà", "sơn tường màu ngà", "áo sơ mi trắng ngà", "gạch men màu ngà"],
            "place": ["đội tuyển Bờ Biển Ngà"],
            "toy": ["hổ nhồi bông", "thú bông cá mập", "đồ chơi con voi"],
            "brand": ["dầu cù là con hổ", "bia Tiger thùng 24 lon", "tôm sú tươi"],
            "faux": ["vòng nhựa giả ngà", "tượng nhựa giả ngà"],
            "rosewood_look": ["tủ màu gỗ trắc", "bàn giả gỗ vân gỗ đẹp"],
        },
        "ordinary": [
            "điện thoại cũ",
            "xe máy Honda",
            "áo khoác",
            "bàn học",
            "nồi cơm điện",
            "giày thể thao",
            "máy giặt",
            "xoài cát",
            "laptop cũ",
            "tủ lạnh mini",
            "sữa bột",
            "cà phê rang xay",
        ],
        "detail": [
            "hàng thật",
            "bao test",
            "hàng tuyển",
            "giá rẻ",
            "mới 99%",
            "chính hãng",
            "hàng đẹp",
            "có sẵn",
        ],
        "sep": ", ",
    },
    "th": {
        "sale": ["ขาย", "ราคาถูก", "สนใจทักแชท", "ส่งฟรี", "พร้อมส่ง", "ขายด่วน", "ทักไลน์", "ราคาต่อรองได้"],
        "demand": ["รับซื้อ", "ต้องการซื้อ"],
        "products": {
            "shark_ray": ["ฟันฉลาม", "สร้อยฟันฉลามแท้"],
            "ivory": ["งาช้างแท้", "กำไลงาช้าง", "งาช้างแกะสลัก", "งาแท้"],
            "rhino_horn": ["นอแรด", "นอแรดแท้"],
            "pangolin": ["เกล็ดลิ่น", "ตัวลิ่น"],
            "tiger": ["เขี้ยวเสือ", "หนังเสือ", "กระดูกเสือ"],
            "shark_fin": ["หูฉลาม", "หูฉลามแห้ง"],
            "rosewood": ["ไม้พะยูง", "ไม้ชิงชัน"],
            "agarwood": ["ไม้กฤษณา", "กฤษณา"],
            "live_bird": ["นกแก้วแอฟริกันเกรย์", "นกแก้วมาคอว์"],
            "bear_bile": ["ดีหมี"],
            "turtle_shell": ["กระดองเต่า"],
            "live_primate": ["ลิงลม", "ชะนี"],
        },
        "decoys": {
            "fossil": ["ฟันฉลามฟอสซิล", "ฟอสซิลฟันฉลาม"],
            "colour": ["ชุดแต่งงานสีงาช้าง", "สีทาบ้านสีงาช้าง", "กระเบื้องสีงาช้าง"],
            "toy": ["ตุ๊กตาเสือ", "ตุ๊กตาฉลาม", "ของเล่นช้าง"],
            "brand": ["ยาหม่องตราเสือ", "เบียร์ไทเกอร์"],
            "faux": ["กำไลพลาสติกเทียมงาช้าง", "งาช้างเทียมเรซิน"],
        },
        "ordinary": [
            "โทรศัพท์มือสอง",
            "รถมอเตอร์ไซค์",
            "เสื้อยืด",
            "โต๊ะทำงาน",
            "หม้อหุงข้าว",
            "รองเท้าผ้าใบ",
            "มะม่วงสด",
            "โน้ตบุ๊ก",
            "ตู้เย็น",
            "กระเป๋าหนัง",
        ],
        "detail": ["ของแท้", "สภาพดี", "ราคาพิเศษ", "มือหนึ่ง", "รับประกัน", "ของสะสม"],
        "sep": " ",
    },
    "id": {
        "sale": [
            "jual",
            "dijual",
            "harga nego",
            "minat chat WA",
            "bisa COD",
            "ready stok",
            "kirim seluruh indonesia",
            "murah",
            "langsung order",
            "PM aja",
        ],
        "demand": ["cari", "dicari", "butuh"],
        "products": {
            "shark_ray": ["gigi hiu asli", "kalung gigi hiu"],
            "ivory": ["gading gajah asli", "gelang gading", "pipa rokok gading", "gading"],
            "rhino_horn": ["cula badak", "cula badak asli"],
            "pangolin": ["sisik trenggiling", "trenggiling hidup"],
            "tiger": ["taring harimau", "kulit harimau", "kuku harimau"],
            "shark_fin": ["sirip hiu kering", "sirip hiu"],
            "rosewood": ["kayu sonokeling", "sonokeling gelondongan"],
            "agarwood": ["gubal gaharu", "kayu gaharu", "gaharu super"],
            "live_bird": ["kakatua jambul kuning", "nuri kepala hitam", "burung kakatua"],
            "live_primate": ["kukang", "orang utan bayi"],
            "turtle_shell": ["sisik penyu", "cangkang penyu"],
        },
        "decoys": {
            "fossil": ["gigi hiu fosil", "fosil gigi hiu megalodon"],
            "colour": ["gaun pengantin warna gading", "cat tembok putih gading", "keramik warna gading"],
            "toy": ["boneka harimau", "boneka hiu", "mainan gajah"],
            "brand": ["balsem macan", "bir Tiger"],
            "faux": ["gelang resin imitasi gading", "gading plastik imitasi"],
        },
        "ordinary": [
            "hp bekas",
            "motor matic",
            "kaos polos",
            "meja belajar",
            "rice cooker",
            "sepatu sneakers",
            "mangga segar",
            "laptop bekas",
            "kulkas",
            "tas kulit",
        ],
        "detail": ["barang asli", "kondisi mulus", "harga miring", "original", "garansi", "stok terbatas"],
        "sep": ", ",
    },
    "ms": {
        "sale": [
            "dijual",
            "untuk dijual",
            "harga runding",
            "whatsapp sahaja",
            "pos seluruh malaysia",
            "murah",
        ],
        "demand": ["mencari", "nak beli"],
        "products": {
            "pangolin": ["sisik tenggiling", "tenggiling"],
            "rhino_horn": ["sumbu badak"],
            "ivory": ["gading gajah", "gading"],
            "agarwood": ["gaharu", "kayu gaharu"],
            "shark_fin": ["sirip yu", "sirip ikan yu"],
            "tiger": ["taring harimau", "kulit harimau"],
        },
        "decoys": {
            "colour": ["baju kurung warna gading", "langsir warna gading"],
            "toy": ["anak patung harimau", "mainan ikan yu"],
            "brand": ["minyak cap harimau", "bir Tiger"],
        },
        "ordinary": [
            "telefon terpakai",
            "motosikal",
            "baju kurung",
            "meja makan",
            "periuk nasi",
            "kasut sukan",
            "durian segar",
            "komputer riba",
        ],
        "detail": ["barang original", "keadaan baik", "harga murah", "stok terhad"],
        "sep": ", ",
    },
    "fr": {
        "sale": [
            "à vendre",
            "vends",
            "prix à débattre",
            "envoi possible",
            "contactez-moi",
            "urgent",
            "me contacter en MP",
            "livraison rapide",
        ],
        "demand": ["recherche", "achète"],
        "products": {
            "shark_ray": ["dents de requin", "cartilage de requin en gélules"],
            "ivory": [
                "statuette en ivoire",
                "ivoire d'éléphant",
                "défense d'éléphant",
                "bracelet en ivoire ancien",
            ],
            "rhino_horn": ["corne de rhinocéros", "poudre de corne de rhinocéros"],
            "pangolin": ["écailles de pangolin"],
            "tiger": ["peau de tigre", "griffe de tigre", "dent de tigre"],
            "shark_fin": ["ailerons de requin séchés", "aileron de requin"],
            "rosewood": ["bois de rose", "palissandre massif", "planches de palissandre"],
            "agarwood": ["bois d'agar"],
            "live_bird": ["perroquet gris du Gabon", "gris du Gabon"],
            "turtle_shell": ["écaille de tortue véritable"],
            "live_primate": ["loris lent"],
        },
        "decoys": {
            "fossil": ["dent de requin fossile", "dents de requin fossiles"],
            "colour": ["robe de mariée couleur ivoire", "peinture blanc ivoire", "rideaux couleur ivoire"],
            "place": ["match de la Côte d'Ivoire", "voyage en Côte d'Ivoire"],
            "figure": ["la tour d'ivoire des experts"],
            "toy": ["tigre en peluche", "requin en peluche", "jouet éléphant"],
            "brand": ["baume du tigre"],
            "faux": ["bracelet en résine imitation ivoire", "faux ivoire en résine"],
            "rosewood_look": ["meuble effet palissandre", "commode couleur palissandre"],
        },
        "ordinary": [
            "vélo de route",
            "canapé d'angle",
            "téléphone portable",
            "table basse",
            "manteau d'hiver",
            "machine à café",
            "poussette",
            "chaussures de sport",
            "livres scolaires",
            "lave-linge",
        ],
        "detail": ["très bon état", "authentique", "pièce rare", "comme neuf", "ancien", "garanti"],
        "sep": ", ",
    },
    "es": {
        "sale": [
            "se vende",
            "vendo",
            "precio negociable",
            "envío a todo el país",
            "interesados por privado",
            "disponible",
            "escríbeme",
            "oferta",
        ],
        "demand": ["busco", "compro"],
        "products": {
            "shark_ray": ["dientes de tiburón", "mandíbula de tiburón real"],
            "ivory": [
                "marfil tallado",
                "colmillo de elefante",
                "pulsera de marfil",
                "figura de marfil antigua",
            ],
            "rhino_horn": ["cuerno de rinoceronte", "cuerno de rino"],
            "pangolin": ["escamas de pangolín"],
            "tiger": ["piel de tigre", "colmillo de tigre", "hueso de tigre"],
            "shark_fin": ["aletas de tiburón", "aleta de tiburón seca"],
            "rosewood": ["palo de rosa", "madera de cocobolo", "tablones de palo de rosa"],
            "agarwood": ["madera de agar"],
            "live_bird": ["loro gris africano", "guacamayo jacinto", "guacamaya"],
            "turtle_shell": ["peine de carey", "carey"],
            "live_primate": ["loris perezoso"],
        },
        "decoys": {
            "fossil": ["diente de tiburón fósil", "dientes de tiburón fósiles"],
            "colour": ["vestido de novia color marfil", "pintura blanco marfil", "cortinas color marfil"],
            "place": ["partido de Costa de Marfil"],
            "toy": ["tigre de peluche", "tiburón de juguete", "peluche de elefante"],
            "brand": ["bálsamo de tigre", "cerveza Tiger"],
            "faux": ["pulsera de resina imitación marfil"],
            "rosewood_look": ["mueble color palo de rosa"],
        },
        "ordinary": [
            "bicicleta de montaña",
            "sofá cama",
            "teléfono usado",
            "mesa de comedor",
            "chaqueta de invierno",
            "cafetera",
            "cochecito de bebé",
            "zapatillas",
            "libros de texto",
            "lavadora",
        ],
        "detail": ["buen estado", "auténtico", "pieza única", "como nuevo", "antiguo", "original"],
        "sep": ", ",
    },
    "pt": {
        "sale": [
            "vende-se",
            "vendo",
            "preço a combinar",
            "envio para todo o brasil",
            "chama no zap",
            "aceito ofertas",
            "disponível",
            "entrego",
        ],
        "demand": ["procuro", "compro"],
        "products": {
            "shark_ray": ["dentes de tubarão", "colar de dente de tubarão"],
            "ivory": ["marfim legítimo", "presa de elefante", "pulseira de marfim", "escultura em marfim"],
            "rhino_horn": ["chifre de rinoceronte", "chifre de rino"],
            "pangolin": ["escamas de pangolim"],
            "tiger": ["pele de tigre", "dente de tigre", "osso de tigre"],
            "shark_fin": ["barbatana de tubarão", "barbatanas de tubarão secas"],
            "rosewood": ["jacarandá-da-bahia", "madeira de jacarandá", "pau-rosa"],
            "agarwood": ["pau de agar"],
            "live_bird": ["arara-azul", "papagaio-cinzento", "arara azul filhote"],
            "turtle_shell": ["casco de tartaruga"],
            "live_primate": ["lóris-lento", "mico-leão filhote"],
        },
        "decoys": {
            "fossil": ["dente de tubarão fóssil", "dentes de tubarão fósseis"],
            "colour": ["vestido de noiva cor marfim", "tinta branco marfim", "cortina cor marfim"],
            "place": ["jogo da Costa do Marfim"],
            "toy": ["tigre de pelúcia", "tubarão de brinquedo", "elefante de pelúcia"],
            "brand": ["pomada tigre", "cerveja Tiger"],
            "faux": ["pulseira de resina imitação marfim"],
        },
        "ordinary": [
            "bicicleta aro 29",
            "sofá retrátil",
            "celular usado",
            "mesa de jantar",
            "jaqueta de couro",
            "cafeteira",
            "carrinho de bebê",
            "tênis",
            "livros",
            "máquina de lavar",
        ],
        "detail": ["bom estado", "original", "peça rara", "seminovo", "antigo", "garantia"],
        "sep": ", ",
    },
    "sw": {
        "sale": ["inauzwa", "nauza", "bei nafuu", "piga simu", "tuma ujumbe", "bei maelewano", "ipo tayari"],
        "demand": ["natafuta", "nahitaji"],
        "products": {
            "ivory": ["pembe za ndovu", "pembe za tembo", "bangili ya pembe za ndovu"],
            "rhino_horn": ["pembe ya kifaru", "pembe za kifaru"],
            "pangolin": ["magamba ya kakakuona", "kakakuona"],
            "shark_fin": ["mapezi ya papa"],
            "rosewood": ["mpingo", "mbao za mpingo"],
            "live_bird": ["kasuku kijivu"],
        },
        "decoys": {
            "colour": ["gauni la harusi rangi ya pembe", "rangi ya ukuta nyeupe ya pembe"],
            "toy": ["mwanasesere wa tembo", "toy ya simba"],
            "place": ["timu ya Ivory Coast"],
        },
        "ordinary": [
            "simu ya mkononi",
            "pikipiki",
            "shati",
            "meza ya chakula",
            "jiko la gesi",
            "viatu",
            "maembe mapya",
            "kompyuta mpakato",
            "kitanda",
            "friji",
        ],
        "detail": ["hali nzuri", "halisi", "bei poa", "mpya kabisa", "ya zamani"],
        "sep": ", ",
    },
    "ja": {
        "sale": [
            "販売",
            "売ります",
            "即購入OK",
            "送料無料",
            "値下げ可",
            "お問い合わせください",
            "出品します",
        ],
        "demand": ["買取", "探しています"],
        "products": {
            "ivory": ["本象牙の印鑑", "象牙の根付", "本象牙", "象牙の置物"],
            "turtle_shell": ["べっ甲のかんざし", "べっ甲"],
            "shark_fin": ["フカヒレ", "乾燥フカヒレ"],
            "live_primate": ["スローロリス"],
            "pangolin": ["センザンコウの鱗"],
            "rhino_horn": ["サイの角"],
            "agarwood": ["沈香", "伽羅"],
        },
        "decoys": {
            "colour": ["アイボリーのワンピース", "アイボリー色のカーテン", "象牙色の壁紙"],
            "toy": ["トラのぬいぐるみ", "サメのぬいぐるみ", "ゾウのおもちゃ"],
            "faux": ["樹脂製の象牙風置物", "プラスチックのべっ甲風メガネ"],
            "figure": ["象牙の塔の学者"],
        },
        "ordinary": [
            "中古スマホ",
            "自転車",
            "冬物コート",
            "ダイニングテーブル",
            "炊飯器",
            "スニーカー",
            "ノートパソコン",
            "ベビーカー",
            "電子レンジ",
            "ギター",
        ],
        "detail": ["美品", "本物", "希少", "未使用", "アンティーク", "鑑定書付き"],
        "sep": "、",
    },
}

#: The plain word for the most traded commodities, used in both splits: a bare
#: "Vende-se marfim" is the commonest listing of all and must not depend on the split.
BARE: dict[str, dict[str, str]] = {
    "zh-Hans": {"ivory": "象牙", "rhino_horn": "犀牛角", "pangolin": "穿山甲", "shark_fin": "鱼翅"},
    "vi": {"ivory": "ngà voi", "rhino_horn": "sừng tê giác", "pangolin": "vảy tê tê", "rosewood": "gỗ trắc"},
    "th": {"ivory": "งาช้าง", "rhino_horn": "นอแรด", "shark_fin": "หูฉลาม"},
    "id": {"ivory": "gading gajah", "rhino_horn": "cula badak", "pangolin": "sisik trenggiling"},
    "ms": {"pangolin": "sisik tenggiling", "ivory": "gading gajah"},
    "fr": {"ivory": "ivoire", "rhino_horn": "corne de rhinocéros", "rosewood": "bois de rose"},
    "es": {"ivory": "marfil", "rhino_horn": "cuerno de rinoceronte", "shark_fin": "aletas de tiburón"},
    "pt": {"ivory": "marfim", "rhino_horn": "chifre de rinoceronte", "rosewood": "jacarandá"},
    "sw": {"ivory": "pembe za ndovu", "rhino_horn": "pembe ya kifaru"},
    "ja": {"ivory": "象牙", "turtle_shell": "べっ甲"},
}
MULTI_TPL = {
    "train": [
        "{sale} {item}{sep}{detail}",
        "{item} {sale}{sep}{detail}{sep}{price}",
        "{sale}{sep}{item} {detail}",
    ],
    "heldout": ["{detail} {item}！{sale}", "【{sale}】{item} {price}", "{item}{sep}{price}{sep}{sale}"],
}
PRICES = [
    "$450",
    "1.200.000đ",
    "Rp 350.000",
    "RM 120",
    "€80",
    "R$ 250",
    "¥ 3800",
    "฿ 1,500",
    "KSh 5,000",
    "NT$ 900",
    "US$ 1,200",
    "50k",
    "",
]


def _zh_hant() -> dict[str, object]:
    """Traditional-Chinese slots, converted from the simplified ones with OpenCC."""
    import opencc

    convert = opencc.OpenCC("s2t").convert
    source = LANG["zh-Hans"]

    def conv(value: object) -> object:
        if isinstance(value, str):
            return convert(value)
        if isinstance(value, list):
            return [conv(item) for item in value]
        if isinstance(value, dict):
            return {key: conv(item) for key, item in value.items()}
        return value

    return {key: conv(value) for key, value in source.items()}


def _zh_hant_text(text: str) -> str:
    import opencc

    return str(opencc.OpenCC("s2t").convert(text))


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _evade(term: str, rng: random.Random) -> str:
    """Write a term the way a trader dodging a keyword filter would."""
    style = rng.randrange(5)
    if style == 0:
        return " ".join(term)
    if style == 1:
        return ".".join(term)
    if style == 2:
        return term.translate(str.maketrans("ioea", "1034"))
    if style == 3:
        return "#" + term.replace(" ", "")
    return term.upper()


@cache
def _languages() -> dict[str, dict[str, object]]:
    languages = dict(LANG)
    languages["zh-Hant"] = _zh_hant()
    return languages


def generate(split: str, seed: int = 7, scale: int = 1) -> list[Example]:
    """The ``train`` or ``heldout`` corpus: three shapes, positives and hard negatives."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}")
    rng = random.Random(f"{seed}:{split}")
    out: list[Example] = []

    def add(
        title: str,
        text: str,
        price: str | None,
        label: int,
        commodity: str | None,
        language: str,
        family: str,
        shape: str,
    ) -> None:
        out.append(
            Example(f"{split}-{len(out):06d}", title, text, price, label, commodity, language, family, shape)
        )

    def choice(items: Sequence[str]) -> str:
        return rng.choice(_half(items, split))

    # (a) English social posts about ivory: few offers among many colour/place posts
    tpl_pos = _half(EN_SOCIAL_POS, split)
    tpl_neg = _half(EN_NEG_SOCIAL, split)
    for _ in range(260 * scale):
        item = choice(EN_IVORY)
        if rng.random() < 0.15 and split == "train":
            item = item.replace("ivory", _evade("ivory", rng), 1)
        said = choice(EN_IVORY_DETAIL) if rng.random() < 0.7 else choice(EN_SHARK_DETAIL)
        if rng.random() < 0.15:  # a bare marketplace title
            text = f"{item} {choice(EN_SALE)}"
        elif rng.random() < 0.3:  # a collector's chatty post, not a shop post
            text = rng.choice(tpl_neg).format(item=item, tag=choice(EN_IVORY_TAGS), sale=choice(EN_SALE))
        else:
            text = rng.choice(tpl_pos).format(
                item=item,
                detail=said,
                sale=choice(EN_SALE),
                tag=choice(EN_IVORY_TAGS),
                price=rng.choice(["$450", "$1,200", "£300"]),
            )
        add("", text, None, 1, "ivory", "en", "offer", "social_ivory_en")
    for _ in range(60 * scale):
        text = f"{choice(EN_DEMAND)} {choice(EN_IVORY)}, {choice(EN_IVORY_DETAIL)}. {choice(EN_SALE)}"
        add("", text, None, 1, "ivory", "en", "demand", "social_ivory_en")
    for _ in range(1400 * scale):
        family = rng.choice(list(EN_IVORY_NEG))
        item = choice(EN_IVORY_NEG[family])
        if rng.random() < 0.15:
            text = f"{item} {choice(EN_SALE)}"
        elif rng.random() < 0.3:  # shops sell ivory-colour things with the same words
            text = rng.choice(tpl_pos).format(
                item=item,
                detail=choice(EN_SHARK_DETAIL),
                sale=choice(EN_SALE),
                tag=choice(EN_NEG_TAGS),
                price=rng.choice(["$45", "$120", "£30"]),
            )
        else:
            text = rng.choice(tpl_neg).format(item=item, tag=choice(EN_NEG_TAGS), sale=choice(EN_SALE))
        add("", text, None, 0, None, "en", family, "social_ivory_en")
    for _ in range(1200 * scale):
        text = rng.choice(_half(EN_ORDINARY_TPL, split)).format(
            item=choice(EN_ORDINARY), sale=choice(EN_SALE), tag=choice(EN_NEG_TAGS), price=rng.choice(PRICES)
        )
        add("", text, None, 0, None, "en", "ordinary", "social_ivory_en")

    # (b) marketplace listings: shark and ray products versus look-alikes
    market = EN_MARKET_TPL
    for _ in range(300 * scale):
        item = choice(EN_SHARK_POS)
        text = rng.choice(market[split]).format(
            item=item, detail=choice(EN_SHARK_DETAIL), sale=choice(EN_SALE), price=rng.choice(PRICES)
        )
        commodity = "shark_fin" if " fin" in item else "shark_ray"
        add(item, text, rng.choice(PRICES) or None, 1, commodity, "en", "offer", "shark_ray_market")
    for _ in range(700 * scale):
        family = rng.choice(list(EN_SHARK_NEG))
        item = choice(EN_SHARK_NEG[family])
        text = rng.choice(market[split]).format(
            item=item, detail=choice(EN_SHARK_DETAIL), sale=choice(EN_SALE), price=rng.choice(PRICES)
        )
        add(item, text, rng.choice(PRICES) or None, 0, None, "en", f"shark_{family}", "shark_ray_market")
    for _ in range(250 * scale):
        item = f"{choice(SHARK_ANIMALS)} {choice(LOOKALIKE)}"
        text = rng.choice(market[split]).format(
            item=item, detail=choice(EN_SHARK_DETAIL), sale=choice(EN_SALE), price=rng.choice(PRICES)
        )
        add(item, text, rng.choice(PRICES) or None, 0, None, "en", "shark_lookalike", "shark_ray_market")
    for _ in range(300 * scale):
        item = choice(EN_ORDINARY)
        text = rng.choice(market[split]).format(
            item=item, detail=choice(EN_SHARK_DETAIL), sale=choice(EN_SALE), price=rng.choice(PRICES)
        )
        add(item, text, rng.choice(PRICES) or None, 0, None, "en", "ordinary", "shark_ray_market")

    # (c) listings in the other languages, with decoys
    for language, slots in _languages().items():
        sep = str(slots["sep"])
        products: dict[str, list[str]] = {k: v for k, v in slots["products"].items() if v}  # type: ignore[attr-defined]
        decoys: dict[str, list[str]] = slots["decoys"]  # type: ignore[assignment]
        sale: list[str] = slots["sale"]  # type: ignore[assignment]
        detail: list[str] = slots["detail"]  # type: ignore[assignment]
        ordinary: list[str] = slots["ordinary"]  # type: ignore[assignment]
        demand: list[str] = slots["demand"]  # type: ignore[assignment]

        def listing(item: str, sale: list[str] = sale, detail: list[str] = detail, sep: str = sep) -> str:
            return rng.choice(MULTI_TPL[split]).format(
                sale=choice(sale), item=item, detail=choice(detail), sep=sep, price=rng.choice(PRICES)
            )

        bare = (
            BARE.get(language, {})
            if language != "zh-Hant"
            else {key: _zh_hant_text(value) for key, value in BARE["zh-Hans"].items()}
        )
        for _ in range(110 * scale):
            commodity = rng.choice(sorted(products))
            if bare and rng.random() < 0.2:
                commodity = rng.choice(sorted(bare))
                text = f"{choice(sale)} {bare[commodity]}"
            else:
                text = listing(choice(products[commodity]))
            if language == "vi" and rng.random() < 0.3:
                text = _strip_accents(text)
            add("", text, None, 1, commodity, language, "offer", "multilingual")
        for _ in range(15 * scale):
            commodity = rng.choice(sorted(products))
            text = f"{choice(demand)} {choice(products[commodity])}{sep}{choice(detail)}"
            add("", text, None, 1, commodity, language, "demand", "multilingual")
        for _ in range(110 * scale):
            family = rng.choice(sorted(decoys))
            text = listing(choice(decoys[family]))
            if language == "vi" and rng.random() < 0.3:
                text = _strip_accents(text)
            add("", text, None, 0, None, language, family, "multilingual")
        for _ in range(140 * scale):
            add("", listing(choice(ordinary)), None, 0, None, language, "ordinary", "multilingual")
    return out


def examples_by_shape(examples: Sequence[Example]) -> dict[str, list[Example]]:
    shapes: dict[str, list[Example]] = {}
    for example in examples:
        shapes.setdefault(example.shape, []).append(example)
    return shapes
