"""成交结果公告: generated when the purchaser confirms a second-stage result."""

from __future__ import annotations

from typing import Any

from documents import choices as c
from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s


class DealStep(f.DocumentForm):
    project_name = f.text("项目名称")
    project_number = f.text("项目编号", max_length=50)
    agreement_name = f.text("框架协议名称")
    agreement_number = f.text("框架协议编号", max_length=50)
    deal_method = f.choice("确定成交供应商方式", c.DEAL_METHODS)
    purchaser = f.group(parts.PartyContactForm, "采购人")
    supplier = f.group(parts.SupplierNameForm, "成交供应商")


class ItemsStep(f.DocumentForm):
    items = f.rows(parts.PricedItemForm, "成交标的", noun="项标的")
    deal_amount = f.money("成交金额（元）")
    decision_date = f.date_field("成交日期")
    announcement_date = f.date_field("公告日期")
    other_matters = f.rich_text("其他补充事宜", required=False)


def sample() -> dict[str, Any]:
    supplier = s.SUPPLIERS[0]
    return {
        "project_name": "赛罕区中小学教学用台式计算机采购",
        "project_number": "SHQJY-2027-0031",
        "agreement_name": s.AGREEMENT_NAME,
        "agreement_number": s.AGREEMENT_NUMBER,
        "deal_method": "secondary_bidding",
        "purchaser": s.party_contact(s.PURCHASER),
        "supplier": {"name": supplier["name"], "address": supplier["address"]},
        "items": [
            {"name": "台式计算机", "specification": "长城 世恒TD120A2", "quantity": "60",
             "unit": "台", "unit_price": "5760.00"},
        ],
        "deal_amount": "345600.00",
        "decision_date": s.iso_day(s.DECIDED),
        "announcement_date": s.iso_day(s.DECIDED + 1),
    }


KIND = Kind(
    code="deal_announcement",
    title="成交结果公告",
    steps=(
        WizardStep("deal", "成交信息", DealStep),
        WizardStep("items", "成交标的及金额", ItemsStep),
    ),
    html_template="deal_announcement.html",
    docx_template=None,
    drafted_by=("purchaser",),
    reviewed_by=(),
    sealed_by=(),
    profile_blocks=(("purchaser", "purchaser"),),
    board_category="deal",
    sample=sample,
    checks=(
        parts.total_matches("items", "deal_amount", computed=True),
        parts.not_before("announcement_date", "decision_date", "公告日期不能早于成交日期"),
    ),
)
