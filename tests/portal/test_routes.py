"""Every registered route, walked with every demo role and anonymously.

The matrix below is the expected answer written out by hand; adding a route without adding it
here fails ``test_every_route_is_in_the_matrix``. Document routes act on a fresh requirements
document of 内蒙古自治区政府采购中心, submitted and waiting for review, for each request.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

import documents
from portal.demo import ACCOUNTS, ORGS
from portal.domain import lifecycle
from portal.models import User
from tests.helpers import csrf_token, sign_in

pytestmark = pytest.mark.db

ANONYMOUS = "anonymous"
SIGNED = [username for username, *_ in ACCOUNTS]
USERS = [ANONYMOUS, *SIGNED]
OWNERS = {"zj_clerk", "zj_reviewer"}  # the document's organisation
SUPPLIERS = {"gys_mfr", "gys_reseller", "gys_service"}


_KINDS = {spec.key: spec.kind.value for spec in ORGS}
PROJECT_STAFF = {u for u, _name, org, _positions in ACCOUNTS
                 if _KINDS[org] in ("collector", "agency")}


def project_staff(status: int) -> dict[str, int]:
    """Status for collectors' and agencies' users; 403 for everyone else."""
    return {u: status if u in PROJECT_STAFF else 403 for u in SIGNED}


def of_kinds(status: int, *kinds: str) -> dict[str, int]:
    """Status for the users of organisations of ``kinds``; 403 for everyone else."""
    return {u: status if _KINDS[org] in kinds else 403 for u, _name, org, _p in ACCOUNTS}


def only(username: str, status: int) -> dict[str, int]:
    return {u: status if u == username else 403 for u in SIGNED}


def suppliers(status: int) -> dict[str, int]:
    """Status for the suppliers' users; 403 for everyone else."""
    return {u: status if u in SUPPLIERS else 403 for u in SIGNED}


OPENERS = {"zj_clerk", "zj_reviewer", "zg_clerk", "zg_reviewer", "dl_clerk", "dl_reviewer",
           "hn_clerk", "hnjy_clerk", "hnjy_reviewer", "fj_clerk", "fj_reviewer"}


def openers(status: int) -> dict[str, int]:
    """Status for collectors' and agencies' users (who may run an opening); 403 elsewhere."""
    return {u: status if u in OPENERS else 403 for u in SIGNED}


def owners(status: int | dict[str, int], others: int = 404) -> dict[str, int]:
    """Status for the owning organisation's users (one for both, or per user); 404 elsewhere."""
    return {u: (status[u] if isinstance(status, dict) else status) if u in OWNERS else others
            for u in SIGNED}


