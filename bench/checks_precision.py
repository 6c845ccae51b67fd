"""How often the editorial checks cry wolf on published copy, and whether they still catch typos.

    .venv/bin/python bench/checks_precision.py [--seed 19] [--no-write]

Reads the pages of /work/shared/datasets/news-metadata-dev/ (real published articles), takes
each page's headline and main text with the project's extractor (`sources.extraction.extract`),
keeps the English and German ones (the language as the import detects it), and imports each as
plain text into a news report, as a journalist pasting copy would, in a throwaway test
database. Then:

- **false alarms**: every content finding on the published copy (not missing structure, not an
  entity to link) counts against the checks, per 1,000 words of the story, per check and language.
  Published copy has been edited; what is left is mostly noise (a real slip now and then).
- **recall**: one letter-swap typo in a long common word and one doubled word are injected per
  article (seeded, so every run injects the same), and the run counts whether `unknown-word`
  named the typo and `doubled-word` the doubled word.

Nothing here knows a page or a publisher: the injection picks its words at random.
"""

import argparse
import gzip
import json
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from report import write_section  # noqa: E402

DATASET = Path("/work/shared/datasets/news-metadata-dev")
SECTION = "## Editorial checks: false alarms and recall"
TARGETS = {"en": 1.0, "de": 2.0}  # content findings per 1,000 words, at most
RECALL_TYPO, RECALL_DOUBLED = 0.90, 0.95
# Findings about what is missing or what to link, not about the copy's words.
NOT_CONTENT = {
    "missing-headline", "missing-summary", "missing-dateline", "empty-section",
    "too-few-items", "too-many-items", "entity-not-linked", "entity-stale",
}  # fmt: skip
# This script run on the code before issue 19 (commit 0aa2476, from a git worktree; the import
# set no language then, so the page's declared language was used and every story was checked
# as English, the default), seed 19.
BEFORE = """**Before** (commit 0aa2476, same script and seed; stories saved as `en`, the import's only
language then): English 11.52 content findings per 1,000 words (unknown-word 8.63,
unattributed-quote 2.22, unbalanced-quotes 0.50, doubled-word 0.11, missing-space 0.06), German
228.31 (unknown-word 220.08, unbalanced-quotes 5.51, unattributed-quote 2.33, doubled-word 0.37,
missing-space 0.02); recall: typos 100% en / 81% de, doubled words 100% / 100%.
With seed 7 the current code gives the same false-alarm rates and recall of typos 95% en / 98%
de, doubled words 98% / 100%.

What is left is not all noise. Of the English findings, the 12 `page-furniture` lines are all
furniture the extractor kept ("READ MORE: …", "Most read in Football", "Advertisement"), and
about a quarter of `unknown-word` findings are real typos in the published copy
("committment", "agains", "ugley", "facist"); `missing-space` finds words glued where the
page's paragraphs were joined. German `unknown-word` findings are mostly rare derived words and
a Luxembourgish article the detector reads as German."""
LOWER_WORD = re.compile(r"(?<![\w'’\-])([a-zäöüß]+)(?![\w'’\-])")


def pages(limit: int | None):
    from sources.extraction import extract

    labels = json.loads((DATASET / "labels.json").read_text())
    for label in labels[:limit]:
        html = gzip.decompress((DATASET / label["file"]).read_bytes())
        article = extract(html, label["url"])
        if article.text and len(article.text.split()) >= 80:
            yield label, article


def known_common(word: str, language: str) -> bool:
    from stories.checks import word_is_known

    return word_is_known(word, language)


def inject(text: str, rng: random.Random, language: str) -> tuple[str, str, str]:
    """The text with one letter-swap typo in a long common word and one doubled word."""
    words = [m for m in LOWER_WORD.finditer(text) if len(m.group()) >= 7]
    rng.shuffle(words)
    typo = ""
    for match in words:
        word = match.group()
        i = rng.randrange(1, len(word) - 2)
        swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if swapped != word and known_common(word, language) and not known_common(swapped, language):
            typo = swapped
            text = text[: match.start()] + swapped + text[match.end() :]
            break
    candidates = [m for m in LOWER_WORD.finditer(text) if len(m.group()) >= 3]
    match = rng.choice(candidates)
    doubled = f"{match.group()} {match.group()}"
    text = text[: match.start()] + doubled + text[match.end() :]
    return text, typo, doubled


def findings_of(text: str, *, template, headline: str):
    from stories.importing import story_import_findings, story_text_parse

    draft = story_text_parse(text=text, template=template, headline=headline, source_format="text")
    return draft, [f for f, _label in story_import_findings(draft=draft)]


