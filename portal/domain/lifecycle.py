"""The one document lifecycle, driven by each kind's declaration.

    draft ──submit──▶ in_review ──approve (each declared reviewer role in turn)──▶ approved
      ▲                   │                                                           │
      └────return(reason)─┘◀────────────────reopen (a new revision follows)──────────┘
    approved ──seal (declared sealers in order)──▶ sealed ──publish──▶ published

A kind with no reviewers is approved on submission; a kind with no sealers may be published
once approved. Every command checks its guards, changes the state, writes the audit event and
commits, all or nothing; a stale ``version`` is refused as a conflict.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

import documents
from documents.fields import MAX_ROWS
from portal import dispatch, durable, storage
from portal.board import indexing
from portal.domain import audit
from portal.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    StepFinished,
    TransitionNotAllowed,
)
from portal.models import (
    Decision,
    Document,
    DocumentParty,
    DocumentStatus,
    Organisation,
    Position,
    RenderStatus,
    ReviewDecision,
    Revision,
    User,
)
from portal.models.seal import live_seals

S = DocumentStatus

# The transition table: (from, command) -> to. Guards that depend on the kind live in the
# commands below; this table is what no command may step outside of.
TRANSITIONS: dict[tuple[DocumentStatus, str], frozenset[DocumentStatus]] = {
    (S.draft, "save"): frozenset({S.draft}),
    (S.draft, "submit"): frozenset({S.in_review, S.approved}),
    (S.in_review, "approve"): frozenset({S.in_review, S.approved}),
    (S.in_review, "return"): frozenset({S.draft}),
    (S.approved, "reopen"): frozenset({S.draft}),
    (S.approved, "seal"): frozenset({S.approved, S.sealed}),
    (S.approved, "publish"): frozenset({S.published}),
    (S.sealed, "publish"): frozenset({S.published}),
    (S.sealed, "change"): frozenset({S.draft}),
    (S.published, "change"): frozenset({S.draft}),
}

COMMAND_NAMES = {
    "save": _l("保存"), "submit": _l("提交审核"), "approve": _l("审核通过"), "return": _l("退回"),
    "reopen": _l("重新编辑"), "seal": _l("盖章"), "publish": _l("发布"),
    "change": _l("发起变更"),
}

MAX_REASON = 500

# Hooks for aggregates built on documents (projects, …), registered per kind. They keep
# kind-specific rules out of this engine: a rule that needs more than the document's own data
# (who the collector is), reviewers that depend on the parties, and what follows an approval.
Rule = Callable[[Document, Mapping[str, Any]], dict[str, list[str]]]
_rules: dict[str, list[Rule]] = {}
Note = Callable[[Document, Mapping[str, Any]], list[str]]
_notes: dict[str, list[Note]] = {}
_reviewers: dict[str, Callable[[Document], tuple[str, ...]]] = {}
_on_approved: dict[str, list[Callable[[Session, User, Document], None]]] = {}
_locked: dict[str, Callable[[Document], dict[str, str]]] = {}
_publish_guards: dict[str, list[Callable[[Session, Document], str | None]]] = {}
_on_published: dict[str, list[Callable[[Session, User, Document], None]]] = {}
_personal_sealers: dict[str, Callable[[Document], tuple[int, ...]]] = {}
_retired_checks: list[Callable[[Session, Document], str | None]] = []
_final: set[str] = set()
#: The role of people who seal with a personal certificate, one seal each (评审专家).
PERSONAL_ROLE = "expert"


# Named reviews a kind's approval must record separately (采购需求: 一般性审查 and 重点审查),
# and the opinion the reviewer enters on approving (seed 000 §一 7.2 审核征集公告 and 8.3 审核变更
# 公告: 输入通过审核意见; 15.2 框架协议审查: 输入审查意见).
REVIEW_CHECKS: dict[str, tuple[tuple[str, str], ...]] = {
    "requirements": (("general", "一般性审查"), ("key", "重点审查")),
    "collection_announcement": (("opinion", "审核"),),
    "change_announcement": (("opinion", "审核"),),
    "framework_agreement": (("opinion", "审查"),),
}


class OpinionsMissing(InvalidInput):
    """An approval without the opinions its kind requires; ``missing`` names their keys."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


