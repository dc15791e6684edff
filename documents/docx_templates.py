"""The four editable kinds' default DOCX templates, as code.

Run ``python -m documents.docx_templates`` after changing this file; a test checks the files in
``templates/documents/default/`` match. Wording follows the HTML templates of the same kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docx.document import Document as DocxDocument

from documents.docx_builder import (
    centered,
    heading,
    new_document,
    para,
    signatures,
    table,
    tag,
    title,
    to_bytes,
)
from documents.formatting import cn_ordinal
from documents.templating import DEFAULT_FOLDER, TEMPLATE_ROOT

RICH = "{{ %s|docx_rich }}"


def _party(document: DocxDocument, label: str, name: str, banked: bool = False) -> None:
    para(document, f"{label}：{{{{ {name}.name }}}}")
    para(document, f"地址：{{{{ {name}.address }}}}")
    para(document, f"统一社会信用代码：{{{{ {name}.uscc }}}}")
    para(document, f"联系人：{{{{ {name}.contact }}}}　电话：{{{{ {name}.phone }}}}")
    if banked:
        para(document, f"开户银行：{{{{ {name}.bank_name }}}}　账号：{{{{ {name}.bank_account }}}}")


def _sections(
    document: DocxDocument, sections: list[tuple[str, list[str]]], start: int = 1
) -> None:
    """Headings 一、二、… from ``start``, each followed by its paragraphs."""
    for number, (name, paragraphs) in enumerate(sections, start=start):
        heading(document, f"{cn_ordinal(number)}、{name}")
        for text in paragraphs:
            para(document, text)


def entrustment_agreement() -> DocxDocument:
    document = new_document()
    title(document, "委托代理协议")
    centered(document, "协议编号：{{ agreement_number }}")
    _party(document, "委托方（甲方）", "principal")
    _party(document, "受托方（乙方）", "agent")
    para(document, "根据《中华人民共和国政府采购法》及其实施条例等规定，甲方委托乙方代理"
         "{{ project_name }}（项目编号：{{ project_number }}）的采购事宜。双方经协商一致，"
         "订立本协议。")
    _sections(document, [
        ("委托代理范围", [RICH % "scope"]),
        ("委托事项", [RICH % "matters"]),
        ("代理权限和期限", ["{{ authority }}",
                     "代理期限：{{ authority_start|cn_date }}至{{ authority_end|cn_date }}"]),
        ("甲方的权利和义务", [RICH % "principal_duties"]),
        ("乙方的权利和义务", [RICH % "agent_duties"]),
        ("代理费用", ["收取标准：{{ fee_standard }}", "收取方式：{{ fee_method }}"]),
    ])
    tag(document, "{%p if fee_amount is not none %}")
    para(document, "代理费用：人民币{{ fee_amount|capitals }}（¥{{ fee_amount|money }}）")
    tag(document, "{%p endif %}")
    _sections(document, [
        ("档案保管", ["{{ archive_keeping }}"]),
        ("协议的变更与终止", ["{{ termination }}"]),
        ("违约责任", ["{{ breach_liability }}"]),
        ("争议解决", ["{{ dispute_resolution }}"]),
        ("其他", ["本协议自双方盖章之日起生效，至委托事项办理完毕时终止。"]),
    ], start=7)
    signatures(document, [("甲方", "{{ principal.name }}"), ("乙方", "{{ agent.name }}")],
               "{{ signing_date|cn_date }}")
    return document


def solicitation() -> DocxDocument:
    document = new_document()
    title(document, "{{ project_name }}")
    title(document, "征集文件")
    centered(document, "项目编号：{{ project_number }}")
    centered(document, "征集人：{{ collector.name }}")
    tag(document, "{%p if agency.name %}")
    centered(document, "代理机构：{{ agency.name }}")
    tag(document, "{%p endif %}")
    centered(document, "{{ issue_date|cn_date }}")
    chapters = [
        ("征集邀请", [RICH % "invitation",
                  "项目类别：{{ project_category|label('project_categories') }}；框架协议类型："
                  "{{ agreement_type|label('agreement_types') }}",
                  "响应文件提交截止时间：{{ submission_deadline|cn_datetime }}",
                  "开启时间及地点：{{ opening_time|cn_datetime }}，{{ opening_place }}",
                  "征集人联系方式：{{ collector.contact }}　{{ collector.phone }}"]),
        ("供应商须知", [RICH % "supplier_notices"]),
        ("供应商资格条件及审查", [RICH % "qualification_conditions",
                        "资格审查方式：{{ qualification_check }}",
                        "信用记录查询：{{ credit_check }}"]),
        ("采购需求及最高限制单价", []),
        ("协议期限及报价要求", ["框架协议期限：{{ agreement_term_months }}个月",
                       RICH % "pricing_rules"]),
        ("评审方法和标准", ["评审方法：{{ evaluation_method|label('evaluation_methods') }}",
                     RICH % "evaluation_standards",
                     "淘汰率：{{ elimination_rate|qty }}%（且至少淘汰1家）",
                     "响应无效的情形：", RICH % "rejection_reasons"]),
        ("响应文件", [RICH % "response_format",
                  "提交截止时间：{{ submission_deadline|cn_datetime }}",
                  "提交方式：{{ submission_method }}",
                  "响应有效期：提交截止之日起{{ validity_days }}日"]),
        ("第二阶段及履约", [
            "确定成交供应商方式：{{ second_stage_methods|labels('second_stage_methods') }}",
            RICH % "supplier_choice_rules", "资金支付方式及时间：{{ payment_terms }}",
            "产品升级换代规则：{{ upgrade_rules }}", "用户反馈和评价：{{ user_feedback }}",
            "入围供应商清退和补充规则：", RICH % "removal_addition_rules",
            "代理费用：{{ agency_fee }}"]),
        ("框架协议文本", [RICH % "framework_agreement_text"]),
        ("采购合同文本", [RICH % "contract_text"]),
    ]
    for number, (name, paragraphs) in enumerate(chapters, start=1):
        heading(document, f"第{cn_ordinal(number)}章　{name}")
        if name == "采购需求及最高限制单价":
            table(document,
                  ["包号", "包名称", "品目", "最高限制单价（元）", "计量单位", "预估数量"],
                  ["{{ lot.number }}", "{{ lot.name }}", "{{ lot.category }}",
                   "{{ lot.max_unit_price|money }}", "{{ lot.unit }}",
                   "{{ lot.estimated_quantity|qty }}"], "lot in lots")
            paragraphs = ["政府采购政策：", RICH % "policy_requirements",
                          "落实方式：{{ policy_application }}"]
        for text in paragraphs:
            para(document, text)
    signatures(document, [("征集人", "{{ collector.name }}")], "{{ issue_date|cn_date }}")
    return document


def framework_agreement() -> DocxDocument:
    document = new_document()
    title(document, "框架协议")
    centered(document, "协议编号：{{ agreement_number }}")
    para(document, "协议名称：{{ agreement_name }}")
    _party(document, "甲方（征集人）", "collector")
    _party(document, "乙方（入围供应商）", "supplier")
    para(document, "根据{{ project_name }}（项目编号：{{ project_number }}）的征集结果，乙方入围第"
         "{{ lot_number }}包{{ lot_name }}。依据《政府采购框架协议采购方式管理暂行办法》"
         "（财政部令第110号），双方签订本协议。本协议不得对征集文件确定的事项以及乙方响应文件"
         "作实质性修改。")
    heading(document, "一、采购需求")
    para(document, RICH % "requirements")
    para(document,
         "最高限制单价：人民币{{ max_unit_price|capitals }}（¥{{ max_unit_price|money }}）")
    heading(document, "二、入围产品及协议价格")
    table(document,
          ["序号", "产品或服务名称", "品牌及型号", "单位", "协议价格（元）", "协议价格（大写）"],
          ["{{ loop.index }}", "{{ row.name }}", "{{ row.model }}", "{{ row.unit }}",
           "{{ row.agreement_price|money }}", "{{ row.agreement_price|capitals }}"],
          "row in products")
    _sections(document, [
        ("产品升级换代", ["{{ upgrade_rules }}"]),
        ("第二阶段确定成交供应商方式",
         ["{{ second_stage_methods|labels('second_stage_methods') }}"]),
        ("适用范围", ["适用采购人：{{ eligible_purchasers }}；适用区域：{{ region }}"]),
        ("资金支付", ["{{ payment_terms }}"]),
        ("采购合同文本", [RICH % "contract_text"]),
        ("协议期限", ["自{{ term_start|cn_date }}起至{{ term_end|cn_date }}止。"]),
        ("入围供应商清退和补充", ["{{ removal_addition_rules }}"]),
        ("双方权利和义务", [RICH % "rights_duties"]),
    ], start=3)
    signatures(document, [("甲方", "{{ collector.name }}"), ("乙方", "{{ supplier.name }}")],
               "{{ signing_date|cn_date }}")
    return document


def contract() -> DocxDocument:
    document = new_document()
    title(document, "采购合同")
    centered(document, "合同编号：{{ contract_number }}")
    para(document, "合同名称：{{ contract_name }}")
    _party(document, "甲方（采购人）", "purchaser", banked=True)
    _party(document, "乙方（供应商）", "supplier", banked=True)
    para(document, "根据{{ agreement_name }}（编号：{{ agreement_number }}）及第二阶段采购结果，"
         "甲乙双方经协商一致，订立本合同。")
    heading(document, "一、合同标的")
    table(document, ["序号", "标的名称", "规格型号", "数量", "单位", "单价（元）", "金额（元）"],
          ["{{ loop.index }}", "{{ item.name }}", "{{ item.specification }}",
           "{{ item.quantity|qty }}", "{{ item.unit }}", "{{ item.unit_price|money }}",
           "{{ item.amount|money }}"], "item in items",
          total=("合计", "{{ total_amount|money }}"))
    heading(document, "二、合同价款")
    para(document, "合同总价：人民币{{ total_amount|capitals }}（¥{{ total_amount|money }}）")
    para(document, "本合同为固定价格合同，合同总价包含货物、运输、安装、调试、培训及质保期内服务的"
         "全部费用。")
    _sections(document, [
        ("交货地点及时间", ["交货地点：{{ delivery_place }}；交货时间：{{ delivery_time }}"]),
        ("验收", ["{{ acceptance }}"]),
        ("付款方式", ["{{ payment_terms }}"]),
        ("违约责任", ["{{ breach_liability }}"]),
        ("争议解决", ["{{ dispute_resolution }}"]),
        ("其他", ["本合同不得对框架协议的实质性内容作出变更。本合同自双方盖章之日起生效。"]),
    ], start=3)
    signatures(document, [("甲方", "{{ purchaser.name }}"), ("乙方", "{{ supplier.name }}")],
               "{{ signing_date|cn_date }}")
    return document


BUILDERS: dict[str, Callable[[], DocxDocument]] = {
    "entrustment_agreement.docx": entrustment_agreement,
    "solicitation.docx": solicitation,
    "framework_agreement.docx": framework_agreement,
    "contract.docx": contract,
}


def build(name: str) -> bytes:
    return to_bytes(BUILDERS[name]())


def main(folder: Path | None = None) -> None:
    target = folder or TEMPLATE_ROOT / DEFAULT_FOLDER
    for name in BUILDERS:
        (target / name).write_bytes(build(name))
        print(target / name)


if __name__ == "__main__":
    main()
