"""Markdown to safe HTML: markdown-it renders (raw HTML off), nh3 sanitises
to a small allow-list. No script, no images at all (so no remote images and
no tracking pixels), and every link gets ``rel="nofollow noopener noreferrer"``
and opens outside the app."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    "strikethrough"
)
_markdown.disable("image")

TAGS = {"p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}


def to_html(text: str) -> str:
    return nh3.clean(
        _markdown.render(text),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )
