"""合同在线签订 (seed 001 §二): a contract agreed offline, uploaded as a PDF and sealed online.

The PDF is the purchaser's upload, not a rendering: ``uploaded_pdf`` tells the portal so. The
wizard records what the register needs about it; the template renders that record as a cover
sheet for the preview. The purchaser seals once, then the supplier; each places its own seal,
since an uploaded file has no seal anchors to reserve.
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
    agreement_name = f.text("框架协议名称")
    agreement_number = f.text("框架协议编号", max_length=50)
    purchaser = f.group(parts.PartyForm, "甲方（采购人）")
    supplier = f.group(parts.PartyForm, "乙方（供应商）")
    contract_amount = f.money("合同金额（元）")
    signing_date = f.date_field("签订日期")
    remarks = f.rich_text("备注", required=False)


def sample() -> dict[str, Any]:
    supplier = s.SUPPLIERS[0]
    return {
        "contract_number": "SHQJY-HT-2027-0032",
        "contract_name": "赛罕区中小学教学用打印机采购合同",
        "agreement_name": s.AGREEMENT_NAME,
        "agreement_number": "NMGZC-KJ-2026-0158-KX01",
        "purchaser": {**s.contact(s.PURCHASER), "uscc": s.PURCHASER["uscc"]},
        "supplier": {**s.contact(supplier), "uscc": supplier["uscc"]},
        "contract_amount": "86400.00",
        "signing_date": s.iso_day(s.ONLINE_CONTRACT_SIGNED),
    }


KIND = Kind(
    code="online_contract",
    title="合同在线签订",
    steps=(WizardStep("contract", "合同信息", ContractStep),),
    html_template="online_contract.html",
    docx_template=None,
    drafted_by=("purchaser",),
    reviewed_by=(),
    sealed_by=("purchaser", "supplier"),
    board_category=None,
    sample=sample,
    party_blocks=(("purchaser", "purchaser"), ("supplier", "supplier")),
    uploaded_pdf=True,
)