# (method, path) -> (anonymous, signed-in: one status for all or a dict by username).
# "login" means 302 to the sign-in page.
MATRIX: dict[tuple[str, str], tuple[object, object]] = {
    ("GET", "/"): (200, 200),
    ("GET", "/login"): (200, 302),
    ("POST", "/login"): (400, 400),  # only a CSRF token: the form asks for the fields
    ("POST", "/logout"): ("login", 302),
    ("GET", "/todo"): ("login", 200),
    ("GET", "/account/password"): ("login", 200),
    ("POST", "/account/password"): ("login", 400),  # only a CSRF token: the form asks for more
    ("GET", "/lang/en"): (302, 302),
    ("GET", "/healthz"): (200, 200),
    ("GET", "/static/css/app.css"): (200, 200),
    ("GET", "/oversight/audit"): ("login", {**{u: 403 for u in SIGNED}, "cz_reviewer": 200}),
    ("GET", "/oversight/calendar"): ("login", {**{u: 403 for u in SIGNED}, "cz_reviewer": 200}),
    ("POST", "/oversight/calendar"): ("login", {**{u: 403 for u in SIGNED}, "cz_reviewer": 400}),
    ("GET", "/documents"): ("login", 200),
    ("GET", "/documents/new"): ("login", 200),
    ("POST", "/documents/new"): ("login", 400),
    ("GET", "/documents/{doc}"): ("login", owners(200)),
    ("GET", "/documents/{doc}/steps/overview"): ("login", owners(410)),
    ("POST", "/documents/{doc}/steps/overview"): ("login", owners(410)),
    ("GET", "/documents/{doc}/check"): ("login", owners(410)),
    ("POST", "/documents/{doc}/submit"): (
        "login", owners({"zj_clerk": 409, "zj_reviewer": 403})),
    ("POST", "/documents/{doc}/approve"): (  # 采购需求 needs both review opinions
        "login", owners({"zj_clerk": 403, "zj_reviewer": 400})),
    ("POST", "/documents/{doc}/return"): (
        "login", owners({"zj_clerk": 403, "zj_reviewer": 400})),
    ("POST", "/documents/{doc}/reopen"): (
        "login", owners({"zj_clerk": 409, "zj_reviewer": 403})),
    ("POST", "/documents/{doc}/publish"): (
        "login", owners({"zj_clerk": 409, "zj_reviewer": 403})),
    ("GET", "/documents/{doc}/preview"): ("login", owners(200)),
    ("GET", "/documents/revisions/{rev}/view"): ("login", owners(200)),
    ("POST", "/documents/{doc}/discard"): (  # submitted: no longer a draft to discard
        "login", owners({"zj_clerk": 409, "zj_reviewer": 403})),
    ("GET", "/documents/revisions/{rev}/status"): ("login", owners(200)),
    ("POST", "/documents/revisions/{rev}/render"): ("login", owners(302)),
    ("GET", "/documents/revisions/{rev}.pdf"): ("login", 404),  # not rendered yet
    ("GET", "/documents/revisions/{rev}.docx"): ("login", 404),
    ("GET", "/documents/{doc}/current.pdf"): ("login", 404),
    ("POST", "/documents/{doc}/upload"): ("login", owners(400)),  # no file
    # sealing: nothing to seal on an unrendered requirements document, and no such seal
    ("GET", "/documents/{doc}/seal"): ("login", 404),
    ("POST", "/documents/{doc}/seal"): ("login", 404),
    ("GET", "/documents/{doc}/pages/0.png"): ("login", 404),
    ("GET", "/seals/999999/status"): ("login", 404),
    ("POST", "/seals/999999/key"): ("login", 404),
    ("POST", "/seals/999999/confirm"): ("login", 404),
    ("POST", "/seals/999999/withdraw"): ("login", 404),
    ("POST", "/seals/999999/retry"): ("login", 404),
    ("GET", "/account/ca"): ("login", 200),
    ("POST", "/account/ca"): ("login", 400),  # no file, no PIN
    ("GET", "/projects"): ("login", 200),
    ("GET", "/projects/999999"): ("login", 404),
    ("POST", "/projects/999999/issue"): ("login", 404),
    ("POST", "/projects/999999/accept"): ("login", 404),
    ("POST", "/projects/999999/lead"): ("login", 404),
    ("POST", "/projects/999999/change"): ("login", 404),
    ("GET", "/projects/999999/agreements"): ("login", 404),
    ("POST", "/projects/999999/agreements/generate"): ("login", 404),
    ("POST", "/projects/999999/agreements/submit"): ("login", 404),
    ("POST", "/projects/999999/agreements/seal-all"): ("login", 404),
    ("GET", "/projects/999999/agreements/sealing"): ("login", 404),
    ("POST", "/projects/999999/agreements/sign"): ("login", 404),
    ("POST", "/projects/999999/agreements/confirm"): ("login", 404),
    ("POST", "/projects/999999/agreements/file"): ("login", 404),
    ("POST", "/agreements/999999/filing/receive"): ("login", 404),
    ("POST", "/agreements/999999/filing/return"): ("login", 404),
    ("GET", "/oversight/agreement-filing"): ("login", {**{u: 403 for u in SIGNED},
                                                       "cz_reviewer": 200}),
    ("POST", "/oversight/agreement-filing"): ("login", {**{u: 403 for u in SIGNED},
                                                        "cz_reviewer": 400}),
    ("GET", "/verify"): (200, 200),
    ("POST", "/verify"): (400, 400),  # no file
    ("GET", "/announcements"): (200, 200),
    ("GET", "/announcements/999999"): (404, 404),
    ("GET", "/announcements/999999.pdf"): (404, 404),
    ("GET", "/announcements.atom"): (200, 200),
    ("GET", "/ocds/releases.json"): (204, 204),  # an empty board: no release to package
    ("GET", "/ocds/records/ocds-kuangcai-X.json"): (404, 404),  # no such process
    ("GET", "/participation"): ("login", suppliers(200)),
    ("GET", "/participation/999999"): ("login", suppliers(404)),
    ("POST", "/participation/999999"): ("login", suppliers(404)),
    ("GET", "/participation/999999/solicitation.pdf"): ("login", suppliers(404)),
    ("GET", "/notices"): ("login", 200),
    # An evaluation nobody may see is not found; CSRF is checked after the 404.
    ("GET", "/evaluations/999999"): ("login", 404),
    ("GET", "/evaluations/999999/progress"): ("login", 404),
    ("POST", "/evaluations/999999/entries/1/credit"): ("login", 404),
    ("POST", "/evaluations/999999/confirm"): ("login", 404),
    ("POST", "/evaluations/start/999999/01"): ("login", 404),
    ("GET", "/evaluations/999999/entries/1/evidence.pdf"): ("login", 404),
    ("GET", "/responses/999999"): ("login", suppliers(404)),
    ("GET", "/responses/999999/01"): ("login", suppliers(404)),
    ("POST", "/responses/999999/01"): ("login", suppliers(404)),
    ("POST", "/responses/999999/01/attachments"): ("login", suppliers(404)),
    ("GET", "/responses/999999/01/check"): ("login", suppliers(404)),
    ("POST", "/responses/999999/01/self-test"): ("login", suppliers(404)),
    ("POST", "/responses/999999/01/submit"): ("login", suppliers(404)),
    ("POST", "/responses/999999/01/withdraw"): ("login", suppliers(404)),
    ("GET", "/responses/999999/01/receipt.json"): ("login", suppliers(404)),
    ("GET", "/responses/receipts/check"): ("login", 200),
    ("POST", "/responses/receipts/check"): ("login", 400),  # no file
    ("GET", "/opening/999999"): ("login", 404),
    ("GET", "/opening/999999/01"): ("login", 404),
    ("GET", "/opening/999999/01/progress"): ("login", 404),
    ("POST", "/opening/999999/01/open"): ("login", openers(404)),
    ("POST", "/opening/999999/01/decrypt"): ("login", suppliers(404)),
    ("POST", "/opening/999999/01/confirm"): ("login", suppliers(404)),
    ("POST", "/opening/999999/01/objection"): ("login", suppliers(404)),
    ("POST", "/opening/999999/01/answer/999999"): ("login", openers(404)),
    ("POST", "/opening/999999/01/record"): ("login", openers(404)),
    ("POST", "/notices/999999/read"): ("login", 404),
    ("GET", "/experts"): ("login", only("cz_reviewer", 200)),
    ("GET", "/experts/new"): ("login", only("cz_reviewer", 200)),
    ("POST", "/experts/new"): ("login", only("cz_reviewer", 400)),  # only a CSRF token
    ("GET", "/experts/999999/edit"): ("login", only("cz_reviewer", 404)),
    ("POST", "/experts/999999/edit"): ("login", only("cz_reviewer", 404)),
    ("POST", "/experts/999999/active"): ("login", only("cz_reviewer", 404)),
    ("GET", "/projects/999999/expert-draws"): ("login", project_staff(404)),
    ("POST", "/projects/999999/expert-draws"): ("login", project_staff(404)),
    ("GET", "/expert-draws/999999"): ("login", project_staff(404)),
    ("GET", "/expert-draws/999999/panel"): ("login", project_staff(404)),
    ("POST", "/expert-draws/999999/review"): ("login", project_staff(404)),
    ("GET", "/expert-draws/999999/recheck"): ("login", project_staff(404)),
    ("POST", "/draw-seats/999999/replace"): ("login", project_staff(404)),
    ("GET", "/reviews"): ("login", only("expert_wu", 200)),
    ("GET", "/reviews/999999"): ("login", only("expert_wu", 404)),
    ("POST", "/reviews/999999/decline"): ("login", only("expert_wu", 404)),
    ("POST", "/reviews/999999/check-in"): ("login", only("expert_wu", 404)),
    ("POST", "/reviews/999999/leader"): ("login", only("expert_wu", 404)),
    # issue 14 part C: 入围供应商管理, 委托代理商, 开放式框架协议申请, 框架协议公示
    ("GET", "/shortlisted"): ("login", project_staff(200)),
    ("GET", "/shortlisted/projects/999999"): ("login", project_staff(404)),
    ("GET", "/shortlisted/999999"): ("login", project_staff(404)),
    ("POST", "/shortlisted/999999/contacts"): ("login", project_staff(404)),
    ("POST", "/shortlisted/999999/status"): ("login", project_staff(404)),
    ("GET", "/delegations"): ("login", of_kinds(200, "supplier", "collector")),
    ("POST", "/delegations/shortlisted/999999"): ("login", suppliers(404)),
    ("POST", "/delegations/999999/confirm"): ("login", of_kinds(404, "collector")),
    ("POST", "/delegations/999999/reject"): ("login", of_kinds(404, "collector")),
    ("POST", "/delegations/999999/withdraw"): ("login", suppliers(404)),
    ("POST", "/delegations/999999/regions"): ("login", suppliers(404)),
    ("POST", "/delegations/999999/price"): ("login", suppliers(404)),
    ("GET", "/delegations/999999/letter.pdf"): ("login", of_kinds(404, "supplier", "collector")),
    ("GET", "/open-applications"): ("login", of_kinds(200, "supplier", "collector", "agency")),
    ("GET", "/open-applications/projects/999999"): ("login", suppliers(404)),
    ("POST", "/open-applications/projects/999999"): ("login", suppliers(404)),
    ("POST", "/open-applications/999999/admit"): ("login", project_staff(404)),
    ("POST", "/open-applications/999999/reject"): ("login", project_staff(404)),
    ("GET", "/open-applications/999999/qualification.pdf"): (
        "login", of_kinds(404, "supplier", "collector", "agency")),
    ("GET", "/agreements/999999"): (404, 404),
    ("GET", "/plans"): ("login", of_kinds(200, "purchaser")),
    ("GET", "/plans/999999"): ("login", of_kinds(404, "purchaser")),
    ("GET", "/catalogue"): ("login", of_kinds(200, "purchaser")),
    ("GET", "/catalogue/999999-0"): ("login", of_kinds(404, "purchaser")),
    ("GET", "/cart"): ("login", of_kinds(200, "purchaser")),
    ("POST", "/cart/add/999999-0"): ("login", of_kinds(404, "purchaser")),
    ("POST", "/cart/999999"): ("login", of_kinds(404, "purchaser")),
    ("POST", "/cart/999999/remove"): ("login", of_kinds(404, "purchaser")),
    ("POST", "/cart/checkout"): ("login", of_kinds(400, "purchaser")),
    ("GET", "/orders"): ("login", of_kinds(200, "purchaser", "supplier")),
    ("GET", "/orders/999999"): ("login", of_kinds(404, "purchaser", "supplier")),
    ("POST", "/orders/999999/send"): ("login", of_kinds(404, "purchaser", "supplier")),
    ("GET", "/orders/999999/files/invoice.pdf"): ("login", of_kinds(404, "purchaser", "supplier")),
    ("GET", "/filings"): ("login", of_kinds(200, "regulator")),
    ("GET", "/selections"): ("login", of_kinds(200, "purchaser", "supplier")),
    ("GET", "/biddings"): ("login", of_kinds(200, "purchaser", "supplier")),
    ("POST", "/catalogue/999999-0/rotation"): ("login", of_kinds(404, "purchaser")),
    ("GET", "/awards"): ("login", of_kinds(200, "purchaser", "collector")),
    ("GET", "/awards/new/999999-0"): ("login", of_kinds(404, "purchaser")),
    ("POST", "/awards/new/999999-0"): ("login", of_kinds(404, "purchaser")),
    ("GET", "/awards/999999"): ("login", of_kinds(404, "purchaser", "collector")),
    ("GET", "/awards/999999/evidence.pdf"): ("login", of_kinds(404, "purchaser", "collector")),
    ("POST", "/awards/999999/decide"): ("login", of_kinds(404, "purchaser", "collector")),
    ("GET", "/biddings/new/999999-0"): ("login", of_kinds(404, "purchaser")),
    ("POST", "/biddings/new/999999-0"): ("login", of_kinds(404, "purchaser")),
    ("GET", "/biddings/999999"): ("login", of_kinds(404, "purchaser", "supplier")),
    ("GET", "/biddings/999999/state"): ("login", of_kinds(404, "purchaser", "supplier")),
    ("POST", "/biddings/999999/quote"): ("login", of_kinds(404, "purchaser", "supplier")),
    ("GET", "/selections/new/999999-0"): ("login", of_kinds(404, "purchaser")),
    ("POST", "/selections/new/999999-0"): ("login", of_kinds(404, "purchaser")),
    ("GET", "/selections/999999"): ("login", of_kinds(404, "purchaser", "supplier")),
    ("POST", "/selections/999999/quote"): ("login", of_kinds(404, "purchaser", "supplier")),
    ("GET", "/filings/999999"): ("login", of_kinds(404, "regulator", "purchaser", "supplier")),
    ("GET", "/filings/999999/contract.pdf"): (
        "login", of_kinds(404, "regulator", "purchaser", "supplier")),
    ("POST", "/filings/999999/receive"): ("login", of_kinds(404, "regulator")),
    ("POST", "/filings/999999/return"): ("login", of_kinds(404, "regulator")),
    # 企业信息 and 产品管理: suppliers' own pages; a reseller enters no products (403 with why)
    ("GET", "/supplier/profile"): ("login", suppliers(200)),
    ("POST", "/supplier/profile"): ("login", suppliers(400)),  # only a token: fields missing
    ("GET", "/products"): ("login", suppliers(200)),
    ("GET", "/products/new"): ("login", {**suppliers(200), "gys_reseller": 403}),
    ("POST", "/products/new"): ("login", {**suppliers(400), "gys_reseller": 403}),
    ("GET", "/products/999999/edit"): ("login", suppliers(404)),
    ("POST", "/products/999999/edit"): ("login", suppliers(404)),
    ("POST", "/products/999999/stock"): ("login", suppliers(404)),
    ("POST", "/products/999999/copy"): ("login", suppliers(404)),
    ("GET", "/products/999999/parts"): ("login", suppliers(404)),
    ("POST", "/products/999999/parts"): ("login", suppliers(404)),
}

