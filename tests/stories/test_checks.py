import pytest

from stories.checks import REGISTRY, story_errors, story_findings
from tests import factories

pytestmark = pytest.mark.django_db


def codes(findings):
    return sorted((f.code, f.target) for f in findings)


def test_checks_run_in_the_order_the_checklist_has_always_shown():
    # The package imports its check families in this order; an alphabetical sort would reorder
    # every story's checklist.
    assert [name for name, _check, _cheap in REGISTRY] == [
        "template_rules",
        "faq_duplicates",
        "faq_answered_elsewhere",
        "spelling",
        "spacing",
        "attribution",
        "furniture",
        "entity_freshness",
        "entity_suggestions",
        "pictures",
        "blocking_threads",  # newsroom: an open blocking comment thread
    ]


def test_complete_explainer_has_no_template_errors(journalist):
    story = factories.story(by=journalist, citations=2)
    assert story_errors(story) == []


def test_template_rules_list_what_to_fix(journalist):
    story = factories.story(by=journalist, fill_sections=False, citations=1, summary="")
    assert codes(story_errors(story)) == [
        ("empty-section", "behind-the-headline"),
        ("empty-section", "whats-happened"),
        ("missing-summary", "summary"),
        ("too-few-items", "papers"),
    ]
    papers = next(f for f in story_errors(story) if f.target == "papers")
    assert papers.message == "“What the papers say” needs at least 2 citations; it has 1."


def test_news_report_needs_a_dateline(journalist):
    story = factories.story(by=journalist, template="news-report", dateline_place="")
    assert ("missing-dateline", "dateline") in codes(story_errors(story))


def test_checklist_panel_shows_findings_on_the_admin_page(client, superuser):
    story = factories.story(by=superuser, citations=0)
    client.force_login(superuser)
    page = client.get(f"/admin/stories/story/{story.pk}/change/").content.decode()
    assert 'id="checklist"' in page
    assert "needs at least 2 citations; it has 0" in page
    assert story_findings(story)[0].severity == "error"
