import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stories.checks import findings_summary, story_findings
from stories.models import Entity, FAQItem
from tests import factories

pytestmark = pytest.mark.django_db


def test_check_story_json_lists_findings_for_scripts(capsys):
    story = factories.story(template="news-report", summary="")
    body = story.sections.get(key="body")
    body.body = "Talks collapsed late on Sunday,leaving crews ashore. It woudl take days."
    body.save()
    call_command("check_story", story.slug, "--json")
    findings = json.loads(capsys.readouterr().out)
    assert {"severity", "code", "message", "target"} == set(findings[0])
    assert findings[0] == {
        "severity": "error",
        "code": "missing-summary",
        "message": "Add a summary (the dek under the headline).",
        "target": "summary",
    }
    by_code = {f["code"]: f for f in findings}
    assert by_code["unknown-word"]["target"] == "body"
    assert "“Sunday,leaving”" in by_code["missing-space"]["message"]


def test_check_story_prints_a_readable_list_and_strict_fails_on_errors(capsys):
    story = factories.story(summary="", citations=2)
    call_command("check_story", story.slug)
    out = capsys.readouterr().out
    assert "missing-summary" in out
    assert out.strip().endswith(f"{story.slug}: 1 error, 0 warnings.")
    with pytest.raises(SystemExit) as exit_:
        call_command("check_story", story.slug, "--strict")
    assert exit_.value.code == 2


def test_check_story_says_when_the_slug_is_unknown():
    with pytest.raises(CommandError, match="No story has the slug “nope”"):
        call_command("check_story", "nope")


def test_checks_cost_the_same_queries_for_a_short_and_a_long_story(django_assert_num_queries):
    """Story with its parts (7 queries), the desk's names (1), other stories' questions (1),
    its open blocking comment threads (1, newsroom)."""
    for n in range(40):
        Entity.objects.create(name=f"Known Person {n}", slug=f"known-{n}", aliases=f"KP{n}")
    published = factories.story(published=True)
    FAQItem.objects.create(story=published, question="Why is the bridge shut?", answer=".")
    short = factories.story(citations=2, faq=1, entities=1)
    long = factories.story(citations=30, faq=15, entities=20)
    for story in (short, long):
        with django_assert_num_queries(10):
            story_findings(story)


def test_cheap_checks_skip_the_query_over_other_stories():
    story = factories.story(citations=2, faq=3)
    with CaptureQueriesContext(connection) as cheap:
        story_findings(story, cheap_only=True)
    with CaptureQueriesContext(connection) as full:
        story_findings(story)
    assert len(full) == len(cheap) + 1


def test_findings_summary_is_one_line_for_a_message_after_saving():
    story = factories.story(summary="", citations=2)
    section = story.sections.get(key="forecast")
    section.body = "It woudl rain."
    section.save()
    assert findings_summary(story_findings(story)) == "Checklist: 1 to fix, 1 to look at."
    assert findings_summary([]) == "Checklist: all checks pass."
