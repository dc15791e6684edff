"""Atom (RFC 4287) feeds of the board, built with ElementTree so everything is escaped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from portal.board import BOARD_LABELS
from portal.models import Announcement

ATOM = "http://www.w3.org/2005/Atom"
SUMMARY_LENGTH = 200


def _rfc3339(value: datetime) -> str:
    return value.replace(tzinfo=UTC).isoformat(timespec="seconds")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def atom(announcements: Sequence[Announcement], *, feed_url: str, board_url: str, title: str,
         publisher: str, link_for: Callable[[Announcement], str], updated: datetime | None,
         ) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "zh-CN"})
    _sub(feed, "id", feed_url)
    _sub(feed, "title", title)
    _sub(feed, "updated", _rfc3339(updated or datetime(2026, 1, 1)))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=board_url)
    _sub(_sub(feed, "author"), "name", publisher)
    labels = {code: str(label) for code, label in BOARD_LABELS.items()}  # translated once
    for item in announcements:
        entry = _sub(feed, "entry")
        url = link_for(item)
        _sub(entry, "id", url)
        _sub(entry, "title", item.title)
        _sub(entry, "updated", _rfc3339(item.published_at))
        _sub(entry, "published", _rfc3339(item.published_at))
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        _sub(_sub(entry, "author"), "name", item.owner_org.name)
        _sub(entry, "category", term=item.board_category,
             label=labels[item.board_category])
        text = item.body_text
        summary = text[:SUMMARY_LENGTH] + ("…" if len(text) > SUMMARY_LENGTH else "")
        _sub(entry, "summary", summary, type="text")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8",
                                                                    xml_declaration=False)
