"""委托代理协议: a collector (or purchaser) entrusts an agency; sealed by both, never published.

The 委托方 is whichever of the collector or the purchaser drafts it; it seals first.
"""

from __future__ import annotations

from typing import Any

from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s


class PartiesStep(f.DocumentForm):
    agreement_number = f.text("协议编号", max_length=50)
    project_name = f.text("项目名称")
    project_number = f.text("项目编号", max_length=50)
    principal = f.group(parts.PartyForm, "委托方（甲方）")
    agent = f.group(parts.PartyForm, "受托方（乙方）")


class ScopeStep(f.DocumentForm):
    scope = f.rich_text("委托代理范围")
    matters = f.rich_text("委托事项")
    authority = f.long_text("代理权限")
    authority_start = f.date_field("代理期限自")
    authority_end = f.date_field("代理期限至")


class DutiesStep(f.DocumentForm):
    principal_duties = f.rich_text("甲方的权利和义务")
    agent_duties = f.rich_text("乙方的权利和义务")


class FeesStep(f.DocumentForm):
    fee_standard = f.long_text("代理费用收取标准")
    fee_method = f.long_text("代理费用收取方式")
    fee_amount = f.money("代理费用金额（元）", required=False)


class TermsStep(f.DocumentForm):
    archive_keeping = f.long_text("档案保管")
    termination = f.long_text("协议的变更与终止")
    breach_liability = f.long_text("违约责任")
    dispute_resolution = f.long_text("争议解决方式")
    signing_date = f.date_field("签订日期")
    signing_place = f.text("签订地点", required=False)


def sample() -> dict[str, Any]:
    return {
        "agreement_number": "NMGZC-WT-2026-0158",
        "project_name": s.PROJECT_NAME,
        "project_number": s.PROJECT_NUMBER,
        "principal": {k: s.COLLECTOR[k] for k in ("name", "address", "uscc", "contact", "phone")},
        "agent": {k: s.AGENCY[k] for k in ("name", "address", "uscc", "contact", "phone")},
        "scope": "<p>甲方委托乙方代理本项目第一阶段征集工作，包括全部三个采购包。</p>",
        "matters": "<ol><li>编制征集文件，报甲方确认；</li><li>编制并发布征集公告、"
        "变更公告及入围结果公告；</li><li>组织开启、评审，协助抽取评审专家；</li>"
        "<li>起草框架协议，协助甲方与入围供应商签订；</li><li>答复询问、质疑。</li></ol>",
        "authority": "乙方在委托范围内以甲方名义办理征集事务，不得转委托；"
        "涉及入围结果的确认由甲方作出。",
        "authority_start": s.iso_day(s.ENTRUSTED),
        "authority_end": s.iso_day(s.AUTHORITY_END),
        "principal_duties": "<p>提供采购需求、采购方案等资料，对资料的真实性负责；"
        "按时确认征集文件和入围结果；按约定支付代理费用。</p>",
        "agent_duties": "<p>依法依规组织征集活动；对知悉的商业秘密保密；"
        "不得向供应商收取本协议约定以外的费用。</p>",
        "fee_standard": "参照《招标代理服务收费管理暂行办法》货物类费率下浮20%计取。",
        "fee_method": "由入围供应商在领取入围通知书时按各包份额缴纳，结果公告中一并公开。",
        "fee_amount": "120000.00",
        "archive_keeping": "乙方自采购活动结束之日起将采购文件保存15年，期满后移交甲方。",
        "termination": "双方协商一致可书面变更或解除本协议；乙方严重违约的，甲方可单方解除。",
        "breach_liability": "一方违约给对方造成损失的，应依法承担赔偿责任。",
        "dispute_resolution": "协商不成的，向甲方所在地人民法院提起诉讼。",
        "signing_date": s.iso_day(s.ENTRUSTED),
        "signing_place": "内蒙古自治区呼和浩特市",
    }


KIND = Kind(
    code="entrustment_agreement",
    title="委托代理协议",
    steps=(
        WizardStep("parties", "协议双方", PartiesStep),
        WizardStep("scope", "委托范围及事项", ScopeStep),
        WizardStep("duties", "权利和义务", DutiesStep),
        WizardStep("fees", "费用约定", FeesStep),
        WizardStep("terms", "其他约定及签订", TermsStep),
    ),
    html_template="entrustment_agreement.html",
    docx_template="entrustment_agreement.docx",
    drafted_by=("collector", "purchaser"),
    reviewed_by=(),
    sealed_by=("collector", "purchaser", "agency"),
    sealed_if_party=("collector", "purchaser"),
    board_category=None,
    sample=sample,
    party_blocks=(("collector", "principal"), ("purchaser", "principal"), ("agency", "agent")),
    checks=(
        parts.not_before("authority_end", "authority_start", "代理期限的结束日期不能早于开始日期"),
    ),
)
