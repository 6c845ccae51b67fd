"""The newsroom's journey in a real browser: a journalist drafts an explainer, fills its
sections and submits it; the editor requests changes; the journalist fixes it and resubmits;
the editor publishes; readers see it."""

import re

import pytest
from django.core.management import call_command

from stories.models import Story
from tests.browser.newsroom import log_in, section

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADLINE = "Why the allied drills matter"


def press(page, label):
    """Click a workflow button and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def messages(page):
    return page.locator("ul.messagelist").first.inner_text()  # the checklist uses one too


def test_draft_review_changes_publish_in_the_browser(browser, live_server, screenshots, settings):
    settings.DEBUG = True  # seed_demo creates the demo accounts only in DEBUG
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    base = live_server.url

    # The journalist drafts an explainer.
    reporter = log_in(browser, base, "journalist")
    reporter.goto(f"{base}/admin/stories/story/add/")
    reporter.fill("#id_headline", HEADLINE)
    reporter.fill("#id_summary", "Seoul and Washington resumed joint exercises; Pyongyang objects.")
    reporter.select_option("#id_template", label="Explainer")
    with reporter.expect_navigation():
        reporter.click("input[name=_save]")
    story = Story.objects.get(headline=HEADLINE)
    change = f"{base}/admin/stories/story/{story.pk}/change/"
    assert reporter.url == change
    screenshots(reporter, "journalist-drafts")

    # ... fills its sections; Enter in a field saves and never presses a workflow button.
    section(reporter, "What's happened").fill(
        "South Korea and the United States began a week of joint drills on Monday."
    )
    section(reporter, "What's behind the headline?").fill(
        "**Deterrence:** both allies want to show readiness after recent launches."
    )
    with reporter.expect_navigation():
        reporter.press("#id_headline", "Enter")
    assert "was changed successfully" in messages(reporter)
    assert Story.objects.get(pk=story.pk).status == "draft"

    # Submitting without the two citations the template asks for is refused, with the reason.
    press(reporter, "Submit for review")
    assert "needs at least 2 citations; it has 0" in messages(reporter)
    screenshots(reporter, "journalist-submit-refused")

    # An empty citations inline starts folded: open it, as a person would.
    reporter.locator("#citations-group summary").click()
    for number, claim in enumerate(
        [
            "Yonhap reports the drills involve 20,000 troops.",
            "KCNA calls the exercises a rehearsal for invasion.",
        ]
    ):
        reporter.locator("#citations-group .add-row a").click()
        reporter.fill(f"textarea[name='citations-{number}-claim']", claim)
        reporter.select_option(
            f"select[name='citations-{number}-section']", label="What the papers say"
        )
    reporter.fill("#id_submit_comment", "Ready for the desk.")
    press(reporter, "Submit for review")
    assert "submitted for review" in messages(reporter)
    assert reporter.locator("#workflow").get_attribute("data-status") == "in_review"
    assert reporter.get_by_role("button", name="Submit for review").count() == 0
    screenshots(reporter, "journalist-submitted")

    # The editor requests changes.
    editor = log_in(browser, base, "editor")
    editor.goto(change)
    assert editor.locator("#submitted").inner_text().count("Ready for the desk.") == 1
    buttons = editor.locator("button[name=_workflow]").all_inner_texts()
    assert buttons == ["Request changes", "Publish", "Schedule"]
    screenshots(editor, "editor-reviews")
    editor.fill("#id_request_changes_comment", "Add a forecast: what happens after the drills?")
    press(editor, "Request changes")
    assert "sent back to its authors" in messages(editor)
    screenshots(editor, "editor-requested-changes")

    # The journalist sees the request, fixes the story and resubmits.
    reporter.goto(change)
    note = reporter.locator("#changes-requested").inner_text()
    assert "Add a forecast: what happens after the drills?" in note
    screenshots(reporter, "journalist-sees-request")
    section(reporter, "Forecast and Implications").fill(
        "Expect another launch within weeks, and new sanctions talk at the UN."
    )
    press(reporter, "Submit for review")
    assert "submitted for review" in messages(reporter)
    screenshots(reporter, "journalist-resubmitted")

    # The editor publishes.
    editor.goto(change)
    press(editor, "Publish")
    assert "published" in messages(editor)
    assert editor.locator("#workflow").get_attribute("data-status") == "published"
    assert editor.locator("button[name=_workflow]").all_inner_texts() == [
        "Withdraw",
        "Add correction",
    ]
    screenshots(editor, "editor-published")

    # Readers see it.
    reader = browser.new_context(viewport={"width": 1000, "height": 1200}).new_page()
    reader.goto(f"{base}/stories/{story.slug}/")
    assert reader.locator("h1").inner_text() == HEADLINE
    body = reader.locator("article").inner_text()
    assert "Expect another launch within weeks" in body
    assert "KCNA calls the exercises a rehearsal for invasion." in body
    assert reader.locator(".preview-banner").count() == 0
    screenshots(reader, "reader-sees-story", full_page=True)
    reader.goto(f"{base}/")
    assert re.search(HEADLINE, reader.locator("main").inner_text())

    steps = list(Story.objects.get(pk=story.pk).transitions.values_list("action", "by__username"))
    assert steps == [
        ("submit", "journalist"),
        ("request_changes", "editor"),
        ("submit", "journalist"),
        ("publish", "editor"),
    ]
    assert len(screenshots.taken) == 9
