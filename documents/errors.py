"""Exceptions raised by the document library.

They carry Chinese messages for end users; the portal maps them to 400 responses and the CLI
prints them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DocumentError(Exception):
    """Base class for every error this library raises on purpose."""


class UnknownKind(DocumentError, LookupError):
    """A kind code that is not in the catalogue."""

    def __init__(self, code: str, known: Sequence[str]) -> None:
        self.code = code
        self.known = tuple(known)
        super().__init__(f"未知的文书类型“{code}”；可用类型：{'、'.join(self.known)}")


class UnknownStep(DocumentError, LookupError):
    """A wizard step slug that the kind does not declare."""

    def __init__(self, kind_code: str, slug: str, known: Sequence[str]) -> None:
        self.kind_code = kind_code
        self.slug = slug
        super().__init__(f"文书类型“{kind_code}”没有步骤“{slug}”；可用步骤：{'、'.join(known)}")


class ValidationFailed(DocumentError, ValueError):
    """Data that does not satisfy a kind's forms or rules.

    ``errors`` maps a field path in WTForms naming (``items-0-unit_price``; ``""`` for the
    document as a whole) to its Chinese messages, so the wizard can show each message beside
    its input and the JSON API can return the same mapping.
    """

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors: dict[str, list[str]] = {path: list(msgs) for path, msgs in errors.items()}
        count = sum(len(msgs) for msgs in self.errors.values())
        super().__init__(f"数据校验未通过，共 {count} 处错误")

    def lines(self) -> list[str]:
        """One ``path: message`` line per message, in a stable order, for CLIs and logs."""
        return [
            f"{path or '（整体）'}：{message}"
            for path in sorted(self.errors)
            for message in self.errors[path]
        ]


class RendererUnavailable(DocumentError, RuntimeError):
    """The machine lacks something rendering needs (HarfBuzz subsetter, a template, fonts)."""


class UnsupportedFormat(DocumentError, ValueError):
    """A format the kind does not offer (DOCX exists only for the editable agreements)."""