def measure(seed: int, limit: int | None) -> dict:
    from stories.importing import story_text_parse  # noqa: F401 - fail early if missing
    from stories.models import StoryTemplate

    template = StoryTemplate.objects.get(slug="news-report")
    per_language = defaultdict(lambda: {"articles": 0, "words": 0, "findings": Counter()})
    recall = defaultdict(lambda: {"typos": 0, "typos_caught": 0, "doubled": 0, "doubled_caught": 0})
    examples = defaultdict(list)
    started = time.perf_counter()
    for index, (_label, article) in enumerate(pages(limit)):
        headline = " ".join(article.title.split())[:250] or "Untitled"
        draft, found = findings_of(article.text, template=template, headline=headline)
        language = draft.language
        if language not in TARGETS:
            continue
        stats = per_language[language]
        stats["articles"] += 1
        stats["words"] += len(article.text.split()) + len(headline.split())
        for finding in found:
            if finding.code not in NOT_CONTENT:
                stats["findings"][finding.code] += 1
                if len(examples[(language, finding.code)]) < 200:
                    examples[(language, finding.code)].append(finding.message)
        rng = random.Random(f"{seed}:{index}")
        text, typo, doubled = inject(article.text, rng, language)
        _draft, found = findings_of(text, template=template, headline=headline)
        caught = recall[language]
        if typo:
            caught["typos"] += 1
            caught["typos_caught"] += any(
                f.code == "unknown-word" and f.subject == typo for f in found
            )
        caught["doubled"] += 1
        hit = any(f.code == "doubled-word" and f"“{doubled}”" in f.message for f in found)
        caught["doubled_caught"] += hit
        if not hit:
            examples[(language, "missed-doubled")].append(doubled)
    return {
        "per_language": per_language,
        "recall": recall,
        "examples": examples,
        "seconds": time.perf_counter() - started,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--limit", type=int, default=None, help="Only the first N pages.")
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    parser.add_argument("--examples", default="", help="Print findings of this check code.")
    args = parser.parse_args()

    creation = connection.creation
    test_db = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        result = measure(args.seed, args.limit)
    finally:
        creation.destroy_test_db(test_db, verbosity=0)

    if args.examples:
        for (language, code), messages in result["examples"].items():
            if code == args.examples:
                print(f"--- {language} {code}")
                print("\n".join(messages))

    codes = sorted({c for s in result["per_language"].values() for c in s["findings"]})
    rows, verdicts = [], []
    for language in TARGETS:
        stats = result["per_language"].get(language)
        if not stats or not stats["articles"]:
            continue
        per_k = 1000 / stats["words"]
        total = sum(stats["findings"].values()) * per_k
        ok = total <= TARGETS[language]
        verdicts.append(ok)
        cells = " | ".join(f"{stats['findings'][c] * per_k:.2f}" for c in codes)
        rows.append(
            f"| {language} | {stats['articles']} | {stats['words']:,} | {cells} | "
            f"**{total:.2f}** (target ≤ {TARGETS[language]}: {'meets' if ok else 'MISSES'}) |"
        )
    recall_rows = []
    for language in TARGETS:
        r = result["recall"].get(language)
        if not r:
            continue
        typo = r["typos_caught"] / r["typos"] if r["typos"] else 0.0
        doubled = r["doubled_caught"] / r["doubled"] if r["doubled"] else 0.0
        verdicts += [typo >= RECALL_TYPO, doubled >= RECALL_DOUBLED]
        recall_rows.append(
            f"| {language} | {r['typos_caught']}/{r['typos']} = {typo:.0%} | "
            f"{r['doubled_caught']}/{r['doubled']} = {doubled:.0%} |"
        )
    body = f"""
`bench/checks_precision.py` (seed {args.seed}): the pages of `news-metadata-dev` in English and
German (language as the import detects it), headline and main text read with
`sources.extraction.extract`, imported as plain text into a news report and checked as
`check_story` would. *Content findings* are every finding except missing structure
({", ".join(sorted(NOT_CONTENT))}): on published copy nearly all of them are false alarms, so
their rate is the false-alarm rate. {result["seconds"]:.0f} s for the whole run.

Content findings per 1,000 words, per check:

| language | articles | words | {" | ".join(codes)} | all content findings |
|---|---|---|{"---|" * len(codes)}---|
{chr(10).join(rows)}

Recall on the same articles with one injected letter-swap typo (two neighbouring letters of a
dictionary word of 7+ letters, lower-case, swapped so that the result is no word) and one
injected doubled word (a lower-case word of 3+ letters written twice) per article:

| language | typos named by `unknown-word` (target ≥ {RECALL_TYPO:.0%}) | doubled words named by `doubled-word` (target ≥ {RECALL_DOUBLED:.0%}) |
|---|---|---|
{chr(10).join(recall_rows)}

{BEFORE}
"""
    print(body)
    if not args.no_write:
        write_section(SECTION, body)
        print("Written to docs/benchmarks.md")
    if not all(verdicts):
        sys.exit(1)


if __name__ == "__main__":
    main()
