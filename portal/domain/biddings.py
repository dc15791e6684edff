"""二次竞价 (seed 000 §三 1.2, seed 002 1.3; the model in :mod:`portal.models.bidding`).

The purchaser's clerk creates a bidding on one lot of a framework agreement in force for it:
the requirement, quantity, maximum unit price (never above the agreement prices), a plan line
of the lot's 品目 (which reserves quantity × maximum price), the start (not before now) and the
duration. Every seller the catalogue offers the lot from (the shortlisted suppliers in force
and their resellers delivering to the purchaser) is invited, each with its cap: the maximum
price or its own agreement price, whichever is lower. Publishing publishes the generated
二次竞价公告 and notifies them.

Between the start and the end an invited seller's clerk joins (参与) and quotes, cancels its
quote (取消报价) and quotes again. Every quote is checked against ``end_at`` under a lock of the
bidding's row, so none is accepted after the close whether or not the close was recorded yet;
nobody sees another seller's quote before the close. :func:`close_due` records the close once
(a conditional update: several workers may run it) and :func:`ranking` orders the quotes live
at the close low to high, ties by the earlier quote. The purchaser confirms the winner: an
accepted order at the winning price and the 成交结果公告, generated and published; or ends the
bidding before the close with a reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.domain import audit, awards, catalogue, lifecycle, notices, orders, products
from portal.domain import purchasing_plans as plans
from portal.domain.cart import price_of, quantity_of
from portal.domain.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from portal.models import (
    BEIJING,
    Bidding,
    BiddingQuote,
    BiddingSeller,
    BiddingStatus,
    Document,
    NonShortlistedAward,
    Order,
    OrderLine,
    OrgKind,
    Position,
    Product,
    Project,
    ShortlistedStatus,
    ShortlistedSupplier,
    User,
    beijing,
    utcnow,
)
from portal.todo import TodoItem, register

SUBJECT = "bidding"
S = BiddingStatus
LABELS = {S.pending: _l("公告待发布"), S.open: _l("已发布"), S.closed: _l("竞价结束"),
          S.confirmed: _l("已成交"), S.failed: _l("流标"), S.ended: _l("已终止")}
MIN_MINUTES, MAX_MINUTES = 1, 240 * 60
CENT = Decimal("0.01")


def label(bidding: Bidding, now: datetime | None = None) -> str:
    """The state as the pages say it: 待开始 / 竞价中 while published."""
    if bidding.status is S.open:
        now = now or utcnow()
        if now < bidding.start_at:
            return _("待开始")
        return _("竞价中") if now < bidding.end_at else _("竞价结束")
    return str(LABELS[bidding.status])


@dataclass(frozen=True)
class Request:
    """What the purchaser's clerk fills in (``start``: Beijing time, as typed)."""

    requirement: str
    quantity: str
    unit: str
    max_unit_price: str
    delivery_place: str
    start: datetime
    duration_minutes: int



def _purchaser_clerk(actor: User) -> None:
    if actor.role is not OrgKind.purchaser or Position.clerk not in actor.positions:
        raise Forbidden(_("只有采购单位的经办岗可以组织二次竞价。"))


def invitees(session: Session, purchaser: User, project: Project, lot_number: str,
             today: datetime) -> list[catalogue.Offer]:
    """The offers of the lot open to the purchaser today: the sellers a bidding invites."""
    rows = session.scalars(select(ShortlistedSupplier).where(
        ShortlistedSupplier.project_id == project.id,
        ShortlistedSupplier.lot_number == lot_number,
        ShortlistedSupplier.status == ShortlistedStatus.active).order_by(ShortlistedSupplier.id))
    return [offer for row in rows
            for offer in catalogue.offers_of(session, row, purchaser.org, today.date())]


