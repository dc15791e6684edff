"""Demo data for a newcomer: regions, one organisation of each kind, and accounts for each role.

Idempotent: running it again adds only what is missing. Every account shares one demo password,
printed by ``kuangcai demo``; never run this against a production database.
"""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from codes.uscc import check_digit
from portal.domain import accounts
from portal.models import (
    CollectorType,
    Organisation,
    OrgKind,
    Position,
    Region,
    RegionLevel,
    SupplierKind,
    User,
)

DEMO_PASSWORD = "Kuangcai@2026"
DEMO_PIN = "123456"  # every demo certificate's PIN (证书密码)
EXPERT_ID_FIRST17 = "15010219800101123"

REGIONS = [
    ("150000", "内蒙古自治区", None),
    ("150100", "呼和浩特市", "150000"),
    ("150200", "包头市", "150000"),
    ("410000", "河南省", None),
    ("410100", "郑州市", "410000"),
    ("350000", "福建省", None),
    ("350100", "福州市", "350000"),
]


def demo_uscc(authority_and_type: str, region: str, serial: int) -> str:
    first17 = f"{authority_and_type}{region}{serial:09d}"
    return first17 + check_digit(first17)


@dataclass(frozen=True)
class DemoOrg:
    key: str
    name: str
    kind: OrgKind
    region: str
    uscc: str
    collector_type: CollectorType | None = None
    supplier_kind: SupplierKind | None = None
    address: str = ""
    contact: str = ""
    phone: str = ""


ORGS = [
    DemoOrg("nmg_centre", "内蒙古自治区政府采购中心", OrgKind.collector, "150000",
            demo_uscc("12", "150000", 11), CollectorType.central_agency,
            address="呼和浩特市赛罕区敕勒川大街1号", contact="王丽", phone="0471-6600001"),
    DemoOrg("nmg_edu", "内蒙古自治区教育厅", OrgKind.collector, "150000",
            demo_uscc("11", "150000", 12), CollectorType.supervising_unit,
            address="呼和浩特市新城区新华大街63号", contact="高峰", phone="0471-6600002"),
    DemoOrg("zhongzi", "内蒙古中咨招标代理有限公司", OrgKind.agency, "150100",
            demo_uscc("91", "150100", 21), address="呼和浩特市回民区中山西路8号",
            contact="李娜", phone="0471-6900003"),
    DemoOrg("hhht_no1", "呼和浩特市第一中学", OrgKind.purchaser, "150100",
            demo_uscc("12", "150100", 31), address="呼和浩特市新城区东风路12号",
            contact="刘洋", phone="0471-6900004"),
    DemoOrg("baotou_hosp", "包头市中心医院", OrgKind.purchaser, "150200",
            demo_uscc("12", "150200", 32), address="包头市东河区环城路61号",
            contact="马红", phone="0472-6900005"),
    DemoOrg("beifang", "北方信创计算机有限公司", OrgKind.supplier, "150100",
            demo_uscc("91", "150100", 41), supplier_kind=SupplierKind.manufacturer,
            address="呼和浩特市金桥开发区腾飞路5号", contact="孙伟", phone="0471-6900006"),
    DemoOrg("mengxun", "内蒙古蒙讯科技有限公司", OrgKind.supplier, "150200",
            demo_uscc("91", "150200", 42), supplier_kind=SupplierKind.reseller,
            address="包头市昆都仑区钢铁大街21号", contact="郭敏", phone="0472-6900007"),
    DemoOrg("jiean", "呼和浩特市洁安物业服务有限公司", OrgKind.supplier, "150100",
            demo_uscc("91", "150100", 43), supplier_kind=SupplierKind.service_provider,
            address="呼和浩特市赛罕区大学东街9号", contact="韩梅", phone="0471-6900008"),
    DemoOrg("nmg_finance", "内蒙古自治区财政厅", OrgKind.regulator, "150000",
            demo_uscc("11", "150000", 51), address="呼和浩特市新城区北垣东街1号",
            contact="周敏", phone="0471-6900009"),
    DemoOrg("henan_centre", "河南省政府采购中心", OrgKind.collector, "410000",
            demo_uscc("12", "410000", 61), CollectorType.central_agency,
            address="郑州市郑东新区民生路1号", contact="杜娟", phone="0371-6500010"),
    # supervising units (主管预算单位) of two more provinces: services projects whose plans are
    # filed with their regulator, so the board spans several regions and collectors
    DemoOrg("henan_edu", "河南省教育厅", OrgKind.collector, "410000",
            demo_uscc("11", "410000", 62), CollectorType.supervising_unit,
            address="郑州市郑东新区平安大道166号", contact="秦岭", phone="0371-6500011"),
    DemoOrg("henan_finance", "河南省财政厅", OrgKind.regulator, "410000",
            demo_uscc("11", "410000", 63), address="郑州市金水区经三路25号",
            contact="段文", phone="0371-6500012"),
    DemoOrg("fujian_health", "福建省卫生健康委员会", OrgKind.collector, "350000",
            demo_uscc("11", "350000", 71), CollectorType.supervising_unit,
            address="福州市鼓楼区鼓屏路61号", contact="林芳", phone="0591-8700013"),
    DemoOrg("fujian_finance", "福建省财政厅", OrgKind.regulator, "350000",
            demo_uscc("11", "350000", 72), address="福州市鼓楼区中山路5号",
            contact="黄琳", phone="0591-8700014"),
]

#: 河南 files framework agreements with the regulator (seed 001 §1.3.1.4).
AGREEMENT_FILING_REGION = "410000"

