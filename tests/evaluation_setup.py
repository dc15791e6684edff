"""Set-up for evaluation tests: a sealed price-first solicitation, opened responses and a seated
panel, given as the opening and the expert draw hand them over."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from portal.domain import evaluation as ev
from portal.domain.experts import PanelSeat
from portal.domain.opening import OpenedResponse
from portal.models import Organisation, OrgKind, Position, User, UserPosition, utcnow
from tests.helpers import published_call, user


def _blank_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


#: A screenshot of credit query results, saved as PDF.
EVIDENCE = _blank_pdf()


def seat(user_id: int, name: str, employer: str, checked_in: bool, leader: bool) -> PanelSeat:
    """A seat of the drawn panel, as ``experts.panel`` hands it over."""
    return PanelSeat(user_id, name, "", employer, checked_in, leader)


def opened_one(supplier_org_id: int, supplier_name: str, supplier_uscc: str, brand: str, model: str,
           parameters: str, unit_price: Decimal | None, delivery: str, submitted_at: datetime,
           decrypted: bool) -> OpenedResponse:
    """A response as ``opening.opened_responses`` hands it over (lot 01)."""
    return OpenedResponse(0, supplier_org_id, supplier_name, supplier_uscc, "01", brand, model,
                          parameters, unit_price or Decimal(0), delivery, submitted_at, decrypted)


def experts(db: Any) -> list[User]:
    """Three experts (accounts of the regulator's pool), created once per test."""
    finance = db.scalar(select(Organisation).where(Organisation.name == "内蒙古自治区财政厅"))
    same_password = user(db, "expert_wu").password_hash  # the demo password
    made = []
    for i, name in enumerate(("刘明", "张华", "李强")):
        expert = User(username=f"expert_t{i}", display_name=name, password_hash=same_password,
                      org_id=finance.id, position_rows=[UserPosition(position=Position.expert)])
        db.add(expert)
        made.append(expert)
    db.commit()
    return made


def solicitation_project(app: Any, db: Any, **data: Any) -> Any:
    """The sample project run by the collector itself, its 征集文件 (the sample's, changed by
    ``data``) sealed and its call published (open since yesterday)."""
    return published_call(app, db, -timedelta(days=1), timedelta(days=9), **data)


def suppliers(db: Any) -> list[Organisation]:
    return list(db.scalars(select(Organisation).where(Organisation.kind == OrgKind.supplier)
                           .order_by(Organisation.id)))


def opened(orgs: list[Organisation], prices: list[str | None]) -> list[OpenedResponse]:
    now = utcnow()
    return [opened_one(org.id, org.name, org.uscc, "国产", f"X{i}", "8核16G",
                       Decimal(p) if p else None, "合同签订后7日内",
                       now - timedelta(minutes=10 - i), p is not None)
            for i, (org, p) in enumerate(zip(orgs, prices, strict=False))]


def started_evaluation(app: Any, db: Any, project: Any = None) -> Any:
    """Lot 01 (maximum 6,500.00) of a price-first solicitation at 20% (of ``project`` if its call
    is published already): three decrypted responses and one that was not decrypted in the
    window; a panel of three, 刘明 leading."""
    project = project or solicitation_project(app, db, elimination_rate="20")
    panel = [seat(e.id, e.display_name, "内蒙古大学", True, i == 0)
             for i, e in enumerate(experts(db))]
    orgs = suppliers(db)
    assert len(orgs) >= 3
    responses = opened(orgs[:3], ["5890.00", "6050.00", "5600.00"])
    # The not-decrypted response belongs to a real organisation too.
    other = Organisation(name="内蒙古远方商贸有限公司", uscc="91150100000000050A",
                         kind=OrgKind.supplier, region_id=orgs[0].region_id)
    db.add(other)
    db.commit()
    late = opened_one(other.id, other.name, other.uscc, "", "", "", None, "", utcnow(), False)
    organiser = user(db, "dl_clerk" if project.agency_org_id else "zj_clerk")
    return ev.start(db, organiser, project, "01", [*responses, late], panel)
