"""Demo stories for `seed_demo`: written fresh for Newsdesk, shaped like shared/seeds/.

The demo pictures are drawn here with Pillow when the demo is loaded (`demo_picture`): no file
is shipped, and being our own generated illustrations they are dedicated to the public domain
(CC0), credited as such.
"""

import datetime as dt
import io
import math

from PIL import Image, ImageDraw

ENTITIES = [
    # slug, name, kind, aliases, description
    (
        "north-korea",
        "North Korea",
        "country",
        "DPRK\nDemocratic People's Republic of Korea",
        "A state on the northern half of the Korean Peninsula, ruled by the Kim family since 1948 "
        "and under UN sanctions over its nuclear and missile programmes.",
    ),
    (
        "south-korea",
        "South Korea",
        "country",
        "ROK\nRepublic of Korea",
        "A democracy on the southern half of the Korean Peninsula and a treaty ally of the United "
        "States, which keeps about 28,000 troops there.",
    ),
    (
        "united-states",
        "United States",
        "country",
        "US\nUSA\nAmerica",
        "The federal republic whose security treaty with South Korea dates from 1953.",
    ),
    (
        "kim-jong-un",
        "Kim Jong Un",
        "person",
        "Kim Jong-un",
        "North Korea's leader since 2011 and head of its ruling Workers' Party.",
    ),
    (
        "pete-hegseth",
        "Pete Hegseth",
        "person",
        "Peter Hegseth",
        "US secretary of defense since January 2025, formerly a television presenter and an Army "
        "National Guard officer.",
    ),
    (
        "kcna",
        "Korean Central News Agency",
        "organisation",
        "KCNA",
        "North Korea's state news agency, the usual channel for the government's statements.",
    ),
    (
        "us-indo-pacific-command",
        "US Indo-Pacific Command",
        "organisation",
        "INDOPACOM",
        "The US military command responsible for the Pacific and East Asia, based in Hawaii.",
    ),
]

OUTLETS = [
    # name, domain, homepage
    ("Al Jazeera", "aljazeera.com", "https://www.aljazeera.com/"),
    ("The Independent", "independent.co.uk", "https://www.independent.co.uk/"),
    ("AP News", "apnews.com", "https://apnews.com/"),
    ("France 24", "france24.com", "https://www.france24.com/"),
    ("South China Morning Post", "scmp.com", "https://www.scmp.com/"),
    ("Korean Central News Agency", "kcna.kp", ""),
]

