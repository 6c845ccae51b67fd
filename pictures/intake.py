"""Reading an upload: what we refuse, and the original we keep.

Refused, with a message that says why and nothing stored: a file that is not a picture, an
SVG (it can carry script), a file over NEWSDESK_PICTURE_MAX_BYTES, a picture over
NEWSDESK_PICTURE_MAX_PIXELS, and a decompression bomb (Pillow's own limit, turned from a
warning into a refusal). The kept original has its EXIF orientation applied and, by default,
its EXIF location removed: a picture of a source must not tell where it was taken.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

# Formats we take, and the one the kept original is written in.
ACCEPTED = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG", "AVIF": "AVIF"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif"}
GPS_IFD = 0x8825
ORIENTATION = 0x0112


class PictureRefused(ValueError):
    """An upload we will not take; the message says why. Nothing was stored."""


@dataclass
class Original:
    """The picture as we keep it: its bytes, format, size and the hash of the upload."""

    content: bytes
    format: str
    width: int
    height: int
    content_hash: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def upload_hash(data: bytes) -> str:
    """The upload's identity: the same file uploaded twice has the same hash."""
    return hashlib.sha256(data).hexdigest()


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.3g} MB"


def _looks_like_svg(data: bytes, name: str) -> bool:
    head = data[:4096].lstrip().lower()
    return (
        name.lower().endswith((".svg", ".svgz"))
        or head.startswith(b"<?xml")
        or head.startswith(b"<svg")
        or b"<svg" in head
        or data[:2] == b"\x1f\x8b"  # gzip: how an .svgz arrives
    )


def picture_open(data: bytes, *, name: str = "") -> PILImage.Image:
    """The upload as an opened, fully decoded picture, or PictureRefused."""
    limit = settings.NEWSDESK_PICTURE_MAX_BYTES
    if len(data) > limit:
        raise PictureRefused(
            f"The file is {_megabytes(len(data))}; pictures may be at most {_megabytes(limit)}."
        )
    if _looks_like_svg(data, name):
        raise PictureRefused(
            "SVG files are refused: they can carry scripts. Upload a JPEG, PNG, WebP or AVIF."
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            picture = PILImage.open(io.BytesIO(data))
            _check_pixels(picture)
            picture.load()
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as bomb:
            raise PictureRefused(
                "The file claims to be far larger than it is (a decompression bomb): refused."
            ) from bomb
        except UnidentifiedImageError as unknown:
            raise PictureRefused(
                "This file is not a picture we can read: upload a JPEG, PNG, WebP or AVIF."
            ) from unknown
        except PictureRefused:
            raise
        except (OSError, SyntaxError, ValueError) as damaged:
            raise PictureRefused(
                f"The picture is damaged and cannot be read ({damaged})."
            ) from damaged
    return picture


def _check_pixels(picture: PILImage.Image) -> None:
    if picture.format not in ACCEPTED:
        raise PictureRefused(
            f"{picture.format} pictures are not taken: upload a JPEG, PNG, WebP or AVIF."
        )
    width, height = picture.size
    limit = settings.NEWSDESK_PICTURE_MAX_PIXELS
    if width * height > limit:
        raise PictureRefused(
            f"The picture is {width} × {height} ({width * height / 1e6:.0f} megapixels); "
            f"pictures may have at most {limit / 1e6:.0f} megapixels."
        )


def original_from_upload(data: bytes, *, name: str = "") -> Original:
    """The original to keep: orientation applied, EXIF location removed (unless
    NEWSDESK_PICTURE_STRIP_LOCATION is off), in its own format (a GIF's first frame as PNG)."""
    picture = picture_open(data, name=name)
    fmt = ACCEPTED[picture.format]
    exif = picture.getexif()
    upright = ImageOps.exif_transpose(picture) or picture
    exif.pop(ORIENTATION, None)
    if settings.NEWSDESK_PICTURE_STRIP_LOCATION:
        exif.pop(GPS_IFD, None)
        upright.info.pop("xmp", None)  # XMP can repeat the location
        upright.info.pop("XML:com.adobe.xmp", None)
    options: dict = {"exif": exif.tobytes()} if len(exif) and fmt != "PNG" else {}
    if upright.info.get("icc_profile"):
        options["icc_profile"] = upright.info["icc_profile"]
    if fmt == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        options.update(quality=92)
    elif fmt == "PNG" and upright.mode == "P":
        upright = upright.convert("RGBA")
    elif fmt in ("WEBP", "AVIF"):
        options.update(quality=90)
    out = io.BytesIO()
    upright.save(out, fmt, **options)
    return Original(
        content=out.getvalue(),
        format=fmt,
        width=upright.width,
        height=upright.height,
        content_hash=upload_hash(data),
    )
