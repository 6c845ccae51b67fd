"""What browser tests do as people: log in, find a section's text box."""

from django.conf import settings

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def log_in(browser, base_url, username, viewport=None, **options):
    """A new browser context logged in through the login page, as a person would."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 1000}, **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", settings.NEWSDESK_DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    return page


def section(page, heading):
    """The body textarea of the section with this heading."""
    box = page.locator(".inline-related", has=page.get_by_text(heading, exact=True))
    return box.locator("textarea[name$='-body']")
