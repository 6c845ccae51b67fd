"""What an upload must not get through, and the original we keep (pictures/intake.py)."""

import io
import struct
import zlib

import pytest
from PIL import Image as PILImage

from pictures import services
from pictures.intake import PictureRefused
from pictures.models import Image
from tests.pictures.conftest import picture_bytes

pytestmark = pytest.mark.django_db


def _png_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes whose header claims a huge picture: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _refused(editor, media, data, name="upload.jpg", **fields) -> str:
    with pytest.raises(PictureRefused) as refused:
        services.image_upload(data=data, name=name, by=editor, **fields)
    assert not Image.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    return str(refused.value)


def test_a_file_that_is_not_a_picture_is_refused(editor, media):
    message = _refused(editor, media, b"%PDF-1.7 not a picture at all", name="scan.pdf")
    assert "not a picture" in message


@pytest.mark.parametrize(
    "data, name",
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "innocent.png"),
    ],
)
def test_svg_is_refused_whatever_its_name(editor, media, data, name):
    assert "SVG" in _refused(editor, media, data, name=name)


def test_a_decompression_bomb_is_refused_by_pillows_own_limit(editor, media, settings):
    settings.NEWSDESK_PICTURE_MAX_PIXELS = 10**12  # our limit out of the way: Pillow's remains
    message = _refused(editor, media, _png_claiming(30_000, 30_000), name="bomb.png")
    assert "decompression bomb" in message


def test_a_file_over_the_size_limit_is_refused(editor, media, settings):
    settings.NEWSDESK_PICTURE_MAX_BYTES = 5_000
    assert "at most 0.005 MB" in _refused(editor, media, picture_bytes((800, 600), seed=9) * 3)


def test_a_picture_over_the_pixel_limit_is_refused(editor, media, settings):
    settings.NEWSDESK_PICTURE_MAX_PIXELS = 400_000
    assert "megapixels" in _refused(editor, media, picture_bytes((800, 600)))


def test_a_focal_point_outside_the_picture_is_refused(editor, media):
    assert "focal point" in _refused(editor, media, picture_bytes(), focal_x=1.5)


def test_defaults_are_30_mb_and_60_megapixels(settings):
    assert settings.NEWSDESK_PICTURE_MAX_BYTES == 30_000_000
    assert settings.NEWSDESK_PICTURE_MAX_PIXELS == 60_000_000


def _stored(image) -> PILImage.Image:
    with image.file.open("rb") as stored:
        return PILImage.open(io.BytesIO(stored.read()))


def test_exif_location_is_stripped_and_orientation_applied(upload):
    # Orientation 6: the camera was turned; the picture must be shown rotated 90°.
    image = upload(picture_bytes((800, 600), gps=True, orientation=6))
    assert (image.width, image.height) == (600, 800)
    kept = _stored(image)
    assert kept.size == (600, 800)
    exif = kept.getexif()
    assert 0x8825 not in exif and not exif.get_ifd(0x8825)  # no GPS
    assert 0x0112 not in exif  # orientation applied, so no longer stated
    assert exif[0x010F] == "Camera Maker"  # the rest of EXIF stays


def test_location_is_kept_only_when_the_newsroom_says_so(upload, settings):
    settings.NEWSDESK_PICTURE_STRIP_LOCATION = False
    image = upload(picture_bytes((640, 480), gps=True, seed=3))
    assert _stored(image).getexif().get_ifd(0x8825)
