"""One minimal page per extraction rule: titles reconciled, authors tidied, bad input survived."""

import json

import pytest

from sources.extraction import extract
from sources.extraction.title import TITLE_WEIGHTS, vote


def page(head: str = "", body: str = "", jsonld: dict | None = None) -> str:
    script = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>' if jsonld else ""
    return f"<html><head>{head}{script}</head><body>{body}</body></html>"


def og(prop: str, value: str) -> str:
    return f'<meta property="{prop}" content="{value}">'


# --- Title ---------------------------------------------------------------------------------


def test_title_keeps_the_headline_when_sources_disagree():
    html = page(
        og("og:title", "Social teaser") + "<title>Page title</title>",
        "<h1>Page title</h1>",
        {"@type": "NewsArticle", "headline": "The headline"},
    )
    assert extract(html).title == "The headline"


def test_title_agreed_by_more_weight_wins():
    options = [("headline", "A"), ("og:title", "B"), ("twitter:title", "B")]
    weights = {"headline": 1.0, "og:title": 1.0, "twitter:title": 1.0}
    assert vote(options, weights) == "B"


def test_title_votes_pool_texts_that_differ_only_in_quotes_and_case():
    options = [("headline", "It’s ‘fine’"), ("og:title", "It's 'fine'"), ("h1", "Other")]
    assert vote(options, {"headline": 1, "og:title": 1, "h1": 1.5}) == "It’s ‘fine’"


def test_title_without_headline_uses_og_title_stripped_of_the_site_name():
    html = page(og("og:site_name", "Harbour Post") + og("og:title", "Ships return | Harbour Post"))
    assert extract(html, url="https://harbour.example/a").title == "Ships return"


def test_title_tail_no_other_candidate_repeats_is_dropped():
    html = page("<title>Ships return to the port - Local - Region News</title>",
                "<h1>Ships return to the port</h1>")  # fmt: skip
    assert extract(html, url="https://x.example/a").title == "Ships return to the port"


def test_title_short_kicker_before_a_separator_is_dropped():
    html = page(
        og("og:title", "Live / Ships return to the port"), "<h1>Ships return to the port</h1>"
    )
    assert extract(html).title == "Ships return to the port"


def test_title_section_suffix_named_by_the_page_is_dropped():
    html = page(og("article:section", "Politics") + og("og:title", "Vote delayed again-Politics"))
    assert extract(html).title == "Vote delayed again"


def test_title_domain_is_stripped_and_colon_inside_a_headline_kept():
    html = page("<title>Ukraine: what we know - daily.example</title>")
    assert extract(html, url="https://daily.example/x").title == "Ukraine: what we know"


def test_title_keeps_its_own_dashes_and_quotes():
    html = page(og("og:title", "„Nie wieder“ – ein Jahr danach"))
    assert extract(html).title == "„Nie wieder“ – ein Jahr danach"


def test_title_h1_that_agrees_beats_a_navigation_h1():
    html = page("<title>Ships return to the port | Site</title>",
                "<h1>Menu</h1><h1>Ships return to the port</h1>")  # fmt: skip
    weights = dict.fromkeys(TITLE_WEIGHTS, 0.0) | {"h1": 1.0}
    assert extract(html, title_weights=weights).title == "Ships return to the port"


def test_title_soft_hyphens_are_not_part_of_the_text():
    assert extract(page("", "<h1>Verfas\xadsungs\xadbeschwerde eingelegt</h1>")).title == (
        "Verfassungsbeschwerde eingelegt"
    )


# --- Authors -------------------------------------------------------------------------------


def authors_of(html: str, url: str = "https://daily.example/a") -> list[str]:
    return extract(html, url=url).authors


def test_authors_split_a_b_and_c_and_drop_by():
    html = page(og("author", "By Ann Lee, Bo Kim and Cy Diaz"))
    assert authors_of(html) == ["Ann Lee", "Bo Kim", "Cy Diaz"]


