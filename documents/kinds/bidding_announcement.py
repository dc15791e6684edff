"""二次竞价公告: a purchaser invites every qualifying shortlisted supplier to quote.

No quote may exceed the purchaser's maximum unit price or the supplier's agreement price;
the lowest wins. Whether the start is in the future depends on the clock at publication, which
the portal checks; here the start must not precede the announcement's own time.
"""

from __future__ import annotations

from typing import Any

from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s


class BiddingItemRow(f.DocumentForm):
    name = f.text("采购标的")
    specification = f.text("规格及配置要求", max_length=500)
    quantity = f.quantity()
    unit = f.text("单位", max_length=20)
    max_unit_price = f.money("最高限制单价（元）")


class AgreementStep(f.DocumentForm):
    # The purchaser's second-stage project: its 成交结果 and 合同 announcements carry the same.
    project_number = f.text("项目编号", max_length=50)
    agreement_name = f.text("框架协议名称")
    agreement_number = f.text("框架协议编号", max_length=50)
    lot_name = f.text("采购包")
    purchaser = f.group(parts.PartyContactForm, "采购人")


class ItemsStep(f.DocumentForm):
    items = f.rows(BiddingItemRow, "采购标的及数量", noun="项标的")
    technical_requirements = f.rich_text("技术要求")
    service_requirements = f.rich_text("商务及服务要求")
    delivery_place = f.text("交货地点")
    delivery_time = f.text("交货时间")


class BiddingStep(f.DocumentForm):
    published_at = f.datetime_field("公告发布时间")
    start_time = f.datetime_field("竞价开始时间")
    duration_hours = f.count("竞价持续时间（小时）", maximum=240)
    quoting_rules = f.rich_text("报价及成交规则")
    project_contact = f.group(parts.PersonForm, "联系方式")


def sample() -> dict[str, Any]:
    return {
        "project_number": "SHQJY-2027-0031",
        "agreement_name": s.AGREEMENT_NAME,
        "agreement_number": s.AGREEMENT_NUMBER,
        "lot_name": "第01包 台式计算机",
        "purchaser": s.party_contact(s.PURCHASER),
        "items": [
            {"name": "台式计算机", "specification": "国产8核CPU，16GB内存，512GB固态硬盘，"
             "23.8英寸显示器", "quantity": "60", "unit": "台", "max_unit_price": "6000.00"},
        ],
        "technical_requirements": "<p>预装国产操作系统及办公软件，提供原厂三年上门保修凭证。</p>",
        "service_requirements": "<p>合同签订后10日内送货上门并完成安装调试；"
        "验收合格后30日内付款。</p>",
        "delivery_place": "呼和浩特市赛罕区各中小学（清单附后）",
        "delivery_time": "合同签订后10日内",
        "published_at": s.iso_time(s.BIDDING, "09:00"),
        "start_time": s.iso_time(s.BIDDING_START, "09:00"),
        "duration_hours": 24,
        "quoting_rules": "<ul><li>报价不得高于采购人最高限制单价，且不得高于供应商本人入围价格；"
        "</li><li>竞价期间可撤回并重新报价，以截止时最后一次有效报价为准；</li>"
        "<li>以最低报价确定成交供应商，报价相同的，先报价者成交。</li></ul>",
        "project_contact": {"name": s.PURCHASER["contact"], "phone": s.PURCHASER["phone"]},
    }


KIND = Kind(
    code="bidding_announcement",
    title="二次竞价公告",
    steps=(
        WizardStep("agreement", "框架协议及采购人", AgreementStep),
        WizardStep("items", "采购标的及要求", ItemsStep),
        WizardStep("bidding", "竞价安排", BiddingStep),
    ),
    html_template="bidding_announcement.html",
    docx_template=None,
    drafted_by=("purchaser",),
    reviewed_by=(),
    sealed_by=(),
    profile_blocks=(("purchaser", "purchaser"),),
    board_category="bidding",
    sample=sample,
    checks=(
        parts.not_before("start_time", "published_at", "竞价开始时间不能早于公告发布时间"),
    ),
)
