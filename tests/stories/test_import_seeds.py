"""Done when: the two seed stories (../shared/seeds/) import with everything an editor needs."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from stories.checks import story_findings
from stories.importing import story_import, story_text_parse
from stories.models import Entity
from tests import factories

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
EXPLAINER = "000_ee9a23d03763bbcf.txt"
NEWS_REPORT = "003_488b587fee832970.txt"


def seed(name: str) -> str:
    path = SEEDS / name
    if not path.is_file():
        pytest.fail(
            f"The seed story {path} is missing: the tests expect the shared/ folder (with "
            "seeds/) next to the repository, as in CI.",
            pytrace=False,
        )
    return path.read_text(encoding="utf-8")


@pytest.fixture
def seed_explainer(explainer_template, journalist):
    Entity.objects.create(
        name="Kim Jong Un", slug="kim-jong-un", kind="person", aliases="Kim Jong-un"
    )
    Entity.objects.create(
        name="Pete Hegseth", slug="pete-hegseth", kind="person", aliases="Peter Hegseth"
    )
    draft = story_text_parse(
        text=seed(EXPLAINER), template=explainer_template, today=dt.date(2026, 11, 22)
    )
    return draft, story_import(draft=draft, by=journalist)


def test_seed_explainer_imports_all_eight_sections(seed_explainer):
    draft, story = seed_explainer
    assert draft.problems == []
    assert all(section.found_as for section in draft.sections)
    sections = list(story.sections.all())
    assert len(sections) == 8
    filled = {s.key for s in sections if s.body.strip()}
    assert filled >= {
        "whats-happened", "behind-the-headline", "forecast", "papers", "how-we-got-here",
        "go-deeper",
    }  # fmt: skip
    assert story.faq_items.count() == 9
    assert story.status == "draft"


def test_seed_explainer_has_five_citations_with_outlet_and_date(seed_explainer):
    _, story = seed_explainer
    citations = list(story.citations.select_related("outlet", "section"))
    assert [(c.outlet.name, c.published_on) for c in citations] == [
        ("Al Jazeera", dt.date(2025, 11, 8)),
        ("The Independent", dt.date(2025, 11, 7)),
        ("AP News", dt.date(2025, 11, 7)),
        ("France 24", dt.date(2025, 11, 4)),
        ("SCMP", dt.date(2025, 10, 22)),
    ]
    assert all(c.section.key == "papers" and c.claim for c in citations)


def test_seed_explainer_links_ten_entities_known_ones_matched_new_ones_unreviewed(seed_explainer):
    _, story = seed_explainer
    links = list(story.entity_links.select_related("entity"))
    assert len(links) == 10
    names = [link.entity.name for link in links]
    assert "Kim Jong Un" in names and "Pete Hegseth" in names  # matched by alias
    assert Entity.objects.count() == 10
    new = [link.entity for link in links if link.entity.slug not in {"kim-jong-un", "pete-hegseth"}]
    assert all(entity.reviewed_at is None for entity in new)
    assert {e.name: e.kind for e in new}["Gyeongju"] == "place"
    assert Entity.objects.get(name="North Korea").alias_list == [
        "Democratic People's Republic of Korea"
    ]


def test_seed_explainer_faq_duplicates_are_flagged(seed_explainer):
    _, story = seed_explainer
    findings = story_findings(story)
    exact = [f for f in findings if f.code == "faq-duplicate"]
    near = [f for f in findings if f.code == "faq-near-duplicate"]
    assert len(exact) == 1 and exact[0].severity == "error"
    assert "“What Are the Biggest News Stories Today?” repeats FAQ item 6" in exact[0].message
    near_questions = " ".join(f.message for f in near)
    assert "“Why Is North Korea Testing Missiles Now?”" in near_questions
    assert "“Why Is North Korea Testing Ballistic Missiles Now?”" in near_questions
    stale = [f for f in findings if f.code == "entity-stale"]
    # Every card is unreviewed: one item for the research desk, naming all ten.
    assert len(stale) == 1 and stale[0].message.startswith("10 entity cards have never been")


def test_seed_news_report_has_its_dateline_and_its_typos_flagged(news_report_template, journalist):
    draft = story_text_parse(text=seed(NEWS_REPORT), template=news_report_template)
    story = story_import(draft=draft, by=journalist)
    assert story.headline.startswith("North Korea Warns of ‘Offensive Action’")
    assert (story.dateline_place, story.dateline_date) == (
        "Seoul, South Korea",
        dt.date(2025, 11, 3),
    )
    body = story.sections.get(key="body").body
    assert body.startswith("North Korea’s defense minister has accused")
    findings = story_findings(story)
    typos = [f for f in findings if f.code == "unknown-word"]
    assert [f.subject for f in typos] == ["woudl"]
    assert "Did you mean “would”?" in typos[0].message
    [spacing] = [f for f in findings if f.code == "missing-space"]
    assert ",between" in spacing.message
    assert not [f for f in findings if f.code == "unattributed-quote"]


def test_a_seed_imported_twice_gets_its_own_slug(news_report_template):
    draft = story_text_parse(text=seed(NEWS_REPORT), template=news_report_template)
    first = story_import(draft=draft, by=factories.journalist())
    second = story_import(draft=draft, by=None)
    assert second.slug == f"{first.slug}-2"
