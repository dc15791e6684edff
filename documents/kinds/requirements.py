"""采购需求: drafted and reviewed inside the collector (一般性审查 and 重点审查)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s

GOODS_FIELDS = ("goods_function", "goods_performance", "goods_materials", "goods_delivery",
                "goods_after_sales")
SERVICE_FIELDS = ("service_content", "service_standard", "service_staffing", "service_area",
                  "service_workload")


class OverviewStep(f.DocumentForm):
    project_name = f.text("项目名称")
    project_number = f.text("项目编号", max_length=50)
    collector_name = f.text("征集人")
    project_category = f.choice("项目类别", parts.FRAMEWORK_CATEGORIES)
    budget_amount = f.money("预算金额（元）", required=False)
    overview = f.rich_text("项目总体情况")


class SurveyRow(f.DocumentForm):
    name = f.text("被调查单位")
    finding = f.long_text("调查结论", max_length=1000)


class SurveyStep(f.DocumentForm):
    surveyed_purchasers = f.rows(SurveyRow, "调查的采购人", minimum=3, noun="家采购人")
    surveyed_suppliers = f.rows(SurveyRow, "调查的供应商", minimum=3, noun="家供应商")
    survey_summary = f.rich_text("需求调查情况")


class PlanStep(f.DocumentForm):
    implementation_plan = f.rich_text("项目采购实施计划")


class LotsStep(f.DocumentForm):
    lots = f.rows(parts.LotForm, "需求及分包情况", noun="个包")


class SubjectStep(f.DocumentForm):
    goods_function = f.long_text("功能要求", required=False)
    goods_performance = f.long_text("性能要求", required=False)
    goods_materials = f.long_text("材料要求", required=False)
    goods_delivery = f.long_text("交货时间及地点", required=False)
    goods_after_sales = f.long_text("售后服务", required=False)
    service_content = f.long_text("服务内容", required=False)
    service_standard = f.long_text("服务标准", required=False)
    service_staffing = f.long_text("人员配置", required=False)
    service_area = f.long_text("服务区域", required=False)
    service_workload = f.long_text("工作量计量方式", required=False)


class RiskStep(f.DocumentForm):
    risk_measures = f.rich_text("风险控制措施")
    alternatives = f.rich_text("替代方案")


def subject_matches_category(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Goods must describe function … after-sales; services content … workload (seed 000 §2)."""
    category = data.get("project_category")
    if category not in ("goods", "services"):
        return {}  # unknown yet (another wizard step) or already reported as invalid
    wanted = GOODS_FIELDS if category == "goods" else SERVICE_FIELDS
    labels = {name: field.label.text for name, field in SubjectStep()._fields.items()}
    return {name: [f"请填写{labels[name]}"] for name in wanted if not data.get(name)}


def sample() -> dict[str, Any]:
    return {
        "project_name": s.PROJECT_NAME,
        "project_number": s.PROJECT_NUMBER,
        "collector_name": s.COLLECTOR["name"],
        "project_category": "goods",
        "budget_amount": s.BUDGET,
        "overview": "<p>为规范自治区本级各预算单位信息化设备采购，提高采购效率，"
        "自治区政府采购中心拟采用封闭式框架协议方式征集台式计算机、便携式计算机和"
        "A4黑白激光打印机入围供应商，协议期限一年。</p>",
        "surveyed_purchasers": [
            {"name": s.PURCHASER["name"], "finding": "年需求台式计算机约200台，要求国产化适配。"},
            {"name": "内蒙古自治区财政厅", "finding": "便携式计算机需求集中于第二季度。"},
            {"name": "包头市第一中学", "finding": "打印机耗材价格是主要关注点。"},
        ],
        "surveyed_suppliers": [
            {"name": s.SUPPLIERS[0]["name"], "finding": "主流配置市场价5800至6300元。"},
            {"name": s.SUPPLIERS[1]["name"], "finding": "可提供全区上门服务，响应时间4小时。"},
            {"name": s.SUPPLIERS[2]["name"], "finding": "打印机原装耗材供货周期7日。"},
        ],
        "survey_summary": "<p>共调查采购人3家、供应商3家，需求明确，市场供给充分，"
        "价格区间稳定，适宜采用框架协议采购。</p>",
        "implementation_plan": "<p>2026年11月发布征集公告，12月完成评审及入围结果公告，"
        "2027年1月1日起执行框架协议。</p>",
        "lots": s.lots(),
        "goods_function": "满足日常办公、国产操作系统及办公软件运行需要。",
        "goods_performance": "处理器8核及以上，整机通过国家强制性产品认证。",
        "goods_materials": "机箱采用金属材质，外观无毛刺。",
        "goods_delivery": "合同签订后7日内送达采购人指定地点（自治区范围内）。",
        "goods_after_sales": "整机三年免费上门保修，4小时响应，24小时到场。",
        "service_content": "",
        "service_standard": "",
        "service_staffing": "",
        "service_area": "",
        "service_workload": "",
        "risk_measures": "<p>对报价明显低于市场价的供应商要求书面说明；建立履约评价机制。</p>",
        "alternatives": "<p>如某包入围供应商不足，按规定重新组织征集或采用其他采购方式。</p>",
    }


KIND = Kind(
    code="requirements",
    title="采购需求",
    steps=(
        WizardStep("overview", "项目总体情况", OverviewStep),
        WizardStep("survey", "需求调查情况", SurveyStep),
        WizardStep("plan", "项目采购实施计划", PlanStep),
        WizardStep("lots", "需求及分包情况", LotsStep),
        WizardStep("subject", "采购标的", SubjectStep),
        WizardStep("risk", "风险控制措施和替代方案", RiskStep),
    ),
    html_template="requirements.html",
    docx_template=None,
    drafted_by=("collector",),
    reviewed_by=("collector",),
    sealed_by=(),
    board_category=None,
    sample=sample,
    checks=(subject_matches_category,),
    shown_when=(("project_category", "goods", GOODS_FIELDS),
                ("project_category", "services", SERVICE_FIELDS)),
)
