"""重新组织征集 (seed 000 §一 10): after termination, the collector chooses the lots to run
again and the step the flow returns to; the request is reviewed, and the project resumes from
that step with the earlier documents kept as its history."""

from __future__ import annotations

from typing import Any

from documents import fields as f
from documents.kind import Kind, WizardStep
from documents.kinds import sample_data as s

RETURN_STEPS = (
    ("requirements", "采购需求"),
    ("procurement_plan", "采购方案"),
    ("solicitation", "征集文件"),
    ("collection_announcement", "征集公告"),
)


class LotRow(f.DocumentForm):
    number = f.text("包号", max_length=20)
    name = f.text("包名称")


class ReorganisationStep(f.DocumentForm):
    project_name = f.text("项目名称")
    project_number = f.text("项目编号", max_length=50)
    lots = f.rows(LotRow, "重新组织的分包", noun="个包")
    return_step = f.choice("返回的环节", RETURN_STEPS)
    reason = f.long_text("重新组织的原因", max_length=2000)


def sample() -> dict[str, Any]:
    lot = s.lots()[0]
    return {
        "project_name": s.PROJECT_NAME,
        "project_number": s.PROJECT_NUMBER,
        "lots": [{"number": lot["number"], "name": lot["name"]}],
        "return_step": "solicitation",
        "reason": "第01包响应供应商不足，终止后修改征集文件重新组织征集。",
    }


KIND = Kind(
    code="reorganisation",
    title="重新组织征集",
    steps=(WizardStep("request", "重新组织申请", ReorganisationStep),),
    html_template="reorganisation.html",
    docx_template=None,
    drafted_by=("collector", "agency"),
    reviewed_by=("collector",),
    sealed_by=(),
    board_category=None,
    sample=sample,
)