def review_checks(doc: Document) -> tuple[tuple[str, str], ...]:
    return REVIEW_CHECKS.get(doc.kind, ())


def register_on_published(kind_code: str,
                          action: Callable[[Session, User, Document], None]) -> None:
    _on_published.setdefault(kind_code, []).append(action)


def register_personal_sealers(kind_code: str,
                              who: Callable[[Document], tuple[int, ...]]) -> None:
    """The people (user ids, in the order they seal) who seal a kind's documents in the
    personal role: each expert of the panel that made the 评审报告."""
    _personal_sealers[kind_code] = who


def register_locked(kind_code: str, locked_of: Callable[[Document], dict[str, str]]) -> None:
    """Fields whose values come from elsewhere (the filed plan) and may not be edited."""
    _locked[kind_code] = locked_of


def register_publish_guard(kind_code: str,
                           guard: Callable[[Session, Document], str | None]) -> None:
    """A condition outside the document (e.g. its plan approved); returns a refusal or None."""
    _publish_guards.setdefault(kind_code, []).append(guard)


def locked_fields(doc: Document) -> dict[str, str]:
    """Paths whose value the drafter may not change, with the value they must keep: each
    sealing party's name and uscc as registered, then what a kind's hook locks."""
    special = _locked.get(doc.kind)
    return {**party_locked(doc), **(special(doc) if special else {})}


def computed_fields(kind: documents.Kind, formdata: Mapping[str, str]) -> dict[str, str]:
    """Values the portal computes from others as the drafter types (采购合同: 金额 and 合计)."""
    if kind.computed_amounts is None:
        return {}
    from documents.kinds.parts import computed_amounts

    return computed_amounts(formdata, *kind.computed_amounts)


def field_hints(doc: Document) -> dict[str, str]:
    """Read-only fields of the wizard with the reason shown beside each: locked ones, and
    amounts computed from the rows (every row a step can hold)."""
    hints = locked_hints(doc)
    kind = kind_of(doc)
    if kind.computed_amounts is not None:
        rows, total = kind.computed_amounts
        row_hint = _("自动计算：数量 × 单价")
        hints.update({f"{rows}-{index}-amount": row_hint
                      for index in range(MAX_ROWS)})
        hints[total] = _("自动计算：各行金额之和")
    return hints


def locked_hints(doc: Document) -> dict[str, str]:
    """Each locked path with the reason shown beside it."""
    parties = party_locked(doc)
    return {path: _("取自该单位登记的信息，不能修改") if path in parties
            else _("取自备案的采购方案，不能修改") for path in locked_fields(doc)}


PROFILE_FIELDS = ("name", "uscc", "address", "contact", "phone")
LOCKED_PROFILE_FIELDS = ("name", "uscc")


def _block_fields(kind: documents.Kind, block: str) -> set[str]:
    """The sub-field names (``contact``, ``uscc`` …) of the group ``block``."""
    for step in kind.steps:
        form = step.form_class()
        if block in form:
            return {sub.short_name for sub in form[block]}
    return set()


def party_profile(kind: documents.Kind, role: str, org: Organisation) -> dict[str, str]:
    """What the registered profile of ``org`` says in the block naming it as ``role``."""
    block = kind.profile_block_of(role)
    if block is None:
        return {}
    fields = _block_fields(kind, block)
    return {key: str(getattr(org, key) or "") for key in PROFILE_FIELDS if key in fields}


