"""How the story pages name a moment and a person in their messages."""

from django.utils import formats, timezone


def when(moment) -> str:
    """A time in the newsroom's style, in the site's time zone: "3 May 2026, 09:30"."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def person(user) -> str:
    """Who did something: their full name, else their username."""
    if user is None:
        return "Someone (or the scheduler)"
    return user.get_full_name() or user.get_username()
