"""Dates as journalists write them ("November 7, 2025", "7 Nov 2025", "Nov 8" in an
attribution, "29. September 2024"), and datelines as agencies and newspapers set them."""

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
GERMAN_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januar", "jan", "jänner", "jän"), ("februar", "feb", "feber"), ("märz", "mär", "mrz"),
            ("april", "apr"), ("mai",), ("juni", "jun"), ("juli", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("oktober", "okt"), ("november", "nov"),
            ("dezember", "dez"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
DE_MONTH = (
    r"(?:Jan(?:uar)?|Jän(?:ner)?|Feb(?:ruar)?|Feber|März|Mär|Mrz|Apr(?:il)?|Mai|Jun[i]?|Jul[i]?"
    r"|Aug(?:ust)?|Sept?(?:ember)?|Okt(?:ober)?|Nov(?:ember)?|Dez(?:ember)?)\.?"
)
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?"
FULL_DATE = re.compile(
    rf"\b(?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})\b"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{MONTH})\s+(?P<y2>\d{{4}})\b"
    r"|\b(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})\b"
    rf"|\b(?P<d4>\d{{1,2}})\.\s*(?P<m4>{DE_MONTH})\s+(?P<y4>\d{{4}})\b"
)
SHORT_DATE = re.compile(
    rf"^(?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?$"
    rf"|^(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{MONTH})(?:,?\s+(?P<y2>\d{{4}}))?$"
    r"|^(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})$"
    rf"|^(?P<d4>\d{{1,2}})\.\s*(?P<m4>{DE_MONTH})(?:\s+(?P<y4>\d{{4}}))?$"
)
DATELINE = re.compile(
    rf"^(?P<place>[^\W\d][^–—\n]{{1,80}}?)\s+[–—-]{{1,2}}\s+(?P<date>(?:{MONTH}\s+\d{{1,2}},?\s+"
    rf"\d{{4}}|\d{{1,2}}\s+{MONTH}\s+\d{{4}}|\d{{1,2}}\.\s*{DE_MONTH}\s+\d{{4}}))\b\s*"
    r"(?:[–—-]{1,2}\s*(?P<rest>.*))?$"
)
AGENCIES = (
    r"AP|Reuters|AFP|dpa|DPA|PTI|IANS|ANI|UNI|Bernama|Xinhua|Kyodo|Yonhap|ANSA|EFE|APA|SDA|KNA|"
    r"epd|AA|TASS|Anadolu|CNA|KUNA|WAM|SPA|Agencies|NYT|Bloomberg|CNN|BBC|AAP|PA|UPI"
)
# A wire dateline: the place (upper case, or as written before an agency), an optional date,
# the agency in brackets, then a dash or a colon: "LA CROSSE, Wis. (AP) —", "BEIRUT/THE HAGUE,
# March 7 (Reuters) -", "Berlin (dpa) -", "NEW DELHI, Jan 5 (PTI):", "PUTRAJAYA, Nov 22 —",
# "NEW DELHI:". The body goes on after it.
UPPER_PLACE = r"[A-ZÄÖÜ][A-ZÄÖÜ.'’ -]*[A-ZÄÖÜ.](?:\s*/\s*[A-ZÄÖÜ][A-ZÄÖÜ.'’ -]*[A-ZÄÖÜ])*"
REGION = r"(?:,\s+(?!(?:{m})\b)[A-Z][\w.]*\.?(?:\s[A-Z][\w.]*\.?)?)?".format(
    m=r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
)
WIRE_DATE = (
    rf"(?:{MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{MONTH}(?:\s+\d{{4}})?"
    rf"|\d{{1,2}}\.\s*{DE_MONTH}(?:\s+\d{{4}})?)"
)
WIRE_DATELINE = re.compile(
    rf"^(?P<place>{UPPER_PLACE}{REGION}|[A-ZÄÖÜ][\w.'’-]+(?:[ /][A-ZÄÖÜ][\w.'’-]+){{0,3}}{REGION})"
    rf"(?:,?\s+(?P<date>{WIRE_DATE}))?"
    rf"\s*\((?P<agency>(?:{AGENCIES})(?:[/,][\w ]{{1,20}})?)\)\s*(?:[–—:-]{{1,2}}|\s)\s*"
    r"(?P<rest>\S.*)$"
)
# Without an agency the place must be upper case, then a date and a dash, or a colon.
PLAIN_DATELINE = re.compile(
    rf"^(?P<place>{UPPER_PLACE}{REGION})(?:,\s+(?P<date>{WIRE_DATE})\s*[–—-]{{1,2}}|\s*:)\s+"
    r"(?P<rest>\S.*)$"
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
    if "m4" in groups:
        month_name = groups["m4"].rstrip(".").lower()
        month = GERMAN_MONTHS.get(month_name) or GERMAN_MONTHS.get(month_name[:3])
    else:
        month_name = (groups.get("m1") or groups.get("m2")).rstrip(".").lower()
        month = MONTHS.get(month_name) or MONTHS.get(month_name[:3])
    day = int(groups.get("d1") or groups.get("d2") or groups.get("d4"))
    year = groups.get("y1") or groups.get("y2") or groups.get("y4")
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


def wire_date(text: str, reference: dt.date, today: dt.date) -> dt.date | None:
    """The date of a wire dateline ("March 7", "Nov 22, 2025", "29. September"); the year, when
    missing, comes from the reference as for attributions."""
    match = SHORT_DATE.match(" ".join(text.split()))
    return date_from_match(match, reference, today) if match else None


def place_as_written(place: str) -> str:
    """ "LA CROSSE, Wis." → "La Crosse, Wis.", "BEIRUT/THE HAGUE" → "Beirut/The Hague"; a place
    already in mixed case stays as it is."""
    head, comma, region = place.partition(",")
    if head.isupper():
        head = re.sub(
            r"[^\W\d_]+(?:['’][^\W\d_]+)?",
            lambda m: m.group().capitalize(),
            head.lower(),
        )
    return " ".join((head + comma + region).split())
