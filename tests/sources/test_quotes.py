"""The quote check's comparison: typography and spacing never decide, words do."""

import pytest

from sources.quotes import quote_in_text

SOURCE = (
    "“We will respond to any provocation with overwhelming force,” the defence minister "
    "told reporters in Seoul — adding that the drills were planned\u00a0months ago."
)


@pytest.mark.parametrize(
    "quote",
    [
        '"We will respond to any provocation with overwhelming force."',  # straight vs curly
        "“We will respond to any provocation with overwhelming force”",
        "WE WILL RESPOND to any provocation",  # case
        "we  will respond\nto any\tprovocation",  # whitespace
        "the drills were planned months ago!",  # end punctuation, non-breaking space
        "...we will respond to any provocation...",
        "We will respond […] with overwhelming force",  # left-out words
        "told reporters in Seoul - adding",  # dashes
    ],
)
def test_found_despite_typography(quote):
    assert quote_in_text(quote, SOURCE)


@pytest.mark.parametrize(
    "quote",
    [
        "We will respond to every provocation",
        "with overwhelming force … we will respond",  # pieces out of order
        "...",
        "",
    ],
)
def test_not_found_when_the_words_differ(quote):
    assert not quote_in_text(quote, SOURCE)
