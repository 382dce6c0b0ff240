"""The Markdown subset of the browser editor, rendered to safe HTML for previews.

Raw HTML and links are off: the subset is paragraphs, emphasis, lists, headings, tables
and the images an author uploaded (``![texto](imagen:<sha256>)``), which is also what the
Word renderer understands. An image is shown only through ``image_url`` (the page of the
version it belongs to); any other image source is printed as its text.
"""
from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from qms.docgen.markdown_word import IMAGE_SCHEME

_md = MarkdownIt("commonmark", {"html": False}).enable("table").disable(["link", "autolink", "html_inline", "html_block"])


def image_keys(text: str) -> set[str]:
    """Return the stored images a section's Markdown places (their SHA-256)."""
    found = set()
    for token in _md.parse(text or ""):
        for child in token.children or ():
            src = str((child.attrs or {}).get("src", "")) if child.type == "image" else ""
            if src.startswith(IMAGE_SCHEME):
                found.add(src[len(IMAGE_SCHEME):])
    return found


def to_html(text: str, image_url=None) -> Markup:
    """Return the Markdown as HTML; ``image_url(sha256)`` gives the address of a placed image."""
    env = {"image_url": image_url}
    return Markup(_md.render(text or "", env))


def _render_image(self, tokens, idx, options, env):
    token = tokens[idx]
    src = str(token.attrs.get("src", ""))
    alt = self.renderInlineAsText(token.children or [], options, env)
    image_url = env.get("image_url")
    if src.startswith(IMAGE_SCHEME) and image_url is not None:
        url = image_url(src[len(IMAGE_SCHEME):])
        return f'<img class="doc-image" src="{escape(url)}" alt="{escape(alt)}">'
    return str(escape(f"[imagen: {alt}]"))


_md.add_render_rule("image", _render_image)
