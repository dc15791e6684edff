"""征集文件: drafted by the agency (or collector), confirmed and sealed by the collector.

Published with the collection announcement. Its sections follow 财政部令第110号 第十六条.
"""

from __future__ import annotations

from typing import Any

from documents import choices as c
from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s


class InvitationStep(f.DocumentForm):
    project_name = f.text("项目名称")
    project_number = f.text("项目编号", max_length=50)
    project_category = f.choice("项目类别", parts.FRAMEWORK_CATEGORIES)
    agreement_type = f.choice("框架协议类型", c.AGREEMENT_TYPES)
    collector = f.group(parts.ContactForm, "征集人")
    agency = f.group(parts.OptionalContactForm, "代理机构")
    issue_date = f.date_field("发布日期")
    invitation = f.rich_text("征集邀请")
    supplier_notices = f.rich_text("供应商须知")


class QualificationStep(f.DocumentForm):
    qualification_conditions = f.rich_text("供应商资格条件")
    qualification_check = f.long_text("资格审查方式")
    credit_check = f.long_text("信用记录查询及使用规则")


class LotsStep(f.DocumentForm):
    lots = f.rows(parts.LotForm, "采购需求及最高限制单价", noun="个包")
    policy_requirements = f.rich_text("政府采购政策要求")
    policy_application = f.long_text("政策落实方式（价格扣除等）")


class PricingStep(f.DocumentForm):
    agreement_term_months = f.count("框架协议期限（月）", maximum=24)
    pricing_rules = f.rich_text("报价要求")
    consumables_years = f.count("专用耗材报价年限（年）", required=False, minimum=3, maximum=10)


class EvaluationStep(f.DocumentForm):
    evaluation_method = f.choice("评审方法", c.EVALUATION_METHODS)
    evaluation_standards = f.rich_text("评审标准")
    elimination_rate = f.percent("淘汰率（%）")
    shortlist_cap = f.count("入围供应商数量上限", required=False)
    rejection_reasons = f.rich_text("响应无效的情形")


class ResponseStep(f.DocumentForm):
    response_format = f.rich_text("响应文件格式要求")
    submission_deadline = f.datetime_field("响应文件提交截止时间")
    submission_method = f.long_text("提交方式", max_length=500)
    opening_time = f.datetime_field("开启时间")
    opening_place = f.text("开启地点")
    validity_days = f.count("响应有效期（日）", maximum=365)


class AgreementStep(f.DocumentForm):
    framework_agreement_text = f.rich_text("框架协议文本")
    contract_text = f.rich_text("采购合同文本")


class StageTwoStep(f.DocumentForm):
    second_stage_methods = f.choices("第二阶段确定成交供应商方式", c.SECOND_STAGE_METHODS)
    supplier_choice_rules = f.rich_text("确定成交供应商的规则")
    payment_terms = f.long_text("资金支付方式及时间")
    upgrade_rules = f.long_text("产品升级换代规则")
    user_feedback = f.long_text("用户反馈和评价机制")
    removal_addition_rules = f.rich_text("入围供应商清退和补充规则")
    agency_fee = f.long_text("代理费用收取", required=False)


