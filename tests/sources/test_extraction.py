"""Reading a page's metadata: JSON-LD and OpenGraph first, trafilatura and htmldate after."""

import datetime as dt
import gzip
import json

import pytest
from django.core.management import call_command

from sources.extraction import extract, strip_site_suffix
from tests.sources.server import ARTICLE_JSONLD, ARTICLE_OPENGRAPH, ARTICLE_PLAIN

KEYS = {"title", "site_name", "authors", "published", "description", "canonical_url", "language"}


def test_json_ld_graph_with_nested_authors():
    result = extract(ARTICLE_JSONLD, url="https://daily.example/world/allies-drills?utm=x")
    assert result.title == "Allies hold drills as tension rises"
    assert result.site_name == "The Daily Example"
    assert result.authors == ["Kim Min-ji", "Jane Roe"]
    assert result.published == dt.datetime(
        2025, 11, 3, 8, 15, tzinfo=dt.timezone(dt.timedelta(hours=9))
    )
    assert result.description == "Three navies sailed together on Monday."
    assert result.canonical_url == "https://daily.example/world/allies-drills"
    assert result.language == "en-GB"
    assert "largest joint exercise" in result.text
    assert "Home" not in result.text  # navigation is not the article


def test_opengraph_and_meta_tags_when_there_is_no_json_ld():
    result = extract(ARTICLE_OPENGRAPH, url="https://beispiel.example/politik/gesetz")
    assert result.title == "Regierung plant neues Gesetz"
    assert result.site_name == "Beispielzeitung"
    assert result.authors == ["Erika Mustermann"]
    assert result.published.isoformat() == "2025-10-30T17:45:00+01:00"
    assert result.language == "de"
    assert result.canonical_url == "https://beispiel.example/politik/gesetz"


def test_trafilatura_and_htmldate_fill_in_for_a_bare_page():
    result = extract(ARTICLE_PLAIN, url="https://harbour.example/news/reopens")
    assert result.title == "Harbour reopens after storm"
    assert result.published.date() == dt.date(2025, 9, 12)
    assert "harbour reopened to ships" in result.text


def test_json_ld_variants_are_read():
    page = """<html><head><script type="application/ld+json">
    <!--
    [{"@type": ["ReportageNewsArticle"], "headline": "Floods &amp; landslides hit the north",
      "datePublished": "2025-02-01T10:00:00Z",
      "author": {"@type": "Person", "name": {"@value": "x"}, "givenName": "Ana", "familyName": "Silva"},
      "creator": "ignored", }]
    -->
    </script></head><body><p>Body.</p></body></html>"""
    result = extract(page)
    assert result.title == "Floods & landslides hit the north"
    assert result.published == dt.datetime(2025, 2, 1, 10, 0, tzinfo=dt.UTC)


def test_bylines_are_split_into_names_and_tidied():
    page = """<html><head><script type="application/ld+json">
    {"@type": "NewsArticle", "headline": "H",
     "author": [{"name": "By Anna Berg (abg)"}, {"name": "Jon Dahl und Eva Lund, dpa"},
                {"name": "https://example.com/authors/x"}]}
    </script></head><body></body></html>"""
    assert extract(page).authors == ["Anna Berg", "Jon Dahl", "Eva Lund", "dpa"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Allies hold drills | The Daily Example", "Allies hold drills"),
        ("Allies hold drills - The Daily Example", "Allies hold drills"),
        ("The Daily Example: Allies hold drills", "Allies hold drills"),
        ("Ukraine: what we know - daily.example", "Ukraine: what we know"),
        ("Covid - the latest", "Covid - the latest"),
    ],
)
def test_site_suffixes_are_stripped_from_titles(title, expected):
    assert strip_site_suffix(title, ["The Daily Example", "daily.example", "daily"]) == expected


def test_empty_and_broken_pages_give_an_empty_result():
    assert extract("", url="https://x.example/").as_dict()["title"] == ""
    assert extract(b"\x00\x01 not html").title == ""


def test_extract_article_prints_the_keys_as_json(tmp_path, capsys):
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(ARTICLE_JSONLD.encode()))
    call_command("extract_article", "--html", str(page), "--url", "https://daily.example/a")
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == KEYS | {"text"}
    assert printed["authors"] == ["Kim Min-ji", "Jane Roe"]
    assert printed["published"] == "2025-11-03T08:15:00+09:00"


def test_extract_article_says_when_the_file_is_missing(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Cannot read"):
        call_command("extract_article", "--html", str(tmp_path / "nope.html"))
