"""变更（更正）公告: what changed in an announcement, the solicitation or a result, old → new.

The portal generates the corrections from the difference between two solicitation revisions
and lets the clerk edit the wording; here each correction is a row. Whether a change leaves
the required 15 days before the deadline is configurable, so the portal checks it.
"""

from __future__ import annotations

from typing import Any

from documents import choices as c
from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s


class CorrectionRow(f.DocumentForm):
    target = f.choice("更正对象", c.CORRECTION_TARGETS)
    item = f.text("更正事项")
    old_value = f.long_text("原内容", max_length=2000)
    new_value = f.long_text("更正后内容", max_length=2000)


class OriginalStep(f.DocumentForm):
    original_project_number = f.text("原公告项目编号", max_length=50)
    original_project_name = f.text("原公告项目名称")
    original_announcement_date = f.date_field("首次公告日期")


class CorrectionsStep(f.DocumentForm):
    corrections = f.rows(CorrectionRow, "更正事项", noun="项更正事项")
    change_date = f.date_field("更正日期")
    new_submission_deadline = f.datetime_field("更正后的响应文件提交截止时间", required=False)
    other_matters = f.rich_text("其他补充事宜", required=False)


class ContactsStep(f.DocumentForm):
    collector = f.group(parts.PartyContactForm, "采购人（征集人）信息")
    agency = f.group(parts.OptionalPartyContactForm, "代理机构信息")
    project_contact = f.group(parts.PersonForm, "项目联系方式")


def sample() -> dict[str, Any]:
    return {
        "original_project_number": s.PROJECT_NUMBER,
        "original_project_name": s.PROJECT_NAME,
        "original_announcement_date": s.iso_day(s.CALL),
        "corrections": [
            {
                "target": "solicitation",
                "item": "第02包便携式计算机技术要求",
                "old_value": "整机重量不超过1.5kg",
                "new_value": "整机重量不超过1.6kg",
            },
            {
                "target": "announcement",
                "item": "响应文件提交截止时间及开启时间",
                "old_value": f"{s.cn_day(s.DEADLINE)} 09:30",
                "new_value": f"{s.cn_day(s.NEW_DEADLINE)} 09:30",
            },
        ],
        "change_date": s.iso_day(s.CHANGED),
        "new_submission_deadline": s.iso_time(s.NEW_DEADLINE, "09:30"),
        "other_matters": "<p>已获取征集文件的供应商请登录系统下载更正后的征集文件，"
        "其他内容不变。</p>",
        **s.announcement_contacts(),
    }


KIND = Kind(
    code="change_announcement",
    title="变更公告",
    steps=(
        WizardStep("original", "原公告信息", OriginalStep),
        WizardStep("corrections", "更正信息", CorrectionsStep),
        WizardStep("contacts", "联系方式", ContactsStep),
    ),
    html_template="change_announcement.html",
    docx_template=None,
    drafted_by=("agency", "collector"),
    reviewed_by=("collector",),
    sealed_by=("collector",),
    board_category="change",
    sample=sample,
    party_blocks=(("collector", "collector"),),
    profile_blocks=(("agency", "agency"),),
    checks=(
        parts.not_before("change_date", "original_announcement_date",
                         "更正日期不能早于首次公告日期"),
    ),
)