def party_locked(doc: Document) -> dict[str, str]:
    kind = kind_of(doc)
    locked: dict[str, str] = {}
    for party in doc.parties:
        block = kind.profile_block_of(party.role)
        if block is None:
            continue
        profile = party_profile(kind, party.role, party.org)
        locked.update({f"{block}-{key}": profile[key] for key in LOCKED_PROFILE_FIELDS
                       if key in profile})
    return locked


def named_party(doc: Document, role: str,
                data: Mapping[str, Any] | None = None) -> tuple[str, str | None] | None:
    """(name, uscc) of the party the document names for ``role``: from the current revision's
    block when the kind has one, else None. The uscc is None for a block without one."""
    kind = kind_of(doc)
    block = kind.block_of(role)
    revision = doc.current_revision
    source = data if data is not None else (revision.data if revision else None)
    if block is None or source is None:
        return None
    values = source.get(block) or {}
    return str(values.get("name") or ""), (str(values["uscc"]) if values.get("uscc") else None)


def _with_profiles(kind: documents.Kind, start: Mapping[str, Any],
                   orgs: Mapping[str, Organisation]) -> dict[str, Any]:
    """``start`` with each sealing party's block taken from its registered profile: name and
    uscc always, an address or contact only where ``start`` leaves it empty."""
    data = dict(start)
    for role, org in orgs.items():
        block = kind.profile_block_of(role)
        if block is None:
            continue
        given = data.get(block)
        merged = dict(given) if isinstance(given, Mapping) else {}
        for key, value in party_profile(kind, role, org).items():
            if key in LOCKED_PROFILE_FIELDS or not merged.get(key):
                merged[key] = value
        data[block] = merged
    return data


def register_rule(kind_code: str, rule: Rule) -> None:
    _rules.setdefault(kind_code, []).append(rule)


def register_note(kind_code: str, note: Note) -> None:
    """Something the drafter should know before submitting (not an error): reads the draft."""
    _notes.setdefault(kind_code, []).append(note)


def notes(doc: Document) -> list[str]:
    draft = draft_formdata(doc)
    return [text for note in _notes.get(doc.kind, ()) for text in note(doc, draft)]


def register_reviewers(kind_code: str, reviewers_of: Callable[[Document], tuple[str, ...]]) -> None:
    _reviewers[kind_code] = reviewers_of


def register_on_approved(kind_code: str, action: Callable[[Session, User, Document], None]) -> None:
    _on_approved.setdefault(kind_code, []).append(action)


def reviewers(doc: Document) -> tuple[str, ...]:
    """The roles that review this document in turn: the kind's, unless a hook narrows them."""
    special = _reviewers.get(doc.kind)
    return special(doc) if special else kind_of(doc).reviewed_by


