"""Fictional but plausible parties and a project shared by the kinds' built-in samples.

Names follow Inner Mongolia and Henan usage; the credit codes are computed, so each carries a
valid GB 11714 organisation-code check and a valid GB 32100 check character.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from codes.uscc import CHARSET as ALPHABET
from codes.uscc import check_digit
from documents.formatting import cn_date

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code(body8: str) -> str:
    """GB 11714 organisation code: eight characters plus their check character."""
    total = sum(int(char, 36) * weight for char, weight in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(authority_and_category: str, division: str, org_body8: str) -> str:
    org = _org_code(org_body8)
    if org[-1] not in ALPHABET:  # pragma: no cover - guards the fixed samples below
        raise ValueError(org)
    first17 = authority_and_category + division + org
    return first17 + check_digit(first17)


def party(
    name: str, address: str, code: str, contact: str, phone: str, **extra: str
) -> dict[str, str]:
    return {
        "name": name, "address": address, "uscc": code, "contact": contact, "phone": phone,
        **extra,
    }


COLLECTOR = party(
    "内蒙古自治区政府采购中心", "内蒙古自治区呼和浩特市赛罕区敕勒川大街1号",
    make_uscc("12", "150000", "MB1A2345"), "王晓东", "0471-6945123",
)
AGENCY = party(
    "内蒙古恒信招标代理有限公司", "内蒙古自治区呼和浩特市新城区新华东街18号",
    make_uscc("91", "150102", "MA0N3K7L"), "刘志刚", "0471-3318866",
)
PURCHASER = party(
    "呼和浩特市赛罕区教育局", "内蒙古自治区呼和浩特市赛罕区大学东街96号",
    make_uscc("11", "150105", "01152378"), "赵丽娜", "0471-4952210",
    bank_name="中国工商银行呼和浩特赛罕支行", bank_account="0602 0011 0902 4567 891",
)
SUPPLIERS = (
    party(
        "内蒙古草原云信息技术有限公司", "内蒙古自治区呼和浩特市金桥开发区腾飞南路8号",
        make_uscc("91", "150100", "MA0Q1B2C"), "张磊", "13947100001",
        bank_name="中国建设银行呼和浩特金桥支行", bank_account="1505 0161 5400 0000 1234",
    ),
    party(
        "河南中原数码科技有限公司", "河南省郑州市金水区花园路126号",
        make_uscc("91", "410105", "MA3X5L2D"), "李娜", "0371-65512345",
    ),
    party(
        "包头市北辰办公设备有限公司", "内蒙古自治区包头市昆都仑区钢铁大街58号",
        make_uscc("91", "150203", "MA0P2R3T"), "高峰", "0472-5123456",
    ),
    party(
        "鄂尔多斯市蒙信科技有限责任公司", "内蒙古自治区鄂尔多斯市康巴什区北区天骄路9号",
        make_uscc("91", "150603", "MA0R7U8W"), "乌日娜", "0477-8581234",
    ),
)
EXPERTS = (
    ("张建国", "内蒙古大学", "leader"),
    ("李秀兰", "内蒙古工业大学", "member"),
    ("王志强", "包头市信息化专家库", "member"),
    ("刘海燕", "内蒙古财经大学", "member"),
    ("陈文军", "呼和浩特市信息化专家库", "member"),
)

PROJECT_NAME = "内蒙古自治区2027年度信息化设备框架协议采购项目"
PROJECT_NUMBER = "NMGZC-KJ-2026-0158"
AGREEMENT_NAME = f"{PROJECT_NAME}框架协议"
AGREEMENT_NUMBER = "NMGZC-KJ-2026-0158-KX01"


#: The project's budget: the lots' estimated quantities at their maximum unit prices
#: (1600 × 6,500 + 800 × 8,200 + 400 × 2,600), the same in 立项, 需求 and every later document.
BUDGET = "18000000.00"


def lots() -> list[dict[str, Any]]:
    return [
        {
            "number": "01", "name": "台式计算机", "category": "台式计算机（A02010104）",
            "max_unit_price": "6500.00", "unit": "台", "estimated_quantity": "1600",
            "summary": "国产CPU，8核及以上；内存16GB；固态硬盘512GB；23.8英寸显示器；"
            "三年上门保修。",
        },
        {
            "number": "02", "name": "便携式计算机", "category": "便携式计算机（A02010105）",
            "max_unit_price": "8200.00", "unit": "台", "estimated_quantity": "800",
            "summary": "14英寸及以上，整机重量不超过1.6kg；内存16GB；续航8小时以上。",
        },
        {
            "number": "03", "name": "A4黑白激光打印机", "category": "激光打印机（A02021003）",
            "max_unit_price": "2600.00", "unit": "台", "estimated_quantity": "400",
            "summary": "打印速度不低于35页/分钟，自动双面，网络打印；原装耗材价格另行报价。",
        },
    ]


def contact(org: dict[str, str]) -> dict[str, str]:
    return {key: org[key] for key in ("name", "address", "contact", "phone")}


def party_contact(org: dict[str, str]) -> dict[str, str]:
    """An announcement's contact block of a party: its contacts and its uscc."""
    return {**contact(org), "uscc": org["uscc"]}


def announcement_contacts() -> dict[str, dict[str, str]]:
    """The contact blocks closing an announcement: collector, agency, the agency's handler."""
    return {"collector": party_contact(COLLECTOR), "agency": party_contact(AGENCY),
            "project_contact": {"name": AGENCY["contact"], "phone": AGENCY["phone"]}}


# ---- the project's timeline ---------------------------------------------------------------------
# Sample dates are days counted from the call's publication, which is today in China: a sample
# is never out of date, whatever day it is used (tests move the clock to reach other days).


def call_day() -> date:
    """Today in China Standard Time: the day the samples' collection announcement is published."""
    return (datetime.now(UTC) + timedelta(hours=8)).date()


def day(offset: int) -> date:
    return call_day() + timedelta(days=offset)


def iso_day(offset: int) -> str:
    return day(offset).isoformat()


def iso_time(offset: int, clock: str) -> str:
    """``iso_time(23, "09:30")``: that day at that time, as a datetime-local field holds it."""
    return f"{iso_day(offset)}T{clock}"


def iso_month(offset: int) -> str:
    return iso_day(offset)[:7]


def cn_day(offset: int) -> str:
    return cn_date(day(offset))


def year_from(offset: int) -> str:
    """The last day of a one-year term starting ``offset`` days after the call."""
    start = day(offset)
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:  # a term starting on 29 February
        anniversary = start.replace(year=start.year + 1, day=28) + timedelta(days=1)
    return (anniversary - timedelta(days=1)).isoformat()


#: Days after the call's publication on which the samples' events fall.
INTENTION, ENTRUSTED, CALL, CHANGED, TERMINATION_REQUESTED, TERMINATED = -30, -27, 0, 9, 10, 11
OBTAIN_END, DEADLINE, NEW_DEADLINE, REPORTED, SHORTLISTED = 13, 23, 30, 24, 26
AGREEMENT_SIGNED, TERM_START, BIDDING, BIDDING_START, DECIDED = 37, 41, 100, 103, 104
CONTRACT_SIGNED, ONLINE_CONTRACT_SIGNED, AUTHORITY_END = 114, 119, 405
