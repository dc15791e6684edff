"""采购合同: drafted by the supplier from the order, confirmed by the purchaser, sealed S then P.

Fixed price; the total must equal the rows, and each row quantity × unit price.
"""

from __future__ import annotations

from typing import Any

from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s


class PartiesStep(f.DocumentForm):
    contract_number = f.text("合同编号", max_length=50)
    contract_name = f.text("合同名称")
    agreement_name = f.text("框架协议名称")
    agreement_number = f.text("框架协议编号", max_length=50)
    purchaser = f.group(parts.BankedPartyForm, "采购人（甲方）")
    supplier = f.group(parts.BankedPartyForm, "供应商（乙方）")


class ItemsStep(f.DocumentForm):
    items = f.rows(parts.AmountItemForm, "合同标的", noun="项标的")
    total_amount = f.money("合同总价（元）")


class TermsStep(f.DocumentForm):
    delivery_place = f.text("交货地点")
    delivery_time = f.text("交货时间")
    acceptance = f.long_text("验收")
    payment_terms = f.long_text("付款方式")
    breach_liability = f.long_text("违约责任")
    dispute_resolution = f.long_text("争议解决")
    signing_date = f.date_field("签订日期")


def sample() -> dict[str, Any]:
    return {
        "contract_number": "SHQJY-HT-2027-0031",
        "contract_name": "赛罕区中小学教学用台式计算机采购合同",
        "agreement_name": s.AGREEMENT_NAME,
        "agreement_number": s.AGREEMENT_NUMBER,
        "purchaser": dict(s.PURCHASER),
        "supplier": dict(s.SUPPLIERS[0]),
        "items": [
            {"name": "台式计算机", "specification": "长城 世恒TD120A2", "quantity": "60",
             "unit": "台", "unit_price": "5760.00", "amount": "345600.00"},
        ],
        "total_amount": "345600.00",
        "delivery_place": "呼和浩特市赛罕区各中小学（清单见附件）",
        "delivery_time": "合同签订后10日内",
        "acceptance": "乙方交货并安装调试完毕后，甲方在5个工作日内按合同及投标响应组织验收，"
        "出具验收报告。",
        "payment_terms": "验收合格且收到乙方合法发票后30日内，甲方一次性支付合同总价。",
        "breach_liability": "乙方逾期交货的，每日按合同总价的0.5‰支付违约金；甲方逾期付款的，"
        "每日按应付未付款的0.5‰支付违约金。",
        "dispute_resolution": "协商不成的，向甲方所在地人民法院提起诉讼。",
        "signing_date": s.iso_day(s.CONTRACT_SIGNED),
    }


KIND = Kind(
    code="contract",
    title="采购合同",
    steps=(
        WizardStep("parties", "合同及当事人", PartiesStep),
        WizardStep("items", "合同标的及价款", ItemsStep),
        WizardStep("terms", "履约条款及签订", TermsStep),
    ),
    html_template="contract.html",
    docx_template="contract.docx",
    drafted_by=("supplier",),
    reviewed_by=("purchaser",),
    sealed_by=("supplier", "purchaser"),
    board_category=None,
    sample=sample,
    party_blocks=(("purchaser", "purchaser"), ("supplier", "supplier")),
    computed_amounts=("items", "total_amount"),
    checks=(parts.item_amounts_match("items"), parts.total_matches("items", "total_amount")),
)
