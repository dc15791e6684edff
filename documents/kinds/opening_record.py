"""开标记录表: generated at the opening, confirmed by each supplier (seal or sign), then the agency.

Each supplier row carries its own seal anchor (``seal-anchor-supplier-<n>``) in the
confirmation column, so the seals library stamps each supplier beside its own quote.
"""

from __future__ import annotations

from typing import Any

from documents import choices as c
from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import sample_data as s


class OpeningSupplierRow(f.DocumentForm):
    name = f.text("供应商名称")
    price = f.money("响应报价（元）", required=False)
    other_items = f.text("其他唱标内容", required=False, max_length=300)
    decryption = f.choice("解密情况", c.DECRYPTION_STATES)


class ObjectionRow(f.DocumentForm):
    supplier = f.text("提出人")
    objection = f.long_text("异议内容", max_length=1000)
    answer = f.long_text("答复", max_length=1000)


class StaffRow(f.DocumentForm):
    name = f.text("姓名", max_length=50)
    duty = f.text("职责", max_length=50)


class OpeningStep(f.DocumentForm):
    project_name = f.text("项目名称")
    project_number = f.text("项目编号", max_length=50)
    lot_number = f.text("包号", max_length=20)
    lot_name = f.text("包名称")
    opening_time = f.datetime_field("开启时间")
    opening_place = f.text("开启地点")
    decryption_minutes = f.count("解密时限（分钟）", minimum=30, maximum=600)
    agency_name = f.text("代理机构")


class SuppliersStep(f.DocumentForm):
    suppliers = f.rows(OpeningSupplierRow, "供应商响应情况", noun="家供应商")
    objections = f.rows(ObjectionRow, "异议及答复", minimum=0)
    staff = f.rows(StaffRow, "开启工作人员", noun="名工作人员")


def sample() -> dict[str, Any]:
    decrypted = [("5890.00", "交货期7日，质保三年"), ("6050.00", "交货期5日，质保三年"),
                 ("6180.00", "交货期7日，质保三年")]
    suppliers = [
        {"name": org["name"], "price": price, "other_items": other, "decryption": "decrypted"}
        for org, (price, other) in zip(s.SUPPLIERS[:3], decrypted, strict=True)
    ]
    suppliers.append({"name": s.SUPPLIERS[3]["name"], "other_items": "",
                      "decryption": "not_decrypted"})
    return {
        "project_name": s.PROJECT_NAME,
        "project_number": s.PROJECT_NUMBER,
        "lot_number": "01",
        "lot_name": "台式计算机",
        "opening_time": s.iso_time(s.DEADLINE, "09:30"),
        "opening_place": "内蒙古自治区政府采购云平台（线上开启）",
        "decryption_minutes": 30,
        "agency_name": s.AGENCY["name"],
        "suppliers": suppliers,
        "objections": [
            {"supplier": s.SUPPLIERS[3]["name"], "objection": "因网络故障未能在时限内完成解密。",
             "answer": "解密时限为30分钟，已在开启前公告，按未解密处理。"},
        ],
        "staff": [{"name": s.AGENCY["contact"], "duty": "主持人"},
                  {"name": "孙晓梅", "duty": "记录人"}],
    }


KIND = Kind(
    code="opening_record",
    title="开标记录表",
    steps=(
        WizardStep("opening", "开启信息", OpeningStep),
        WizardStep("suppliers", "唱标及确认", SuppliersStep),
    ),
    html_template="opening_record.html",
    docx_template=None,
    drafted_by=("agency", "collector"),
    reviewed_by=(),
    # The opener seals: the agency of an entrusted project, else the collector running it.
    sealed_by=("supplier", "agency", "collector"),
    # Generated at the opening it names no supplier party: each supplier's 确认 / 异议 is
    # recorded and audited in the opening hall (portal.domain.opening), the agency seals.
    sealed_if_party=("supplier", "agency", "collector"),
    board_category=None,
    sample=sample,
    checks=(),
)
