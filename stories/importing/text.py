"""The text's shape: one form for pasted text, paragraphs and bullet items, sentences."""

import re
import unicodedata
from dataclasses import dataclass

# An en dash opening a line is prose (a dash of dialogue, a sentence), never a list marker.
BARE_BULLET = re.compile(r"^\s*[-*•+]\s*$")
BULLET = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
MARKDOWN_HEADING = re.compile(r"^\s*(?P<level>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
LABELLED_POINT = re.compile(r"^(?P<label>[A-Z][^:.!?]{1,60}):\s+(?P<text>\S.*)$")
SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’)]?\s+(?=[“\"‘(]?[A-Z0-9])")
NOT_SENTENCE_END = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|St|Lt|Col|Capt|Sgt|Prof|Jr|Sr|No|vs|etc|[A-Z]|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.$"
)


def normalise_text(text: str) -> str:
    """One form for what editors paste: NFC, Unix newlines, no BOM, no non-breaking spaces."""
    text = unicodedata.normalize("NFC", text).replace("\ufeff", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return "\n".join(line.rstrip() for line in text.split("\n"))


MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")
TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
LINE_START_MARKUP = re.compile(r"^(\s*)(#|>|[-=+]+\s*$|[-+]\s)")
LINE_START_NUMBER = re.compile(r"^(\s*\d+)([.)]\s)")


def markdown_escaped(text: str) -> str:
    """Plain text as Markdown that reads as it was typed: asterisks, underscores, brackets and
    backticks escaped, a "#" or ">" opening a line, a line of "---" or "___" kept as characters,
    and "<" before a letter written as an entity so no tag is made."""
    lines = []
    for line in text.split("\n"):
        line = MARKDOWN_SPECIAL.sub(r"\\\1", line)
        line = TAG_LIKE.sub("&lt;", line)
        line = LINE_START_MARKUP.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
        line = LINE_START_NUMBER.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
        lines.append(line)
    return "\n".join(lines)


@dataclass
class Block:
    """A run of lines: a paragraph, a bullet item (with its continuation lines) or a sub-heading."""

    kind: str  # "para", "bullet" or "subheading"
    lines: list[str]


def text_blocks(lines: list[str], *, line_per_paragraph: bool) -> list[Block]:
    """Group a section's lines into paragraphs and bullet items.

    A bullet marker alone on its line ("-") means the item is on the next line, as in the
    seeds. Lines after a bullet item, before a blank line or the next marker, belong to it.
    """
    blocks: list[Block] = []
    current: Block | None = None
    awaiting_item = False
    for line in lines:
        if not line.strip():
            current = None
            continue
        if BARE_BULLET.match(line):
            current, awaiting_item = None, True
            continue
        bullet = BULLET.match(line)
        heading = MARKDOWN_HEADING.match(line)
        if awaiting_item or bullet:
            text = line.strip() if awaiting_item else bullet.group("text").strip()
            current = Block("bullet", [text])
            blocks.append(current)
            awaiting_item = False
        elif heading:
            blocks.append(Block("subheading", [heading.group("text").strip()]))
            current = None
        elif current is not None and (current.kind == "bullet" or not line_per_paragraph):
            current.lines.append(line.strip())
        else:
            current = Block("para", [line.strip()])
            blocks.append(current)
    return blocks


def looks_like_subheading(block: Block, following: Block | None) -> bool:
    """A short line without end punctuation that introduces a paragraph: "Strategic Signaling"."""
    if block.kind != "para" or len(block.lines) != 1 or following is None:
        return False
    line = block.lines[0]
    return (
        len(line.split()) <= 12
        and len(line) <= 90
        and line[0].isupper()
        and line[-1] not in '.!?:;,…"”’)'
        and following.kind in {"para", "bullet"}
    )


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, not split after "Mr." or initials."""
    sentences, start = [], 0
    for match in SENTENCE_END.finditer(text):
        candidate = text[start : match.start() + len(match.group().rstrip())].strip()
        if NOT_SENTENCE_END.search(candidate.rstrip('”"’)')):
            continue
        sentences.append(candidate)
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def working_headline(sentence: str, limit: int = 120) -> str:
    """A sentence cut to headline length at a clause ("…, escalating tensions" goes)."""
    sentence = " ".join(sentence.split()).rstrip(".")
    if len(sentence) <= limit:
        return sentence
    cut = sentence.rfind(", ", 0, limit)
    return sentence[:cut] if cut >= 40 else shorten(sentence, limit)


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
