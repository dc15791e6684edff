"""合同公告: published by the purchaser within two working days of the last seal.

The contract itself is attached with business secrets removed; ``attachment_name`` names that
redacted file, which the portal attaches.
"""

from __future__ import annotations

from typing import Any

from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s


class ContractStep(f.DocumentForm):
    contract_number = f.text("合同编号", max_length=50)
    contract_name = f.text("合同名称")
    project_number = f.text("项目编号", max_length=50)
    project_name = f.text("项目名称")
    procurement_method = f.text("采购方式", max_length=50)
    purchaser = f.group(parts.PartyContactForm, "采购人（甲方）")
    supplier = f.group(parts.ContactForm, "供应商（乙方）")


class ItemsStep(f.DocumentForm):
    items = f.rows(parts.PricedItemForm, "合同主要标的", noun="项标的")
    contract_amount = f.money("合同金额（元）")
    performance_period = f.text("履约期限")
    performance_place = f.text("履约地点")


class PublishStep(f.DocumentForm):
    signing_date = f.date_field("合同签订日期")
    announcement_date = f.date_field("公告日期")
    attachment_name = f.text("合同附件（已隐去商业秘密）")
    other_matters = f.rich_text("其他补充事宜", required=False)


def sample() -> dict[str, Any]:
    return {
        "contract_number": "SHQJY-HT-2027-0031",
        "contract_name": "赛罕区中小学教学用台式计算机采购合同",
        "project_number": "SHQJY-2027-0031",
        "project_name": "赛罕区中小学教学用台式计算机采购",
        "procurement_method": "框架协议采购（二次竞价）",
        "purchaser": s.party_contact(s.PURCHASER),
        "supplier": s.contact(s.SUPPLIERS[0]),
        "items": [
            {"name": "台式计算机", "specification": "长城 世恒TD120A2", "quantity": "60",
             "unit": "台", "unit_price": "5760.00"},
        ],
        "contract_amount": "345600.00",
        "performance_period": "合同签订后10日内交货，质保期三年",
        "performance_place": "呼和浩特市赛罕区各中小学",
        "signing_date": s.iso_day(s.CONTRACT_SIGNED),
        "announcement_date": s.iso_day(s.CONTRACT_SIGNED + 1),
        "attachment_name": "采购合同（公开版）.pdf",
    }


KIND = Kind(
    code="contract_announcement",
    title="合同公告",
    steps=(
        WizardStep("contract", "合同及当事人", ContractStep),
        WizardStep("items", "主要标的及履约", ItemsStep),
        WizardStep("publish", "签订及发布", PublishStep),
    ),
    html_template="contract_announcement.html",
    docx_template=None,
    drafted_by=("purchaser",),
    reviewed_by=(),
    sealed_by=(),
    profile_blocks=(("purchaser", "purchaser"),),
    board_category="contract",
    sample=sample,
    checks=(
        parts.total_matches("items", "contract_amount", computed=True),
        parts.not_before("announcement_date", "signing_date", "公告日期不能早于合同签订日期"),
    ),
)
