"""The catalogue: every document kind, each declared once in its own module.

Declarations are checked on import (unique field names across a kind's steps, no clash with
names the templates reserve, known roles), so a mistake fails the first test, not a user.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from documents.errors import UnknownKind
from documents.formdata import field_names
from documents.kind import BOARD_CATEGORIES, ROLES, Kind
from documents.kinds import (
    bidding_announcement,
    change_announcement,
    collection_announcement,
    contract,
    contract_announcement,
    deal_announcement,
    entrustment_agreement,
    evaluation_report,
    framework_agreement,
    intention_announcement,
    online_contract,
    opening_record,
    procurement_plan,
    project_initiation,
    purchasing_plan,
    reorganisation,
    requirements,
    shortlist_announcement,
    solicitation,
    termination_announcement,
    termination_request,
)

#: Context names the renderer sets itself; a form field with one of these names would vanish.
RESERVED_NAMES = frozenset({"kind", "region_code", "preview", "fonts_css", "sec", "loop", "self"})

_DECLARED = (
    project_initiation.KIND,
    requirements.KIND,
    procurement_plan.KIND,
    entrustment_agreement.KIND,
    solicitation.KIND,
    intention_announcement.KIND,
    collection_announcement.KIND,
    change_announcement.KIND,
    termination_announcement.KIND,
    shortlist_announcement.KIND,
    bidding_announcement.KIND,
    deal_announcement.KIND,
    contract_announcement.KIND,
    opening_record.KIND,
    evaluation_report.KIND,
    framework_agreement.KIND,
    purchasing_plan.KIND,
    contract.KIND,
    online_contract.KIND,
    reorganisation.KIND,
    termination_request.KIND,
)


def _check_declaration(kind: Kind) -> None:
    seen: set[str] = set()
    for step in kind.steps:
        top_level = {field.name for field in step.form_class()}
        clash = (top_level & seen) | (top_level & RESERVED_NAMES)
        if clash:
            raise TypeError(f"{kind.code}: field names declared twice or reserved: {clash}")
        seen |= top_level
        field_names(step.form_class())  # builds nested forms once, so a broken row fails here
    for role in (*kind.drafted_by, *kind.reviewed_by, *kind.sealed_by):
        if role not in ROLES:
            raise TypeError(f"{kind.code}: unknown role {role!r}")
    if not set(kind.sealed_if_party) <= set(kind.sealed_by):
        raise TypeError(f"{kind.code}: sealed_if_party names a role that does not seal")
    groups = {field.name for step in kind.steps for field in step.form_class()
              if field.type == "FormField"}
    for role, block in kind.party_blocks:
        if role not in kind.sealed_by or block not in groups:
            raise TypeError(f"{kind.code}: party block {role!r}->{block!r} is not a sealing "
                            "role's group of fields")
    for role, block in kind.profile_blocks:
        if role not in ROLES or role in kind.sealed_by or block not in groups:
            raise TypeError(f"{kind.code}: profile block {role!r}->{block!r} is not a "
                            "non-sealing role's group of fields")
    if kind.board_category is not None and kind.board_category not in BOARD_CATEGORIES:
        raise TypeError(f"{kind.code}: unknown board category {kind.board_category!r}")
    if len({step.slug for step in kind.steps}) != len(kind.steps):
        raise TypeError(f"{kind.code}: duplicate step slugs")


for _kind in _DECLARED:
    _check_declaration(_kind)

KINDS: Mapping[str, Kind] = MappingProxyType({kind.code: kind for kind in _DECLARED})


def get_kind(code: str) -> Kind:
    """The kind with this code; :class:`UnknownKind` (a LookupError) names the valid codes."""
    try:
        return KINDS[code]
    except KeyError:
        raise UnknownKind(code, list(KINDS)) from None


def all_kinds() -> tuple[Kind, ...]:
    """Kinds in the order of the procurement flow, as ``kuangcai kinds`` lists them."""
    return _DECLARED
