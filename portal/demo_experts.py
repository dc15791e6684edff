"""The demo's expert pool (专家库): ten experts across the demo's 品目 and regions, each with an
account (password ``DEMO_PASSWORD``). Two work for units a draw on the demo's open call must
avoid (its collector, and a supplier that may join it), so the avoidance shows. Idempotent."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from codes.id_number import id_check_digit
from portal.demo import DEMO_PASSWORD, EXPERT_ID_FIRST17, ORGS
from portal.domain import audit, experts
from portal.models import Expert, Organisation, Region, User

USCC = {spec.key: spec.uscc for spec in ORGS}

# username, name, first 17 digits of the ID number, categories, region, employer, employer
# uscc, phone, the regulator whose pool holds the entry
EXPERTS = [
    ("expert_wu", "吴刚", EXPERT_ID_FIRST17, ("A0501", "A020101"), "150100", "内蒙古大学", "",
     "13904710001", "nmg_finance"),
    ("expert_wang", "王建国", "15010219720315201", ("A0501", "C2104"), "150100",
     "内蒙古工业大学", "", "13904710002", "nmg_finance"),
    ("expert_li", "李秀英", "15020319780622302", ("A0501",), "150200", "包头市建筑设计研究院",
     "", "13904720003", "nmg_finance"),
    ("expert_zhang", "张伟", "15010519830909113", ("A0501", "A020101"), "150100",
     "北方信创计算机有限公司", USCC["beifang"], "13904710004", "nmg_finance"),
    ("expert_liu", "刘芳", "15010419790418224", ("A0501", "A020618"), "150000",
     "内蒙古自治区政府采购中心", USCC["nmg_centre"], "13904710005", "nmg_finance"),
    ("expert_chen", "陈明", "15010219690101335", ("A020101", "A020210", "C1606"), "150100",
     "内蒙古师范大学", "", "13904710006", "nmg_finance"),
    ("expert_yang", "杨帆", "15020419850707146", ("A0501", "C2105"), "150200", "包头医学院",
     "", "13904720007", "nmg_finance"),
    ("expert_zhou", "周强", "15010519760228257", ("A0501", "A020618"), "150100",
     "内蒙古农业大学", "", "13904710008", "nmg_finance"),
    ("expert_zhao", "赵丽", "41010519800512368", ("C1606", "C1607"), "410100", "郑州大学", "",
     "13803710009", "henan_finance"),
    ("expert_huang", "黄海", "35010219770830479", ("C2309", "C2105"), "350100",
     "福建医科大学", "", "13905910010", "fujian_finance"),
]


def id_number(first17: str) -> str:
    return first17 + id_check_digit(first17)


def seed_experts(db: Session, hasher: PasswordHasher) -> int:
    """Add the pool entries that are missing (the caller commits); return how many."""
    regions = {r.code: r for r in db.scalars(select(Region))}
    orgs = {o.uscc: o for o in db.scalars(select(Organisation))}
    have = set(db.scalars(select(Expert.id_number)))
    added = 0
    for (username, name, first17, categories, region, employer, uscc, phone,
         pool) in EXPERTS:
        number = id_number(first17)
        if number in have:
            continue
        details = experts.ExpertDetails(name, number, categories, regions[region], employer,
                                        uscc, phone)
        org = orgs[USCC[pool]]
        user = db.scalar(select(User).where(User.username == username))
        if user is None:
            experts.add(db, None, hasher, details, username, DEMO_PASSWORD, org=org)
        else:  # an account the demo made before the pool existed (expert_wu)
            user.id_number = number
            entry = Expert(user_id=user.id, user=user, pool_org_id=org.id, name=name,
                           id_number=number, categories=list(categories),
                           region_id=regions[region].id, employer=employer,
                           employer_uscc=uscc or None, phone=phone)
            db.add(entry)
            db.flush()
            audit.record(db, actor=None, action="expert.added", subject_type="expert",
                         subject_id=entry.id, detail={"user": user.id})
        added += 1
    return added
