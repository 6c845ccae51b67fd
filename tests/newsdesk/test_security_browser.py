"""The Content-Security-Policy in Debian's Chromium: the admin story page and a reader's story
page load without a single violation, and the admin's JavaScript still works under it."""

import pytest

from stories.models import Entity, StoryEntity
from tests import factories
from tests.browser.conftest import browser, chromium_path  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def watch(page) -> list[str]:
    """Every console message and page error about the policy, as Chromium reports them."""
    seen = []

    def on_console(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            seen.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    return seen


def test_admin_and_public_pages_report_no_csp_violations_and_admin_js_works(
    browser,  # noqa: F811
    live_server,
):
    factories.UserFactory(username="chief", is_staff=True, is_superuser=True)
    varga = Entity.objects.create(name="Ines Varga", slug="ines-varga", kind="person")
    Entity.objects.create(name="Port Authority", slug="port-authority", kind="organisation")
    draft = factories.story(citations=2, summary="Crews walk out.")
    draft.sections.filter(key="whats-happened").update(body="Ines Varga leads the crews.")
    published = factories.story(citations=2, published=True, summary="Talks resume.")

    page = browser.new_page()
    page.set_default_timeout(15_000)
    violations = watch(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "secret-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/stories/story/{draft.pk}/change/")
    page.wait_for_load_state("load")
    assert violations == []
    # Inlines' "Add another" (admin/js/inlines.js) and autocomplete (select2) still work.
    page.click("#entity_links-group .add-row a")
    row = page.locator("#entity_links-0")
    row.wait_for()
    row.locator(".select2-selection").click()
    page.fill(".select2-search__field", "Port")
    page.wait_for_selector(".select2-results__option >> text=Port Authority").click()
    assert page.input_value("#id_entity_links-0-entity") != ""
    # The checklist's own inline script (nonce) runs: its "Link" button links the entity.
    page.reload()
    page.wait_for_load_state("load")
    page.locator(f"#checklist button[data-entity='{varga.pk}']").click()
    page.wait_for_selector("text=“Ines Varga” is now linked to this story.")
    assert StoryEntity.objects.filter(story=draft, entity=varga).exists()
    assert violations == []

    page.context.clear_cookies()  # a reader, who gets the cached copy the second time
    for _ in range(2):
        page.goto(f"{live_server.url}{published.get_absolute_url()}")
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == published.headline
        # base.html's inline <style> applies (the header's sans-serif brand).
        weight = page.eval_on_selector("header.site .brand", "e => getComputedStyle(e).fontWeight")
        assert weight == "800"
    assert violations == []

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info")

    assert violations == []