def sample() -> dict[str, Any]:
    return {
        "project_name": s.PROJECT_NAME,
        "project_number": s.PROJECT_NUMBER,
        "project_category": "goods",
        "agreement_type": "closed",
        "collector": s.contact(s.COLLECTOR),
        "agency": s.contact(s.AGENCY),
        "issue_date": s.iso_day(s.CALL),
        "invitation": f"<p>{s.COLLECTOR['name']}委托{s.AGENCY['name']}，就{s.PROJECT_NAME}"
        "采用框架协议采购方式进行公开征集，欢迎符合资格条件的供应商参加。</p>",
        "supplier_notices": "<h3>一、说明</h3><p>本征集文件适用于本项目第一阶段征集活动。"
        "供应商应认真阅读征集文件的全部内容。</p><h3>二、响应文件的编制</h3><ul>"
        "<li>响应文件应使用中文编制；</li><li>响应文件应加盖供应商电子签章；</li>"
        "<li>未按要求编制的，按无效响应处理。</li></ul>",
        "qualification_conditions": "<ol><li>满足《中华人民共和国政府采购法》第二十二条规定；"
        "</li><li>未被列入失信被执行人、重大税收违法失信主体、政府采购严重违法失信行为记录名单；"
        "</li><li>本项目不接受联合体。</li></ol>",
        "qualification_check": "由资格审查小组依据供应商提交的资格证明材料进行审查。",
        "credit_check": "开启后通过“信用中国”和“中国政府采购网”查询，查询结果截图留存。",
        "lots": s.lots(),
        "policy_requirements": "<p>落实促进中小企业发展、支持监狱企业和残疾人福利性单位、"
        "节能环保产品政府采购政策。</p>",
        "policy_application": "对小微企业产品的报价给予10%的扣除，用扣除后的价格参与评审。",
        "agreement_term_months": 12,
        "pricing_rules": "<p>报价为含税、含运输、安装、三年保修的全部费用；打印机包须同时报价"
        "原装硒鼓、墨粉等专用耗材，报价覆盖三年使用期。</p>",
        "consumables_years": 3,
        "evaluation_method": "price_first",
        "evaluation_standards": "<p>满足实质性要求的响应中，按照评审价格由低到高排序，"
        "淘汰排名靠后的供应商后确定入围供应商。</p>",
        "elimination_rate": "30",
        "rejection_reasons": "<ul><li>报价超过最高限制单价的；</li><li>不满足实质性要求的；"
        "</li><li>未按规定加盖电子签章的。</li></ul>",
        "response_format": "<p>响应文件由资格证明文件、报价文件、技术响应文件三部分组成，"
        "通过政府采购云平台编制并加密上传。</p>",
        "submission_deadline": s.iso_time(s.DEADLINE, "09:30"),
        "submission_method": "通过内蒙古自治区政府采购云平台在线提交加密的电子响应文件。",
        "opening_time": s.iso_time(s.DEADLINE, "09:30"),
        "opening_place": "内蒙古自治区政府采购云平台（线上开启）",
        "validity_days": 90,
        "framework_agreement_text": "<p>入围供应商按以下格式文本与征集人签订框架协议，"
        "签订时不得对实质性内容作出变更。</p>",
        "contract_text": "<p>第二阶段采购人与成交供应商按以下格式文本签订采购合同。</p>",
        "second_stage_methods": ["direct_selection", "secondary_bidding"],
        "supplier_choice_rules": "<p>单笔采购金额20万元以下的，采购人可在入围供应商中直接选定；"
        "20万元以上的，采用二次竞价，以最低报价确定成交供应商。</p>",
        "payment_terms": "验收合格后30日内，采购人向成交供应商支付全部合同价款。",
        "upgrade_rules": "入围产品停产的，供应商可申请以性能不低于原产品、价格不高于原协议价的"
        "产品替换，经征集人确认后生效。",
        "user_feedback": "采购人在系统中对每笔订单的履约情况进行评价，评价结果作为清退依据。",
        "removal_addition_rules": "<p>入围供应商拒不履行合同义务或提供虚假材料的予以清退；"
        "封闭式框架协议期内不补充入围供应商。</p>",
        "agency_fee": "代理服务费参照《招标代理服务收费管理暂行办法》货物类费率下浮20%计取，"
        "本项目共计人民币壹拾贰万元整（¥120,000.00），由入围供应商在领取入围通知书时"
        "按各包份额缴纳，在入围结果公告中一并公开。",
    }


KIND = Kind(
    code="solicitation",
    title="征集文件",
    steps=(
        WizardStep("invitation", "征集邀请及供应商须知", InvitationStep),
        WizardStep("qualification", "资格条件", QualificationStep),
        WizardStep("lots", "采购需求及政策", LotsStep),
        WizardStep("pricing", "协议期限及报价", PricingStep),
        WizardStep("evaluation", "评审", EvaluationStep),
        WizardStep("response", "响应文件", ResponseStep),
        WizardStep("agreement", "协议及合同文本", AgreementStep),
        WizardStep("stage_two", "第二阶段及履约", StageTwoStep),
    ),
    html_template="solicitation.html",
    docx_template="solicitation.docx",
    drafted_by=("agency", "collector"),
    reviewed_by=("collector",),
    sealed_by=("collector",),
    board_category=None,
    sample=sample,
    party_blocks=(("collector", "collector"),),
    checks=(
        parts.term_within_limit("project_category", "agreement_term_months"),
        parts.open_agreement_direct_selection("agreement_type", "second_stage_methods"),
        parts.elimination_rate_at_least_20("elimination_rate"),
        parts.not_before("opening_time", "submission_deadline", "开启时间不能早于提交截止时间"),
    ),
)
