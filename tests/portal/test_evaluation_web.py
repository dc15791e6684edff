"""The 评审 page over HTTP: who sees it, the forms each person gets, refusals shown in place."""

from __future__ import annotations

import io
from typing import Any

import pytest

from portal.models import EvaluationStatus, Verdict
from tests.evaluation_setup import EVIDENCE, started_evaluation
from tests.helpers import csrf_token

pytestmark = pytest.mark.db


@pytest.fixture
def started(app, db, demo_keys) -> Any:
    return started_evaluation(app, db)


def post(client: Any, evaluation: Any, path: str, **data: Any) -> Any:
    """As the page's form for ``path`` posts: a supplier row's form has its own field prefix."""
    page = client.get(f"/evaluations/{evaluation.id}").get_data(as_text=True)
    fields = {**data, "csrf_token": csrf_token(page)}
    if path.startswith("entries/"):
        _, entry_id, step = path.split("/")
        fields = {f"e{entry_id}-{step}-{name}": value for name, value in fields.items()}
    return client.post(f"/evaluations/{evaluation.id}/{path}", data=fields)


def test_suppliers_other_organisations_and_the_public_never_see_the_evaluation(
        app, started, signed_in) -> None:
    url = f"/evaluations/{started.id}"
    for username in ("gys_mfr", "dl_clerk", "cg_clerk", "expert_wu"):
        assert signed_in(username).get(url).status_code == 404, username
        assert signed_in(username).get(f"{url}/progress").status_code == 404, username
    assert app.test_client().get(url).status_code == 302  # to the sign-in page


def test_the_organiser_records_credit_and_qualification_with_errors_in_place(
        db, started, signed_in) -> None:
    clerk = signed_in("zj_clerk")
    page = clerk.get(f"/evaluations/{started.id}").get_data(as_text=True)
    assert "信用记录查询" in page and "资格审查" in page
    assert "响应文件未在解密时限内解密" in page  # the response nobody decrypted
    entry = next(e for e in started.entries if e.decrypted)
    refused = post(clerk, started, f"entries/{entry.id}/qualification", verdict="failed",
                   reason="", price_deduction="0")
    assert refused.status_code == 400
    assert "资格审查不通过的，须写明原因。" in refused.get_data(as_text=True)
    empty = post(clerk, started, f"entries/{entry.id}/credit", result="clean", note="")
    assert empty.status_code == 400 and "请填写查询渠道和结果" in empty.get_data(as_text=True)
    bare = post(clerk, started, f"entries/{entry.id}/credit", result="clean", note="无不良记录")
    assert bare.status_code == 400  # no screenshot: nothing recorded, the note kept
    assert "上传" in bare.get_data(as_text=True) and "无不良记录" in bare.get_data(as_text=True)
    not_pdf = post(clerk, started, f"entries/{entry.id}/credit", result="clean", note="无",
                   evidence=(io.BytesIO(b"GIF89a not a pdf"), "shot.pdf"))
    assert not_pdf.status_code == 400
    done = post(clerk, started, f"entries/{entry.id}/credit", result="clean",
                note="信用中国、中国政府采购网查询无不良记录",
                evidence=(io.BytesIO(EVIDENCE), "信用查询.pdf"))
    assert done.status_code == 302
    shot = clerk.get(f"/evaluations/{started.id}/entries/{entry.id}/evidence.pdf")
    assert shot.status_code == 200 and shot.data == EVIDENCE
    assert signed_in("gys_mfr").get(
        f"/evaluations/{started.id}/entries/{entry.id}/evidence.pdf").status_code == 404
    db.expire_all()
    assert entry.credit.value == "clean"
    progress = clerk.get(f"/evaluations/{started.id}/progress",
                         headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "已完成信用查询和资格审查 0 / 3 家" in progress  # the fragment the page polls
    assert "<html" not in progress and 'hx-trigger="every 5s"' in progress
    finish = post(clerk, started, "finish-qualification")
    assert finish.status_code == 409
    assert "尚未完成信用查询和资格审查" in finish.get_data(as_text=True)


def test_the_panel_works_only_in_its_turn_and_the_leader_alone_records_verdicts(
        db, started, signed_in) -> None:
    from portal.domain import evaluation as ev
    from tests.portal.test_evaluation import qualify_everyone

    leader, member = signed_in("expert_t0"), signed_in("expert_t1")
    entry = next(e for e in started.entries if e.decrypted)
    early = post(leader, started, f"entries/{entry.id}/substantive", verdict="passed", reason="")
    assert early.status_code == 409
    qualify_everyone(db, started)
    clerk = signed_in("zj_clerk")
    assert post(clerk, started, "finish-qualification").status_code == 302
    db.expire_all()
    assert started.status is EvaluationStatus.scoring
    assert "符合性审查（组长代表评审小组记录）" not in member.get(
        f"/evaluations/{started.id}").get_data(as_text=True)
    assert post(member, started, f"entries/{entry.id}/substantive", verdict="passed",
                reason="").status_code == 403
    for each in ev.qualified(started):
        assert post(leader, started, f"entries/{each.id}/substantive", verdict="passed",
                    reason="").status_code == 302
    db.expire_all()
    assert all(e.substantive is Verdict.passed for e in ev.qualified(started))
    page = leader.get(f"/evaluations/{started.id}").get_data(as_text=True)
    assert "排序及入围" in page  # the leader sees the ranking before the 复核
    assert post(leader, started, "review").status_code == 302
    assert post(clerk, started, "return", reason="").status_code == 400
    assert post(clerk, started, "confirm").status_code == 302
    db.expire_all()
    assert started.status is EvaluationStatus.confirmed
    assert [e.shortlisted for e in started.entries] == [True, False, True, False]


def test_unknown_steps_and_entries_are_not_found(started, signed_in) -> None:
    clerk = signed_in("zj_clerk")
    assert post(clerk, started, "entries/1/nonsense").status_code == 404
    assert post(clerk, started, "jump").status_code == 404
    assert post(clerk, started, "entries/999999/credit", result="clean",
                note="x").status_code == 400
