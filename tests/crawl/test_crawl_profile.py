"""Site profiles: the shipped example loads; every mistake names the file and the key."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from wildtrace.crawl.profile import ProfileError, load_profile

EXAMPLE = Path(str(resources.files("wildtrace.demo.site") / "marche-demo.yaml"))

GOOD = """
name: shop
start_urls: [https://shop.example/]
search:
  url: "https://shop.example/find?q={keyword}"
  keywords: ["ngà voi", "象牙"]
links:
  listing: ["a.item"]
  pagination: ["xpath://a[@rel='next']"]
  listing_url: "/item/\\\\d+"
fields:
  title: h1
  images: "img::attr(src)"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_demo_profile_loads_with_lexicon_keywords() -> None:
    profile = load_profile(EXAMPLE)
    assert profile.name == "marche-demo"
    assert "ngà" in profile.keywords and len(profile.keywords) > 4  # the lexicon added its terms
    assert set(profile.fields) >= {"title", "text", "price", "seller", "images", "posted_at"}
    assert profile.is_listing_url("http://127.0.0.1:8765/listing/demo-0001")
    assert not profile.is_listing_url("http://127.0.0.1:8765/listing/demo-0001/photos")


def test_search_templates_are_filled_with_url_encoded_keywords(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, GOOD))
    assert profile.search_urls() == [
        "https://shop.example/find?q=ng%C3%A0+voi",
        "https://shop.example/find?q=%E8%B1%A1%E7%89%99",
    ]
    assert profile.pagination_links[0].kind == "xpath"
    assert profile.is_listing_url("https://shop.example/item/42")


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("start_urls: [https://a.example/]\nlinks:\n  listing: ['a[']\n", "links.listing[0]", "CSS selector"),
        ("start_urls: [https://a.example/]\nfields:\n  title: 'xpath://h1['\n", "fields.title", "XPath"),
        ("start_urls: [https://a.example/]\nfields:\n  colour: h1\n", "fields.colour", "unknown field"),
        ("start_urls: [https://a.example/]\nlinkz: {}\n", "linkz", "unknown key"),
        ("start_urls: [ftp://a.example/]\n", "start_urls[0]", "not an http(s) URL"),
        (
            "start_urls: [https://a.example/]\nsearch: {url: 'https://a.example/?q=x', keywords: [a]}\n",
            "search.url",
            "{keyword}",
        ),
        (
            "start_urls: [https://a.example/]\nsearch: {url: 'https://a.example/?q={keyword}'}\n",
            "search.keywords",
            "needs keywords",
        ),
        (
            "start_urls: [https://a.example/]\nsearch:\n  url: 'https://a.example/?q={keyword}'\n"
            "  lexicon: {commodity: unicorn-horn}\n",
            "search.lexicon",
            "no terms",
        ),
        (
            "start_urls: [https://a.example/]\nlinks: {listing_url: '(['}\n",
            "links.listing_url",
            "regular expression",
        ),
        (
            "start_urls: [https://a.example/]\npoliteness: {download_delay: -1}\n",
            "politeness.download_delay",
            ">= 0",
        ),
        ("name: nothing\n", "start_urls", "needs start_urls"),
        ("- just\n- a list\n", "", "mapping"),
    ],
)
def test_mistakes_name_the_file_and_the_key(tmp_path: Path, text: str, key: str, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    error = caught.value
    assert error.path == str(path) and error.key == key
    assert str(path) in str(error) and words in str(error)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "name: x\nstart_urls: [https://a.example/\nfields: {\n")
    with pytest.raises(ProfileError, match=r"profile\.yaml: line \d+, column \d+: not valid YAML"):
        load_profile(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"nope\.yaml: no such file"):
        load_profile(tmp_path / "nope.yaml")