class SubmissionInvalid(InvalidInput):
    """The draft does not make a complete document; ``errors`` maps field paths to messages."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__(_("文书尚有未填或填写有误的内容，请按提示修改后再提交。"))
        self.errors = dict(errors)


def move(doc: Document, command: str, to: DocumentStatus) -> None:
    allowed = TRANSITIONS.get((doc.status, command))
    if allowed is None or to not in allowed:
        raise TransitionNotAllowed(
            _("当前状态下不能执行“%(action)s”。", action=str(COMMAND_NAMES[command]))
        )
    state = inspect(doc, raiseerr=False)  # None for a stand-in (the transition-table test)
    session = state.session if state is not None else None
    if session is not None and command != "seal":  # a seal begun before is finished
        with session.no_autoflush:  # the command's own changes are not written to ask
            why = retired(session, doc)
        if why:
            raise TransitionNotAllowed(why)
    doc.status = to


def register_final(kind_code: str) -> None:
    """Once approved, a document of this kind is not edited again: its approval did something
    that stays (a 重新组织征集 began a new round)."""
    _final.add(kind_code)


def may_reopen(user: User, doc: Document, seals: Sequence[object]) -> bool:
    return (doc.status is S.approved and not seals and doc.kind not in _final
            and user.org_id == doc.owner_org_id and Position.clerk in user.positions)


def register_retired(check: Callable[[Session, Document], str | None]) -> None:
    """Why a document is no longer to be handled (drafted in an earlier round of its project,
    say), or None: such a document moves no further, leaves 我的待办 and says why."""
    _retired_checks.append(check)


def retired(db: Session, doc: Document) -> str | None:
    if doc.id is None:
        return None
    return next((why for check in _retired_checks if (why := check(db, doc))), None)


def check_version(doc: Document, version: int | None) -> None:
    if version is not None and version != doc.version:
        raise Conflict(_("该文书已被他人修改，请刷新页面查看最新内容后再操作。"))


def _require_clerk_of(actor: User, org_id: int | None) -> None:
    if org_id is None or actor.org_id != org_id or Position.clerk not in actor.positions:
        raise Forbidden(_("只有本单位经办岗可以办理此项。"))


def _audit(db: Session, actor: User, doc: Document, action: str, before: object,
           detail: dict[str, object] | None = None) -> None:
    audit.record(db, actor=actor, action=f"document.{action}", subject_type="document",
                 subject_id=doc.id, before=before, after=doc.status.value,
                 detail={"kind": doc.kind, **(detail or {})})


def kind_of(doc: Document) -> documents.Kind:
    return documents.get_kind(doc.kind)


def sealers(doc: Document) -> tuple[str, ...]:
    """The roles that seal this document in order: the kind's, less any it names as sealing
    only when present that the document has no party for; the personal role once for each
    person who seals in it."""
    kind = kind_of(doc)
    found: list[str] = []
    for role in kind.sealed_by:
        if role == PERSONAL_ROLE:
            found.extend([role] * len(personal_sealers(doc)))
        elif role not in kind.sealed_if_party or doc.party_org_id(role) is not None:
            found.append(role)
    return tuple(found)


def personal_sealers(doc: Document) -> tuple[int, ...]:
    who = _personal_sealers.get(doc.kind)
    return who(doc) if who else ()


def sealer_at(doc: Document, position: int) -> tuple[str, int]:
    """The role sealing at ``position`` and which of that role it is (1 for the first)."""
    roles = sealers(doc)
    return roles[position], roles[:position].count(roles[position]) + 1


def may_seal_at(user: User, doc: Document, position: int) -> bool:
    """Whether ``user`` is who seals at ``position``: the clerk of the named party, or the
    very person for a personal seal."""
    role, nth = sealer_at(doc, position)
    if role == PERSONAL_ROLE:
        return user.id == personal_sealers(doc)[nth - 1]
    return user.org_id == doc.party_org_id(role) and Position.clerk in user.positions


def may_draft(user: User, kind: documents.Kind) -> bool:
    return user.role.value in kind.drafted_by and Position.clerk in user.positions


def can_view(user: User, doc: Document) -> bool:
    return (user.org_id == doc.owner_org_id or any(p.org_id == user.org_id for p in doc.parties)
            or user.id in personal_sealers(doc))


# ---- drafting ----------------------------------------------------------------------------

def create_draft(db: Session, actor: User, kind_code: str, title: str,
                 parties: Mapping[str, Organisation] | None = None,
                 start_from: Mapping[str, Any] | None = None,
                 project_id: int | None = None) -> Document:
    kind = documents.get_kind(kind_code)
    if not may_draft(actor, kind):
        raise Forbidden(_("您的单位或岗位不能起草“%(kind)s”。", kind=kind.title))
    title = title.strip()
    if not title or len(title) > 200:
        raise InvalidInput(_("请填写文书标题（不超过200字）。"))
    # The drafter is the party of its own block: a purchaser's 委托代理协议 names no collector.
    own = kind.block_of(actor.role.value)
    parties = {role: org for role, org in (parties or {}).items()
               if role != actor.role.value and (own is None or kind.block_of(role) != own)}
    acting = {**parties, actor.role.value: actor.org}
    start = _with_profiles(kind, start_from or {}, acting)
    doc = Document(kind=kind.code, title=title, owner_org_id=actor.org_id,
                   region_code=actor.org.region.province.code, created_by_id=actor.id,
                   draft_data=_pairs(documents.to_formdata(start)),
                   draft_editor_ids=[actor.id], project_id=project_id)
    doc.parties = [DocumentParty(role=actor.role.value, org_id=actor.org_id)]
    for role, org in parties.items():
        doc.parties.append(DocumentParty(role=role, org_id=org.id))
    db.add(doc)
    db.flush()
    _audit(db, actor, doc, "created", None, {"title": title})
    db.commit()
    return doc


def _pairs(formdata: MultiDict[str, str]) -> list[list[str]]:
    return [[key, value] for key, value in formdata.items(multi=True)]


def may_discard(user: User, doc: Document) -> bool:
    return (doc.status is S.draft and not doc.revisions and user.org_id == doc.owner_org_id
            and Position.clerk in user.positions)


def discard_draft(db: Session, actor: User, doc: Document, version: int | None) -> None:
    """放弃草稿: a draft never submitted is deleted; the audit log keeps its kind, title and what
    it held (so nothing submitted, reviewed or sealed can ever be discarded)."""
    check_version(doc, version)
    _require_clerk_of(actor, doc.owner_org_id)
    if doc.status is not S.draft or doc.revisions:
        raise TransitionNotAllowed(_("只有从未提交的草稿可以放弃；已提交的文书保留全部版本。"))
    _audit(db, actor, doc, "discarded", doc.status.value,
           {"title": doc.title, "draft": doc.draft_data,
            "parties": {p.role: p.org_id for p in doc.parties}})
    db.delete(doc)
    db.commit()


def require_editable(doc: Document) -> None:
    if doc.status is not S.draft:
        raise StepFinished(_("该文书已提交，不能再修改；如需修改请在审核通过后“重新编辑”。"))


def draft_formdata(doc: Document) -> MultiDict[str, str]:
    return MultiDict([(key, value) for key, value in doc.draft_data])


def _belongs_to(key: str, names: Iterable[str]) -> bool:
    return any(key == name or key.startswith(f"{name}-") for name in names)


def save_step(db: Session, actor: User, doc: Document, version: int | None, step_slug: str,
              formdata: MultiDict[str, str]) -> documents.StepResult:
    """Keep what was typed for this step, valid or not, and report its errors; except that
    nothing is kept when a value is longer than its field allows, and rich text is kept
    sanitised."""
    require_editable(doc)
    check_version(doc, version)
    _require_clerk_of(actor, doc.owner_org_id)
    kind = kind_of(doc)
    names = [field.name for field in kind.step(step_slug).form_class()]
    locked = locked_fields(doc)
    posted = [[k, locked.get(k, v)] for k, v in formdata.items(multi=True)
              if _belongs_to(k, names)]
    computed = computed_fields(kind, MultiDict([(k, v) for k, v in posted]))
    posted = [[k, computed.get(k, v)] for k, v in posted]
    posted += [[k, v] for k, v in computed.items() if k not in {p[0] for p in posted}
               and _belongs_to(k, names)]
    kept = [[k, v] for k, v in doc.draft_data if not _belongs_to(k, names)]
    result = documents.validate_step(doc.kind, step_slug, MultiDict([(k, v) for k, v in posted]))
    refused = documents.refused_values(result.form, MultiDict([(k, v) for k, v in posted]))
    if refused:  # over-long values are not kept, not even as a draft
        return documents.StepResult(form=result.form, data=result.data,
                                    errors={**result.errors, **refused}, refused=True)
    rich = documents.sanitised_values(result.form)
    posted = [[k, rich.get(k, v)] for k, v in posted]
    move(doc, "save", S.draft)
    doc.draft_data = kept + posted
    if actor.id not in doc.draft_editor_ids:
        doc.draft_editor_ids = [*doc.draft_editor_ids, actor.id]
    _audit(db, actor, doc, "draft_saved", S.draft.value, {"step": step_slug})
    db.commit()
    return result


def attach_upload(db: Session, actor: User, doc: Document, version: int | None,
                  content: bytes) -> None:
    """The PDF a kind with ``uploaded_pdf`` seals (checked by the caller: a real PDF)."""
    require_editable(doc)
    check_version(doc, version)
    _require_clerk_of(actor, doc.owner_org_id)
    if not kind_of(doc).uploaded_pdf:
        raise InvalidInput(_("该类文书由系统生成 PDF，不能上传。"))
    before = doc.uploaded_pdf_sha256
    doc.uploaded_pdf_sha256 = storage.put(content, ".pdf")
    move(doc, "save", S.draft)
    _audit(db, actor, doc, "pdf_uploaded", S.draft.value,
           {"sha256": doc.uploaded_pdf_sha256, "replaced": before})
    db.commit()


def _validated(doc: Document) -> tuple[documents.ValidatedDocument | None,
                                         dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if kind_of(doc).uploaded_pdf and doc.uploaded_pdf_sha256 is None:
        errors["upload"] = [_("请上传合同 PDF 文件")]
    try:
        validated = documents.validate(doc.kind, draft_formdata(doc))
    except documents.ValidationFailed as failed:
        return None, {**errors, **failed.errors}
    for rule in _rules.get(doc.kind, []):
        for path, messages in rule(doc, validated.data).items():
            errors.setdefault(path, []).extend(messages)
    flat = draft_formdata(doc)
    parties = party_locked(doc)
    for path, value in locked_fields(doc).items():
        if flat.get(path) != value:
            errors.setdefault(path, []).append(
                _("该项须与该单位登记的信息一致（%(value)s），不能修改。", value=value)
                if path in parties else _("该项取自备案的采购方案，不能修改。"))
    return (None if errors else validated), errors


def check_draft(doc: Document) -> dict[str, list[str]]:
    """Every field error of the whole draft (empty when it can be submitted)."""
    return _validated(doc)[1]


# ---- review ------------------------------------------------------------------------------

def submit(db: Session, actor: User, doc: Document, version: int | None) -> Revision:
    check_version(doc, version)
    _require_clerk_of(actor, doc.owner_org_id)
    validated, errors = _validated(doc)
    if validated is None:
        raise SubmissionInvalid(errors)
    data = validated.to_json()
    # An uploaded PDF is part of what was submitted, so it is part of the revision's hash.
    hashed = {"data": data, "upload": doc.uploaded_pdf_sha256} if doc.uploaded_pdf_sha256 \
        else data
    canonical = json.dumps(hashed, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    revision = Revision(
        number=len(doc.revisions) + 1, data=data,
        data_sha256=hashlib.sha256(canonical.encode()).hexdigest(),
        submitted_by_id=actor.id, drafter_ids=sorted(set(doc.draft_editor_ids) | {actor.id}),
    )
    if doc.uploaded_pdf_sha256 and kind_of(doc).uploaded_pdf:
        # The upload is the document: nothing to render, no seal anchors in it.
        revision.pdf_sha256 = doc.uploaded_pdf_sha256
        revision.pdf_size = storage.path_of(revision.pdf_sha256, ".pdf").stat().st_size
        revision.render_status, revision.anchors = RenderStatus.done, {}
    before = doc.status.value
    doc.revisions.append(revision)
    move(doc, "submit", S.in_review if reviewers(doc) else S.approved)
    doc.review_step, doc.returned_reason, doc.draft_editor_ids = 0, None, []
    db.flush()
    _audit(db, actor, doc, "submitted", before, {"revision": revision.number})
    db.commit()
    request_render(revision)
    return revision


def retry_render(db: Session, actor: User, revision: Revision) -> None:
    """Queue a failed or lost rendering again (any party's user may ask)."""
    if revision.render_status is RenderStatus.done:
        raise TransitionNotAllowed(_("该版本已生成，无需重新生成。"))
    if revision.render_status is RenderStatus.running:
        raise TransitionNotAllowed(_("该版本正在生成，请稍候。"))
    durable.request_render(revision)
    audit.record(db, actor=actor, action="revision.render_requested", subject_type="revision",
                 subject_id=revision.id)
    db.commit()
    request_render(revision)


def request_render(revision: Revision) -> None:
    """After the commit that asked for it: queue the rendering now if Redis answers; if not,
    the queued revision is the durable intent and the dispatcher queues it later."""
    if revision.render_status is RenderStatus.queued:
        dispatch.after_commit("render", revision.id)


def reviewing_role(doc: Document) -> str | None:
    roles = reviewers(doc)
    if doc.status is not S.in_review or doc.review_step >= len(roles):
        return None
    return roles[doc.review_step]


def may_review(user: User, doc: Document) -> bool:
    role = reviewing_role(doc)
    revision = doc.current_revision
    return (
        role is not None and revision is not None
        and user.org_id == doc.party_org_id(role)
        and Position.reviewer in user.positions
        and user.id not in revision.drafter_ids
    )


def require_reviewer(actor: User, doc: Document) -> str:
    role = reviewing_role(doc)
    if role is None:
        raise TransitionNotAllowed(_("该文书当前不在审核中。"))
    revision = doc.current_revision
    assert revision is not None
    if actor.id in revision.drafter_ids:
        raise Forbidden(_("起草人不能审核自己起草的文书。"))
    if actor.org_id != doc.party_org_id(role) or Position.reviewer not in actor.positions:
        raise Forbidden(_("只有%(role)s的审核岗可以审核此文书。", role=_(ROLE_NAMES[role])))
    return role


ROLE_NAMES = {"collector": "征集人", "agency": "代理机构", "purchaser": "采购人",
              "supplier": "供应商", "regulator": "财政部门", "expert": "评审专家"}


def approve(db: Session, actor: User, doc: Document, version: int | None,
            checks: Mapping[str, str] | None = None) -> ReviewDecision:
    """Approve the current revision; a kind with named reviews needs an opinion on each."""
    check_version(doc, version)
    role = require_reviewer(actor, doc)
    revision = doc.current_revision
    assert revision is not None
    opinions = {key: (checks or {}).get(key, "").strip() for key, _label in review_checks(doc)}
    missing = [(key, label) for key, label in review_checks(doc) if not opinions[key]]
    if missing:
        raise OpinionsMissing(_("请填写%(checks)s意见后再审核通过。",
                                checks="、".join(label for _key, label in missing)),
                              [key for key, _label in missing])
    too_long = [label for key, label in review_checks(doc) if len(opinions[key]) > MAX_REASON]
    if too_long:
        raise InvalidInput(_("%(checks)s意见不能超过%(n)s字。", checks="、".join(too_long),
                             n=MAX_REASON))
    decision = ReviewDecision(review_step=doc.review_step, role=role, reviewer_id=actor.id,
                              reviewer_org_id=actor.org_id, decision=Decision.approved,
                              checks=opinions or None)
    revision.decisions.append(decision)
    last = doc.review_step + 1 >= len(reviewers(doc))
    move(doc, "approve", S.approved if last else S.in_review)
    doc.review_step += 0 if last else 1
    _audit(db, actor, doc, "approved", S.in_review.value,
           {"revision": revision.number, "role": role})
    if last:
        for action in _on_approved.get(doc.kind, []):
            action(db, actor, doc)
    db.commit()
    return decision


def return_to_drafter(db: Session, actor: User, doc: Document, version: int | None,
                      reason: str) -> ReviewDecision:
    check_version(doc, version)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("退回时必须填写退回原因。"))
    if len(reason) > MAX_REASON:
        raise InvalidInput(_("退回原因不能超过%(n)s字。", n=MAX_REASON))
    role = require_reviewer(actor, doc)
    revision = doc.current_revision
    assert revision is not None
    decision = ReviewDecision(review_step=doc.review_step, role=role, reviewer_id=actor.id,
                              reviewer_org_id=actor.org_id, decision=Decision.returned,
                              reason=reason)
    revision.decisions.append(decision)
    move(doc, "return", S.draft)
    doc.review_step, doc.returned_reason = 0, reason
    _audit(db, actor, doc, "returned", S.in_review.value,
           {"revision": revision.number, "reason": reason})
    db.commit()
    return decision


