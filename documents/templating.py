"""The library's own Jinja2 environment: region-aware templates and document filters.

Templates live in ``templates/documents/default/``; a folder named by a GB/T 2260 region code
beside it (``150000`` 内蒙古) holds overrides. A city or county code falls back to its province
(``150100`` → ``150000``) and then to the default. An override that only changes one block
extends ``default/<name>``, which always means the default file.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, Environment, StrictUndefined, TemplateNotFound, pass_environment
from jinja2.loaders import split_template_path
from markupsafe import Markup, escape

from codes.region import validate_region
from documents.choices import CHOICES
from documents.formatting import cn_date, cn_datetime, cn_month, cn_ordinal, format_quantity
from documents.money import format_amount, to_capitals
from documents.richtext import html_to_paragraphs, sanitize_html

#: Folder holding ``default/`` and the per-region folders.
TEMPLATE_ROOT = Path(
    os.environ.get("KUANGCAI_DOCUMENT_TEMPLATES")
    or Path(__file__).resolve().parent.parent / "templates" / "documents"
)
DEFAULT_FOLDER = "default"


def region_chain(region: str | None) -> tuple[str, ...]:
    """Folders searched for a region, most specific first: county, city, province, default."""
    if region is None:
        return (DEFAULT_FOLDER,)
    validate_region(region)  # InvalidCode, a ValueError, says what is wrong
    chain = [region, region[:4] + "00", region[:2] + "0000"]
    unique = [code for i, code in enumerate(chain) if code not in chain[:i]]
    return (*unique, DEFAULT_FOLDER)


class RegionLoader(BaseLoader):
    """Loads ``name`` from the first folder of the region chain that has it."""

    def __init__(self, root: Path, region: str | None) -> None:
        self.root = root
        self.chain = region_chain(region)

    def locate(self, name: str) -> Path:
        pieces = split_template_path(name)  # refuses "..", so no escape from the root
        if pieces and pieces[0] == DEFAULT_FOLDER:
            candidates: Iterable[Path] = [self.root.joinpath(*pieces)]
        else:
            candidates = (self.root.joinpath(folder, *pieces) for folder in self.chain)
        for path in candidates:
            if path.is_file():
                return path
        raise TemplateNotFound(name)

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.locate(template)
        mtime = path.stat().st_mtime
        return path.read_text("utf-8"), str(path), lambda: path.stat().st_mtime == mtime


def _none_safe(function: Callable[[Any], str]) -> Callable[[Any], str]:
    def wrapper(value: Any) -> str:
        return "" if value is None or value == "" else function(value)

    return wrapper


def _label(value: Any, vocabulary: str) -> str:
    if value is None:
        return ""
    return CHOICES[vocabulary].get(str(value), str(value))


def _labels(values: Iterable[Any] | None, vocabulary: str) -> str:
    return "、".join(_label(value, vocabulary) for value in values or ())


def _rich(value: Any) -> Markup:
    return Markup(sanitize_html(value)) if isinstance(value, str) else Markup("")  # noqa: S704


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return cn_datetime(value)
    if isinstance(value, date):
        return cn_date(value)
    return "" if value is None else str(value)


def _add_hours(value: datetime | None, hours: int | None) -> datetime | None:
    if isinstance(value, datetime) and isinstance(hours, int):
        return value + timedelta(hours=hours)
    return None


def _ems(text: str) -> float:
    """Width in em: CJK and full-width characters take one, everything else about half."""
    return sum(1.0 if unicodedata.east_asian_width(char) in "WF" else 0.55 for char in text)


def _kept(text: str) -> Markup:
    return Markup('<span class="keep">%s</span>') % text


#: Line widths in em at 15.75 pt: the body line, a signature column, an issuer block.
LINE_EMS = 28
#: Where a name too long for its line may break: before its legal form, never inside it.
_LEGAL_FORM = re.compile(r"(股份有限公司|有限责任公司|有限公司|合伙企业|公司|中心|集团|研究院|"
                         r"委员会|管理局|事务所|学院|大学|医院|局|厅|院|所|处|站)$")


def _keep(value: Any, ems: float = LINE_EMS) -> Markup:
    """A name or number that must not break across lines (bank accounts, uscc, organisation
    names). When it cannot fit on one line of ``ems`` it breaks, but never inside its legal
    form (…技术/有限公司, not …有限公/司)."""
    if value is None or value == "":
        return Markup("")
    text = str(value)
    if _ems(text) <= ems:
        return _kept(text)
    match = _LEGAL_FORM.search(text)
    if match is None:
        return escape(text)
    return escape(text[: match.start()]) + _kept(match.group(1))


def _keep_tail(value: Any, count: int = 4) -> Markup:
    """Title text whose last ``count`` characters stay on one line: no "公告" standing alone.
    Markup before the last tag (a ``<br>`` splitting a title) is kept as it is."""
    head = Markup("")
    if isinstance(value, Markup):
        markup = str(value).strip()
        cut = markup.rfind(">") + 1
        head, text = Markup(markup[:cut]), Markup(markup[cut:]).unescape()  # noqa: S704
    else:
        text = str(value or "").strip()
    if len(text) <= count:
        return head + _kept(text)
    return head + escape(text[:-count]) + _kept(text[-count:])


#: What a format text shows where the party fills in a value.
BLANK = "＿＿＿＿＿＿"


def _blank_like(value: Any) -> Any:
    """``value``'s shape with nothing filled in: text becomes a blank line to write on, dates,
    amounts and counts print nothing, a table keeps one empty row."""
    if isinstance(value, Mapping):
        return {key: _blank_like(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_blank_like(value[0])] if value and isinstance(value[0], Mapping) else []
    if isinstance(value, str):
        return f"<p>{BLANK}</p>" if value.lstrip().startswith("<") else BLANK
    return None


def _merged(blank: dict[str, Any], known: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in known.items():
        if isinstance(value, Mapping) and isinstance(blank.get(key), dict):
            blank[key] = _merged(blank[key], value)
        elif value not in (None, ""):
            blank[key] = value
    return blank


@pass_environment
def _form_text(env: Environment, kind_code: str, known: Mapping[str, Any]) -> Markup:
    """The text of another kind (``_<kind>_text.html``, the file its own document renders) as a
    format text inside this one: its sample's shape blanked, then ``known`` filled in. A
    change to the 框架协议 or 采购合同 text thus shows in every document that carries it."""
    from documents.catalogue import get_kind
    from documents.validation import validate

    kind = get_kind(kind_code)
    values = _merged(_blank_like(dict(validate(kind.code, kind.sample()).data)), known)
    values.update(kind=kind, sec=SectionCounter(), embedded=True)
    return Markup(env.get_template(f"_{kind.code}_text.html").render(values))  # noqa: S704


class SectionCounter:
    """Numbers headings 一、二、… even when optional sections are left out."""

    def __init__(self) -> None:
        self.number = 0

    def next(self) -> str:
        self.number += 1
        return cn_ordinal(self.number) + "、"


FILTERS: Mapping[str, Callable[..., Any]] = {
    "money": _none_safe(lambda v: format_amount(v)),
    "capitals": _none_safe(lambda v: to_capitals(v)),
    "cn_date": _none_safe(cn_date),
    "cn_month": _none_safe(cn_month),
    "cn_datetime": _none_safe(cn_datetime),
    "when": _when,
    "add_hours": _add_hours,
    "qty": _none_safe(lambda v: format_quantity(Decimal(v))),
    "label": _label,
    "labels": _labels,
    "rich": _rich,
    "keep": _keep,
    "keep_tail": _keep_tail,
    "paragraphs": lambda v: html_to_paragraphs(v) if isinstance(v, str) else [],
}


def _finalize(value: Any) -> Any:
    # Optional fields left empty print nothing rather than "None".
    return "" if value is None else value


def configure(env: Environment) -> Environment:
    env.filters.update(FILTERS)
    env.globals["sections"] = SectionCounter
    env.globals["form_text"] = _form_text
    env.globals["embedded"] = False
    return env


@lru_cache(maxsize=32)
def environment(region: str | None = None) -> Environment:
    """One cached environment per region, so compiled templates are reused across renders."""
    loader = RegionLoader(TEMPLATE_ROOT, region)
    env = Environment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    return configure(env)


def template_path(name: str, region: str | None = None) -> Path:
    """Where a (non-Jinja) template file such as a .docx resolves for a region."""
    loader = RegionLoader(TEMPLATE_ROOT, region)
    return loader.locate(name)
