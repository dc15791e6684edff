"""Small helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


#: The opinion a reviewer enters on approving a kind that asks for one (征集公告, 变更公告 …).
OPINION = {"opinion": "内容无误，同意。"}


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: Any, username: str, password: str | None = None) -> Any:
    from portal.demo import DEMO_PASSWORD

    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "username": username,
            "password": DEMO_PASSWORD if password is None else password,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )


def nss_database(directory: Path, root_pem: bytes) -> str:
    """An NSS database trusting ``root_pem``, for ``pdfsig -nssdir``."""
    if shutil.which("certutil") is None or shutil.which("pdfsig") is None:
        pytest.fail("pdfsig (poppler-utils) and certutil (libnss3-tools) must be installed")
    root = directory / "root.pem"
    root.write_bytes(root_pem)
    database = f"sql:{directory}"
    subprocess.run(
        ["certutil", "-N", "-d", database, "--empty-password"], check=True, capture_output=True
    )
    subprocess.run(
        ["certutil", "-A", "-n", "root", "-t", "CT,C,C", "-i", str(root), "-d", database],
        check=True,
        capture_output=True,
    )
    return database


def run_pdfsig(nss_db: str, pdf: bytes, tmp_path: Path) -> str:
    """pdfsig's report as text. It exits 0 even on a digest mismatch, so read the text.

    No ``-no-ocsp``: poppler 22.12 then reads a stale NSS error and reports every certificate
    as "Unknown issue"; our certificates carry no OCSP address, so nothing is fetched anyway.
    """
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdfsig", "-nssdir", nss_db, str(path)], capture_output=True, text=True, timeout=60
    )
    return result.stdout


def pdfsig_blocks(output: str) -> dict[str, str]:
    """Split pdfsig's output into one text block per signature field name."""
    blocks: dict[str, str] = {}
    for chunk in output.split("Signature #")[1:]:
        for line in chunk.splitlines():
            if "Signature Field Name:" in line:
                blocks[line.split(":", 1)[1].strip()] = chunk
    return blocks


def work(app: Any) -> None:
    """Run every queued job (rendering, sealing steps) on a real worker until the queues empty."""
    from jobs.worker import run

    run(app, ("render", "default"), burst=True)


def approved_contract(app: Any, db: Any, title: str = "台式计算机采购合同") -> Any:
    """采购合同 drafted by 北方信创 (gys_mfr) with 呼和浩特市第一中学, confirmed by the
    purchaser's reviewer and rendered: ready for the supplier's seal."""
    from sqlalchemy import select

    import documents
    from portal.domain import lifecycle
    from portal.models import Organisation

    supplier = user(db, "gys_mfr")
    purchaser = db.scalar(select(Organisation).where(Organisation.name == "呼和浩特市第一中学"))
    doc = lifecycle.create_draft(db, supplier, "contract", title,
                                 parties={"purchaser": purchaser},
                                 start_from=documents.get_kind("contract").sample())
    lifecycle.submit(db, supplier, doc, None)
    lifecycle.approve(db, user(db, "cg_reviewer"), doc, None)
    work(app)
    db.expire_all()
    return doc


def seal_as(app: Any, db: Any, doc: Any, username: str, pin: str | None = None,
            **placement: Any) -> Any:
    """Apply (not yet submit) the next seal on ``doc`` as ``username``, jobs included."""
    from sqlalchemy import select

    from portal.demo import DEMO_PIN
    from portal.domain import sealing
    from portal.models import SealStatus, User

    sealer = db.scalar(select(User).where(User.username == username))
    seal = sealing.start(db, sealer, doc, None, placement.get("page", 0),
                         placement.get("x"), placement.get("y"))
    work(app)
    db.expire_all()
    assert seal.status is SealStatus.awaiting_key, seal.error
    sealing.sign_with_pin(db, sealer, seal, DEMO_PIN if pin is None else pin)
    work(app)
    db.expire_all()
    assert seal.status is SealStatus.applied, seal.error
    return seal


def approve_and_seal(app: Any, db: Any, doc: Any) -> None:
    """Submitted by 中心's clerk, approved by its reviewer, sealed by its clerk."""
    from portal.domain import lifecycle, sealing

    lifecycle.submit(db, user(db, "zj_clerk"), doc, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), doc, None, OPINION)
    work(app)
    db.expire_all()
    sealing.confirm(db, user(db, "zj_clerk"), seal_as(app, db, doc, "zj_clerk"))


