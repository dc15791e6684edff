"""框架协议: one per shortlisted supplier; sealed by the supplier, then the collector.

Generated from the shortlist and the solicitation; it may not change their substantive terms,
which the portal guarantees by generating it. Here each agreement price is checked against the
lot's maximum unit price.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from documents import choices as c
from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s


class ProductRow(f.DocumentForm):
    name = f.text("产品或服务名称")
    model = f.text("品牌及型号", max_length=300)
    unit = f.text("单位", max_length=20)
    agreement_price = f.money("协议价格（元）")


class PartiesStep(f.DocumentForm):
    agreement_number = f.text("协议编号", max_length=50)
    agreement_name = f.text("协议名称")
    project_name = f.text("项目名称")
    project_number = f.text("项目编号", max_length=50)
    project_category = f.choice("项目类别", parts.FRAMEWORK_CATEGORIES)
    collector = f.group(parts.PartyForm, "征集人（甲方）")
    supplier = f.group(parts.PartyForm, "入围供应商（乙方）")


class SubjectStep(f.DocumentForm):
    lot_number = f.text("包号", max_length=20)
    lot_name = f.text("包名称")
    requirements = f.rich_text("采购需求")
    max_unit_price = f.money("最高限制单价（元）")
    products = f.rows(ProductRow, "入围产品及协议价格", noun="项产品")
    upgrade_rules = f.long_text("产品升级换代规则")


class PerformanceStep(f.DocumentForm):
    second_stage_methods = f.choices("第二阶段确定成交供应商方式", c.SECOND_STAGE_METHODS)
    eligible_purchasers = f.long_text("适用采购人范围", max_length=1000)
    region = f.text("适用区域")
    payment_terms = f.long_text("资金支付方式及时间")
    contract_text = f.rich_text("采购合同文本")
    removal_addition_rules = f.long_text("入围供应商清退和补充规则")
    rights_duties = f.rich_text("双方权利和义务")


class TermStep(f.DocumentForm):
    term_start = f.date_field("协议期限自")
    term_end = f.date_field("协议期限至")
    signing_date = f.date_field("签订日期")


def prices_within_maximum(data: Mapping[str, Any]) -> dict[str, list[str]]:
    ceiling = data.get("max_unit_price")
    if ceiling is None:
        return {}
    return {
        f"products-{i}-agreement_price": [f"协议价格不得高于最高限制单价 {ceiling:,.2f} 元"]
        for i, row in enumerate(data.get("products") or ())
        if row.get("agreement_price") is not None and row["agreement_price"] > ceiling
    }


def term_length(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Goods agreements last at most a year, services two (counted to the day before)."""
    start, end = data.get("term_start"), data.get("term_end")
    limit = parts.MAX_TERM_MONTHS.get(str(data.get("project_category")))
    if start is None or end is None or limit is None:
        return {}
    if end < start:
        return {"term_end": ["协议期限的结束日期不能早于开始日期"]}
    months = (end.year - start.year) * 12 + end.month - start.month + (end.day >= start.day)
    if months > limit:
        return {"term_end": [f"框架协议期限不得超过{limit}个月"]}
    return {}


def sample() -> dict[str, Any]:
    supplier = s.SUPPLIERS[0]
    return {
        "agreement_number": s.AGREEMENT_NUMBER,
        "agreement_name": s.AGREEMENT_NAME,
        "project_name": s.PROJECT_NAME,
        "project_number": s.PROJECT_NUMBER,
        "project_category": "goods",
        "collector": {k: s.COLLECTOR[k] for k in ("name", "address", "uscc", "contact", "phone")},
        "supplier": {k: supplier[k] for k in ("name", "address", "uscc", "contact", "phone")},
        "lot_number": "01",
        "lot_name": "台式计算机",
        "requirements": "<p>国产CPU，8核及以上；内存16GB；固态硬盘512GB；"
        "23.8英寸显示器；整机三年上门保修。</p>",
        "max_unit_price": "6500.00",
        "products": [
            {"name": "台式计算机", "model": "长城 世恒TD120A2", "unit": "台",
             "agreement_price": "5890.00"},
            {"name": "台式计算机（高配）", "model": "长城 世恒TD120A2-32G", "unit": "台",
             "agreement_price": "6420.00"},
        ],
        "upgrade_rules": "入围产品停产的，乙方可申请以性能不低于原产品、价格不高于原协议价格的"
        "产品替换，经甲方确认后生效。",
        "second_stage_methods": ["direct_selection", "secondary_bidding"],
        "eligible_purchasers": "自治区本级各预算单位，呼和浩特市、包头市、鄂尔多斯市所属预算单位",
        "region": "内蒙古自治区",
        "payment_terms": "采购人验收合格后30日内支付全部合同价款。",
        "contract_text": "<p>第二阶段采购合同采用征集文件所附《采购合同》格式文本，"
        "见本协议附件。</p>",
        "removal_addition_rules": "乙方拒不履行合同义务、提供虚假材料或信用记录不良的，"
        "甲方予以清退；协议期内不补充入围供应商。",
        "rights_duties": "<p>甲方负责协议的管理和履约监督；乙方应按协议价格及服务承诺"
        "向采购人供货，不得拒绝采购人的合理订单。</p>",
        "term_start": s.iso_day(s.TERM_START),
        "term_end": s.year_from(s.TERM_START),
        "signing_date": s.iso_day(s.AGREEMENT_SIGNED),
    }


KIND = Kind(
    code="framework_agreement",
    title="框架协议",
    steps=(
        WizardStep("parties", "协议双方", PartiesStep),
        WizardStep("subject", "采购需求及入围产品", SubjectStep),
        WizardStep("performance", "第二阶段及履约", PerformanceStep),
        WizardStep("term", "协议期限及签订", TermStep),
    ),
    html_template="framework_agreement.html",
    docx_template="framework_agreement.docx",
    drafted_by=("agency", "collector"),
    reviewed_by=("collector",),
    sealed_by=("supplier", "collector"),
    board_category=None,
    sample=sample,
    party_blocks=(("supplier", "supplier"), ("collector", "collector")),
    checks=(prices_within_maximum, term_length),
)
