"""The story page as a journalist uses it all day, in a real browser: a headline-only draft,
autosave, a refused save shown where the eye is, the warning before unsaved text is lost, parts
added before the first save and ordered by dragging, the Markdown toolbar and live preview,
recall, and no serious accessibility faults (axe-core)."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from stories import services, workflow
from stories.models import FAQItem, Story, StoryStatus
from tests.browser.newsroom import DESKTOP, PHONE, log_in, section

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def newsroom(settings):
    settings.DEBUG = True  # seed_demo creates the demo accounts only in DEBUG
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False


def in_first_viewport(page, selector) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and 0 <= box["y"] < page.viewport_size["height"]


def serious_violations(page) -> list:
    page.evaluate(AXE.read_text() + "\n;0")
    results = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_headline_only_draft_then_autosave(browser, live_server, newsroom, screenshots):
    base = live_server.url
    page = log_in(browser, base, "journalist", viewport=DESKTOP)
    page.goto(f"{base}/admin/stories/story/add/")
    page.fill("#id_headline", "A draft with only its headline")
    page.select_option("#id_template", label="Explainer")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    story = Story.objects.get(headline="A draft with only its headline")
    assert story.status == StoryStatus.DRAFT and story.slug == "a-draft-with-only-its-headline"
    assert "/change/" in page.url

    # Typing in a section and leaving the field autosaves through the same save.
    box = section(page, "What's happened")
    box.fill("The navy **tested** a new missile.")
    page.locator("#id_summary").click()  # focus leaves the section: autosave on blur
    page.locator("#save-status", has_text="Draft saved").wait_for()
    story.refresh_from_db()
    assert story.sections.get(key="whats-happened").body == "The navy **tested** a new missile."
    assert story.version == 2
    # A new part autosaved twice is one part: the page adopts the id the first autosave gave it.
    page.locator("#faq_items-group .add-row a").click()
    row = page.locator("#faq_items-group .inline-related:not(.empty-form)").last
    row.locator("input[name$='-question']").fill("Was anyone hurt?")
    row.locator("textarea[name$='-answer']").fill("No one.")
    page.locator("#id_summary").click()
    page.locator("#save-status", has_text="version 3").wait_for()
    row.locator("textarea[name$='-answer']").fill("No one, the ministry says.")
    page.locator("#id_summary").click()
    page.locator("#save-status", has_text="version 4").wait_for()
    assert list(story.faq_items.values_list("question", "answer")) == [
        ("Was anyone hurt?", "No one, the ministry says.")
    ]
    # The page now edits the saved version: a normal save after the autosave is not a conflict.
    page.fill("#id_summary", "Saved by hand after the autosave.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    assert "after you opened it" not in page.content()
    story.refresh_from_db()
    assert story.summary == "Saved by hand after the autosave." and story.version == 5
    screenshots(page, "autosaved")


def test_refused_save_shows_its_reason_in_the_first_viewport(browser, live_server, newsroom):
    base = live_server.url
    story = Story.objects.get(status=StoryStatus.DRAFT)
    page = log_in(browser, base, "journalist", viewport=DESKTOP)
    page.goto(f"{base}/admin/stories/story/{story.pk}/change/")
    # An editor saves first.
    services.story_update(
        story=story,
        by=None,
        changes=services.StoryChanges(fields={"summary": "The desk's summary."}),
    )
    page.fill("#id_summary", "My summary.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    assert in_first_viewport(page, "#form-errors")
    assert "after you opened it" in page.locator("#form-errors").inner_text()
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert page.locator("#id_summary").input_value() == "My summary."  # typed text kept
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "story-form-refused.png"))


def test_leaving_with_unsaved_changes_warns(browser, live_server, newsroom):
    base = live_server.url
    story = Story.objects.get(status=StoryStatus.DRAFT)
    page = log_in(browser, base, "journalist", viewport=DESKTOP)
    page.goto(f"{base}/admin/stories/story/{story.pk}/change/")
    page.fill("#id_summary", "Not saved yet.")
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", on_dialog)
    page.evaluate("window.location.href = '/admin/'")
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert "/change/" in page.url
    assert page.locator("#id_summary").input_value() == "Not saved yet."


def test_parts_added_before_the_first_save_and_ordered_by_dragging(
    browser, live_server, newsroom, screenshots
):
    base = live_server.url
    page = log_in(browser, base, "journalist", viewport=DESKTOP)
    page.goto(f"{base}/admin/stories/story/add/")
    page.fill("#id_headline", "Questions first")
    page.select_option("#id_template", label="Explainer")
    # The chosen template's sections are there to write in before the first save.
    explainer = page.locator(".sections-before-saving:not([hidden])")
    assert explainer.locator("h2").text_content().strip() == "Sections · Explainer"
    explainer.get_by_label("What's happened").fill("A missile flew **600 km**.")
    add_faq = page.locator("#faq_items-group .add-row a")
    for question in ("Who fired it?", "How far did it fly?"):
        add_faq.click()
        row = page.locator("#faq_items-group .inline-related:not(.empty-form)").last
        row.locator("input[name$='-question']").fill(question)
        row.locator("textarea[name$='-answer']").fill(f"The answer to “{question}”")
    rows = page.locator("#faq_items-group .inline-related:not(.empty-form)")
    rows.nth(1).locator(".drag-handle").drag_to(rows.nth(0).locator("h3"))
    assert rows.nth(0).locator("input[name$='-question']").input_value() == "How far did it fly?"
    page.wait_for_timeout(600)  # the drop's animation and the previews settle
    screenshots(page, "parts-before-first-save")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    assert not page.locator("#form-errors").count(), page.locator("#form-errors").inner_text()
    story = Story.objects.get(headline="Questions first")
    assert list(FAQItem.objects.filter(story=story).values_list("question", flat=True)) == [
        "How far did it fly?",
        "Who fired it?",
    ]
    assert "Questions first" in page.content() and "/change/" in page.url
    assert story.sections.get(key="whats-happened").body == "A missile flew **600 km**."


def test_markdown_toolbar_and_live_preview(browser, live_server, newsroom, screenshots):
    base = live_server.url
    story = Story.objects.get(status=StoryStatus.DRAFT)
    page = log_in(browser, base, "journalist", viewport=DESKTOP)
    page.goto(f"{base}/admin/stories/story/{story.pk}/change/")
    # Each part counts itself against the template's limits: citations need at least 2.
    citations = story.citations.count()
    assert page.locator("#citations-group h2 .part-count").inner_text() == (
        f"{citations} of at least 2"
    )
    box = section(page, "What's happened")
    box.fill("The launch was a surprise.")
    box.evaluate("(t) => t.setSelectionRange(4, 10)")  # "launch"
    page.locator(".markdown-toolbar").first.get_by_role("button", name="Bold").click()
    assert box.input_value() == "The **launch** was a surprise."
    preview = box.locator("xpath=following-sibling::div[contains(@class,'markdown-preview')]")
    preview.locator("strong", has_text="launch").wait_for()
    # The preview is the public page's renderer and sanitiser: no script survives.
    box.fill("Hello <script>alert(1)</script> *there*")
    preview.locator("em", has_text="there").wait_for()
    assert "<script" not in preview.inner_html()
    box.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "story-form-preview.png"))
    screenshots(page, "preview")


def test_recall_in_the_browser(browser, live_server, newsroom):
    base = live_server.url
    story = Story.objects.get(status=StoryStatus.DRAFT)
    journalist = story.bylines.first()
    Story.objects.filter(pk=story.pk).update(status=StoryStatus.DRAFT)
    # Submit needs passing checks; the demo draft may not pass them, so move it in review as
    # the submit step would.
    Story.objects.filter(pk=story.pk).update(status=StoryStatus.IN_REVIEW)
    from stories.models import StoryTransition

    StoryTransition.objects.create(
        story=story,
        action="submit",
        from_status=StoryStatus.DRAFT,
        to_status=StoryStatus.IN_REVIEW,
        by=journalist,
        at=Story.objects.get(pk=story.pk).updated_at,
    )
    page = log_in(browser, base, journalist.username, viewport=DESKTOP)
    page.goto(f"{base}/admin/stories/story/{story.pk}/change/")
    with page.expect_navigation():
        page.get_by_role("button", name="Recall to draft").click()
    assert Story.objects.get(pk=story.pk).status == StoryStatus.DRAFT
    assert "recalled to draft" in page.locator("ul.messagelist").first.inner_text()
    assert workflow.ACTIONS["recall"].label == "Recall to draft"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_story_form_has_no_serious_accessibility_faults(browser, live_server, newsroom, viewport):
    base = live_server.url
    story = Story.objects.get(status=StoryStatus.DRAFT)
    page = log_in(browser, base, "journalist", viewport=viewport)
    page.goto(f"{base}/admin/stories/story/{story.pk}/change/")
    page.locator(".markdown-preview").first.wait_for()
    name = "story-form" if viewport is DESKTOP else "story-form-phone"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    violations = serious_violations(page)
    assert not violations, json.dumps(violations, indent=1)


def test_a_checklist_item_leads_to_its_field(browser, live_server, newsroom):
    base = live_server.url
    story = Story.objects.get(status=StoryStatus.DRAFT)
    page = log_in(browser, base, "journalist", viewport=DESKTOP)
    page.goto(f"{base}/admin/stories/story/{story.pk}/change/")
    # The demo draft's "What's behind the headline?" is required and empty: an error item.
    item = page.locator("#checklist .checklist-go", has_text="What's behind the headline?")
    item.first.click()
    focused = page.evaluate("document.activeElement.name")
    expected = section(page, "What's behind the headline?").get_attribute("name")
    assert focused == expected
    box = section(page, "What's behind the headline?").bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"]
