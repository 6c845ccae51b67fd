"""Encoding an image's renditions: every crop of `pictures.crops.rendition_plan`, in each
configured format (WebP by default, AVIF when NEWSDESK_PICTURE_FORMATS asks for it) plus a
JPEG fallback, written through Django's storage API (the filesystem, or S3 via django-storages).

Pillow does the work (its own WebP and AVIF encoders): no service to run, and a 24 MP JPEG's
full set takes a few seconds (docs/benchmarks.md). A JPEG original is decoded at a reduced
scale (`draft`) when even its narrowest crop is wider than the widest rendition.
"""

import io
from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from pictures.crops import CROPS, WIDTHS, PlannedRendition, crop_box

ENCODERS = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "avif": ("AVIF", {"quality": 60, "speed": 8}),
    "jpeg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}


def _decoded(image) -> tuple[PILImage.Image, float]:
    """The original, decoded no larger than the renditions need, and its scale."""
    with default_storage.open(image.file.name, "rb") as stored:
        picture = PILImage.open(io.BytesIO(stored.read()))
    narrowest = min(image.width, image.height)
    if picture.format == "JPEG" and narrowest > WIDTHS[-1]:
        scale = WIDTHS[-1] / narrowest
        picture.draft("RGB", (round(image.width * scale), round(image.height * scale)))
    picture.load()
    if picture.mode not in ("RGB", "RGBA"):
        has_alpha = picture.mode in ("LA", "PA") or "transparency" in picture.info
        picture = picture.convert("RGBA" if has_alpha else "RGB")
    return picture, picture.width / image.width


def _encode(picture: PILImage.Image, fmt: str) -> bytes:
    name, options = ENCODERS[fmt]
    if name == "JPEG" and picture.mode == "RGBA":
        flat = PILImage.new("RGB", picture.size, "white")
        flat.paste(picture, mask=picture.getchannel("A"))
        picture = flat
    out = io.BytesIO()
    picture.save(out, name, **options)
    return out.getvalue()


def renditions_encode(
    image, plan: list[PlannedRendition]
) -> Iterator[tuple[PlannedRendition, int]]:
    """Encode and store each planned rendition; yields it with its size in bytes.

    Each crop is resized once to its widest size; narrower sizes come from that, which is
    both faster and as sharp as resizing the original again.
    """
    picture, scale = _decoded(image)
    by_crop: dict[str, list[PlannedRendition]] = {}
    for planned in plan:
        by_crop.setdefault(planned.crop, []).append(planned)
    for crop, planned_crop in by_crop.items():
        box = crop_box(image.width, image.height, CROPS[crop], (image.focal_x, image.focal_y))
        scaled = (
            round(box.left * scale),
            round(box.top * scale),
            round(box.right * scale),
            round(box.bottom * scale),
        )
        cropped = picture.crop(scaled)
        largest, resized = None, None
        for planned in sorted(planned_crop, key=lambda p: -p.width):
            size = (planned.width, planned.height)
            if resized is None or resized.size != size:
                source = largest if largest is not None else cropped
                resized = (
                    source
                    if source.size == size
                    else source.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=3.0)
                )
                largest = largest or resized
            content = _encode(resized, planned.format)
            if default_storage.exists(planned.name):
                default_storage.delete(planned.name)
            default_storage.save(planned.name, ContentFile(content))
            yield planned, len(content)