ENDPOINT_PATHS = {
    "main.home": ["/"],
    "auth.login": ["/login"],
    "auth.logout": ["/logout"],
    "auth.change_password": ["/account/password"],
    "main.todo": ["/todo"],
    "main.set_language": ["/lang/en"],
    "health.healthz": ["/healthz"],
    "static": ["/static/css/app.css"],
    "oversight.audit_trail": ["/oversight/audit"],
    "oversight.calendar": ["/oversight/calendar"],
    "oversight.record_year": ["/oversight/calendar"],
    "agreements.index": ["/projects/999999/agreements"],
    "agreements.generate": ["/projects/999999/agreements/generate"],
    "agreements.submit": ["/projects/999999/agreements/submit"],
    "agreements.seal_all": ["/projects/999999/agreements/seal-all"],
    "agreements.sealing_status": ["/projects/999999/agreements/sealing"],
    "agreements.sign": ["/projects/999999/agreements/sign"],
    "agreements.confirm": ["/projects/999999/agreements/confirm"],
    "agreements.file": ["/projects/999999/agreements/file"],
    "agreements.receive": ["/agreements/999999/filing/receive"],
    "agreements.return_filing": ["/agreements/999999/filing/return"],
    "agreements.filing_settings": ["/oversight/agreement-filing"],
    "agreements.set_filing": ["/oversight/agreement-filing"],
    "documents.index": ["/documents"],
    "documents.new": ["/documents/new"],
    "documents.show": ["/documents/{doc}"],
    "documents.step": ["/documents/{doc}/steps/overview"],
    "documents.check": ["/documents/{doc}/check"],
    "documents.submit": ["/documents/{doc}/submit"],
    "documents.approve": ["/documents/{doc}/approve"],
    "documents.return_to_drafter": ["/documents/{doc}/return"],
    "documents.reopen": ["/documents/{doc}/reopen"],
    "documents.publish": ["/documents/{doc}/publish"],
    "documents.preview": ["/documents/{doc}/preview"],
    "documents.revision_view": ["/documents/revisions/{rev}/view"],
    "documents.discard": ["/documents/{doc}/discard"],
    "documents.render_status": ["/documents/revisions/{rev}/status"],
    "documents.rerender": ["/documents/revisions/{rev}/render"],
    "documents.download": ["/documents/revisions/{rev}.pdf", "/documents/revisions/{rev}.docx"],
    "documents.current_pdf": ["/documents/{doc}/current.pdf"],
    "documents.upload": ["/documents/{doc}/upload"],
    "sealing.stamp": ["/documents/{doc}/seal"],
    "sealing.start": ["/documents/{doc}/seal"],
    "sealing.page_image": ["/documents/{doc}/pages/0.png"],
    "sealing.status": ["/seals/999999/status"],
    "sealing.key": ["/seals/999999/key"],
    "sealing.confirm": ["/seals/999999/confirm"],
    "sealing.withdraw": ["/seals/999999/withdraw"],
    "sealing.retry": ["/seals/999999/retry"],
    "credentials.manage": ["/account/ca"],
    "credentials.bind": ["/account/ca"],
    "verify.verify": ["/verify"],
    "projects.index": ["/projects"],
    "projects.show": ["/projects/999999"],
    "projects.issue": ["/projects/999999/issue"],
    "projects.accept": ["/projects/999999/accept"],
    "projects.lead": ["/projects/999999/lead"],
    "projects.change": ["/projects/999999/change"],
    "board.index": ["/announcements"],
    "board.show": ["/announcements/999999"],
    "board.pdf": ["/announcements/999999.pdf"],
    "board.feed": ["/announcements.atom"],
    "board.releases": ["/ocds/releases.json"],
    "board.record": ["/ocds/records/ocds-kuangcai-X.json"],
    "participation.index": ["/participation"],
    "participation.join_form": ["/participation/999999"],
    "participation.join": ["/participation/999999"],
    "participation.solicitation": ["/participation/999999/solicitation.pdf"],
    "notices.index": ["/notices"],
    "evaluation.show": ["/evaluations/999999"],
    "evaluation.progress": ["/evaluations/999999/progress"],
    "evaluation.record": ["/evaluations/999999/entries/1/credit"],
    "evaluation.advance": ["/evaluations/999999/confirm"],
    "evaluation.start": ["/evaluations/start/999999/01"],
    "evaluation.evidence": ["/evaluations/999999/entries/1/evidence.pdf"],
    "notices.read": ["/notices/999999/read"],
    "responses.index": ["/responses/999999"],
    "responses.lot": ["/responses/999999/01"],
    "responses.save": ["/responses/999999/01"],
    "responses.attach": ["/responses/999999/01/attachments"],
    "responses.check": ["/responses/999999/01/check"],
    "responses.self_test": ["/responses/999999/01/self-test"],
    "responses.submit": ["/responses/999999/01/submit"],
    "responses.withdraw": ["/responses/999999/01/withdraw"],
    "responses.receipt": ["/responses/999999/01/receipt.json"],
    "responses.check_receipt": ["/responses/receipts/check"],
    "opening.index": ["/opening/999999"],
    "opening.hall": ["/opening/999999/01"],
    "opening.progress": ["/opening/999999/01/progress"],
    "opening.open_lot": ["/opening/999999/01/open"],
    "opening.decrypt": ["/opening/999999/01/decrypt"],
    "opening.confirm": ["/opening/999999/01/confirm"],
    "opening.objection": ["/opening/999999/01/objection"],
    "opening.answer": ["/opening/999999/01/answer/999999"],
    "opening.record": ["/opening/999999/01/record"],
    "experts.pool": ["/experts"],
    "experts.add": ["/experts/new"],
    "experts.edit": ["/experts/999999/edit"],
    "experts.set_active": ["/experts/999999/active"],
    "experts.draws": ["/projects/999999/expert-draws"],
    "experts.request_draw": ["/projects/999999/expert-draws"],
    "experts.draw": ["/expert-draws/999999"],
    "experts.panel_state": ["/expert-draws/999999/panel"],
    "experts.review": ["/expert-draws/999999/review"],
    "experts.recheck": ["/expert-draws/999999/recheck"],
    "experts.replace": ["/draw-seats/999999/replace"],
    "experts.my_reviews": ["/reviews"],
    "experts.seat": ["/reviews/999999"],
    "experts.decline": ["/reviews/999999/decline"],
    "experts.check_in": ["/reviews/999999/check-in"],
    "experts.choose_leader": ["/reviews/999999/leader"],
    "shortlisted.index": ["/shortlisted"],
    "shortlisted.project": ["/shortlisted/projects/999999"],
    "shortlisted.show": ["/shortlisted/999999"],
    "shortlisted.contacts": ["/shortlisted/999999/contacts"],
    "shortlisted.change_status": ["/shortlisted/999999/status"],
    "delegations.index": ["/delegations"],
    "delegations.delegate": ["/delegations/shortlisted/999999"],
    "delegations.confirm": ["/delegations/999999/confirm"],
    "delegations.reject": ["/delegations/999999/reject"],
    "delegations.withdraw": ["/delegations/999999/withdraw"],
    "delegations.regions": ["/delegations/999999/regions"],
    "delegations.price": ["/delegations/999999/price"],
    "delegations.letter": ["/delegations/999999/letter.pdf"],
    "open_applications.index": ["/open-applications"],
    "open_applications.apply_form": ["/open-applications/projects/999999"],
    "open_applications.apply": ["/open-applications/projects/999999"],
    "open_applications.admit": ["/open-applications/999999/admit"],
    "open_applications.reject": ["/open-applications/999999/reject"],
    "open_applications.qualification": ["/open-applications/999999/qualification.pdf"],
    "agreement_board.show": ["/agreements/999999"],
    "plans.index": ["/plans"],
    "plans.show": ["/plans/999999"],
    "catalogue.index": ["/catalogue"],
    "catalogue.show": ["/catalogue/999999-0"],
    "cart.index": ["/cart"],
    "cart.add": ["/cart/add/999999-0"],
    "cart.update": ["/cart/999999"],
    "cart.remove": ["/cart/999999/remove"],
    "cart.checkout": ["/cart/checkout"],
    "orders.index": ["/orders"],
    "orders.show": ["/orders/999999"],
    "orders.act": ["/orders/999999/send"],
    "orders.file": ["/orders/999999/files/invoice.pdf"],
    "filings.index": ["/filings"],
    "selections.index": ["/selections"],
    "biddings.index": ["/biddings"],
    "catalogue.rotate": ["/catalogue/999999-0/rotation"],
    "awards.index": ["/awards"],
    "awards.new": ["/awards/new/999999-0"],
    "awards.apply": ["/awards/new/999999-0"],
    "awards.show": ["/awards/999999"],
    "awards.evidence": ["/awards/999999/evidence.pdf"],
    "awards.decide": ["/awards/999999/decide"],
    "biddings.new": ["/biddings/new/999999-0"],
    "biddings.create": ["/biddings/new/999999-0"],
    "biddings.show": ["/biddings/999999"],
    "biddings.state": ["/biddings/999999/state"],
    "biddings.act": ["/biddings/999999/quote"],
    "selections.new": ["/selections/new/999999-0"],
    "selections.publish": ["/selections/new/999999-0"],
    "selections.show": ["/selections/999999"],
    "selections.act": ["/selections/999999/quote"],
    "filings.show": ["/filings/999999"],
    "filings.contract_pdf": ["/filings/999999/contract.pdf"],
    "filings.receive": ["/filings/999999/receive"],
    "filings.return_filing": ["/filings/999999/return"],
    "products.profile": ["/supplier/profile"],
    "products.index": ["/products"],
    "products.add": ["/products/new"],
    "products.edit": ["/products/999999/edit"],
    "products.stock": ["/products/999999/stock"],
    "products.copy": ["/products/999999/copy"],
    "products.parts": ["/products/999999/parts"],
}


