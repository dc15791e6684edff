"""征集公告: the collection announcement, in the 财办库〔2020〕50号 section order.

The collector's name, contact and phone come from the filed plan and are locked by the portal;
here they are ordinary required fields. The minimum periods (20 days to the deadline, five
working days to obtain the document) are configurable per region and need the holiday
calendar, so the portal checks them, not this library.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from documents import choices as c
from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s

OPEN_ONLY = ("join_application", "performance_region", "payment_standard",
             "removal_addition_rules")


class ProjectStep(f.DocumentForm):
    project_name = f.text("项目名称")
    project_number = f.text("项目编号", max_length=50)
    project_category = f.choice("项目类别", parts.FRAMEWORK_CATEGORIES)
    agreement_type = f.choice("框架协议类型", c.AGREEMENT_TYPES)
    requirements_summary = f.rich_text("采购需求概况")
    lots = f.rows(parts.LotForm, "分包及最高限制单价", noun="个包")
    eligible_purchasers = f.long_text("适用采购人范围", max_length=1000)
    region = f.text("适用区域")
    agreement_term_months = f.count("框架协议期限（月）", maximum=24)


class QualificationStep(f.DocumentForm):
    qualification_conditions = f.rich_text("供应商资格要求")


class ScheduleStep(f.DocumentForm):
    obtain_start = f.datetime_field("征集文件获取开始时间")
    obtain_end = f.datetime_field("征集文件获取截止时间")
    obtain_place = f.text("获取地点")
    obtain_method = f.long_text("获取方式", max_length=500)
    submission_deadline = f.datetime_field("响应文件提交截止时间")
    submission_place = f.text("响应文件提交地点")
    submission_method = f.long_text("响应文件提交方式", max_length=500)
    opening_time = f.datetime_field("开启时间")
    opening_place = f.text("开启地点")
    publication_date = f.date_field("公告发布日期")
    announcement_days = f.count("公告期限（工作日）", maximum=60)


class OpenAgreementStep(f.DocumentForm):
    join_application = f.rich_text("申请加入方式及提交材料", required=False)
    performance_region = f.text("履行区域", required=False)
    payment_standard = f.long_text("支付标准", required=False)
    removal_addition_rules = f.long_text("清退和补充规则", required=False)
    separate_agreement = f.yes_no("另行签订书面协议")


class ContactsStep(f.DocumentForm):
    collector = f.group(parts.PartyContactForm, "征集人信息")
    agency = f.group(parts.OptionalPartyContactForm, "代理机构信息")
    project_contact = f.group(parts.PersonForm, "项目联系方式")
    other_matters = f.rich_text("其他补充事宜", required=False)


def open_agreement_details(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Open agreements must say how to join, where, what is paid and how suppliers leave."""
    if data.get("agreement_type") != "open":
        return {}
    labels = {name: fld.label.text for name, fld in OpenAgreementStep()._fields.items()}
    return {name: [f"开放式框架协议须填写{labels[name]}"] for name in OPEN_ONLY
            if not data.get(name)}


def sample() -> dict[str, Any]:
    return {
        "project_name": s.PROJECT_NAME,
        "project_number": s.PROJECT_NUMBER,
        "project_category": "goods",
        "agreement_type": "closed",
        "requirements_summary": "<p>征集台式计算机、便携式计算机、A4黑白激光打印机三个包的"
        "入围供应商，供自治区本级及部分盟市预算单位在协议期内采购。</p>",
        "lots": s.lots(),
        "eligible_purchasers": "自治区本级各预算单位，呼和浩特市、包头市、鄂尔多斯市所属预算单位",
        "region": "内蒙古自治区",
        "agreement_term_months": 12,
        "qualification_conditions": "<ol><li>满足《中华人民共和国政府采购法》第二十二条规定；"
        "</li><li>落实政府采购政策需满足的资格要求：无；</li><li>本项目的特定资格要求：无。</li>"
        "</ol>",
        "obtain_start": s.iso_time(s.CALL, "09:00"),
        "obtain_end": s.iso_time(s.OBTAIN_END, "17:00"),
        "obtain_place": "内蒙古自治区政府采购云平台",
        "obtain_method": "供应商登录政府采购云平台，在“获取征集文件”中在线免费获取。",
        "submission_deadline": s.iso_time(s.DEADLINE, "09:30"),
        "submission_place": "内蒙古自治区政府采购云平台",
        "submission_method": "通过政府采购云平台上传加密的电子响应文件，逾期上传的系统不予接收。",
        "opening_time": s.iso_time(s.DEADLINE, "09:30"),
        "opening_place": "内蒙古自治区政府采购云平台（线上开启）",
        "publication_date": s.iso_day(s.CALL),
        "announcement_days": 5,
        "separate_agreement": False,
        **s.announcement_contacts(),
        "other_matters": "<p>本项目为框架协议采购项目，征集人不承诺采购数量。"
        "供应商须办理CA数字证书并完成平台注册。</p>",
    }


KIND = Kind(
    code="collection_announcement",
    title="征集公告",
    steps=(
        WizardStep("project", "项目基本情况", ProjectStep),
        WizardStep("qualification", "供应商资格要求", QualificationStep),
        WizardStep("schedule", "获取、提交及开启", ScheduleStep),
        WizardStep("open_agreement", "开放式框架协议事项", OpenAgreementStep),
        WizardStep("contacts", "联系方式及其他", ContactsStep),
    ),
    html_template="collection_announcement.html",
    docx_template=None,
    drafted_by=("agency", "collector"),
    reviewed_by=("collector",),
    sealed_by=("collector", "agency"),
    sealed_if_party=("agency",),
    board_category="collection",
    sample=sample,
    party_blocks=(("collector", "collector"), ("agency", "agency")),
    checks=(
        open_agreement_details,
        parts.term_within_limit("project_category", "agreement_term_months"),
        parts.not_before("obtain_end", "obtain_start", "获取截止时间不能早于开始时间"),
        parts.not_before("opening_time", "submission_deadline", "开启时间不能早于提交截止时间"),
    ),
)
