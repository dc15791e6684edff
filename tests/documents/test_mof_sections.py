"""Every announcement kind carries every section of its MOF format (财办库〔2020〕50号; the
framework-agreement forms of 财政部令第110号; documents.md for the 二次竞价公告), in order,
even when an optional field such as 其他补充事宜 is left empty."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from documents import all_kinds, render_pdf

from .conftest import pdf_text, squash

ASK = "凡对本次公告内容提出询问，请按以下方式联系"

#: The MOF template's sections per announcement kind, in the order the template gives them.
MOF_SECTIONS: dict[str, tuple[str, ...]] = {
    "intention_announcement": ("采购项目名称", "采购需求概况", "预算金额", "预计采购时间", "备注"),
    "collection_announcement": ("项目基本情况", "供应商资格要求", "获取征集文件", "响应文件提交",
                                "响应文件开启", "公告期限", "其他补充事宜", ASK),
    "change_announcement": ("项目基本情况", "更正信息", "其他补充事宜", ASK),
    "termination_announcement": ("项目基本情况", "项目终止的原因", "其他补充事宜", ASK),
    "shortlist_announcement": ("项目编号", "项目名称", "入围结果", "评审小组成员名单",
                               "代理服务收费标准及金额", "公告期限", "其他补充事宜", ASK),
    "bidding_announcement": ("框架协议信息", "采购人信息", "采购标的及数量", "技术要求",
                             "竞价安排", "报价及成交规则", "联系方式"),
    "deal_announcement": ("项目编号", "项目名称", "成交信息", "成交标的", "公告期限",
                          "其他补充事宜", ASK),
    "contract_announcement": ("合同编号", "合同名称", "项目编号", "项目名称", "合同主体",
                              "合同主要信息", "合同签订日期", "合同公告日期", "其他补充事宜",
                              "附件"),
}


def test_every_announcement_kind_has_its_section_list() -> None:
    announcements = {kind.code for kind in all_kinds() if kind.board_category}
    assert announcements == set(MOF_SECTIONS)


@pytest.mark.parametrize("code", sorted(MOF_SECTIONS))
def test_the_rendered_announcement_has_every_mof_section_in_order(
        code: str, sample_of: Any, tmp_path: Path) -> None:
    data = sample_of(code)
    if "other_matters" in data:
        data["other_matters"] = ""  # an optional section still appears ("无")
    path = tmp_path / f"{code}.pdf"
    path.write_bytes(render_pdf(code, data).content)
    text = re.sub(r"—\d+—", "", squash(pdf_text(path)))
    missing = [section for section in MOF_SECTIONS[code] if squash(section) not in text]
    assert missing == []
    at, out_of_order = 0, []
    for section in MOF_SECTIONS[code]:  # each found after the one before it
        found = text.find(squash(section), at)
        if found < 0:
            out_of_order.append(section)
        else:
            at = found
    assert out_of_order == []


def test_the_shortlist_publishes_the_agency_fee(pdf_texts: dict[str, str],
                                                samples: dict[str, Any]) -> None:
    text = squash(pdf_texts["shortlist_announcement"])
    assert squash(samples["shortlist_announcement"]["agency_fee"]) in text
    assert "自本公告发布之日起1个工作日" in text


#: What documents.md says each other kind contains, as the rendered text names it.
DOCUMENT_SECTIONS: dict[str, tuple[str, ...]] = {
    "requirements": ("项目总体情况", "需求调查情况", "项目采购实施计划", "需求及分包情况",
                     "采购标的", "风险控制措施和替代方案"),
    "procurement_plan": ("分包及最高限制单价", "评审方法", "淘汰率",
                         "第二阶段确定成交供应商方式", "协议期限", "适用范围"),
    "entrustment_agreement": ("甲方", "乙方", "地址", "统一社会信用代码", "联系人",
                              "委托代理范围", "委托事项", "代理权限和期限", "甲方的权利和义务",
                              "乙方的权利和义务", "代理费用", "档案保管", "协议的变更与终止",
                              "违约责任", "争议解决", "日期"),
    "solicitation": ("征集邀请", "供应商资格条件", "采购需求及最高限制单价", "政府采购政策",
                     "协议期限", "报价要求", "评审方法", "淘汰率", "响应无效", "响应文件",
                     "提交截止时间", "开启", "响应有效期", "框架协议文本", "采购合同文本",
                     "第二阶段", "资金支付", "产品升级换代", "用户反馈", "清退和补充", "信用",
                     "代理费用"),
    "opening_record": ("项目名称", "项目编号", "采购包", "开启时间", "开启地点", "供应商名称",
                       "响应报价", "其他唱标内容", "解密情况", "异议", "答复", "供应商确认"),
    "evaluation_report": ("公告发布媒体", "开启日期及地点", "参加供应商", "评审小组",
                          "评审方法", "资格审查", "得分", "排序", "入围供应商"),
    "framework_agreement": ("甲方", "乙方", "项目编号", "采购需求", "最高限制单价",
                            "入围产品及协议价格", "产品升级换代", "第二阶段确定成交供应商方式",
                            "适用范围", "资金支付", "采购合同文本", "协议期限",
                            "入围供应商清退和补充", "双方权利和义务"),
    "contract": ("合同编号", "合同名称", "框架协议", "甲方", "乙方", "地址", "统一社会信用代码",
                 "联系人", "开户银行", "账号", "规格型号", "数量", "单价", "金额", "合计",
                 "交货地点及时间", "验收", "付款方式", "违约责任", "争议解决", "日期"),
}


@pytest.mark.parametrize("code", sorted(DOCUMENT_SECTIONS))
def test_every_other_kind_has_what_documents_md_lists(code: str, pdf_texts: dict[str, str]
                                                      ) -> None:
    text = re.sub(r"—\d+—", "", squash(pdf_texts[code]))
    assert [s for s in DOCUMENT_SECTIONS[code] if squash(s) not in text] == []


def test_the_contract_states_its_total_in_chinese_capitals(pdf_texts: dict[str, str],
                                                           samples: dict[str, Any]) -> None:
    from decimal import Decimal

    from documents import to_capitals

    total = sum(Decimal(i["amount"]) for i in samples["contract"]["items"])
    assert f"人民币{to_capitals(total)}" in squash(pdf_texts["contract"])
