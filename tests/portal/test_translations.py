"""The English catalogue covers every UI string and keeps each string's placeholders.

Messages are extracted the way ``pybabel extract -F babel.cfg -k _l -k lazy_gettext`` does,
with babel's Python API, so a string added without a translation fails here, not in review.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
BABEL_CFG = ROOT / "babel.cfg"
ENGLISH_PO = ROOT / "portal" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\([^)]*\)[a-zA-Z]")


def _msgid(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    with BABEL_CFG.open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, filename=str(BABEL_CFG))
    return {
        _msgid(message_id)
        for _filename, _lineno, message_id, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS
        )
        if _msgid(message_id)
    }


@pytest.fixture(scope="module")
def english() -> Catalog:
    with ENGLISH_PO.open("rb") as po:
        return read_po(po, locale="en")


def test_extraction_finds_the_ui_strings(extracted: set[str]) -> None:
    # guards the test below against passing vacuously (e.g. a broken babel.cfg)
    assert {"登录", "文书", "证书密码（PIN）"} <= extracted


def test_every_extracted_message_is_translated(extracted: set[str], english: Catalog) -> None:
    missing = sorted(
        msgid for msgid in extracted if english.get(msgid) is None or not english.get(msgid).string
    )
    assert not missing, (
        f"{len(missing)} message(s) lack an English translation in "
        f"{ENGLISH_PO.relative_to(ROOT)}:\n" + "\n".join(missing)
    )


def test_catalogue_is_not_fuzzy(english: Catalog) -> None:
    # pybabel compile skips a fuzzy catalogue entirely, and fuzzy messages one by one
    assert not english.fuzzy, "the header entry is marked fuzzy"
    fuzzy = sorted(_msgid(m.id) for m in english if m.id and m.fuzzy)
    assert not fuzzy, "fuzzy messages:\n" + "\n".join(fuzzy)


def test_translations_keep_the_placeholders(english: Catalog) -> None:
    wrong = [
        f"{_msgid(m.id)!r} -> {m.string!r}"
        for m in english
        if m.id
        and m.string
        and sorted(PLACEHOLDER.findall(_msgid(m.id)))
        != sorted(PLACEHOLDER.findall(m.string if isinstance(m.string, str) else m.string[0]))
    ]
    assert not wrong, "placeholders differ from the msgid:\n" + "\n".join(wrong)


def test_every_page_template_folder_is_extracted() -> None:
    """A new folder of pages left out of babel.cfg would ship untranslated without failing the
    catalogue test (document templates print Chinese by design and are not extracted)."""
    mapped = set(re.findall(r"^\[jinja2: templates/([^/*]+)/", BABEL_CFG.read_text(), re.M))
    folders = {p.name for p in (ROOT / "templates").iterdir() if p.is_dir()} - {"documents"}
    assert folders <= mapped, f"add to babel.cfg: {sorted(folders - mapped)}"
