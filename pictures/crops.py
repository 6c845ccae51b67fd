"""Which renditions an image has, and where: crops around the focal point, their widths, their
file names. Pure arithmetic on an image's stored fields, so readers compute every rendition's URL
without a query and the task that encodes them uses the very same plan."""

from dataclasses import dataclass

from django.conf import settings

# The crops news products need, as (width, height) ratios; "original" keeps the picture's own.
CROPS: dict[str, tuple[int, int] | None] = {
    "16x9": (16, 9),
    "4x3": (4, 3),
    "1x1": (1, 1),
    "original": None,
}
WIDTHS = (320, 640, 960, 1200, 1600)
CONTENT_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}


@dataclass(frozen=True)
class Box:
    """A crop of the original, in its pixels: left, top, right, bottom."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


def crop_box(
    width: int, height: int, ratio: tuple[int, int] | None, focal: tuple[float, float]
) -> Box:
    """The largest crop of `ratio` inside the picture, centred on the focal point as far as the
    picture's edges allow: a face at the edge stays inside every crop."""
    if ratio is None:
        return Box(0, 0, width, height)
    rw, rh = ratio
    crop_w, crop_h = width, round(width * rh / rw)
    if crop_h > height:
        crop_w, crop_h = round(height * rw / rh), height
    fx, fy = focal[0] * width, focal[1] * height
    left = min(max(round(fx - crop_w / 2), 0), width - crop_w)
    top = min(max(round(fy - crop_h / 2), 0), height - crop_h)
    return Box(left, top, left + crop_w, top + crop_h)


def crop_widths(box_width: int) -> list[int]:
    """The widths to render a crop at: the standard ones it is wide enough for, and its own
    width when it is narrower than the widest (never upscaled)."""
    widths = [w for w in WIDTHS if w <= box_width]
    if box_width < WIDTHS[-1] and box_width not in widths:
        widths.append(box_width)
    return widths


@dataclass(frozen=True)
class PlannedRendition:
    """One rendition of the plan: crop, size, format and its storage name."""

    crop: str
    width: int
    height: int
    format: str
    name: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def aspect_ratio(self) -> str:
        ratio = CROPS[self.crop]
        return f"{ratio[0]}:{ratio[1]}" if ratio else ""


def rendition_name(content_hash: str, revision: int, crop: str, width: int, fmt: str) -> str:
    """Where a rendition is stored: by content hash and crop revision, so a changed crop gets a
    new URL and a CDN never serves the old one."""
    return (
        f"pictures/renditions/{content_hash[:2]}/{content_hash}/"
        f"r{revision}/{crop}-{width}.{EXTENSIONS[fmt]}"
    )


def rendition_plan(
    *,
    content_hash: str,
    width: int,
    height: int,
    focal: tuple[float, float],
    revision: int,
    formats: tuple[str, ...],
) -> list[PlannedRendition]:
    """Every rendition of an image: each crop at each of its widths in each format."""
    plan = []
    for crop, ratio in CROPS.items():
        box = crop_box(width, height, ratio, focal)
        for w in crop_widths(box.width):
            h = max(1, round(w * box.height / box.width))
            for fmt in formats:
                name = rendition_name(content_hash, revision, crop, w, fmt)
                plan.append(PlannedRendition(crop, w, h, fmt, name))
    return plan


def image_plan(image, *, revision: int | None = None) -> list[PlannedRendition]:
    """The renditions an `Image` record has (or will have) at a crop revision."""
    return rendition_plan(
        content_hash=image.content_hash,
        width=image.width,
        height=image.height,
        focal=(image.focal_x, image.focal_y),
        revision=image.crop_revision if revision is None else revision,
        formats=tuple(settings.NEWSDESK_PICTURE_FORMATS),
    )