EXPLAINER = {
    "slug": "north-korea-fires-missile-as-allies-drill",
    "headline": "North Korea fires a short-range missile as allied drills continue",
    "summary": "Pyongyang's latest launch lands in the sea east of the peninsula, days after the "
    "US defense secretary toured the border. What it signals and what comes next.",
    "published": dt.datetime(2025, 11, 8, 9, 30, tzinfo=dt.UTC),
    "sections": {
        "whats-happened": (
            "North Korea launched a short-range ballistic missile into the waters off its east "
            "coast on **7 November 2025**, while US and South Korean forces were still exercising "
            "together. Its defence minister promised a tougher military answer to what he called "
            "hostile moves, a week after US Defense Secretary Pete Hegseth visited Seoul."
        ),
        "behind-the-headline": (
            "### A launch timed to be noticed\n\n"
            "The test came as regional leaders gathered for APEC in South Korea, and it carries "
            "several messages at once:\n\n"
            "- **Deterrence:** each launch is a reminder that Pyongyang's arsenal keeps growing, "
            "hypersonic designs included.\n"
            "- **Bargaining:** the North wants to be dealt with as a nuclear state and will not "
            "talk on the basis of giving its weapons up.\n"
            "- **Testing the alliance:** the timing probes how Washington and Seoul respond, and "
            "is watched closely in Beijing and Moscow.\n"
            "- **Politics at home:** shows of strength before party meetings help Kim Jong Un's "
            "standing."
        ),
        "forecast": (
            "Expect more launches of this kind, calibrated to stay short of open conflict. The "
            "allies will keep forces on alert and sanctions in place; talks look unlikely while "
            "Pyongyang insists on sanctions relief first. Closer ties between North Korea and "
            "Russia make any joint response at the UN harder to agree."
        ),
        "papers": "Coverage in the days after the launch focused on three threads: the threat, "
        "the timing and the weapons.",
        "how-we-got-here": (
            "Summit diplomacy between the US and North Korea broke down in 2019. Since then "
            "Pyongyang has tested more often and more kinds of missile, including cruise and "
            "hypersonic designs, and has tied recent launches to allied exercises and to "
            "high-profile visits in the region."
        ),
        "go-deeper": (
            "- What does each new launch change for security in East Asia?\n"
            "- How are Washington and Seoul adjusting their posture?\n"
            "- Could talks between the US and North Korea resume, and on what terms?"
        ),
        "common-questions": "",
        "more-on-these-topics": "",
    },
    "citations": [
        # outlet, date, claim, quote, speaker
        (
            "Al Jazeera",
            dt.date(2025, 11, 8),
            "North Korea's defence minister promised more offensive steps and said any threat to "
            "the country's security would become a direct target.",
            "more offensive action",
            "North Korea's defence minister",
        ),
        (
            "The Independent",
            dt.date(2025, 11, 7),
            "The launch fits a faster testing schedule, hypersonic weapons included, and Kim Jong Un "
            "still rules out talks built on denuclearisation.",
            "",
            "",
        ),
        (
            "AP News",
            dt.date(2025, 11, 7),
            "The missile flew shortly after Pete Hegseth's visit and during joint US-South Korean "
            "drills.",
            "",
            "",
        ),
        (
            "France 24",
            dt.date(2025, 11, 4),
            "Hegseth toured the Demilitarised Zone and the allies restated their joint defence "
            "posture.",
            "",
            "",
        ),
        (
            "South China Morning Post",
            dt.date(2025, 10, 22),
            "Analysts read the launch as a message to Washington and a show of new capabilities "
            "before key political events.",
            "",
            "",
        ),
    ],
    "faq": [
        (
            "Did North Korea launch a missile this week?",
            "Yes. On 7 November 2025 it fired a short-range ballistic missile that came down in the "
            "sea off its east coast.",
        ),
        (
            "Why is North Korea testing missiles now?",
            "The launches coincide with allied drills and regional summits; they signal capability "
            "and strengthen Pyongyang's hand before any talks.",
        ),
        (
            "Is the launch a threat to Japan or South Korea?",
            "The missile landed at sea and the US military said it posed no immediate threat, but "
            "each test adds to regional tension.",
        ),
        (
            "Will the US and North Korea hold talks?",
            "Not soon: Pyongyang demands sanctions relief and recognition first, which Washington "
            "has not offered.",
        ),
    ],
    "entities": [
        ("north-korea", "about"),
        ("south-korea", "about"),
        ("united-states", "mentions"),
        ("kim-jong-un", "mentions"),
        ("pete-hegseth", "mentions"),
    ],
    # Drawn by `demo_picture` when the demo is loaded: no photograph, nobody's rights.
    "pictures": [
        {
            "drawing": "map",
            "role": "lead",
            "title": "The East Sea launch, illustrated",
            "alt_text": "An illustrated map: a missile's dashed path arcs from North Korea's east "
            "coast into the East Sea, where allied ships are exercising.",
            "caption": "North Korea's launch on 7 November landed in the sea east of the peninsula.",
            "focal": (0.62, 0.42),
        },
        {
            "drawing": "ships",
            "role": "section",
            "section": "behind-the-headline",
            "paragraph": 1,
            "title": "Allied ships on exercise, illustrated",
            "alt_text": "An illustration of three grey warships in line on a calm sea at dusk.",
            "caption": "US and South Korean forces were exercising together when the missile flew.",
            "focal": (0.5, 0.6),
        },
    ],
}

NEWS_REPORT = {
    "slug": "north-korea-warns-of-response-to-allied-displays",
    "headline": "North Korea warns of a response to US-South Korean military displays",
    "summary": "Pyongyang's defence minister accuses Washington and Seoul of merging nuclear and "
    "conventional forces as a US carrier docks in Busan.",
    "published": dt.datetime(2025, 11, 3, 7, 0, tzinfo=dt.UTC),
    "dateline": ("Seoul, South Korea", dt.date(2025, 11, 3)),
    "sections": {
        "body": (
            "North Korea's defence minister has accused the United States and South Korea of "
            "preparing to fuse their nuclear and conventional forces, and warned of a response as "
            "a US aircraft carrier arrived in Busan and joint exercises grew in scale.\n\n"
            "In a statement carried by the Korean Central News Agency (KCNA), the minister said "
            'Pyongyang understood Washington\'s hostility and would "never avoid" answering it.\n\n'
            "The statement followed the annual US-South Korean Security Consultative Meeting and "
            "a tour of the Demilitarized Zone by US Defense Secretary Pete Hegseth and his South "
            "Korean counterpart. Hegseth wrote on social media that deterring the North remained "
            "the core of the alliance, and said US forces were ready to back President Trump's "
            'push for "peace through strength".\n\n'
            "The US Indo-Pacific Command said on Friday it was consulting closely with allies "
            "after the North's most recent ballistic missile launch, which it judged no immediate "
            "threat while warning of its destabilising effect."
        ),
        "sources": "",
    },
    "citations": [
        (
            "Korean Central News Agency",
            dt.date(2025, 11, 2),
            "The defence minister said North Korea would answer US hostility.",
            "will never avoid the response to it",
            "North Korea's defence minister",
        ),
        (
            "AP News",
            dt.date(2025, 11, 1),
            "Indo-Pacific Command said it was consulting allies after the launch.",
            "consulting closely",
            "US Indo-Pacific Command",
        ),
    ],
    "faq": [],
    "entities": [
        ("north-korea", "about"),
        ("pete-hegseth", "mentions"),
        ("kcna", "mentions"),
        ("us-indo-pacific-command", "mentions"),
    ],
}

