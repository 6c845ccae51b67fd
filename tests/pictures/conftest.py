"""Pictures' fixtures: media in a temporary directory, and pictures made with Pillow."""

import io

import pytest
from PIL import Image as PILImage
from PIL import ImageDraw

from pictures import services
from pictures.models import Placement
from stories import services as story_services


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def picture_bytes(
    size=(800, 600),
    *,
    fmt="JPEG",
    color=(40, 90, 160),
    face_at=None,
    gps=False,
    orientation=None,
    seed=0,
) -> bytes:
    """A picture: a plain field, a red square "face" at `face_at` (x, y in 0–1), optionally
    with an EXIF location and an EXIF orientation."""
    picture = PILImage.new("RGB", size, color)
    draw = ImageDraw.Draw(picture)
    draw.rectangle([seed, seed, seed + 3, seed + 3], fill=(seed % 255, 0, 0))
    if face_at is not None:
        cx, cy = face_at[0] * size[0], face_at[1] * size[1]
        r = min(size) // 20
        draw.rectangle([cx - r, cy - r, cx + r, cy + r], fill=(255, 0, 0))
    exif = PILImage.Exif()
    exif[0x010F] = "Camera Maker"
    if gps:
        exif[0x8825] = {1: "N", 2: (37.0, 33.0, 0.0), 3: "E", 4: (126.0, 58.0, 0.0)}
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    picture.save(out, fmt, exif=exif.tobytes()) if fmt != "PNG" else picture.save(out, fmt)
    return out.getvalue()


@pytest.fixture
def upload(editor):
    """Upload a picture as the editor; returns the Image."""

    def make(data=None, **fields):
        fields.setdefault("credit", "Jane Doe / Agency")
        fields.setdefault("licence", "staff")
        image, _ = services.image_upload(data=data or picture_bytes(), by=editor, **fields)
        return image

    return make


def place(story, image, *, by, role="lead", section=None, alt_text="A harbour at dawn", **fields):
    """Put an image into a story through the story service, as the admin does."""
    placement = Placement(
        story=story, image=image, role=role, section=section, alt_text=alt_text, **fields
    )
    story_services.story_update(
        story=story,
        by=by,
        changes=story_services.StoryChanges(saved=[story_services.PartChange(part=placement)]),
        live_update=True,
    )
    return placement