def create(session: Session, actor: User, project: Project, lot_number: str, plan: Document,
           line_number: int, request: Request, now: datetime,
           award: NonShortlistedAward | None = None) -> Bidding:
    """新增项目: the bidding and its 二次竞价公告 drafted (to preview, then :func:`publish`).
    ``award``: an approved 非入围合同授予 of the lot, whose controlled price is the maximum and
    whose supplier is invited beside the lot's sellers."""
    _purchaser_clerk(actor)
    offers = invitees(session, actor, project, lot_number, beijing(now))
    if not offers:
        raise TransitionNotAllowed(_("该采购包没有可向本单位供货的入围供应商，不能发起二次竞价。"))
    if award is not None:
        awards.require_usable(session, actor, award, offers[0].shortlisted)
    category = offers[0].shortlisted.lot_name
    requirement = request.requirement.strip()
    if not requirement:
        raise InvalidInput(_("请填写采购需求。"))
    quantity = quantity_of(request.quantity)
    ceiling = price_of(request.max_unit_price, _("最高限制单价"))
    highest = max(o.price for o in offers)
    if ceiling > highest:
        raise InvalidInput(_("最高限制单价 %(max)s 元高于框架协议价格（最高 %(price)s 元），"
                             "不能发起。", max=f"{ceiling:,.2f}", price=f"{highest:,.2f}"))
    if award is not None and ceiling > award.controlled_price:
        raise InvalidInput(_("最高限制单价 %(max)s 元高于非入围合同授予的控制单价 %(price)s 元。",
                             max=f"{ceiling:,.2f}", price=f"{award.controlled_price:,.2f}"))
    start = request.start.replace(second=0, microsecond=0) - BEIJING  # whole minutes, in UTC
    if start < now:
        raise InvalidInput(_("竞价开始时间不能早于当前时间（%(now)s）。",
                             now=f"{beijing(now):%Y-%m-%d %H:%M}"))
    if not MIN_MINUTES <= request.duration_minutes <= MAX_MINUTES:
        raise InvalidInput(_("竞价时长须在 %(min)d 分钟到 %(max)d 小时之间。",
                             min=MIN_MINUTES, max=MAX_MINUTES // 60))
    place = request.delivery_place.strip()
    if not place:
        raise InvalidInput(_("请填写交货地点。"))
    plans.line_for(session, plan, line_number, category, _("竞价的采购包"))
    bidding = Bidding(
        number="", purchaser_org_id=actor.org_id, project_id=project.id, lot_number=lot_number,
        category=category, plan_id=plan.id, plan_line=line_number, requirement=requirement[:2000],
        quantity=quantity, unit=(request.unit.strip() or offers[0].unit)[:20],
        max_unit_price=ceiling, delivery_place=place[:256], start_at=start,
        end_at=start + timedelta(minutes=request.duration_minutes), created_by=actor.id)
    for offer in offers:
        bidding.sellers.append(BiddingSeller(
            seller_org_id=offer.seller.id, shortlisted_id=offer.shortlisted.id,
            delegation_id=offer.delegation.id if offer.delegation else None,
            cap_price=min(ceiling, offer.price), own_price=offer.price))
    if award is not None:
        bidding.award_id = award.id
        bidding.sellers.append(BiddingSeller(
            seller_org_id=award.supplier_org_id, shortlisted_id=None,
            cap_price=min(ceiling, award.controlled_price), own_price=award.controlled_price))
    session.add(bidding)
    try:
        session.flush()
        bidding.number = f"JJ{beijing(bidding.created_at):%Y%m%d}{bidding.id:06d}"
        plans.spend(session, actor, plan, line_number, (quantity * ceiling).quantize(CENT),
                    SUBJECT, bidding.id)
        doc = lifecycle.create_draft(session, actor, "bidding_announcement",
                                     f"{project.name}第{lot_number}包二次竞价公告", {},
                                     start_from=announcement_data(bidding, project, now))
    except Exception:
        session.rollback()
        raise
    bidding.announcement_id = doc.id
    _audit(session, actor, bidding, "created", None,
           {"sellers": len(offers), "max": f"{ceiling:.2f}", "quantity": f"{quantity:f}"})
    session.commit()
    return bidding


def announcement_data(bidding: Bidding, project: Project, now: datetime) -> dict[str, object]:
    hours = max(1, round((bidding.end_at - bidding.start_at).total_seconds() / 3600))
    purchaser = bidding.purchaser
    return {
        "project_number": bidding.number, "agreement_name": f"{project.name}框架协议",
        "agreement_number": project.number, "lot_name": f"第{bidding.lot_number}包 "
                                                        f"{bidding.category}",
        "purchaser": {"name": purchaser.name, "address": purchaser.address,
                      "contact": purchaser.contact, "phone": purchaser.phone},
        "items": [{"name": bidding.category, "specification": bidding.requirement[:500],
                   "quantity": f"{bidding.quantity:f}", "unit": bidding.unit,
                   "max_unit_price": f"{bidding.max_unit_price:.2f}"}],
        "technical_requirements": f"<p>{bidding.requirement}</p>",
        "service_requirements": "<p>按框架协议约定。</p>",
        "delivery_place": bidding.delivery_place, "delivery_time": "合同签订后按采购人要求",
        "published_at": f"{beijing(now):%Y-%m-%dT%H:%M}",
        "start_time": f"{beijing(bidding.start_at):%Y-%m-%dT%H:%M}",
        "duration_hours": hours,
        "quoting_rules": "<p>报价不得高于最高限制单价及本单位框架协议价格；竞价结束时以有效报价"
                         "由低到高排序，报价相同的以先提交者为先。</p>",
        "project_contact": {"name": purchaser.contact, "phone": purchaser.phone},
    }


def _matches_bidding(doc: Document, data: Mapping[str, Any]) -> dict[str, list[str]]:
    """A bidding's 二次竞价公告 says what the bidding is: its start, quantity and maximum price
    (edited in the wizard, they would announce another bidding than the one run)."""
    from portal import db

    bidding = db.session().scalar(select(Bidding).where(Bidding.announcement_id == doc.id))
    if bidding is None:
        return {}
    errors: dict[str, list[str]] = {}
    start = data.get("start_time")
    said = start.strftime("%Y-%m-%dT%H:%M") if isinstance(start, datetime) else str(start)[:16]
    if said != f"{beijing(bidding.start_at):%Y-%m-%dT%H:%M}":
        errors["start_time"] = [_("须与竞价项目一致：%(start)s",
                                  start=f"{beijing(bidding.start_at):%Y-%m-%d %H:%M}")]
    items = list(data.get("items") or ())
    first = items[0] if items else {}
    for key, expected in (("quantity", bidding.quantity),
                          ("max_unit_price", bidding.max_unit_price)):
        try:
            same = Decimal(str(first.get(key))) == expected
        except (InvalidOperation, TypeError):
            same = False
        if len(items) != 1 or not same:
            errors.setdefault(f"items-0-{key}", []).append(
                _("须与竞价项目一致：%(value)s", value=f"{expected:f}"))
    return errors


lifecycle.register_rule("bidding_announcement", _matches_bidding)


def _audit(session: Session, actor: User | None, bidding: Bidding, action: str,
           before: BiddingStatus | None, detail: dict[str, object] | None = None) -> None:
    audit.record(session, actor=actor, action=f"bidding.{action}", subject_type=SUBJECT,
                 subject_id=bidding.id, before=before.value if before else None,
                 after=bidding.status.value, detail={"number": bidding.number, **(detail or {})})


def _require_purchaser(actor: User, bidding: Bidding) -> None:
    if actor.org_id != bidding.purchaser_org_id or Position.clerk not in actor.positions:
        raise Forbidden(_("只有本项目采购单位的经办岗可以办理。"))


def publish(session: Session, actor: User, bidding: Bidding, now: datetime) -> None:
    """发布: its 二次竞价公告 goes on the board and the invited sellers are notified."""
    _require_purchaser(actor, bidding)
    if bidding.status is not S.pending:
        raise TransitionNotAllowed(_("该二次竞价已发布或已结束。"))
    if bidding.start_at < now:
        raise InvalidInput(_("竞价开始时间已过，请终止本项目后重新发起。"))
    doc = session.get(Document, bidding.announcement_id)
    assert doc is not None
    lifecycle.submit(session, actor, doc, None)
    lifecycle.publish(session, actor, doc, None)
    bidding.status = S.open
    _audit(session, actor, bidding, "published", S.pending)
    notices.send(session, [s.seller_org_id for s in bidding.sellers],
                 f"二次竞价邀请：{bidding.number}",
                 f"{bidding.purchaser.name}发起二次竞价（{bidding.category}），竞价时间 "
                 f"{beijing(bidding.start_at):%Y-%m-%d %H:%M} 至 "
                 f"{beijing(bidding.end_at):%Y-%m-%d %H:%M}，请参与报价。", doc)
    session.commit()


def load(session: Session, user: User, bidding_id: int) -> Bidding:
    """A bidding of the user's organisation, as purchaser or invited seller."""
    bidding = session.get(Bidding, bidding_id)
    if bidding is None or (user.org_id != bidding.purchaser_org_id
                           and seller_of(bidding, user) is None):
        raise NotFound(_("没有该二次竞价项目。"))
    return bidding


def seller_of(bidding: Bidding, user: User) -> BiddingSeller | None:
    return next((s for s in bidding.sellers if s.seller_org_id == user.org_id), None)


def _require_seller(bidding: Bidding, actor: User) -> BiddingSeller:
    seller = seller_of(bidding, actor)
    if seller is None or Position.clerk not in actor.positions:
        raise Forbidden(_("只有受邀供应商的经办岗可以参与报价。"))
    return seller


def _locked_open(session: Session, bidding: Bidding, now: datetime, what: str) -> None:
    """Lock the bidding's row (PostgreSQL; SQLite writes one at a time), then check the time:
    the close either came first (refused) or waits for this quote's commit."""
    session.execute(select(Bidding.id).where(Bidding.id == bidding.id).with_for_update())
    session.refresh(bidding)
    if bidding.status is not S.open or now >= bidding.end_at:
        raise TransitionNotAllowed(_("竞价已于 %(end)s 结束，%(what)s未被接受。",
                                     end=f"{beijing(bidding.end_at):%Y-%m-%d %H:%M:%S}",
                                     what=what))
    if now < bidding.start_at:
        raise TransitionNotAllowed(_("竞价将于 %(start)s 开始，请届时%(what)s。",
                                     start=f"{beijing(bidding.start_at):%Y-%m-%d %H:%M}",
                                     what=what))


def join(session: Session, actor: User, bidding: Bidding) -> None:
    """参与 (before or during the bidding)."""
    seller = _require_seller(bidding, actor)
    if bidding.status is not S.open:
        raise TransitionNotAllowed(_("该二次竞价当前不能参与。"))
    if seller.joined_at is None:
        seller.joined_at = utcnow()
        _audit(session, actor, bidding, "joined", bidding.status,
               {"seller": seller.seller.name})
    session.commit()


def live_quote(session: Session, seller: BiddingSeller) -> BiddingQuote | None:
    return session.scalar(select(BiddingQuote).where(
        BiddingQuote.seller_id == seller.id, BiddingQuote.cancelled_at.is_(None))
        .order_by(BiddingQuote.id.desc()))


def quote(session: Session, actor: User, bidding: Bidding, unit_price: str,
          product_id: str | None, now: datetime) -> BiddingQuote:
    """报价: refused above the purchaser's maximum or the seller's own agreement price (with the
    figures), outside the bidding's time, or while the seller's last quote stands."""
    seller = _require_seller(bidding, actor)
    if seller.joined_at is None:
        raise TransitionNotAllowed(_("请先参与本次竞价。"))
    price = price_of(unit_price, _("报价"))
    try:
        _locked_open(session, bidding, now, _("报价"))
        if price > bidding.max_unit_price:
            raise InvalidInput(_("报价 %(price)s 元高于采购人最高限制单价 %(max)s 元。",
                                 price=f"{price:,.2f}", max=f"{bidding.max_unit_price:,.2f}"))
        if price > seller.own_price:
            raise InvalidInput(_("报价 %(price)s 元高于贵单位框架协议价格 %(own)s 元。",
                                 price=f"{price:,.2f}", own=f"{seller.own_price:,.2f}"))
        if live_quote(session, seller) is not None:
            raise TransitionNotAllowed(_("已有报价；如需修改，请先取消报价。"))
        product = _product(session, seller, product_id)
        made = BiddingQuote(bidding_id=bidding.id, seller_id=seller.id, unit_price=price,
                            product_id=product, quoted_at=now, quoted_by=actor.id)
        session.add(made)
        session.flush()
    except Exception:
        session.rollback()
        raise
    _audit(session, actor, bidding, "quoted", bidding.status,
           {"seller": seller.seller.name, "quote": made.id})  # the price stays sealed
    session.commit()
    return made


def _product(session: Session, seller: BiddingSeller, product_id: str | None) -> int | None:
    """The stocked product quoted: the manufacturer's, of the shortlisted product's 品目."""
    row = seller.shortlisted
    if row is None:  # the non-shortlisted supplier: it has no product in the agreement
        return None
    if row.product_id is None and not product_id:
        return None
    chosen = product_id or (str(row.product_id) if row.product_id else None)
    return products.require_stocked(session, row.supplier, chosen, _category(session, row)).id


def _category(session: Session, row: ShortlistedSupplier) -> str:
    """The 品目 a shortlisted row's products are of: its product's, else its lot's."""
    shortlisted = session.get(Product, row.product_id) if row.product_id else None
    return shortlisted.category if shortlisted else row.lot_name


def product_choices(session: Session, seller: BiddingSeller) -> list[Product]:
    """The stocked products a seller may quote: its manufacturer's, of the shortlisted
    product's 品目, or of the lot's where the agreement names no product."""
    row = seller.shortlisted
    if row is None:
        return []
    return products.stocked_for(session, row.supplier, _category(session, row))


def seconds_left(bidding: Bidding, now: datetime) -> tuple[int, int]:
    """Seconds until the start and until the end (never below zero)."""
    return (max(0, int((bidding.start_at - now).total_seconds())),
            max(0, int((bidding.end_at - now).total_seconds())))


def cancel(session: Session, actor: User, bidding: Bidding, now: datetime) -> None:
    """取消报价 before the close; the seller may quote again."""
    seller = _require_seller(bidding, actor)
    try:
        _locked_open(session, bidding, now, _("取消报价"))
        found = live_quote(session, seller)
        if found is None:
            raise TransitionNotAllowed(_("没有可取消的报价。"))
        found.cancelled_at = now
    except Exception:
        session.rollback()
        raise
    _audit(session, actor, bidding, "quote_cancelled", bidding.status,
           {"seller": seller.seller.name, "quote": found.id})
    session.commit()


def ranking(session: Session, bidding: Bidding) -> list[BiddingQuote]:
    """The quotes standing at the close, low to high, ties by the earlier quote."""
    found = session.scalars(select(BiddingQuote).where(
        BiddingQuote.bidding_id == bidding.id, BiddingQuote.quoted_at < bidding.end_at)
        .where((BiddingQuote.cancelled_at.is_(None))
               | (BiddingQuote.cancelled_at >= bidding.end_at)))
    return sorted(found, key=lambda q: (q.unit_price, q.quoted_at, q.id))


def visible_quotes(session: Session, user: User, bidding: Bidding) -> list[BiddingQuote]:
    """What ``user`` may see: a seller its own quotes; everyone every quote after the close."""
    if bidding.status in (S.closed, S.confirmed, S.failed) and (
            user.org_id == bidding.purchaser_org_id):
        return ranking(session, bidding)
    seller = seller_of(bidding, user)
    if seller is None:
        return []
    return list(session.scalars(select(BiddingQuote).where(BiddingQuote.seller_id == seller.id)
                                .order_by(BiddingQuote.id)))


def close_due(session: Session, now: datetime) -> int:
    """Record the close of every published bidding whose end has come; each exactly once
    whatever number of processes run this at the same moment. Returns how many this call
    closed."""
    due = list(session.scalars(select(Bidding.id).where(
        Bidding.status == S.open, Bidding.end_at <= now).order_by(Bidding.end_at).limit(100)))
    closed = 0
    for bidding_id in due:
        won = session.connection().execute(
            update(Bidding).where(Bidding.id == bidding_id, Bidding.status == S.open)
            .values(status=S.closed, closed_at=now, version=Bidding.version + 1)
            .execution_options(synchronize_session=False))
        if won.rowcount != 1:  # another process closed it
            session.rollback()
            continue
        bidding = session.get(Bidding, bidding_id)
        assert bidding is not None
        session.refresh(bidding)
        _after_close(session, bidding)
        session.commit()
        closed += 1
    return closed


def _after_close(session: Session, bidding: Bidding) -> None:
    standing = ranking(session, bidding)
    if standing:
        bidding.winner_quote_id = standing[0].id
        _audit(session, None, bidding, "closed", S.open,
               {"quotes": len(standing), "winner": standing[0].seller.seller.name})
        notices.send(session, [bidding.purchaser_org_id], f"二次竞价结束：{bidding.number}",
                     f"共 {len(standing)} 家有效报价，请确认成交结果。", None)
    else:
        bidding.status = S.failed
        plans.release(session, None, SUBJECT, bidding.id, _("二次竞价无有效报价（流标）"))
        _audit(session, None, bidding, "failed", S.open)
        notices.send(session, [bidding.purchaser_org_id], f"二次竞价流标：{bidding.number}",
                     "竞价结束时没有有效报价。", None)


def confirm(session: Session, actor: User, bidding: Bidding, now: datetime) -> Order:
    """确认成交结果: the first of the ranking becomes an accepted order at its price; the
    成交结果公告 is generated and published."""
    _require_purchaser(actor, bidding)
    if bidding.status is S.open and now >= bidding.end_at:
        close_due(session, now)  # the close is due: record it now
        session.refresh(bidding)
    if bidding.status is not S.closed:
        raise TransitionNotAllowed(_("竞价结束后才能确认成交结果。"))
    standing = ranking(session, bidding)
    assert standing, "a closed bidding has quotes"
    winner = standing[0]
    seller, plan = winner.seller, session.get(Document, bidding.plan_id)
    assert plan is not None
    total = (winner.unit_price * bidding.quantity).quantize(CENT)
    # the lot's row: the winner's own, or for the non-shortlisted supplier of a 非入围合同授予
    # the row its application started from (the lot and agreement the purchase is under)
    row = seller.shortlisted or _award_row(session, bidding)
    name = (row.product if seller.shortlisted else None) or bidding.category
    if winner.product_id:
        product = session.get(Product, winner.product_id)
        name = product.label if product else name
    order = orders.from_call_off(
        session, actor, seller_org_id=seller.seller_org_id, plan=plan,
        plan_line=bidding.plan_line, line=OrderLine(
            shortlisted_id=row.id, delegation_id=seller.delegation_id,
            product_id=winner.product_id, category=bidding.category, name=name[:500],
            unit=bidding.unit, quantity=bidding.quantity, unit_price=winner.unit_price,
            amount=total),
        delivery_address=bidding.delivery_place, contact=bidding.purchaser.contact,
        phone=bidding.purchaser.phone, source=f"{SUBJECT}:{bidding.id}")
    deal = lifecycle.create_draft(session, actor, "deal_announcement",
                                  f"{bidding.category}二次竞价成交结果公告（{bidding.number}）",
                                  {}, start_from=_deal_data(bidding, winner, total, now))
    lifecycle.submit(session, actor, deal, None)
    lifecycle.publish(session, actor, deal, None)
    bidding.status, bidding.order_id, bidding.deal_id = S.confirmed, order.id, deal.id
    bidding.decided_at, bidding.decided_by = now, actor.id
    _audit(session, actor, bidding, "confirmed", S.closed,
           {"order": order.number, "winner": seller.seller.name,
            "price": f"{winner.unit_price:.2f}"})
    notices.send(session, [seller.seller_org_id], f"二次竞价成交：{bidding.number}",
                 f"贵单位以单价 {winner.unit_price:,.2f} 元成交，订单 {order.number}，请起草合同。",
                 None)
    session.commit()
    return order


def _award_row(session: Session, bidding: Bidding) -> ShortlistedSupplier:
    award = session.get(NonShortlistedAward, bidding.award_id) if bidding.award_id else None
    assert award is not None, "a seller without a shortlisted row came from an award"
    return award.shortlisted


def _deal_data(bidding: Bidding, winner: BiddingQuote, total: Decimal,
               now: datetime) -> dict[str, object]:
    project = bidding.project
    purchaser, org = bidding.purchaser, winner.seller.seller
    return {
        "project_name": f"{purchaser.name}{bidding.category}二次竞价",
        "project_number": bidding.number, "agreement_name": f"{project.name}框架协议",
        "agreement_number": project.number,
        "purchaser": {"name": purchaser.name, "address": purchaser.address,
                      "contact": purchaser.contact, "phone": purchaser.phone},
        "supplier": {"name": org.name, "address": org.address},
        "items": [{"name": bidding.category, "specification": (
                       winner.seller.shortlisted.product if winner.seller.shortlisted
                       else "") or bidding.category, "quantity": f"{bidding.quantity:f}",
                   "unit": bidding.unit, "unit_price": f"{winner.unit_price:.2f}"}],
        "deal_method": "non_shortlisted_award" if bidding.award_id else "secondary_bidding",
        "deal_amount": f"{total:.2f}", "decision_date": f"{beijing(now):%Y-%m-%d}",
        "announcement_date": f"{beijing(now):%Y-%m-%d}",
    }


def end(session: Session, actor: User, bidding: Bidding, reason: str, now: datetime) -> None:
    """终止 before the close, with a reason; the plan's reservation is released."""
    _require_purchaser(actor, bidding)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("终止项目时必须填写原因。"))
    if bidding.status not in (S.pending, S.open) or now >= bidding.end_at:
        raise TransitionNotAllowed(_("竞价已结束，不能终止。"))
    before = bidding.status
    bidding.status, bidding.end_reason = S.ended, reason[:500]
    bidding.decided_at, bidding.decided_by = now, actor.id
    plans.release(session, actor, SUBJECT, bidding.id, _("二次竞价终止：%(r)s", r=reason[:200]))
    _audit(session, actor, bidding, "ended", before, {"reason": reason[:500]})
    if before is S.open:
        notices.send(session, [s.seller_org_id for s in bidding.sellers],
                     f"二次竞价终止：{bidding.number}",
                     f"采购人终止了本次竞价，原因：{reason[:500]}", None)
    session.commit()


def of_org(session: Session, org_id: int) -> list[Bidding]:
    mine = select(BiddingSeller.bidding_id).where(BiddingSeller.seller_org_id == org_id)
    return list(session.scalars(select(Bidding).where(
        (Bidding.purchaser_org_id == org_id) | Bidding.id.in_(mine))
        .order_by(Bidding.id.desc())))


# ---- 我的待办 -------------------------------------------------------------------------------

@register
def biddings_todo(session: Session, user: User) -> Iterator[TodoItem]:
    if Position.clerk not in user.positions or user.org_id is None:
        return
    for bidding in of_org(session, user.org_id):
        if bidding.purchaser_org_id == user.org_id:
            step = {S.pending: _("待发布二次竞价"), S.closed: _("待确认成交结果")}.get(
                bidding.status)
        else:
            seller = seller_of(bidding, user)
            step = _("二次竞价待报价") if (bidding.status is S.open and seller is not None
                                     and live_quote(session, seller) is None
                                     and utcnow() < bidding.end_at) else None
        if step is not None:
            yield TodoItem(step, f"{bidding.number} · {bidding.category}",
                           url_for("biddings.show", bidding_id=bidding.id), bidding.created_at)
