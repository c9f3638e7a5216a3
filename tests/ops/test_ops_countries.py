"""Country names in many languages, and codes, become ISO 3166-1 alpha-2."""

from __future__ import annotations

import pytest

from wildtrace.ops.countries import country_code, country_name, country_points

NAMES = [
    # English
    ("Viet Nam", "VN"),
    ("Vietnam", "VN"),
    ("Kenya", "KE"),
    ("United Kingdom", "GB"),
    ("UK", "GB"),
    ("United States", "US"),
    ("Democratic Republic of the Congo", "CD"),
    ("Ivory Coast", "CI"),
    ("Hong Kong", "HK"),
    ("Laos", "LA"),
    ("Lao PDR", "LA"),
    ("south africa", "ZA"),
    # French
    ("Chine", "CN"),
    ("Tanzanie", "TZ"),
    ("Afrique du Sud", "ZA"),
    ("Côte d'Ivoire", "CI"),
    ("Cote d'Ivoire", "CI"),
    ("RDC", "CD"),
    ("Malaisie", "MY"),
    ("Cameroun", "CM"),
    ("Allemagne", "DE"),
    ("Thaïlande", "TH"),
    # Spanish
    ("España", "ES"),
    ("Sudáfrica", "ZA"),
    ("México", "MX"),
    ("Perú", "PE"),
    ("Estados Unidos", "US"),
    ("Alemania", "DE"),
    ("Kenia", "KE"),
    # Portuguese
    ("Moçambique", "MZ"),
    ("Brasil", "BR"),
    ("Quénia", "KE"),
    ("África do Sul", "ZA"),
    ("Vietnã", "VN"),
    ("Angola", "AO"),
    # Chinese
    ("中国", "CN"),
    ("中國", "CN"),
    ("越南", "VN"),
    ("香港", "HK"),
    ("肯尼亚", "KE"),
    ("尼日利亚", "NG"),
    ("马来西亚", "MY"),
    ("泰国", "TH"),
    # Vietnamese
    ("Việt Nam", "VN"),
    ("Trung Quốc", "CN"),
    ("Lào", "LA"),
    ("Campuchia", "KH"),
    ("Thái Lan", "TH"),
    ("Nam Phi", "ZA"),
    # Thai
    ("เวียดนาม", "VN"),
    ("จีน", "CN"),
    ("ประเทศไทย", "TH"),
    ("ไทย", "TH"),
    ("ลาว", "LA"),
    ("มาเลเซีย", "MY"),
    # Indonesian / Malay
    ("Tiongkok", "CN"),
    ("Cina", "CN"),
    ("Afrika Selatan", "ZA"),
    ("Singapura", "SG"),
    ("Amerika Serikat", "US"),
    # Swahili
    ("Msumbiji", "MZ"),
    ("Uchina", "CN"),
    ("Marekani", "US"),
    ("Afrika Kusini", "ZA"),
    ("Uingereza", "GB"),
    # codes, alpha-2 and alpha-3, any case
    ("VN", "VN"),
    ("vnm", "VN"),
    ("CHN", "CN"),
    ("ke", "KE"),
    ("KEN", "KE"),
    ("ZAF", "ZA"),
    ("HKG", "HK"),
]


@pytest.mark.parametrize(("name", "code"), NAMES)
def test_country_names_and_codes(name: str, code: str) -> None:
    assert country_code(name) == code


@pytest.mark.parametrize("name", ["", "Xyzland", "Atlantis", "Mars", "Kenya Nigeria"])
def test_unknown_countries_are_none(name: str) -> None:
    assert country_code(name) is None


def test_malaysia_code_is_not_shadowed_by_a_translation() -> None:
    # "Mỹ" (Vietnamese for the United States) folds to "my": Malaysia's code must win
    assert country_code("MY") == "MY"


def test_names_and_points_for_reports() -> None:
    assert country_name("CD") == "DR Congo"
    assert country_name("VN") == "Vietnam"
    longitude, latitude = country_points()["KE"]
    assert 36 < longitude < 37.5 and -1.5 < latitude < -1  # Nairobi