DRAFT = {
    "slug": "what-the-apec-summit-means-for-the-peninsula",
    "headline": "What the APEC summit means for the Korean Peninsula",
    "summary": "A draft explainer still being written.",
    "sections": {
        "whats-happened": "Leaders of the Asia-Pacific economies met in Gyeongju this week.",
    },
    "citations": [],
    "faq": [],
    "entities": [("south-korea", "about")],
}


PICTURE_RIGHTS = {
    "credit": "Illustration: Newsdesk demo (generated)",
    "copyright_notice": "No rights reserved (CC0 1.0)",
    "licence": "cc",
    "licence_url": "https://creativecommons.org/publicdomain/zero/1.0/",
    "usage_terms": "Public domain: generated for the Newsdesk demo, free to use.",
}


def demo_picture(drawing: str, size: tuple[int, int] = (2400, 1350)) -> bytes:
    """A demo illustration as a JPEG: "map" (the launch over the East Sea) or "ships"."""
    width, height = size
    picture = Image.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    top, bottom = (
        ((22, 58, 96), (12, 32, 58)) if drawing == "map" else ((242, 166, 110), (70, 64, 98))
    )
    for y in range(height):  # the sea (or the dusk sky) as a gradient
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    if drawing == "map":
        land = [(0.08, 0.0), (0.42, 0.0), (0.47, 0.18), (0.43, 0.32), (0.5, 0.5), (0.47, 0.72),
                (0.4, 0.95), (0.33, 1.0), (0.27, 0.84), (0.3, 0.6), (0.22, 0.42), (0.08, 0.3)]  # fmt: skip
        draw.polygon([(x * width, y * height) for x, y in land], fill=(196, 186, 160))
        draw.line([(0.12 * width, 0.36 * height), (0.46 * width, 0.3 * height)],
                  fill=(120, 110, 95), width=6)  # fmt: skip
        start, end = (0.45 * width, 0.26 * height), (0.8 * width, 0.5 * height)
        points = []
        for i in range(41):
            t = i / 40
            x = start[0] + (end[0] - start[0]) * t
            y = start[1] + (end[1] - start[1]) * t - math.sin(math.pi * t) * 0.3 * height
            points.append((x, y))
        for i in range(0, 40, 2):  # dashed path
            draw.line([points[i], points[i + 1]], fill=(255, 214, 90), width=10)
        r = 0.02 * width
        draw.ellipse([end[0] - r, end[1] - r, end[0] + r, end[1] + r], outline=(255, 90, 70),
                     width=10)  # fmt: skip
        for i in range(3):
            _ship(draw, (0.62 + 0.08 * i) * width, 0.78 * height, 0.05 * width, (60, 70, 82))
    else:
        horizon = 0.55 * height
        draw.rectangle([0, horizon, width, height], fill=(38, 52, 74))
        for i in range(3):
            _ship(draw, (0.22 + 0.28 * i) * width, horizon + 0.12 * height, 0.16 * width,
                  (88, 94, 104))  # fmt: skip
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def _ship(draw, x: float, y: float, length: float, colour) -> None:
    h = length * 0.12
    draw.polygon([(x - length / 2, y - h), (x + length / 2, y - h), (x + length * 0.4, y),
                  (x - length * 0.42, y)], fill=colour)  # fmt: skip
    draw.rectangle([x - length * 0.12, y - h * 2.6, x + length * 0.1, y - h], fill=colour)
    draw.rectangle([x - length * 0.02, y - h * 4, x + length * 0.02, y - h * 2.6], fill=colour)
