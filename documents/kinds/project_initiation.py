"""采购项目立项 (seed 000 §一 1): the collector's clerk initiates a framework-agreement project,
the collector's reviewer approves it or returns it with a reason.

Rules here: the agreement term (goods ≤ 12 months, services ≤ 24) and, for open agreements,
direct selection only in stage two. Whether the collector may run goods at all (a supervising
unit may only run services, seed 001) depends on who the collector is, which the portal knows.
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
    project_category = f.choice("项目类别", parts.FRAMEWORK_CATEGORIES)
    agreement_type = f.choice("框架协议类型", c.AGREEMENT_TYPES)
    agreement_term_months = f.count("框架协议期限（月）", maximum=24)
    budget_amount = f.money("预算金额（元）")
    region = f.text("适用区域")
    purpose = f.long_text("项目概况及采购理由", max_length=2000)


class LotsStep(f.DocumentForm):
    lots = f.rows(parts.LotForm, "分包", noun="个包")


def sample() -> dict[str, Any]:
    return {
        "project_name": s.PROJECT_NAME,
        "project_number": s.PROJECT_NUMBER,
        "project_category": "goods",
        "agreement_type": "closed",
        "agreement_term_months": 12,
        "budget_amount": s.BUDGET,
        "region": "内蒙古自治区",
        "purpose": "自治区本级及部分盟市预算单位每年需采购大量台式计算机、便携式计算机和打印机，"
                   "品目相同、需求量大、采购频次高，适宜采用框架协议方式集中征集。",
        "lots": s.lots(),
    }


KIND = Kind(
    code="project_initiation",
    title="采购项目立项",
    steps=(
        WizardStep("project", "项目信息", ProjectStep),
        WizardStep("lots", "分包", LotsStep),
    ),
    html_template="project_initiation.html",
    docx_template=None,
    drafted_by=("collector",),
    reviewed_by=("collector",),
    sealed_by=(),
    board_category=None,
    sample=sample,
    checks=(
        parts.term_within_limit("project_category", "agreement_term_months"),
    ),
)
