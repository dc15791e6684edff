"""评审报告: generated from the evaluation and sealed by each expert (``seal-anchor-expert-<n>``).

It checks the elimination rule itself: at least 20% and at least one of the suppliers that
passed qualification are not shortlisted (财政部令第110号 第二十五条), whatever cap applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from documents import choices as c
from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s


class EvaluatedSupplierRow(f.DocumentForm):
    name = f.text("供应商名称")
    qualification = f.choice("资格审查结果", c.QUALIFICATION_RESULTS)
    rejection_reason = f.text("不通过原因", required=False, max_length=500)
    price = f.money("评审价格（元）", required=False)
    score = f.decimal("得分", required=False)
    expert_scores = f.text("各专家评分", required=False, max_length=500)
    rank = f.count("排名", required=False)
    shortlisted = f.yes_no("入围")


class PanelMemberRow(f.DocumentForm):
    name = f.text("姓名", max_length=50)
    affiliation = f.text("工作单位")
    role = f.choice("职责", c.PANEL_ROLES)


class ProjectStep(f.DocumentForm):
    project_name = f.text("项目名称")
    project_number = f.text("项目编号", max_length=50)
    lot_number = f.text("包号", max_length=20)
    lot_name = f.text("包名称")
    announcement_media = f.text("公告发布媒体")
    announcement_date = f.date_field("公告发布日期")
    opening_date = f.date_field("开启日期")
    opening_place = f.text("开启地点")


class MethodStep(f.DocumentForm):
    evaluation_method = f.choice("评审方法", c.EVALUATION_METHODS)
    evaluation_standards = f.rich_text("评审标准")
    elimination_rate = f.percent("淘汰率（%）")
    panel = f.rows(PanelMemberRow, "评审小组", minimum=3, noun="名评审专家")


class ResultStep(f.DocumentForm):
    suppliers = f.rows(EvaluatedSupplierRow, "供应商评审情况", noun="家供应商")
    conclusion = f.rich_text("评审结论")
    report_date = f.date_field("报告日期")


def rejection_has_reason(data: Mapping[str, Any]) -> dict[str, list[str]]:
    return {
        f"suppliers-{i}-rejection_reason": ["资格审查不通过的，须写明原因"]
        for i, row in enumerate(data.get("suppliers") or ())
        if row.get("qualification") == "failed" and not row.get("rejection_reason")
    }


def elimination_respected(data: Mapping[str, Any]) -> dict[str, list[str]]:
    rows = list(data.get("suppliers") or ())
    errors: dict[str, list[str]] = {}
    for i, row in enumerate(rows):
        if row.get("shortlisted") and row.get("qualification") != "passed":
            errors[f"suppliers-{i}-shortlisted"] = ["资格审查未通过的供应商不能入围"]
    qualified = sum(1 for row in rows if row.get("qualification") == "passed")
    shortlisted = sum(1 for row in rows if row.get("shortlisted"))
    eliminated_at_least = parts.least_eliminated(
        qualified, data.get("elimination_rate") or parts.MINIMUM_ELIMINATION_RATE)
    if qualified and shortlisted > qualified - eliminated_at_least:
        errors["suppliers"] = [
            f"{qualified}家通过资格审查，至少淘汰{eliminated_at_least}家，"
            f"入围不得超过{qualified - eliminated_at_least}家"
        ]
    return errors


def sample() -> dict[str, Any]:
    rows = [
        (s.SUPPLIERS[0]["name"], "passed", "", "5890.00", 1, True),
        (s.SUPPLIERS[1]["name"], "passed", "", "6050.00", 2, True),
        (s.SUPPLIERS[2]["name"], "passed", "", "6180.00", 3, True),
        ("呼和浩特市启明电子有限公司", "passed", "", "6390.00", 4, False),
        ("内蒙古远方商贸有限公司", "passed", "", "6460.00", 5, False),
        (s.SUPPLIERS[3]["name"], "failed", "响应文件未在解密时限内解密", None, None, False),
    ]
    return {
        "project_name": s.PROJECT_NAME,
        "project_number": s.PROJECT_NUMBER,
        "lot_number": "01",
        "lot_name": "台式计算机",
        "announcement_media": "中国政府采购网、内蒙古自治区政府采购网",
        "announcement_date": s.iso_day(s.CALL),
        "opening_date": s.iso_day(s.DEADLINE),
        "opening_place": "内蒙古自治区政府采购云平台（线上开启）",
        "evaluation_method": "price_first",
        "evaluation_standards": "<p>对满足实质性要求的响应，按评审价格由低到高排序，"
        "淘汰率30%，排名靠前者入围。</p>",
        "elimination_rate": "30",
        "panel": [{"name": n, "affiliation": a, "role": r} for n, a, r in s.EXPERTS],
        "suppliers": [
            {"name": n, "qualification": q, "rejection_reason": why, "price": p,
             "rank": rank, "shortlisted": chosen}
            for n, q, why, p, rank, chosen in rows
        ],
        "conclusion": "<p>经评审，推荐前三名供应商入围第01包，评审过程合法有效。</p>",
        "report_date": s.iso_day(s.REPORTED),
    }


KIND = Kind(
    code="evaluation_report",
    title="评审报告",
    steps=(
        WizardStep("project", "项目及开启", ProjectStep),
        WizardStep("method", "评审方法及评审小组", MethodStep),
        WizardStep("result", "评审结果", ResultStep),
    ),
    html_template="evaluation_report.html",
    docx_template=None,
    # The project's organiser drafts it from the confirmed evaluation (the panel has no
    # organisation to draft as: portal.domain.evaluation_results prefills it); experts seal it.
    drafted_by=("agency", "collector"),
    reviewed_by=(),
    sealed_by=("expert",),
    board_category=None,
    sample=sample,
    checks=(rejection_has_reason, elimination_respected,
            parts.elimination_rate_at_least_20("elimination_rate")),
)
