"""Coded answers shared by several kinds, with the Chinese wording documents print.

Data stores the code (``price_first``); templates print the label through the ``label`` filter,
so wording can change without migrating saved drafts.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

Options = tuple[tuple[str, str], ...]

PROJECT_CATEGORIES: Options = (("goods", "货物"), ("services", "服务"), ("works", "工程"))
AGREEMENT_TYPES: Options = (("closed", "封闭式框架协议"), ("open", "开放式框架协议"))
COLLECTOR_KINDS: Options = (
    ("central_agency", "集中采购机构"),
    ("supervising_unit", "主管预算单位"),
)
EVALUATION_METHODS: Options = (("price_first", "价格优先法"), ("quality_first", "质量优先法"))
SECOND_STAGE_METHODS: Options = (
    ("direct_selection", "直接选定"),
    ("secondary_bidding", "二次竞价"),
    ("rotation", "顺序轮候"),
)
DEAL_METHODS: Options = (
    *SECOND_STAGE_METHODS,
    ("non_shortlisted_award", "非入围合同授予"),
)
CORRECTION_TARGETS: Options = (
    ("announcement", "公告"),
    ("solicitation", "征集文件"),
    ("result", "采购结果"),
)
DECRYPTION_STATES: Options = (("decrypted", "已解密"), ("not_decrypted", "未在解密时限内解密"))
PANEL_ROLES: Options = (("leader", "组长"), ("member", "成员"))
QUALIFICATION_RESULTS: Options = (("passed", "通过"), ("failed", "不通过"))
FUNDING_SOURCES: Options = (
    ("fiscal", "财政拨款"),
    ("special_account", "财政专户管理资金"),
    ("own_funds", "单位自有资金"),
)

#: Name used in templates (``{{ x|label("evaluation_methods") }}``) -> code -> label.
CHOICES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "project_categories": dict(PROJECT_CATEGORIES),
        "agreement_types": dict(AGREEMENT_TYPES),
        "collector_kinds": dict(COLLECTOR_KINDS),
        "evaluation_methods": dict(EVALUATION_METHODS),
        "second_stage_methods": dict(SECOND_STAGE_METHODS),
        "deal_methods": dict(DEAL_METHODS),
        "correction_targets": dict(CORRECTION_TARGETS),
        "decryption_states": dict(DECRYPTION_STATES),
        "panel_roles": dict(PANEL_ROLES),
        "qualification_results": dict(QUALIFICATION_RESULTS),
        "funding_sources": dict(FUNDING_SOURCES),
    }
)
