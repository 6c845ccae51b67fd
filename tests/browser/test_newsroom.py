"""The desk talks, in a real browser: a journalist and an editor open the same story and see
each other; the editor leaves a blocking comment on a citation mentioning the journalist; the
journalist finds it in the inbox, replies, and cannot submit until the editor resolves it; the
editor's preview link opens for someone logged out."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from newsroom.models import Thread
from stories import checks
from stories.models import Story
from tests import factories
from tests.browser.newsroom import log_in, section

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

README_SHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "newsroom-thread.png"


def press(page, label):
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def test_two_people_discuss_a_story_and_a_blocking_thread_holds_it(
    browser, live_server, screenshots, settings
):
    settings.DEBUG = True  # seed_demo creates the demo accounts only in DEBUG
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    settings.NEWSDESK_PRESENCE_BEAT_SECONDS = 1
    journalist = get_user_model().objects.get(username="journalist")
    story = factories.story(by=journalist, citations=2, headline="Bridge repairs start Monday")
    assert checks.story_errors(story) == []
    citation = story.citations.order_by("order", "id").first()
    base = live_server.url
    change = f"{base}/admin/stories/story/{story.pk}/change/"

    # Both open the story and see each other's initials.
    reporter = log_in(browser, base, "journalist")
    reporter.goto(change)
    editor = log_in(browser, base, "editor")
    editor.goto(change)
    editor.locator("#newsroom-presence .presence-chip", has_text="JR").wait_for()
    reporter.locator("#newsroom-presence .presence-chip", has_text="ED").wait_for()
    # Both go to the same section: each is warned before they edit over each other.
    section(editor, "What's happened").focus()
    section(reporter, "What's happened").focus()
    warning = reporter.locator(".presence-warning-inline")
    warning.wait_for()
    assert "Eddie Desk is editing this section too" in warning.inner_text()
    in_section = 'el => el.parentElement.textContent.includes("What\'s happened")'
    assert warning.evaluate(in_section)
    assert reporter.locator("#newsroom-presence .presence-warning").is_visible()
    screenshots(reporter, "journalist-presence")

    # The editor leaves a blocking comment on a citation, mentioning the journalist.
    editor.locator("#newsroom-body").wait_for()
    editor.select_option("#newsroom-anchor", f"citation:{citation.pk}")
    body = editor.locator("#newsroom-body")
    body.click()
    body.press_sequentially("Legal must see this source first, @jour")
    editor.locator(".newsroom-mentions li", has_text="@journalist").click()
    body.press_sequentially("please check.")
    editor.check("#newsroom-blocking")
    editor.get_by_role("button", name="Comment", exact=True).click()
    thread_box = editor.locator(".newsroom-thread.blocking")
    thread_box.wait_for()
    assert "@journalist please check." in thread_box.inner_text()
    thread = Thread.objects.get()
    assert thread.blocking and thread.anchor_id == citation.pk

    # The journalist finds it in the inbox (the header counts it), replies, cannot submit.
    reporter.goto(f"{base}/admin/")
    reporter.locator("#newsroom-inbox-link .newsroom-unread", has_text="(1)").wait_for()
    reporter.click("#newsroom-inbox-link")
    item = reporter.locator(".inbox-item.inbox-mention")
    assert "Legal must see this source first" in item.inner_text()
    screenshots(reporter, "journalist-inbox")
    item.get_by_role("link", name="Bridge repairs start Monday").click()
    reporter.wait_for_url(f"{change}#thread-{thread.pk}")
    reply = reporter.locator(f"#newsroom-reply-{thread.pk}")
    reply.fill("Source confirmed by phone; notes in the shared folder.")
    reporter.locator(f"#thread-{thread.pk}").get_by_role("button", name="Reply").click()
    reporter.locator(f"#thread-{thread.pk} .comment", has_text="Source confirmed").wait_for()
    assert reporter.locator(f"#thread-{thread.pk}").get_by_role("button", name="Resolve").count()
    press(reporter, "Submit for review")
    assert "blocking comment" in reporter.locator("ul.messagelist").first.inner_text()
    assert Story.objects.get(pk=story.pk).status == "draft"

    # The editor sees the reply and resolves the thread; now the journalist can submit.
    editor.reload()
    editor.locator(f"#thread-{thread.pk} .comment", has_text="Source confirmed").wait_for()
    editor.locator(f"#thread-{thread.pk}").scroll_into_view_if_needed()
    shot = screenshots(editor, "editor-thread", full_page=False)
    README_SHOT.parent.mkdir(parents=True, exist_ok=True)
    editor.locator("#discussion").screenshot(path=str(README_SHOT))
    editor.locator(f"#thread-{thread.pk}").get_by_role("button", name="Resolve").click()
    editor.locator(f"#thread-{thread.pk}.resolved").wait_for()
    assert shot.exists()
    reporter.reload()
    press(reporter, "Submit for review")
    assert "submitted for review" in reporter.locator("ul.messagelist").first.inner_text()
    assert Story.objects.get(pk=story.pk).status == "in_review"

    # The editor creates a preview link; someone logged out opens it.
    editor.reload()
    editor.get_by_role("button", name="Create preview link").click()
    link = editor.locator("#newsroom-new-link")
    link.wait_for()
    url = link.input_value()
    assert "/preview/" in url
    screenshots(editor, "editor-preview-link")
    outsider = browser.new_context().new_page()
    response = outsider.goto(url)
    assert response.status == 200
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    assert "Preview — not published" in outsider.locator(".preview-banner").inner_text()
    assert "Bridge repairs start Monday" in outsider.locator("h1").inner_text()
    screenshots(outsider, "outsider-preview")
