"""Markdown to HTML that is safe to put on a page or send to a partner."""

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "b", "i", "blockquote", "q", "cite", "code", "pre",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
    "sup", "sub", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}


def render_markdown(text: str) -> str:
    """Render a journalist's Markdown; raw HTML survives only where it is on the allow-list.

    nh3 drops `<script>`, event handlers such as `onclick` and `javascript:` links, so nothing a
    body contains can run on our pages or a partner's.
    """
    if not text.strip():
        return ""
    html = markdown.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
