"""The newsroom home and the public story page in a real browser: the home's counts, a
journalist kept out of user management, both layouts at desktop and phone sizes, and axe-core
finding no serious or critical accessibility problem."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from sources.models import Citation, LinkStatus
from stories.models import Byline, Correction, Entity, Story, StoryStatus, StoryTransition
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
EXPLAINER = "north-korea-fires-missile-as-allies-drill"


def newsroom_desk():
    """The demo, plus a day's work: a draft sent back, stories in review, one scheduled, a dead
    link on a published story and a correction."""
    settings.DEBUG = True  # seed_demo creates the demo accounts only in DEBUG
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    User = get_user_model()
    jo, eddie = User.objects.get(username="journalist"), User.objects.get(username="editor")
    kim = factories.journalist(username="kim", first_name="Kim", last_name="Lee")
    returned = factories.story(by=jo, headline="Ferry strike: what commuters need to know")
    StoryTransition.objects.create(
        story=returned,
        action="request_changes",
        from_status=StoryStatus.IN_REVIEW,
        to_status=StoryStatus.DRAFT,
        by=eddie,
        comment="Add the union's statement and the ministry's reply.",
    )
    for by, headline in [
        (jo, "Why the allied drills matter"),
        (kim, "The port strike, day three"),
    ]:
        story = factories.story(by=by, headline=headline)
        Story.objects.filter(pk=story.pk).update(status=StoryStatus.IN_REVIEW)
        StoryTransition.objects.create(
            story=story,
            action="submit",
            from_status=StoryStatus.DRAFT,
            to_status=StoryStatus.IN_REVIEW,
            by=by,
        )
    scheduled = factories.story(by=kim, headline="Election night: how the count works")
    Story.objects.filter(pk=scheduled.pk).update(
        status=StoryStatus.SCHEDULED, scheduled_for=timezone.now() + dt.timedelta(hours=5)
    )
    explainer = Story.objects.get(slug=EXPLAINER)
    Citation.objects.filter(pk=explainer.citations.first().pk).update(
        url="https://example.org/gone", link_status=LinkStatus.GONE
    )
    Correction.objects.create(
        story=explainer, text="An earlier version gave the wrong launch time.", created_by=eddie
    )
    Story.objects.filter(pk=explainer.pk).update(version=explainer.version + 1)
    return {"jo": jo, "eddie": eddie, "kim": kim}


def log_in(browser, base_url, username, viewport=DESKTOP):
    # CSP is bypassed only so the test can inject axe-core; the pages' own scripts are ours.
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", settings.NEWSDESK_DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    return page


def counts(page) -> dict[str, int]:
    return {
        panel.get_attribute("id").removeprefix("panel-"): int(panel.get_attribute("data-count"))
        for panel in page.locator("section.home-panel").all()
    }


def serious_violations(page) -> list[str]:
    """What axe-core finds serious or critical on the page (WCAG 2.1 A and AA rules)."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            });
            return {
                passes: result.passes.length,
                violations: result.violations
                    .filter(v => v.impact === "serious" || v.impact === "critical")
                    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)})),
            };
        }"""
    )
    assert found["passes"] > 10  # axe ran its rules on this page
    return [json.dumps(v) for v in found["violations"]]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_home_counts_layouts_and_accessibility_for_journalist_and_editor(
    browser, live_server, screenshots
):
    people = newsroom_desk()
    base = live_server.url

    for username in ("journalist", "editor"):
        page = log_in(browser, base, username)
        shown = counts(page)
        if username == "journalist":
            stale_before = timezone.localdate() - dt.timedelta(
                days=settings.NEWSDESK_ENTITY_REVIEW_DAYS
            )
            assert shown == {
                "sent-back": 1,
                "drafts": Story.objects.filter(
                    status=StoryStatus.DRAFT, byline_links__user=people["jo"]
                ).count()
                - 1,
                "scheduled": 1,
                "published": 0,  # the demo's stories went out in 2025
                "broken-links": Citation.objects.filter(
                    story__status=StoryStatus.PUBLISHED,
                    link_status__in=[LinkStatus.GONE, LinkStatus.FAILED],
                ).count(),
                "stale-entities": Entity.objects.filter(
                    Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=stale_before)
                ).count(),
            }
            assert shown["broken-links"] >= 1
            sent_back = page.locator("#panel-sent-back")
            assert "Add the union's statement" in sent_back.inner_text()
        else:
            assert shown["review"] == 2  # Jo's and Kim's; the editor wrote neither
            assert "sent-back" in shown and shown["scheduled"] == 1
        screenshots(page, f"home-{username}-desktop")
        assert serious_violations(page) == []
        phone = page.context.new_page()
        phone.set_viewport_size(PHONE)
        phone.goto(f"{base}/admin/")
        assert no_horizontal_scroll(phone)
        screenshots(phone, f"home-{username}-phone")
        assert serious_violations(phone) == []

        # One click to a story from its panel.
        panel = "#panel-review" if username == "editor" else "#panel-sent-back"
        with page.expect_navigation():
            page.locator(f"{panel} a.entry").first.click()
        assert "/admin/stories/story/" in page.url and page.url.endswith("/change/")
        page.context.close()


def test_journalist_cannot_reach_user_management(browser, live_server):
    newsroom_desk()
    base = live_server.url
    page = log_in(browser, base, "journalist")
    assert page.locator("a[href*='/admin/auth/']").count() == 0
    for path in ("/admin/auth/user/", "/admin/auth/group/", "/admin/auth/"):
        response = page.goto(f"{base}{path}")
        assert response.status in {403, 404}, path
    editor = log_in(browser, base, "editor")
    assert editor.locator("a[href*='/admin/auth/']").count() == 0
    admin = log_in(browser, base, "admin")
    assert admin.locator("a[href='/admin/auth/user/']").count() >= 1


def test_public_story_page_layout_and_accessibility(browser, live_server, screenshots):
    newsroom_desk()
    base = live_server.url
    story = Story.objects.get(slug=EXPLAINER)
    Byline.objects.get_or_create(story=story, user=get_user_model().objects.get(username="kim"))
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, bypass_csp=True)
        page = context.new_page()
        response = page.goto(f"{base}/stories/{EXPLAINER}/")
        assert response.status == 200
        sizes = page.evaluate(
            """() => ["h1", "h2", "h3"].map(
                tag => parseFloat(getComputedStyle(document.querySelector("article " + tag)).fontSize)
            )"""
        )
        assert sizes[0] > sizes[1] > sizes[2], sizes
        assert no_horizontal_scroll(page)
        assert page.locator(".corrected-notice a[href='/corrections/']").count() == 1
        assert page.locator("footer.site a[href='/corrections/']").count() == 1
        screenshots(page, f"story-page-{name}")
        assert serious_violations(page) == []
        context.close()
    # The byline leads to the author's page.
    page = browser.new_page()
    page.goto(f"{base}/stories/{EXPLAINER}/")
    with page.expect_navigation():
        page.locator("article .byline a").first.click()
    assert "/authors/" in page.url
    assert page.locator("h1").inner_text() and "North Korea" in page.content()
