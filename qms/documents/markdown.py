"""The Markdown subset of the browser editor, rendered to safe HTML for previews."""
from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML, images and links are off: the subset is paragraphs, emphasis, lists,
# headings and tables, which is also what the Word renderer understands.
_md = MarkdownIt("commonmark", {"html": False}).enable("table").disable(["image", "link", "autolink", "html_inline", "html_block"])


def to_html(text: str) -> Markup:
    return Markup(_md.render(text or ""))
