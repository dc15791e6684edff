"""The demo's products (产品管理, seed 000 §二 3): a furniture manufacturer,
内蒙古草原家具制造有限公司 (account ``gys_furniture``), has entered and stocked (入库) a
desk and a chair for the two lots of the call the demo opens today (办公家具), and a keyboard
tray linked to the desk as its accessory, so it can answer either lot at once. The other demo
suppliers stay as they are: 北方信创 makes computers (nothing of that call to answer), 蒙讯 is
a reseller (代理商: it enters no products, a manufacturer delegates to it) and 洁安 a service
provider.

Seeded after the board (the 品目 come from the open call's sealed 征集文件), through the same
commands a clerk's pages call; idempotent. Only ``kuangcai demo`` calls it, so the tests'
``demo_keys`` do not pay for one more certificate.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo import DEMO_PASSWORD, DemoOrg, demo_uscc, seed_credentials
from portal.domain import accounts, products
from portal.models import (
    Organisation,
    OrgKind,
    Position,
    ProductKind,
    Region,
    SupplierKind,
    User,
)

FURNITURE_MAKER = DemoOrg(
    "caoyuan_jiaju", "内蒙古草原家具制造有限公司", OrgKind.supplier, "150100",
    demo_uscc("91", "150100", 44), supplier_kind=SupplierKind.manufacturer,
    address="呼和浩特市和林格尔新区盛乐园区家具产业园6号", contact="包玉梅", phone="0471-6900015")
ACCOUNT = ("gys_furniture", "包玉梅", frozenset({Position.clerk, Position.reviewer}))

DESK, CHAIR = "办公桌（A05010201）", "办公椅（A05010301）"
#: kind, 品目, brand, model, parameters, unit (the first two stocked; the tray linked to the desk)
PRODUCTS = [
    (ProductKind.product, DESK, "草原", "CY-D1600",
     "E1级三聚氰胺饰面刨花板，1600×800×760mm，钢制框架，带三抽活动柜", "张"),
    (ProductKind.product, CHAIR, "草原", "CY-Y02",
     "网布靠背，PU扶手，五星尼龙脚，气压升降（三级气杆），承重≥120kg", "把"),
    (ProductKind.accessory, DESK, "草原", "CY-JPT01 键盘托架",
     "钢制滑轨键盘托架，宽600mm，适配CY-D1600", "个"),
]


def seed_products(db: Session, hasher: PasswordHasher) -> list[tuple[str, str, str]]:
    """The furniture maker, its account and certificate, and its products; returns its account
    as ``seed`` lists them (username, org, positions). Does nothing more when it has products."""
    spec = FURNITURE_MAKER
    org = db.scalar(select(Organisation).where(Organisation.uscc == spec.uscc))
    if org is None:
        org = accounts.create_organisation(
            db, actor=None, name=spec.name, uscc=spec.uscc, kind=spec.kind,
            region=db.scalars(select(Region).where(Region.code == spec.region)).one(),
            supplier_kind=spec.supplier_kind, address=spec.address, contact=spec.contact,
            phone=spec.phone)
    username, display_name, positions = ACCOUNT
    clerk = db.scalar(select(User).where(User.username == username))
    if clerk is None:
        clerk = accounts.create_user(
            db, actor=None, hasher=hasher, username=username, display_name=display_name,
            password=DEMO_PASSWORD, org=org, positions=positions)
    db.commit()
    seed_credentials(db)  # its 单位证书, as every demo organisation has
    if not products.of_org(db, org.id):
        entered = [products.enter(db, clerk, products.ProductDetails(*row))
                   for row in PRODUCTS]
        desk, chair, tray = entered
        products.stock(db, clerk, desk)
        products.stock(db, clerk, chair)
        products.link_parts(db, clerk, desk, [tray.id])
    return [(username, org.name, "、".join(sorted(positions)))]
