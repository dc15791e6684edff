"""终止采购申请 (seed 000 §一 9.1–9.2): after the collection announcement is out, the agency or
the collector asks to stop the procurement; the request is reviewed (approved, or returned to
the drafter), and only then is the termination announcement drafted."""

from __future__ import annotations

from typing import Any

from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import sample_data as s


class RequestStep(f.DocumentForm):
    project_name = f.text("项目名称")
    project_number = f.text("项目编号", max_length=50)
    reason = f.long_text("终止原因", max_length=2000)
    request_date = f.date_field("申请日期")


def sample() -> dict[str, Any]:
    return {
        "project_name": s.PROJECT_NAME,
        "project_number": s.PROJECT_NUMBER,
        "reason": "采购需求发生重大变化，需终止本项目的征集活动。",
        "request_date": s.iso_day(s.TERMINATION_REQUESTED),
    }


KIND = Kind(
    code="termination_request",
    title="终止采购申请",
    steps=(WizardStep("request", "终止采购申请", RequestStep),),
    html_template="termination_request.html",
    docx_template=None,
    drafted_by=("agency", "collector"),
    reviewed_by=("collector",),
    sealed_by=(),
    board_category=None,
    sample=sample,
)
