"""Pictures in a real browser: an editor uploads a picture in the admin, sets its focal point
by clicking on it, places it as the lead picture of a published story with alt text, and a
reader sees it on the public page. Also the README's screenshot of the demo explainer."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from PIL import Image as PILImage
from PIL import ImageDraw

from pictures.models import Image, Placement
from stories.models import Story

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NEWS_REPORT = "north-korea-warns-of-response-to-allied-displays"
EXPLAINER = "north-korea-fires-missile-as-allies-drill"


@pytest.fixture
def newsroom(settings, tmp_path, eager_tasks):
    """The demo newsroom, its pictures rendered in-process into a temporary media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEBUG = True  # seed_demo creates the demo accounts only in DEBUG
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False


def _photo() -> bytes:
    """A 2000 x 1200 "photo" with a red face near its right edge."""
    picture = PILImage.new("RGB", (2000, 1200), (70, 110, 150))
    ImageDraw.Draw(picture).ellipse([1520, 260, 1720, 460], fill=(220, 40, 40))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def log_in(browser, base_url, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", settings.NEWSDESK_DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    return page


def test_upload_set_focal_point_place_as_lead_and_read_it_on_the_page(
    browser, live_server, newsroom, screenshots
):
    page = log_in(browser, live_server.url, "editor")

    # Upload with its rights.
    page.goto(f"{live_server.url}/admin/pictures/image/add/")
    page.set_input_files(
        "#id_upload", files=[{"name": "quay.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    page.fill("#id_title", "The quay at noon")
    page.fill("#id_credit", "Kim Min-ji / Staff")
    page.select_option("#id_licence", "staff")
    page.click("input[name=_save]")
    page.wait_for_selector(".focal-point img")
    image = Image.objects.get(title="The quay at noon")

    # The focal point: a click on the face, 80% across and 30% down.
    picture = page.locator(".focal-point img")
    picture.scroll_into_view_if_needed()
    box = picture.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.3)
    assert abs(float(page.input_value("#id_focal_x")) - 0.8) < 0.02
    assert abs(float(page.input_value("#id_focal_y")) - 0.3) < 0.02
    marker = page.locator(".focal-marker").bounding_box()
    assert abs(marker["x"] + marker["width"] / 2 - (box["x"] + box["width"] * 0.8)) < 4
    screenshots(page, "focal-point")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    image.refresh_from_db()
    assert abs(image.focal_x - 0.8) < 0.02 and image.crop_revision == 2

    # Placed as the lead picture of the published news report, with alt text.
    story = Story.objects.get(slug=NEWS_REPORT)
    page.goto(f"{live_server.url}/admin/stories/story/{story.pk}/change/")
    page.locator("#pictures-group .add-row a").click()
    # The picture is found by its title in the library's autocomplete.
    page.locator("#pictures-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("quay")
    page.locator(".select2-results__option", has_text="The quay at noon").click()
    page.select_option("#id_pictures-0-role", "lead")
    page.fill("#id_pictures-0-alt_text", "A red buoy bobbing beside the quay")
    page.fill("#id_pictures-0-caption", "The quay at noon.")
    page.check("#id_update_live")
    screenshots(page, "placed", full_page=False)
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    placement = Placement.objects.get(story=story)
    assert (placement.role, placement.alt_text) == ("lead", "A red buoy bobbing beside the quay")

    # A reader sees it: the lead picture, loaded, with its alt text, caption and credit.
    reader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    reader.goto(f"{live_server.url}/stories/{NEWS_REPORT}/")
    lead = reader.locator("figure.lead-picture img")
    assert lead.get_attribute("alt") == "A red buoy bobbing beside the quay"
    reader.wait_for_function(
        "() => { const i = document.querySelector('figure.lead-picture img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    assert "r2/16x9-" in reader.evaluate(
        "() => document.querySelector('figure.lead-picture img').currentSrc"
    )
    caption = reader.locator("figure.lead-picture figcaption").inner_text()
    assert "The quay at noon." in caption and "KIM MIN-JI / STAFF" in caption.upper()
    screenshots(reader, "public-page")


def test_the_demo_explainer_shows_its_lead_picture_with_credit(
    browser, live_server, newsroom, screenshots
):
    reader = browser.new_context(viewport={"width": 1100, "height": 1000}).new_page()
    reader.goto(f"{live_server.url}/stories/{EXPLAINER}/")
    reader.wait_for_function(
        "() => [...document.querySelectorAll('figure.picture img')]"
        ".every(i => i.loading === 'lazy' || (i.complete && i.naturalWidth > 0))"
    )
    figure = reader.locator("figure.lead-picture")
    assert "ILLUSTRATION: NEWSDESK DEMO (GENERATED)" in figure.inner_text().upper()
    # No layout shift: the box has the picture's ratio before and after it loads.
    size = figure.locator("img").bounding_box()
    assert abs(size["width"] / size["height"] - 16 / 9) < 0.02
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reader.screenshot(path=str(SCREENSHOTS / "pictures-demo-explainer.png"))
    screenshots(reader, "demo-explainer")
