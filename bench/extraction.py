"""How well `sources.extraction` reads titles, dates and authors, on labelled real pages.

    .venv/bin/python bench/extraction.py [--data ../shared/datasets/news-metadata-dev] [--no-write]

Scores the whole set (never page by page) and writes the rates and the time per page to the
"Sources: metadata extraction" section of docs/benchmarks.md.

- title exact: the extracted title equals the label, spaces collapsed.
- title loose: equal ignoring case, punctuation, quote styles and spaces.
- same-day date: the calendar day matches, read in the label's UTC offset.
- exact author set: the same set of names (spaces collapsed); an empty label needs an empty set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import platform
import re
import statistics
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Extraction needs no database or settings: no django.setup(), so the score is the parser alone.
from bench.report import write_section  # noqa: E402
from sources.extraction import extract  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "news-metadata-dev"
if not DEFAULT_DATA.exists():
    DEFAULT_DATA = Path("/work/shared/datasets/news-metadata-dev")
SECTION = "## Sources: metadata extraction"
BEST_KNOWN = {"title_exact": 0.81, "title_loose": 0.90, "date": 0.98, "authors": 0.84}


def spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def loose(text: str) -> str:
    return re.sub(r"[\W_]+", "", (text or "").casefold())


def same_day(found: dt.datetime | None, label: str) -> bool:
    if found is None:
        return False
    expected = dt.datetime.fromisoformat(label)
    if found.tzinfo and expected.tzinfo:
        found = found.astimezone(expected.tzinfo)
    return found.date() == expected.date()


def score(data: Path) -> dict:
    labels = json.loads((data / "labels.json").read_text())
    hits = {"title_exact": 0, "title_loose": 0, "date": 0, "authors": 0}
    times = []
    misses: dict[str, list] = {k: [] for k in hits}
    for item in labels:
        page = gzip.decompress((data / item["file"]).read_bytes())
        started = time.perf_counter()
        result = extract(page, url=item["url"])
        times.append(time.perf_counter() - started)
        checks = {
            "title_exact": spaces(result.title) == spaces(item["title"]),
            "title_loose": loose(result.title) == loose(item["title"]),
            "date": same_day(result.published, item["published"]),
            "authors": {spaces(a) for a in result.authors} == {spaces(a) for a in item["authors"]},
        }
        for key, ok in checks.items():
            hits[key] += ok
            if not ok:
                found = {
                    "title_exact": result.title,
                    "title_loose": result.title,
                    "date": result.published and result.published.isoformat(),
                    "authors": result.authors,
                }[key]
                expected = {"date": item["published"], "authors": item["authors"]}.get(
                    key, item["title"]
                )
                misses[key].append((item["file"], expected, found))
    n = len(labels)
    return {
        "pages": n,
        "rates": {k: v / n for k, v in hits.items()},
        "ms_per_page": 1000 * statistics.mean(times),
        "ms_p95": 1000 * sorted(times)[int(0.95 * (n - 1))],
        "misses": misses,
    }


def reflow(body: str) -> str:
    """Wrap prose paragraphs at 100 columns; leave tables and code alone."""
    paragraphs = []
    for paragraph in body.strip().split("\n\n"):
        if paragraph.lstrip().startswith(("|", "```", "    ")):
            paragraphs.append(paragraph)
        else:
            paragraphs.append(textwrap.fill(" ".join(paragraph.split()), width=100))
    return "\n\n".join(paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    parser.add_argument("--misses", choices=["title_exact", "title_loose", "date", "authors"])
    args = parser.parse_args()
    result = score(args.data)
    rates = result["rates"]
    rows = [
        ("title, exact", "title_exact"),
        ("title, loose", "title_loose"),
        ("date, same day", "date"),
        ("authors, exact set", "authors"),
    ]
    table = "\n".join(
        f"| {label} | {rates[key]:.2f} | {BEST_KNOWN[key]:.2f} |" for label, key in rows
    )
    publishers = len({i["publisher"] for i in json.loads((args.data / "labels.json").read_text())})
    body = f"""`bench/extraction.py` on `news-metadata-dev` ({result["pages"]} labelled pages, {publishers}
publishers), whole set, no publisher-specific rules. Measured {dt.date.today():%Y-%m-%d} on
{platform.processor() or platform.machine()}, Python {platform.python_version()}.

| measure | Newsdesk | best known (JSON-LD/OpenGraph + trafilatura) |
|---|---|---|
{table}

Time per page: {result["ms_per_page"]:.0f} ms mean, {result["ms_p95"]:.0f} ms p95 (one core, including
trafilatura's main-text extraction).

Scoring: *exact* compares titles with runs of spaces collapsed; *loose* also ignores case,
punctuation and quote styles; a date counts when its calendar day, read in the label's UTC offset,
matches; an author set counts when it is exactly the labelled set (an empty label needs an empty
result)."""
    print(reflow(body))
    if args.misses:
        for miss in result["misses"][args.misses]:
            print(json.dumps(miss, ensure_ascii=False))
    if not args.no_write:
        write_section(SECTION, body)
        print("\nWritten to docs/benchmarks.md")


if __name__ == "__main__":
    main()
