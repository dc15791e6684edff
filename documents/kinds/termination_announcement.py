"""终止公告: the project stops; everyone who obtained the solicitation is notified."""

from __future__ import annotations

from typing import Any

from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import parts
from documents.kinds import sample_data as s


class ProjectStep(f.DocumentForm):
    project_number = f.text("项目编号", max_length=50)
    project_name = f.text("项目名称")
    reason = f.rich_text("终止原因")
    other_matters = f.rich_text("其他补充事宜", required=False)
    announcement_date = f.date_field("公告日期")


class ContactsStep(f.DocumentForm):
    collector = f.group(parts.PartyContactForm, "采购人（征集人）信息")
    agency = f.group(parts.OptionalPartyContactForm, "代理机构信息")
    project_contact = f.group(parts.PersonForm, "项目联系方式")


def sample() -> dict[str, Any]:
    return {
        "project_number": s.PROJECT_NUMBER,
        "project_name": s.PROJECT_NAME,
        "reason": "<p>因采购需求发生重大变化，经征集人研究决定终止本项目第03包"
        "（A4黑白激光打印机）的征集活动。</p>",
        "other_matters": "<p>已获取征集文件的供应商将通过系统消息另行通知；"
        "本项目第01、02包继续进行。</p>",
        "announcement_date": s.iso_day(s.TERMINATED),
        **s.announcement_contacts(),
    }


KIND = Kind(
    code="termination_announcement",
    title="终止公告",
    steps=(
        WizardStep("project", "终止事项", ProjectStep),
        WizardStep("contacts", "联系方式", ContactsStep),
    ),
    html_template="termination_announcement.html",
    docx_template=None,
    drafted_by=("agency", "collector"),
    reviewed_by=("collector",),
    sealed_by=("collector",),
    board_category="termination",
    sample=sample,
    party_blocks=(("collector", "collector"),),
    profile_blocks=(("agency", "agency"),),
)
