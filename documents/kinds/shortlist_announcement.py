"""入围结果公告: per lot the shortlisted suppliers and their agreement prices.

Shortlisted suppliers are synchronised from it by the portal, so every row carries the data a
supplier record needs (name, address, price, product).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from documents import choices as c
from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s


class ShortlistedSupplierRow(f.DocumentForm):
    name = f.text("供应商名称")
    address = f.text("供应商地址")
    agreement_price = f.money("入围价格（元）")
    product = f.text("入围产品或服务（品牌型号）", max_length=300)


class ShortlistLotRow(f.DocumentForm):
    number = f.text("包号", max_length=20)
    name = f.text("包名称")
    highest_price = f.money("最高入围价格（元）", required=False)
    lowest_score = f.decimal("最低入围得分", required=False)
    suppliers = f.rows(ShortlistedSupplierRow, "入围供应商", noun="家入围供应商")


class PanelRow(f.DocumentForm):
    name = f.text("姓名", max_length=50)
    role = f.choice("职责", c.PANEL_ROLES)


class ResultStep(f.DocumentForm):
    project_number = f.text("项目编号", max_length=50)
    project_name = f.text("项目名称")
    evaluation_method = f.choice("评审方法", c.EVALUATION_METHODS)
    lots = f.rows(ShortlistLotRow, "入围结果", noun="个包")


class PanelStep(f.DocumentForm):
    panel = f.rows(PanelRow, "评审小组成员", minimum=3, noun="名评审小组成员")
    announcement_date = f.date_field("公告日期")
    #: MOF format (财办库〔2020〕50号): the agency's fee standard and amount, which the
    #: entrustment agreement and the 征集文件 promise to publish with the result.
    agency_fee = f.long_text("代理服务收费标准及金额", required=False)
    other_matters = f.rich_text("其他补充事宜", required=False)


class ContactsStep(f.DocumentForm):
    collector = f.group(parts.PartyContactForm, "征集人信息")
    agency = f.group(parts.OptionalPartyContactForm, "代理机构信息")
    project_contact = f.group(parts.PersonForm, "项目联系方式")


def threshold_per_method(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """价格优先法 publishes each lot's highest shortlisted price, 质量优先法 its lowest score."""
    price_first = data.get("evaluation_method") == "price_first"
    key, message = (
        ("highest_price", "价格优先法须填写最高入围价格")
        if price_first
        else ("lowest_score", "质量优先法须填写最低入围得分")
    )
    errors: dict[str, list[str]] = {}
    for index, lot in enumerate(data.get("lots") or ()):
        if lot.get(key) is None:
            errors[f"lots-{index}-{key}"] = [message]
        if price_first and lot.get(key) is not None:
            for row, supplier in enumerate(lot.get("suppliers") or ()):
                price = supplier.get("agreement_price")
                if price is not None and price > lot[key]:
                    errors[f"lots-{index}-suppliers-{row}-agreement_price"] = [
                        "入围价格不能高于该包最高入围价格"
                    ]
    return errors


def sample() -> dict[str, Any]:
    one, two, three, four = s.SUPPLIERS
    return {
        "project_number": s.PROJECT_NUMBER,
        "project_name": s.PROJECT_NAME,
        "evaluation_method": "price_first",
        "lots": [
            {
                "number": "01", "name": "台式计算机", "highest_price": "6180.00",
                "suppliers": [
                    {"name": one["name"], "address": one["address"], "agreement_price": "5890.00",
                     "product": "长城 世恒TD120A2 台式计算机"},
                    {"name": two["name"], "address": two["address"], "agreement_price": "6050.00",
                     "product": "联想 开天M90z G1t 台式计算机"},
                    {"name": three["name"], "address": three["address"],
                     "agreement_price": "6180.00", "product": "同方 超翔TZ830 台式计算机"},
                ],
            },
            {
                "number": "02", "name": "便携式计算机", "highest_price": "7960.00",
                "suppliers": [
                    {"name": two["name"], "address": two["address"], "agreement_price": "7680.00",
                     "product": "华为 擎云L420 便携式计算机"},
                    {"name": four["name"], "address": four["address"],
                     "agreement_price": "7960.00", "product": "联想 开天N7 便携式计算机"},
                ],
            },
        ],
        "panel": [{"name": name, "role": role} for name, _, role in s.EXPERTS],
        "announcement_date": s.iso_day(s.SHORTLISTED),
        "agency_fee": "参照《招标代理服务收费管理暂行办法》货物类费率下浮20%计取，"
        "共计人民币120,000.00元，由入围供应商按各包份额缴纳。",
        "other_matters": "<p>入围供应商应在入围结果公告发布之日起30日内签订框架协议。</p>",
        **s.announcement_contacts(),
    }


KIND = Kind(
    code="shortlist_announcement",
    title="入围结果公告",
    steps=(
        WizardStep("result", "入围结果", ResultStep),
        WizardStep("panel", "评审小组及发布", PanelStep),
        WizardStep("contacts", "联系方式", ContactsStep),
    ),
    html_template="shortlist_announcement.html",
    docx_template=None,
    drafted_by=("collector", "agency"),
    reviewed_by=("collector",),
    sealed_by=("collector",),
    board_category="shortlist",
    sample=sample,
    party_blocks=(("collector", "collector"),),
    profile_blocks=(("agency", "agency"),),
    checks=(threshold_per_method,),
)