def project_with_approved_plan(db: Any) -> Any:
    """The sample project, initiated by 内蒙古自治区政府采购中心 and its plan approved by the
    collector and the regulator (created once per test, then reused)."""
    from sqlalchemy import select

    import documents
    from portal.domain import lifecycle
    from portal.models import Organisation, Project, User

    def user(name: str) -> Any:
        return db.scalar(select(User).where(User.username == name))

    number = documents.get_kind("project_initiation").sample()["project_number"]
    existing = db.scalar(select(Project).where(Project.number == number))
    if existing is not None:
        return existing
    kind = documents.get_kind("project_initiation")
    initiation = lifecycle.create_draft(db, user("zj_clerk"), kind.code, "立项",
                                        start_from=kind.sample())
    lifecycle.submit(db, user("zj_clerk"), initiation, None)
    lifecycle.approve(db, user("zj_reviewer"), initiation, None)
    regulator = db.scalar(select(Organisation).where(Organisation.name == "内蒙古自治区财政厅"))
    plan_kind = documents.get_kind("procurement_plan")
    plan = lifecycle.create_draft(db, user("zj_clerk"), plan_kind.code, "采购方案",
                                  parties={"regulator": regulator},
                                  start_from=plan_kind.sample(),
                                  project_id=initiation.project_id)
    lifecycle.submit(db, user("zj_clerk"), plan, None)
    lifecycle.approve(db, user("zj_reviewer"), plan, None)
    lifecycle.approve(db, user("cz_reviewer"), plan, None)
    return db.get(Project, initiation.project_id)


def draft(db: Any, project: Any, kind_code: str, title: str, **data: Any) -> Any:
    """A draft of the sample ``kind_code`` (changed by ``data``) by 中心's clerk in ``project``."""
    import documents
    from portal.domain import projects

    kind = documents.get_kind(kind_code)
    return projects.draft_document(db, user(db, "zj_clerk"), project, kind_code, title,
                                   start_from={**kind.sample(), **data})


def published_call(app: Any, db: Any, starts_in: timedelta, lasts: timedelta,
                   **solicitation: Any) -> Any:
    """The sample project run by the collector itself: solicitation (the sample's, changed by
    ``solicitation``) sealed, collection announcement published with an obtaining period from
    now + ``starts_in``."""
    from portal.domain import lifecycle
    from portal.models import beijing_now

    project = project_with_approved_plan(db)
    approve_and_seal(app, db, draft(db, project, "solicitation", "征集文件", **solicitation))
    now = beijing_now()
    starts, deadline = now + starts_in, (now + timedelta(days=30)).strftime("%Y-%m-%dT09:30")
    announcement = draft(db, project, "collection_announcement", "征集公告",
                         publication_date=now.date().isoformat(),
                         obtain_start=starts.strftime("%Y-%m-%dT%H:%M"),
                         obtain_end=(starts + lasts).strftime("%Y-%m-%dT%H:%M"),
                         submission_deadline=deadline, opening_time=deadline)
    approve_and_seal(app, db, announcement)
    lifecycle.publish(db, user(db, "zj_clerk"), announcement, None)
    return project


# ---- the public board -------------------------------------------------------------------------


def user(db: Any, username: str) -> Any:
    from sqlalchemy import select

    from portal.models import User

    return db.scalar(select(User).where(User.username == username))


def published_intention(db: Any, title: str, publish: bool = True) -> Any:
    """采购意向: drafted and approved by the purchaser, no seal, published at once."""
    import documents
    from portal.domain import lifecycle

    clerk = user(db, "cg_clerk")
    kind = documents.get_kind("intention_announcement")
    doc = lifecycle.create_draft(db, clerk, kind.code, title, start_from=kind.sample())
    lifecycle.submit(db, clerk, doc, None)
    lifecycle.approve(db, user(db, "cg_reviewer"), doc, None)
    if publish:
        lifecycle.publish(db, clerk, doc, None)
    return doc


def sealed_announcement(app: Any, db: Any, kind_code: str, title: str,
                        project: Any = None) -> Any:
    """Drafted by 内蒙古自治区政府采购中心 (in ``project`` if given), approved, rendered, sealed
    with its key, published."""
    import documents
    from portal.demo import DEMO_PIN
    from portal.domain import lifecycle, projects, sealing
    from portal.models import DocumentStatus, SealStatus

    clerk = user(db, "zj_clerk")
    kind = documents.get_kind(kind_code)
    if project is None and kind_code in ("collection_announcement", "change_announcement",
                                         "shortlist_announcement"):
        # a collection announcement is published only once its project's plan is approved,
        # a change or shortlist announcement only in a project whose call is published
        project = project_with_approved_plan(db)
    doc = projects.draft_document(db, clerk, project, kind.code, title, start_from=kind.sample())
    lifecycle.submit(db, clerk, doc, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), doc, None, OPINION)
    work(app)
    db.expire_all()
    seal = sealing.start(db, clerk, doc, None, 0, None, None)
    work(app)
    db.expire_all()
    sealing.sign_with_pin(db, clerk, seal, DEMO_PIN)
    work(app)
    db.expire_all()
    assert seal.status is SealStatus.applied, seal.error
    sealing.confirm(db, clerk, seal)
    assert doc.status is DocumentStatus.sealed
    lifecycle.publish(db, clerk, doc, None)
    return doc