def reopen(db: Session, actor: User, doc: Document, version: int | None) -> None:
    """Edit an approved document: the draft starts from the last revision; seals never carry."""
    check_version(doc, version)
    _require_clerk_of(actor, doc.owner_org_id)
    revision = doc.current_revision
    assert revision is not None
    if live_seals(db, revision.id):
        raise TransitionNotAllowed(_("已有单位在此版本上盖章，不能重新编辑。"))
    if doc.kind in _final:
        raise TransitionNotAllowed(_("“%(kind)s”审核通过后不能重新编辑。", kind=kind_of(doc).title))
    move(doc, "reopen", S.draft)
    doc.draft_data = _pairs(documents.to_formdata(revision.data))
    doc.draft_editor_ids = [actor.id]
    _audit(db, actor, doc, "reopened", S.approved.value, {"from_revision": revision.number})
    db.commit()


CHANGEABLE = {"solicitation"}


def reopen_for_change(db: Session, actor: User, doc: Document, version: int | None) -> None:
    """发起变更: a sealed or published document of a changeable kind is edited again. Its last
    revision stays as history; the next one supersedes it once reviewed and sealed anew."""
    check_version(doc, version)
    _require_clerk_of(actor, doc.owner_org_id)
    if doc.kind not in CHANGEABLE:
        raise TransitionNotAllowed(_("“%(kind)s”不能发起变更。", kind=kind_of(doc).title))
    revision = doc.current_revision
    assert revision is not None
    before = doc.status.value
    move(doc, "change", S.draft)
    doc.draft_data = _pairs(documents.to_formdata(revision.data))
    doc.draft_editor_ids, doc.returned_reason = [actor.id], None
    _audit(db, actor, doc, "change_started", before, {"from_revision": revision.number})
    db.commit()


# ---- publishing --------------------------------------------------------------------------

def may_publish(user: User, doc: Document) -> bool:
    kind = kind_of(doc)
    ready = doc.status is S.sealed or (doc.status is S.approved and not sealers(doc))
    return (ready and kind.board_category is not None and user.org_id == doc.owner_org_id
            and Position.clerk in user.positions)


def publish(db: Session, actor: User, doc: Document, version: int | None) -> None:
    check_version(doc, version)
    _require_clerk_of(actor, doc.owner_org_id)
    kind = kind_of(doc)
    if kind.board_category is None:
        raise TransitionNotAllowed(_("“%(kind)s”不在公告栏发布。", kind=kind.title))
    if doc.status is S.approved and sealers(doc):
        raise TransitionNotAllowed(_("文书须按规定盖章后方可发布。"))
    for guard in _publish_guards.get(doc.kind, []):
        refusal = guard(db, doc)
        if refusal:
            raise TransitionNotAllowed(refusal)
    before = doc.status.value
    move(doc, "publish", S.published)
    _audit(db, actor, doc, "published", before, {"board": kind.board_category})
    indexing.index_published(db, doc)  # on the board in the same transaction
    for action in _on_published.get(doc.kind, []):
        action(db, actor, doc)
    db.commit()
