"""Hard negatives, family by family and language by language: the look-alikes that fool a
keyword list must stay below the threshold, while the real thing next to them is flagged."""

from __future__ import annotations

import pytest

from wildtrace.detect import detect
from wildtrace.model import Listing

# (family, language, text): none of these offers a wildlife or timber product
HARD_NEGATIVES = [
    # ivory as a colour
    ("colour", "en", "Ivory wedding dress, size 10, worn once, for sale"),
    ("colour", "en", "Ivory colour ceramic floor tiles 60x60, 20 boxes available"),
    ("colour", "en", "Farrow & Ball paint in ivory white, 2.5L tin, DM for price"),
    ("colour", "zh", "象牙白连衣裙 全新 包邮"),
    ("colour", "zh-Hant", "象牙白瓷磚 出售 現貨"),
    ("colour", "vi", "Bán váy cưới màu ngà, mặc một lần"),
    ("colour", "vi", "ban vay cuoi mau nga, mac mot lan"),
    ("colour", "th", "ขายชุดแต่งงานสีงาช้าง ใส่ครั้งเดียว"),
    ("colour", "id", "Jual gaun pengantin warna gading, ukuran M"),
    ("colour", "fr", "Robe de mariée couleur ivoire, taille 38, à vendre"),
    ("colour", "es", "Vendo vestido de novia color marfil, talla 38"),
    ("colour", "pt", "Vendo vestido de noiva cor marfim, tamanho 38"),
    ("colour", "ja", "アイボリーのワンピース 販売"),
    # Ivory Coast / Côte d'Ivoire
    ("place", "en", "Ivory Coast cocoa beans, 1 tonne, for sale"),
    ("place", "fr", "Vends café de Côte d'Ivoire, 5 kg"),
    ("place", "es", "Vendo camiseta de Costa de Marfil"),
    ("place", "pt", "Camisa da Costa do Marfim à venda"),
    ("place", "zh", "象牙海岸 咖啡豆 出售"),
    ("place", "vi", "Bán cà phê Bờ Biển Ngà"),
    # Ivory soap, ivory tower
    ("brand", "en", "Ivory soap, 10 bars, for sale"),
    ("figure", "en", "Academics in their ivory tower again"),
    ("figure", "zh", "走出象牙塔，走向社会"),
    ("figure", "fr", "Les experts dans leur tour d'ivoire"),
    # faux / imitation / resin
    ("faux", "en", "Faux ivory resin bangle, lightweight, for sale"),
    ("faux", "zh", "树脂仿象牙手镯 出售"),
    ("faux", "vi", "Bán vòng nhựa giả ngà"),
    ("faux", "th", "ขายกำไลพลาสติกเทียมงาช้าง"),
    ("faux", "fr", "Bracelet en résine imitation ivoire à vendre"),
    ("faux", "es", "Pulsera de resina imitación marfil"),
    # plush and toy animals
    ("toy", "en", "Tiger plush toy, 30 cm, for sale"),
    ("toy", "zh", "老虎毛绒公仔 出售"),
    ("toy", "zh-Hant", "老虎 公仔 毛公仔"),
    ("toy", "vi", "Bán hổ nhồi bông cho bé"),
    ("toy", "th", "ขายตุ๊กตาเสือ"),
    ("toy", "id", "Jual boneka harimau lucu"),
    ("toy", "fr", "Vends tigre en peluche"),
    ("toy", "es", "Vendo tigre de peluche"),
    ("toy", "pt", "Vendo tigre de pelúcia"),
    # Tiger Balm and Tiger beer
    ("brand", "en", "Tiger Balm red, 30g jars, wholesale"),
    ("brand", "en", "Tiger beer, 24 cans, cold, for sale"),
    ("brand", "zh", "虎标万金油 批发"),
    ("brand", "vi", "Bán dầu cù là con hổ"),
    ("brand", "th", "ขายยาหม่องตราเสือ"),
    ("brand", "id", "Jual balsem macan"),
    ("brand", "fr", "Baume du tigre rouge à vendre"),
    # rosewood colour or look
    ("rosewood_look", "en", "TV stand, rosewood finish, flat-pack, for sale"),
    ("rosewood_look", "en", "Rosewood-look vinyl flooring, 20 m2"),
    ("rosewood_look", "zh", "红木色贴皮衣柜 出售"),
    ("rosewood_look", "vi", "Bán tủ màu gỗ trắc"),
    ("rosewood_look", "fr", "Commode effet palissandre à vendre"),
    # piano key tops of plastic
    ("piano", "en", "Upright piano, plastic key tops, ivory colour, for sale"),
    # shark look-alikes: toys, fossils, tools
    ("shark_toy", "en", "Shark plush toy, 40 cm, for sale"),
    ("shark_fossil", "en", "Megalodon fossil tooth, 4 inch, for sale"),
    ("shark_fossil", "en", "Fossil shark teeth lot, 100 pieces, Morocco"),
    ("shark_tool", "en", "Shark Navigator upright vacuum, like new"),
    ("shark_tool", "en", "Shark fin car roof antenna, black"),
]


@pytest.mark.parametrize(
    ("family", "language", "text"),
    HARD_NEGATIVES,
    ids=[f"{row[0]}:{row[1]}:{row[2][:24]}" for row in HARD_NEGATIVES],
)
def test_hard_negative_is_not_flagged(family: str, language: str, text: str) -> None:
    detection = detect(Listing(id="N", text=text), language.split("-")[0])
    assert detection.flagged is False, (family, detection)
    assert 0.0 <= detection.score < 0.5


# the real thing next to its look-alike: the model must not learn "never flag ivory"
REAL = [
    ("en", "Antique carved ivory netsuke, pre-1947, DM for price"),
    ("en", "Mammoth ivory carving, hand carved, for sale"),
    ("en", "Dried shark fin, 1kg, grade A, wholesale"),
    ("en", "Manta ray gill plates, dried, bulk price"),
    ("en", "Real great white shark jaw for sale"),
    ("zh", "出售老象牙手镯 包邮"),
    ("vi", "Bán vòng tay ngà voi thật"),
    ("fr", "Vends statuette en ivoire ancienne"),
    ("ja", "本象牙の印鑑 販売"),
]


@pytest.mark.parametrize(("language", "text"), REAL)
def test_real_products_next_to_the_look_alikes_are_flagged(language: str, text: str) -> None:
    detection = detect(Listing(id="P", text=text), language)
    assert detection.flagged is True, detection
    assert detection.commodities
