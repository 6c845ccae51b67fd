"""The rules about a picture's rights, in one place: what is missing, what expires soon, what
has expired. `stories.checks.pictures` turns them into findings; the takedown service acts on
`rights_expired`."""

from datetime import date, timedelta

from pictures.models import Licence

# Agency and handout pictures are licensed for a time; staff and CC pictures are ours to keep.
TIME_LIMITED = frozenset({Licence.AGENCY, Licence.HANDOUT})
EXPIRY_WARNING = timedelta(days=7)


def rights_missing(*, credit: str, licence: str) -> list[str]:
    """What a picture still needs before readers may see it credited: credit, licence."""
    return [name for name, value in (("credit", credit), ("licence", licence)) if not value]


def rights_expire_soon(*, licence: str, expire_on: date | None, today: date) -> bool:
    """A time-limited picture whose last day is within the next seven days."""
    return (
        licence in TIME_LIMITED
        and expire_on is not None
        and today <= expire_on <= today + EXPIRY_WARNING
    )


def rights_expired(*, licence: str, expire_on: date | None, today: date) -> bool:
    """A time-limited picture past its last day: it comes down from every story."""
    return licence in TIME_LIMITED and expire_on is not None and expire_on < today
