"""采购意向公告: a purchaser discloses planned purchases at least 30 days ahead.

One announcement may list several intentions, as Fujian's system publishes them.
"""

from __future__ import annotations

from typing import Any

from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import sample_data as s


class IntentionRow(f.DocumentForm):
    project_name = f.text("采购项目名称")
    requirements_outline = f.long_text("采购需求概况", max_length=2000)
    budget_amount = f.money("预算金额（元）")
    expected_month = f.month_field("预计采购时间")
    remarks = f.text("备注", required=False)


class IntentionsStep(f.DocumentForm):
    purchaser_name = f.text("采购单位")
    intentions = f.rows(IntentionRow, "采购意向", noun="项采购意向")


class PublishStep(f.DocumentForm):
    announcement_date = f.date_field("公告日期")
    notes = f.rich_text("其他说明", required=False)


def sample() -> dict[str, Any]:
    return {
        "purchaser_name": s.PURCHASER["name"],
        "intentions": [
            {
                "project_name": "赛罕区中小学教学用台式计算机采购",
                "requirements_outline": "采购教学用台式计算机200台，国产化适配，三年上门保修。",
                "budget_amount": "1200000.00",
                "expected_month": s.iso_month(s.BIDDING),
                "remarks": "拟通过框架协议直接选定",
            },
            {
                "project_name": "赛罕区教育局机关打印设备采购",
                "requirements_outline": "采购A4黑白激光打印机30台及三年原装耗材。",
                "budget_amount": "96000.00",
                "expected_month": s.iso_month(s.BIDDING + 30),
                "remarks": "",
            },
        ],
        "announcement_date": s.iso_day(s.INTENTION),
        "notes": "<p>本次公开的采购意向是本单位政府采购工作的初步安排，"
        "具体采购项目情况以相关采购公告和采购文件为准。</p>",
    }


KIND = Kind(
    code="intention_announcement",
    title="采购意向公告",
    steps=(
        WizardStep("intentions", "采购意向", IntentionsStep),
        WizardStep("publish", "发布信息", PublishStep),
    ),
    html_template="intention_announcement.html",
    docx_template=None,
    drafted_by=("purchaser",),
    reviewed_by=("purchaser",),
    sealed_by=(),
    board_category="intention",
    sample=sample,
)
