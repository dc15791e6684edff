"""采购计划: what a purchaser means to buy under framework agreements this budget year, line by
line (品目, quantity, budget), drafted by its clerk and approved by its reviewer; not sealed, not
published (seed 004 §四 4.1.2 网上超市采购计划; seed 000 §三 1.1 选择计划).

Each line's budget is quantity × budget unit price and the plan's total their sum, computed as
the clerk types. Call-offs spend against one line; the portal keeps the ledger and refuses
spending beyond a line's budget.
"""

from __future__ import annotations

from typing import Any

from documents import choices as c
from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s


class PlanLineForm(f.DocumentForm):
    category = f.text("品目（最末级）", max_length=100)
    name = f.text("采购标的")
    specification = f.text("主要参数要求", max_length=300, required=False)
    quantity = f.quantity()
    unit = f.text("单位", max_length=20)
    unit_price = f.money("预算单价（元）")
    amount = f.money("预算金额（元）")


class BasicsStep(f.DocumentForm):
    plan_number = f.text("计划编号", max_length=50)
    plan_name = f.text("计划名称")
    fiscal_year = f.count("预算年度", minimum=2000, maximum=2100)
    funding_source = f.choice("资金来源", c.FUNDING_SOURCES)
    purchaser = f.group(parts.PartyContactForm, "采购单位")


class LinesStep(f.DocumentForm):
    lines = f.rows(PlanLineForm, "采购内容清单", noun="条明细")
    total_budget = f.money("预算总金额（元）")
    remarks = f.long_text("计划说明", required=False, max_length=2000)


def sample() -> dict[str, Any]:
    return {
        "plan_number": "SHQJY-JH-2027-0012",
        "plan_name": "赛罕区教育局2027年度教学设备框架协议采购计划",
        "fiscal_year": s.day(0).year,
        "funding_source": "fiscal",
        "purchaser": s.party_contact(s.PURCHASER),
        "lines": [
            {"category": "台式计算机", "name": "教学用台式计算机", "specification": "i5/16G/512G",
             "quantity": "60", "unit": "台", "unit_price": "6000.00", "amount": "360000.00"},
            {"category": "复印纸", "name": "A4复印纸", "specification": "70g，500张/包",
             "quantity": "400", "unit": "包", "unit_price": "25.00", "amount": "10000.00"},
        ],
        "total_budget": "370000.00",
        "remarks": "按学期分批采购，单笔超过20万元的采用二次竞价。",
    }


KIND = Kind(
    code="purchasing_plan",
    title="采购计划",
    steps=(
        WizardStep("basics", "基本信息", BasicsStep),
        WizardStep("lines", "采购内容清单", LinesStep),
    ),
    html_template="purchasing_plan.html",
    docx_template=None,
    drafted_by=("purchaser",),
    reviewed_by=("purchaser",),
    sealed_by=(),
    board_category=None,
    sample=sample,
    profile_blocks=(("purchaser", "purchaser"),),
    computed_amounts=("lines", "total_budget"),
    checks=(parts.item_amounts_match("lines"), parts.total_matches("lines", "total_budget")),
)
