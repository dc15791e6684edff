"""Rich text that users may type (供应商须知, 其他补充事宜 …): a small safe HTML subset.

Everything passes through nh3 (ammonia): allowed tags keep their content, forbidden elements
such as ``script`` and ``style`` lose it, every attribute except table spans is dropped, and
so no URL, event handler or inline style ever reaches WeasyPrint or a browser preview.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)
ALLOWED_ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_BLOCK_END = re.compile(r"</(p|li|h3|h4|tr)>|<br\s*/?>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_LOOKS_LIKE_MARKUP = re.compile(r"<[A-Za-z/!?]")


def sanitize_html(value: str) -> str:
    """Return the safe subset of ``value``; plain text comes back escaped.

    Plain text with line breaks (the usual case from a textarea) becomes paragraphs so that a
    clerk who never typed a tag still gets the layout they saw.
    """
    text = value.strip()
    if not text:
        return ""
    if not _LOOKS_LIKE_MARKUP.search(text):
        paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
        return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in paragraphs)
    return nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        clean_content_tags={"script", "style"},
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    ).strip()


def html_to_paragraphs(value: str) -> list[str]:
    """Plain-text paragraphs of sanitised HTML, for DOCX where markup has no place."""
    safe = sanitize_html(value)
    marked = _CELL_END.sub("\t", _BLOCK_END.sub("\n", safe))
    text = html.unescape(_TAG.sub("", marked))
    return [line.strip() for line in text.split("\n") if line.strip()]