def test_authors_drop_roles_emails_and_staff():
    html = page(
        jsonld={
            "@type": "NewsArticle",
            "author": [
                {"@type": "Person", "name": "Ann Lee, Political Editor"},
                {"@type": "Person", "name": "bo.kim@daily.example"},
                {"@type": "Person", "name": "Staff"},
                {"@type": "Person", "name": "Bo Kim"},
            ],
        }
    )
    assert authors_of(html) == ["Ann Lee", "Bo Kim"]


def test_authors_duplicates_differing_in_case_or_accents_are_one():
    html = page(og("author", "José Núñez; JOSE NUNEZ; Ann Lee"))
    assert authors_of(html) == ["José Núñez", "Ann Lee"]


def test_an_organization_author_gives_way_to_a_person():
    html = page(
        og("og:site_name", "Daily Example") + og("author", "Ann Lee"),
        jsonld={"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Daily X"}},
    )
    assert authors_of(html) == ["Ann Lee"]


def test_the_outlet_is_dropped_when_people_are_named():
    html = page(og("og:site_name", "Daily Example") + og("author", "Daily Example, Ann Lee"))
    assert authors_of(html) == ["Ann Lee"]


def test_the_outlet_stands_when_the_page_credits_only_the_outlet():
    html = page(
        og("og:site_name", "Daily Example"),
        jsonld={
            "@type": "NewsArticle",
            "author": {"@type": "Organization", "name": "Daily Example"},
        },
    )
    assert authors_of(html) == ["Daily Example"]


def test_article_author_url_is_a_name_only_when_the_page_names_it():
    url = "https://daily.example/staff/ann-lee"
    unnamed = page(og("article:author", url))
    assert authors_of(unnamed) == []
    named = page(og("article:author", url), f'<a rel="author" href="{url}">Ann Lee</a>')
    assert authors_of(named) == ["Ann Lee"]
    by_jsonld = page(
        og("article:author", url),
        jsonld={"@graph": [{"@type": "Person", "name": "Bo Kim", "url": url}]},
    )
    assert authors_of(by_jsonld) == ["Bo Kim"]


def test_article_author_plain_name_is_read():
    assert authors_of(page(og("article:author", "Ann Lee"))) == ["Ann Lee"]


def test_rel_author_links_name_authors():
    html = page("", '<p>By <a rel="author" href="/p/ann">Ann Lee</a></p>')
    assert authors_of(html) == ["Ann Lee"]


def test_microdata_author_name_is_read():
    html = page("", '<span itemprop="author" itemscope><span itemprop="name">Ann Lee</span></span>')
    assert authors_of(html) == ["Ann Lee"]


def test_a_visible_by_line_is_read_and_only_the_first():
    html = page("", '<div class="article-byline">By Ann Lee</div>'
                    '<div class="teaser-byline">By Someone Else</div>')  # fmt: skip
    assert authors_of(html) == ["Ann Lee"]


def test_a_description_naming_people_is_not_overruled_by_heuristics():
    html = page(og("author", "Ann Lee"), '<div class="byline">By Bo Kim</div>')
    assert authors_of(html) == ["Ann Lee"]


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": '
        "</script></head><body></body></html>",
        '<html><head><script type="application/ld+json">[[[[[[{"@type":"x"}]]]]]]</script></head>'
        "</html>",
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "author": 5, '
        '"headline": {"x": 1}, "datePublished": []}</script></head></html>',
    ],
)
def test_malformed_json_ld_gives_no_metadata_rather_than_an_error(html):
    result = extract(html)
    assert result.title == ""
    assert result.authors == []


def test_wrong_encoding_gives_text_rather_than_an_error():
    html = '<html><head><meta charset="utf-8"><title>Caf\xe9 reopens</title></head></html>'
    assert "reopens" in extract(html.encode("latin-1")).title


def test_a_huge_page_is_read():
    filler = "<p>" + "word " * 200 + "</p>"
    html = page(og("og:title", "Ships return"), filler * 2000)
    assert extract(html).title == "Ships return"
