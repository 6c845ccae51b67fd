"""Dates as journalists write them: "November 7, 2025", "7 Nov 2025", "Nov 8" in an attribution."""

import datetime as dt
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?"
FULL_DATE = re.compile(
    rf"\b(?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})\b"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{MONTH})\s+(?P<y2>\d{{4}})\b"
    r"|\b(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})\b"
)
SHORT_DATE = re.compile(
    rf"^(?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?$"
    rf"|^(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{MONTH})(?:,?\s+(?P<y2>\d{{4}}))?$"
    r"|^(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})$"
)
DATELINE = re.compile(
    rf"^(?P<place>[^\W\d][^–—\n]{{1,80}}?)\s+[–—-]{{1,2}}\s+(?P<date>(?:{MONTH}\s+\d{{1,2}},?\s+"
    rf"\d{{4}}|\d{{1,2}}\s+{MONTH}\s+\d{{4}}))\b\s*(?:[–—-]{{1,2}}\s*(?P<rest>.*))?$"
)


def make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_from_match(match, reference: dt.date, today: dt.date) -> dt.date | None:
    """A date from a FULL_DATE or SHORT_DATE match; a missing year comes from the reference.

    The year is the reference's (the dateline, or the latest date the text names, or today),
    one less if that would put the cited piece more than a month after the reference, and
    never in the future.
    """
    groups = {k: v for k, v in match.groupdict().items() if v}
    if "y3" in groups:
        return make_date(int(groups["y3"]), int(groups["m3"]), int(groups["d3"]))
    month_name = (groups.get("m1") or groups.get("m2")).rstrip(".").casefold()
    month = MONTHS.get(month_name) or MONTHS.get(month_name[:3])
    day = int(groups.get("d1") or groups.get("d2"))
    year = groups.get("y1") or groups.get("y2")
    if month is None:
        return None
    if year:
        return make_date(int(year), month, day)
    found = make_date(reference.year, month, day)
    if found is None:
        return None
    if found > reference + dt.timedelta(days=31) or found > today:
        found = make_date(reference.year - 1, month, day)
    return found


def latest_written_date(text: str, today: dt.date) -> dt.date | None:
    """The latest full date ("November 7, 2025") the text names that is not in the future."""
    dates = [date_from_match(m, today, today) for m in FULL_DATE.finditer(text)]
    dates = [d for d in dates if d and d <= today]
    return max(dates) if dates else None