C, R, E = Position.clerk, Position.reviewer, Position.expert

ACCOUNTS = [
    # username, display name, org key, positions
    ("zj_clerk", "王丽", "nmg_centre", {C}),
    ("zj_reviewer", "张强", "nmg_centre", {R}),
    ("zg_clerk", "高峰", "nmg_edu", {C}),
    ("zg_reviewer", "白雪", "nmg_edu", {R}),
    ("dl_clerk", "李娜", "zhongzi", {C}),
    ("dl_reviewer", "赵磊", "zhongzi", {R}),
    ("cg_clerk", "刘洋", "hhht_no1", {C}),
    ("cg_reviewer", "陈静", "hhht_no1", {R}),
    ("gys_mfr", "孙伟", "beifang", {C, R}),
    ("gys_reseller", "郭敏", "mengxun", {C, R}),
    ("gys_service", "韩梅", "jiean", {C, R}),
    ("cz_reviewer", "周敏", "nmg_finance", {R}),
    ("expert_wu", "吴刚", "nmg_finance", {E}),
    ("hn_clerk", "杜娟", "henan_centre", {C}),
    ("bt_clerk", "马红", "baotou_hosp", {C}),
    ("bt_reviewer", "任杰", "baotou_hosp", {R}),
    ("hnjy_clerk", "秦岭", "henan_edu", {C}),
    ("hnjy_reviewer", "曹阳", "henan_edu", {R}),
    ("fj_clerk", "林芳", "fujian_health", {C}),
    ("fj_reviewer", "陈志明", "fujian_health", {R}),
]


def seed(db: Session, hasher: PasswordHasher) -> list[tuple[str, str, str]]:
    """Create what is missing and commit; return (username, org, positions) for every account."""
    regions = {r.code: r for r in db.scalars(select(Region))}
    for code, name, parent in REGIONS:
        if code not in regions:
            level = RegionLevel.city if parent else RegionLevel.province
            parent_region = regions[parent] if parent else None
            regions[code] = Region(code=code, name=name, level=level, parent=parent_region)
            db.add(regions[code])
    db.flush()

    orgs = {o.uscc: o for o in db.scalars(select(Organisation))}
    by_key: dict[str, Organisation] = {}
    for spec in ORGS:
        by_key[spec.key] = orgs.get(spec.uscc) or accounts.create_organisation(
            db, actor=None, name=spec.name, uscc=spec.uscc, kind=spec.kind,
            region=regions[spec.region], collector_type=spec.collector_type,
            supplier_kind=spec.supplier_kind, address=spec.address, contact=spec.contact,
            phone=spec.phone,
        )

    existing = set(db.scalars(select(User.username)))
    listing = []
    for username, display_name, org_key, positions in ACCOUNTS:
        if username not in existing:
            accounts.create_user(
                db, actor=None, hasher=hasher, username=username, display_name=display_name,
                password=DEMO_PASSWORD, org=by_key[org_key], positions=frozenset(positions),
            )
        listing.append((username, by_key[org_key].name, "、".join(sorted(positions))))
    from portal.demo_experts import seed_experts

    seed_experts(db, hasher)
    db.commit()
    from portal.models import RegionSetting

    if db.get(RegionSetting, regions[AGREEMENT_FILING_REGION].id) is None:  # 河南: filed
        from portal.domain import agreement_filing

        agreement_filing.set_required(db, None, regions[AGREEMENT_FILING_REGION], True)
    return listing


def seed_credentials(db: Session) -> list[tuple[str, str]]:
    """Issue a certificate from the built-in CA for every demo organisation (and the personal
    one of the expert among the demo accounts, for the ID number the pool holds) and bind it
    through the same self-binding as a user would; idempotent."""
    from portal.authority import authority
    from portal.domain import credentials
    from portal.models import HolderType, Position
    from seals import id_check_digit

    ca = authority()
    issued = []
    listed = {username for username, *_ in ACCOUNTS}
    for user in db.scalars(select(User).order_by(User.id)):
        if Position.clerk in user.positions and credentials.org_key(db, user.org_id) is None:
            p12 = ca.issue_organisation(user.org.name, user.org.uscc, DEMO_PIN).p12
            credentials.bind(db, user, HolderType.org, p12, DEMO_PIN)
            issued.append((user.org.name, "单位证书"))
        if Position.expert in user.positions and user.username in listed and \
                not credentials.active_credentials(db, user):
            id_number = user.id_number or EXPERT_ID_FIRST17 + id_check_digit(EXPERT_ID_FIRST17)
            p12 = ca.issue_person(user.display_name, id_number, DEMO_PIN).p12
            credentials.bind(db, user, HolderType.person, p12, DEMO_PIN, id_number)
            issued.append((user.display_name, "个人证书"))
    return issued


def seed_expert_credentials(db: Session) -> list[tuple[str, str]]:
    """A personal certificate for every expert of the demo pool, for the ID number the pool
    holds, so whichever panel a draw seats can seal its 评审报告; idempotent. Only
    ``kuangcai demo`` calls it (tests bind the few they need: each key costs a second)."""
    from portal.authority import authority
    from portal.domain import credentials
    from portal.models import Expert, HolderType

    issued = []
    for expert in db.scalars(select(Expert).where(Expert.active).order_by(Expert.id)):
        user = expert.user
        if not credentials.active_credentials(db, user):
            p12 = authority().issue_person(expert.name, expert.id_number, DEMO_PIN).p12
            credentials.bind(db, user, HolderType.person, p12, DEMO_PIN, expert.id_number)
            issued.append((expert.name, "个人证书"))
    return issued
