"""What a document kind declares: its wizard, templates, and who acts on it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from wtforms import Form

from documents.errors import UnknownStep

Role = Literal["collector", "agency", "purchaser", "supplier", "regulator", "expert"]
BoardCategory = Literal[
    "intention", "collection", "change", "termination", "shortlist", "bidding", "deal", "contract"
]
ROLES: tuple[Role, ...] = ("collector", "agency", "purchaser", "supplier", "regulator", "expert")
BOARD_CATEGORIES: tuple[BoardCategory, ...] = (
    "intention", "collection", "change", "termination", "shortlist", "bidding", "deal", "contract",
)

#: A rule across steps: typed data in, ``{field path: [Chinese messages]}`` out (empty = fine).
Check = Callable[[Mapping[str, Any]], dict[str, list[str]]]


@dataclass(frozen=True)
class WizardStep:
    """One page of the drafting wizard; its form's fields are unique within the kind."""

    slug: str
    title: str
    form_class: type[Form]


@dataclass(frozen=True)
class Kind:
    """A document kind, declared once in its module under ``documents.kinds``.

    ``sealed_by`` lists roles in sealing order. A role that several parties hold (each
    supplier at an opening, each expert on a panel) gets one numbered anchor per party
    (``seal-anchor-supplier-1`` …); a single party gets ``seal-anchor-<role>``.
    ``sealed_if_party`` names roles of ``sealed_by`` that seal only when the document has
    such a party (the agency of an entrusted project; a collector acting alone seals alone).
    ``party_blocks`` names, per sealing role, the group of fields that describes that party
    in the document (``("supplier", "supplier")``, ``("agency", "agent")``): the portal fills
    it from the organisation's registered profile, locks its name and uscc, and a seal for
    that role must carry the same uscc. Two roles may share a block (a 委托代理协议's 委托方 is
    the collector or the purchaser, whichever drafts it).
    """

    code: str
    title: str
    steps: tuple[WizardStep, ...]
    html_template: str
    docx_template: str | None
    drafted_by: tuple[Role, ...]
    reviewed_by: tuple[Role, ...]
    sealed_by: tuple[Role, ...]
    board_category: BoardCategory | None
    sample: Callable[[], dict[str, Any]]
    checks: tuple[Check, ...] = ()
    #: The document's PDF is a file the drafter uploads (a contract agreed offline), not a
    #: rendering; the template only renders its record for the preview.
    uploaded_pdf: bool = False
    sealed_if_party: tuple[Role, ...] = ()
    party_blocks: tuple[tuple[Role, str], ...] = ()
    #: Like ``party_blocks``, for parties that do not seal (a change announcement's agency, a
    #: deal announcement's purchaser): filled from the registered profile, name and uscc
    #: locked, but no seal to match.
    profile_blocks: tuple[tuple[Role, str], ...] = ()
    #: (rows, total): each row's ``amount`` is its quantity × unit price and ``total`` their
    #: sum, computed for the drafter as they type rather than typed (采购合同's items).
    computed_amounts: tuple[str, str] | None = None
    #: (field, value, fields): ``fields`` apply only while ``field`` has ``value`` (采购标的:
    #: goods fields for a goods project, services fields for services); the wizard hides them
    #: otherwise.
    shown_when: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    def hidden_fields(self, values: Mapping[str, Any]) -> frozenset[str]:
        """Fields that do not apply given ``values`` (nothing is hidden while the deciding
        field is still empty)."""
        hidden: set[str] = set()
        for field, value, fields in self.shown_when:
            chosen = values.get(field)
            if chosen and chosen != value:
                hidden.update(fields)
        return frozenset(hidden)

    def block_of(self, role: str) -> str | None:
        """The group of fields naming the party that seals as ``role`` (None: no block)."""
        return next((block for r, block in self.party_blocks if r == role), None)

    def profile_block_of(self, role: str) -> str | None:
        """The group of fields naming the party acting as ``role``, sealing or not."""
        return self.block_of(role) or next(
            (block for r, block in self.profile_blocks if r == role), None)

    def step(self, slug: str) -> WizardStep:
        for step in self.steps:
            if step.slug == slug:
                return step
        raise UnknownStep(self.code, slug, [s.slug for s in self.steps])
