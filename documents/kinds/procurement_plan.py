"""采购方案: reviewed by the collector, then approved (central agency) or filed (supervising unit).

No collection announcement may be published before the plan is approved or filed; the portal
enforces that, this kind only carries the plan's content.
"""

from __future__ import annotations

from typing import Any

from documents import choices as c
from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s


class ProjectStep(f.DocumentForm):
    project_name = f.text("项目名称")
    project_number = f.text("项目编号", max_length=50)
    collector_name = f.text("征集人")
    collector_kind = f.choice("征集人类型", c.COLLECTOR_KINDS)
    project_category = f.choice("项目类别", parts.FRAMEWORK_CATEGORIES)
    agreement_type = f.choice("框架协议类型", c.AGREEMENT_TYPES)
    agreement_term_months = f.count("框架协议期限（月）", maximum=24)


class LotsStep(f.DocumentForm):
    lots = f.rows(parts.LotForm, "分包及最高限制单价", noun="个包")


class EvaluationStep(f.DocumentForm):
    evaluation_method = f.choice("评审方法", c.EVALUATION_METHODS)
    elimination_rate = f.percent("淘汰率（%）")
    shortlist_cap = f.count("入围供应商数量上限", required=False)
    second_stage_methods = f.choices("允许的第二阶段确定成交供应商方式", c.SECOND_STAGE_METHODS)


class ScopeStep(f.DocumentForm):
    eligible_purchasers = f.long_text("适用采购人范围", max_length=1000)
    region = f.text("适用区域")
    remarks = f.rich_text("其他说明", required=False)


def sample() -> dict[str, Any]:
    return {
        "project_name": s.PROJECT_NAME,
        "project_number": s.PROJECT_NUMBER,
        "collector_name": s.COLLECTOR["name"],
        "collector_kind": "central_agency",
        "project_category": "goods",
        "agreement_type": "closed",
        "agreement_term_months": 12,
        "lots": s.lots(),
        "evaluation_method": "price_first",
        "elimination_rate": "30",
        "second_stage_methods": ["direct_selection", "secondary_bidding"],
        "eligible_purchasers": "自治区本级各预算单位，呼和浩特市、包头市、鄂尔多斯市所属预算单位",
        "region": "内蒙古自治区",
        "remarks": "<p>单笔采购金额超过20万元的，应当采用二次竞价方式确定成交供应商。</p>",
    }


KIND = Kind(
    code="procurement_plan",
    title="采购方案",
    steps=(
        WizardStep("project", "项目信息", ProjectStep),
        WizardStep("lots", "分包及最高限制单价", LotsStep),
        WizardStep("evaluation", "评审及第二阶段方式", EvaluationStep),
        WizardStep("scope", "适用范围", ScopeStep),
    ),
    html_template="procurement_plan.html",
    docx_template=None,
    drafted_by=("collector",),
    reviewed_by=("collector", "regulator"),
    sealed_by=(),
    board_category=None,
    sample=sample,
    checks=(
        parts.term_within_limit("project_category", "agreement_term_months"),
        parts.open_agreement_direct_selection("agreement_type", "second_stage_methods"),
        parts.elimination_rate_at_least_20("elimination_rate"),
    ),
)
