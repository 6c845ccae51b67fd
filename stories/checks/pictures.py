"""Pictures: alt text on every use (error), credit and licence on every picture, and rights
that run out soon or have run out (warnings). The rules on rights live in `pictures.checks`."""

from collections.abc import Iterable

from django.utils import timezone

from pictures import checks as rights
from pictures.selectors import StoryPicture, story_pictures
from stories.checks.registry import ERROR, WARNING, Finding, register
from stories.models import Story


def _label(picture: StoryPicture) -> str:
    where = "The lead picture" if picture.is_lead else "A picture in the text"
    name = picture.title or picture.file.rsplit("/", 1)[-1]
    return f"{where} (“{name}”)"


@register("pictures")
def pictures(story: Story) -> Iterable[Finding]:
    """Each picture the story uses: alt text, credit and licence, and its rights' expiry."""
    today = timezone.localdate()
    for picture in story_pictures(story, taken_down=True):
        target = f"picture:{picture.id}"
        label = _label(picture)
        if picture.taken_down:
            yield Finding(
                WARNING,
                "picture-taken-down",
                f"{label} was taken down: its rights expired on "
                f"{picture.rights_expire_on:%Y-%m-%d}. Readers no longer see it; replace it.",
                target,
            )
            continue
        if not picture.alt_text.strip():
            yield Finding(
                ERROR,
                "picture-alt-text",
                f"{label} has no alt text: say what it shows for readers who cannot see it.",
                target,
            )
        missing = rights.rights_missing(credit=picture.credit, licence=picture.licence)
        if missing:
            yield Finding(
                WARNING,
                "picture-rights",
                f"{label} has no {' and no '.join(missing)}: add it in the picture library.",
                target,
            )
        if rights.rights_expire_soon(
            licence=picture.licence, expire_on=picture.rights_expire_on, today=today
        ):
            yield Finding(
                WARNING,
                "picture-rights-expiring",
                f"{label}: our rights to it end on {picture.rights_expire_on:%Y-%m-%d}; after "
                "that it is taken down from every story.",
                target,
            )