def test_every_route_is_in_the_matrix(app) -> None:
    registered = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert registered == set(ENDPOINT_PATHS), "add new routes to MATRIX and ENDPOINT_PATHS"
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            for path in ENDPOINT_PATHS[rule.endpoint]:
                assert (method, path) in MATRIX, (method, rule.rule)


def _submitted_requirements(db) -> tuple[int, int]:
    clerk = db.scalar(select(User).where(User.username == "zj_clerk"))
    kind = documents.get_kind("requirements")
    doc = lifecycle.create_draft(db, clerk, kind.code, "路由矩阵", start_from=kind.sample())
    revision = lifecycle.submit(db, clerk, doc, None)
    return doc.id, revision.id


@pytest.mark.parametrize("user", USERS)
def test_route_matrix(demo, db, user: str) -> None:
    client = demo.test_client()
    if user != ANONYMOUS:
        assert sign_in(client, user).status_code == 302
    form_page = "/login" if user == ANONYMOUS else "/"
    token = csrf_token(client.get(form_page).get_data(as_text=True))
    for (method, template), (anonymous, signed) in MATRIX.items():
        path = template
        if "{" in template:
            doc_id, revision_id = _submitted_requirements(db)
            path = template.format(doc=doc_id, rev=revision_id)
        expected = anonymous if user == ANONYMOUS else signed
        if isinstance(expected, dict):
            expected = expected[user]
        data = {"csrf_token": token} if method == "POST" else None
        with client.open(path, method=method, data=data) as response:
            got = response.status_code
            if expected == "login":
                assert got == 302, (user, method, path, got)
                assert response.headers["Location"].startswith("/login?next="), (user, path)
            else:
                assert got == expected, (user, method, path, got)
        if (method, template) == ("POST", "/logout"):  # signed out now: sign in again
            if user != ANONYMOUS:
                assert sign_in(client, user).status_code == 302
            token = csrf_token(client.get(form_page).get_data(as_text=True))
