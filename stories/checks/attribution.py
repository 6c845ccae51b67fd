"""Attribution: quotes need a speaker or a citation; citations need their quote and page."""

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

from stories.checks.passages import citation_label, excerpt
from stories.checks.registry import ERROR, WARNING, Finding, check_run, register
from stories.models import Story

DIRECT_QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
ATTRIBUTION_CUE = re.compile(
    r"\b(?:said|says|say|saying|stated|states|stating|told|tells|tweeted|wrote|writes|writing|"
    r"posted|added|adds|according to|warned|warns|announced|announces|emphasi[sz]ed|"
    r"condemned|called|calls|described|describes|insisted|vowed|declared|claimed|claims|noted|"
    r"reported|reports|asked|replied|urged|accused|quoted|quoting|explained|argued|"
    r"acknowledged|admitted|recalled|told|statement|interview|spokes(?:man|woman|person))\b"
    r"|\([^()]{2,60},\s*[A-Z][a-z]{2,8}\.? \d{1,2}\)",
    re.I,
)


@register("attribution")
def attribution(story: Story) -> Iterable[Finding]:
    """Quotes need a speaker or a citation; citations need their quote and their page."""
    citations = list(story.citations.all())
    speakers = [c.speaker.casefold() for c in citations if c.speaker.strip()]
    cited_quotes = [c.quote for c in citations if c.quote.strip()]
    for passage in check_run(story).passages:
        if not passage.is_body:
            continue
        for paragraph in re.split(r"\n\s*\n", passage.text):
            for match in DIRECT_QUOTE.finditer(paragraph):
                quote = match.group(1) or match.group(2)
                # The cue must be outside the quotation: "nobody tells us" inside one is not it.
                if len(quote.split()) < 3 or ATTRIBUTION_CUE.search(
                    DIRECT_QUOTE.sub(" ", paragraph)
                ):
                    continue
                if any(s in paragraph.casefold() for s in speakers):
                    continue
                if any(fuzz.partial_ratio(quote, c) >= 90 for c in cited_quotes):
                    continue
                yield Finding(
                    WARNING,
                    "unattributed-quote",
                    f"The quote “{excerpt(quote)}” in {passage.label} has no speaker or "
                    "citation: say who said it, or add a citation with the quote.",
                    passage.target,
                )
    for number, citation in enumerate(citations, start=1):
        label = citation_label(citation, number)
        if citation.quote_check == "not_found":
            yield Finding(
                ERROR,
                "quote-not-found",
                f"The quote in {label} was not found in the cited page: correct it to the "
                "source's exact words, or remove it.",
                f"citation:{citation.pk}",
            )
        if citation.link_status == "gone" and not getattr(citation, "latest_snapshot_id", None):
            yield Finding(
                WARNING,
                "link-gone",
                f"The link of {label} is gone and there is no archived copy: link an archived "
                "copy or another source.",
                f"citation:{citation.pk}",
            )
