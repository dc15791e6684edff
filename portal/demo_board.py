"""The demo's public board: six framework-agreement projects (one of them with its call open on
the day the demo is seeded) and the call-offs made under two of them, each announcement
drafted, reviewed, rendered, sealed with its parties' keys and published through the same
commands the web pages call. Publication is now; the documents' dates tell the story as of
``STORY_DAY`` moved to the day of seeding, so the calls lie behind and the call-offs' biddings
ahead whenever the demo is seeded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo import DEMO_PIN, ORGS
from portal.domain.projects import NO_AGENCY, contact_block
from portal.models import (
    CollectorType,
    Document,
    DocumentStatus,
    Organisation,
    Position,
    Project,
    User,
    beijing_now,
)


@dataclass(frozen=True)
class DemoProject:
    collector: str  # org key
    number: str
    name: str
    category: str  # goods / services
    region: str  # 适用区域
    term_months: int
    budget: str
    lots: tuple[tuple[str, str, str, str, str], ...]  # name, 品目, max unit price, unit, quantity
    suppliers: tuple[tuple[str, str], ...]  # shortlisted: name, address
    opens: str  # publication date of the call (ISO)


PROJECTS = [
    DemoProject("nmg_centre", "NMGZC-KJ-2027-0011",
                "内蒙古自治区2027年度信息化设备框架协议采购项目",
                "goods", "内蒙古自治区", 12, "18000000.00", (
                    ("台式计算机", "台式计算机（A02010104）", "6500.00", "台", "1600"),
                    ("便携式计算机", "便携式计算机（A02010105）", "8200.00", "台", "800"),
                    ("A4黑白激光打印机", "激光打印机（A02021003）", "2600.00", "台", "400")),
                (("北方信创计算机有限公司", "呼和浩特市金桥开发区腾飞路5号"),
                 ("内蒙古蒙讯科技有限公司", "包头市昆都仑区钢铁大街21号"),
                 ("内蒙古草原云信息技术有限公司", "呼和浩特市金桥开发区腾飞南路8号")),
                "2027-01-11"),
    DemoProject("nmg_centre", "NMGZC-KJ-2027-0012", "内蒙古自治区2027年度空调设备框架协议采购项目",
                "goods", "内蒙古自治区", 12, "7440000.00", (
                    ("壁挂式空调", "空调机（A02061804）", "3800.00", "台", "1200"),
                    ("柜式空调", "空调机（A02061804）", "9600.00", "台", "300")),
                (), "2027-01-18"),
    DemoProject("nmg_edu", "NMGJYT-FW-2027-0003",
                "内蒙古自治区教育系统物业管理服务框架协议采购项目",
                "services", "内蒙古自治区教育系统", 24, "9600000.00", (
                    ("教学楼物业管理服务", "物业管理服务（C21040000）", "4.80", "平方米·月",
                     "200000"),
                    ("学生公寓物业管理服务", "物业管理服务（C21040000）", "3.90", "平方米·月",
                     "150000")),
                (("呼和浩特市洁安物业服务有限公司", "呼和浩特市赛罕区大学东街9号"),
                 ("内蒙古鸿运物业管理有限公司", "呼和浩特市新城区兴安北路36号")),
                "2027-02-08"),
    DemoProject("henan_edu", "HNJYT-FW-2027-0008", "河南省教育系统网络安全运维服务框架协议采购项目",
                "services", "河南省教育系统", 24, "7500000.00", (
                    ("校园网安全运维服务", "信息系统运行维护服务（C16070000）", "98000.00", "校·年",
                     "60"),
                    ("等级保护测评服务", "信息安全服务（C16060000）", "45000.00", "系统", "90")),
                (("河南中原数码科技有限公司", "郑州市金水区花园路126号"),
                 ("郑州天穹信息安全技术有限公司", "郑州市高新区莲花街55号"),
                 ("河南豫信网络科技有限公司", "郑州市郑东新区商务外环路20号")),
                "2027-02-22"),
    DemoProject("fujian_health", "FJWJ-FW-2027-0015",
                "福建省卫生健康系统医疗设备维保服务框架协议采购项目",
                "services", "福建省卫生健康系统", 24, "12800000.00", (
                    ("医学影像设备维保服务", "医疗设备维修和保养服务（C23090000）", "260000.00",
                     "台·年", "40"),
                    ("检验设备维保服务", "医疗设备维修和保养服务（C23090000）", "58000.00", "台·年",
                     "120"),
                    ("血液透析设备维保服务", "医疗设备维修和保养服务（C23090000）", "21000.00",
                     "台·年", "200")),
                (("福建闽康医疗设备工程有限公司", "福州市仓山区金山大道618号"),
                 ("厦门海晟医疗技术服务有限公司", "厦门市湖里区枋湖北二路1101号")),
                "2027-03-01"),
    DemoProject("fujian_health", "FJWJ-FW-2027-0016",
                "福建省卫生健康系统医疗机构保洁服务框架协议采购项目",
                "services", "福建省卫生健康系统", 24, "5400000.00", (
                    ("门诊及病区保洁服务", "保洁服务（C21050000）", "3.20", "平方米·月",
                     "300000"),),
                (), "2027-03-08"),
]

# Call-offs (二次竞价 → 成交结果 → 合同): purchaser key, project, lot, winning supplier (its
# index in the project's shortlist), quantity, unit price won, call-off number, month.
CALL_OFFS = [
    ("hhht_no1", 0, 0, 0, "80", "5760.00", "HHSYZ-2027-0007", "2027-04"),
    ("baotou_hosp", 0, 1, 1, "40", "7290.00", "BTZXYY-2027-0012", "2027-04"),
    ("baotou_hosp", 0, 0, 2, "120", "5690.00", "BTZXYY-2027-0019", "2027-05"),
    ("hhht_no1", 2, 0, 0, "24000", "4.38", "HHSYZ-2027-0015", "2027-05"),
]
SUPPLIER_CONTACTS = {
    "北方信创计算机有限公司": ("孙伟", "0471-6900006"),
    "内蒙古蒙讯科技有限公司": ("郭敏", "0472-6900007"),
    "内蒙古草原云信息技术有限公司": ("张磊", "13947100001"),
    "呼和浩特市洁安物业服务有限公司": ("韩梅", "0471-6900008"),
}

INTENTIONS = [
    ("hhht_no1", "2027年第二季度", "2027-03-20", (
        ("呼和浩特市第一中学教学用台式计算机采购",
         "采购教学用台式计算机80台，国产化适配，三年上门保修。",
         "480000.00", "2027-04"),
        ("呼和浩特市第一中学教学楼物业管理服务采购", "教学楼24000平方米物业管理服务一年。",
         "1296000.00", "2027-05"))),
    ("hhht_no1", "2027年第三季度", "2027-06-18", (
        ("呼和浩特市第一中学实验室设备采购", "采购物理、化学实验室仪器设备一批。", "650000.00",
         "2027-08"),)),
    ("baotou_hosp", "2027年第二季度", "2027-03-25", (
        ("包头市中心医院便携式计算机采购", "采购移动查房用便携式计算机40台。", "320000.00",
         "2027-04"),
        ("包头市中心医院门诊楼台式计算机更新", "更新门诊楼台式计算机120台。", "720000.00",
         "2027-05"))),
    ("baotou_hosp", "2027年第三季度", "2027-06-24", (
        ("包头市中心医院医学影像设备维保服务采购", "CT、MRI等医学影像设备全保维保服务一年。",
         "1800000.00", "2027-07"),)),
]


def _day(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


#: The day the tables above are written as of: calls opened before it, call-offs bid after.
STORY_DAY = date(2027, 4, 1)


def _story(iso: str) -> str:
    """A date (2027-01-11) or month (2027-04) of the tables, moved by as many days as today
    (Beijing) is from ``STORY_DAY``."""
    shift = beijing_now().date() - STORY_DAY
    if len(iso) == 7:
        return (date.fromisoformat(f"{iso}-01") + shift).isoformat()[:7]
    return (date.fromisoformat(iso) + shift).isoformat()




class _Board:
    """The publishing steps, with each queued job run at once in this app context."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.users = {u.username: u for u in db.scalars(select(User))}
        self.orgs = {spec.key: self.users_org(spec.uscc) for spec in ORGS}
        self.published = 0

    def users_org(self, uscc: str) -> Organisation:
        org = self.db.scalar(select(Organisation).where(Organisation.uscc == uscc))
        assert org is not None, "run seed() first"
        return org

    def key_of(self, org: Organisation) -> str:
        return next(key for key, found in self.orgs.items() if found.id == org.id)

    def clerk(self, org_key: str) -> User:
        return next(u for u in self.users.values()
                    if u.org_id == self.orgs[org_key].id and Position.clerk in u.positions)

    def reviewer(self, org_key: str) -> User:
        return next(u for u in self.users.values()
                    if u.org_id == self.orgs[org_key].id and Position.reviewer in u.positions)

    def submitted(self, org_key: str, kind_code: str, title: str, data: dict[str, Any],
                  parties: dict[str, Organisation] | None = None,
                  project_id: int | None = None) -> Document:
        """Drafted, submitted, reviewed by its own organisation where the kind asks, rendered."""
        from jobs.render import render_revision
        from portal.domain import lifecycle

        clerk = self.clerk(org_key)
        doc = lifecycle.create_draft(self.db, clerk, kind_code, title, parties=parties,
                                     start_from=data, project_id=project_id)
        revision = lifecycle.submit(self.db, clerk, doc, None)
        while doc.status is DocumentStatus.in_review:
            role = lifecycle.reviewing_role(doc)
            assert role is not None
            reviewer = (self.reviewer(org_key) if role == clerk.role.value
                        else self.reviewer_of(doc.party_org_id(role)))
            lifecycle.approve(self.db, reviewer, doc, None, {"opinion": "同意"})
        render_revision(revision.id)
        self.db.expire_all()
        return doc

    def reviewer_of(self, org_id: int | None) -> User:
        return next(u for u in self.users.values()
                    if u.org_id == org_id and Position.reviewer in u.positions)

    def publish(self, org_key: str, kind_code: str, title: str, data: dict[str, Any],
                parties: dict[str, Organisation] | None = None,
                project_id: int | None = None) -> Document:
        """Submitted as above, sealed by each party the kind names, and published."""
        from portal.domain import lifecycle

        doc = self.submitted(org_key, kind_code, title, data, parties, project_id)
        self.seal(doc)
        lifecycle.publish(self.db, self.clerk(org_key), doc, None)
        self.published += 1
        return doc

    def seal(self, doc: Document) -> None:
        """Each sealing party's clerk seals in turn at the reserved places."""
        from jobs.sealing import finish_seal, prepare_seal
        from portal.domain import lifecycle, sealing

        for role in lifecycle.sealers(doc):
            clerk = next(u for u in self.users.values() if u.org_id == doc.party_org_id(role)
                         and Position.clerk in u.positions)
            seal = sealing.start(self.db, clerk, doc, None, 0, None, None)
            prepare_seal(seal.id)
            self.db.expire_all()
            sealing.sign_with_pin(self.db, clerk, seal, DEMO_PIN)
            finish_seal(seal.id)
            self.db.expire_all()
            sealing.confirm(self.db, clerk, seal)

    # ---- one project: initiation and plan (not public), then its announcements -------------

    def project(self, p: DemoProject) -> Project:
        import documents

        collector = self.orgs[p.collector]
        supervising = collector.collector_type is CollectorType.supervising_unit
        regulator = self.orgs["henan_finance" if p.collector == "henan_edu" else
                              "fujian_finance" if p.collector == "fujian_health" else
                              "nmg_finance"]
        lots = [{"number": f"{n:02d}", "name": name, "category": item, "max_unit_price": price,
                 "unit": unit, "estimated_quantity": quantity,
                 "summary": f"{name}，最高限制单价{price}元/{unit}，预估{quantity}{unit[:1]}。"}
                for n, (name, item, price, unit, quantity) in enumerate(p.lots, start=1)]
        common = {"project_name": p.name, "project_number": p.number,
                  "project_category": p.category, "agreement_type": "closed",
                  "agreement_term_months": p.term_months, "region": p.region, "lots": lots}
        initiation = self.submitted(p.collector, "project_initiation", f"{p.name}立项", {
            **documents.get_kind("project_initiation").sample(), **common,
            "budget_amount": p.budget,
            "purpose": f"{p.region}各预算单位对{'、'.join(lot[0] for lot in p.lots)}需求量大、"
                       "采购频次高，适宜采用框架协议方式集中征集。"})
        self.submitted(p.collector, "procurement_plan", f"{p.name}采购方案", {
            **documents.get_kind("procurement_plan").sample(), **common,
            "collector_name": collector.name,
            "collector_kind": "supervising_unit" if supervising else "central_agency",
            "eligible_purchasers": f"{p.region}各预算单位"},
            parties={"regulator": regulator}, project_id=initiation.project_id)
        found = self.db.get(Project, initiation.project_id)
        assert found is not None
        return found

    def contacts(self, p: DemoProject, project: Project | None = None) -> dict[str, Any]:
        org = self.orgs[p.collector]
        agency = project.agency if project is not None else None
        return {"collector": contact_block(org),
                "agency": contact_block(agency) if agency is not None else NO_AGENCY,
                "project_contact": {"name": org.contact, "phone": org.phone}}

    def collection(self, p: DemoProject, project: Project, obtain_days: int = 6) -> None:
        import documents
        from portal.domain import projects, workdays

        kind = documents.get_kind("collection_announcement")
        start = p.opens
        # at least five working days to obtain the solicitation, whatever holidays fall in it
        calendar, opens = workdays.calendar(self.db), date.fromisoformat(start)
        while calendar.working_days(opens, opens + timedelta(days=obtain_days)) < 5:
            obtain_days += 1
        drafter = self.key_of(project.agency or project.collector)
        self.publish(drafter, kind.code, f"{p.name}征集公告", {
            **kind.sample(), **projects.prefill(project, kind), **self.contacts(p, project),
            "requirements_summary": f"<p>征集{'、'.join(lot[0] for lot in p.lots)}"
                                    f"{len(p.lots)}个包的入围供应商，供{p.region}各预算单位"
                                    "在协议期内采购。</p>",
            "eligible_purchasers": f"{p.region}各预算单位",
            "obtain_start": f"{start}T09:00", "obtain_end": f"{_day(start, obtain_days)}T17:00",
            "submission_deadline": f"{_day(start, 23)}T09:30",
            "opening_time": f"{_day(start, 23)}T09:30", "publication_date": start,
        }, projects.project_parties(project), project.id)

    def open_call(self, p: DemoProject) -> Project:
        """A project entrusted to 中咨 whose solicitation can be obtained now: suppliers can
        join it (参与项目) as soon as the demo starts."""
        import documents
        from portal.domain import projects

        project = self.project(p)
        projects.issue_to_agency(self.db, self.clerk(p.collector), project, self.orgs["zhongzi"])
        projects.accept_entrustment(self.db, self.clerk("zhongzi"), project)
        kind = documents.get_kind("solicitation")
        deadline = f"{_day(p.opens, 23)}T09:30"  # as its collection announcement says
        collector, agency = self.orgs[p.collector].name, self.orgs["zhongzi"].name
        solicitation = self.submitted("zhongzi", kind.code, f"{p.name}征集文件", {
            **kind.sample(), **projects.prefill(project, kind), "issue_date": p.opens,
            "invitation": f"<p>{collector}委托{agency}，就{p.name}采用框架协议采购方式进行"
                          "公开征集，欢迎符合资格条件的供应商参加。</p>",
            "submission_deadline": deadline, "opening_time": deadline,
            "pricing_rules": "<p>报价为含税、含运输、安装及质保期内服务的全部费用。</p>",
            "consumables_years": None,
        }, projects.project_parties(project), project.id)
        self.seal(solicitation)
        self.collection(p, project, obtain_days=10)
        return project

    def change(self, p: DemoProject, project: Project) -> None:
        import documents
        from portal.domain import projects

        kind = documents.get_kind("change_announcement")
        lot = p.lots[0]
        self.publish(p.collector, kind.code, f"{p.name}变更公告", {
            **kind.sample(), **self.contacts(p),
            "original_project_number": p.number, "original_project_name": p.name,
            "original_announcement_date": p.opens, "change_date": _day(p.opens, 9),
            "new_submission_deadline": f"{_day(p.opens, 30)}T09:30",
            "corrections": [
                {"target": "solicitation", "item": f"第01包{lot[0]}预估采购数量",
                 "old_value": f"{lot[4]}{lot[3]}",
                 "new_value": f"{int(lot[4]) * 6 // 5}{lot[3]}"},
                {"target": "announcement", "item": "响应文件提交截止时间及开启时间",
                 "old_value": f"{_day(p.opens, 23)} 09:30",
                 "new_value": f"{_day(p.opens, 30)} 09:30"}],
        }, projects.project_parties(project), project.id)

    def termination(self, p: DemoProject, project: Project) -> None:
        """Terminates the whole project (publishing it stops the project)."""
        import documents
        from portal.domain import projects

        reason = (f"因采购需求发生重大变化，经{self.orgs[p.collector].name}研究决定终止本项目"
                  "的征集活动。")
        self.submitted(p.collector, "termination_request", f"{p.name}终止采购申请", {
            "project_name": p.name, "project_number": p.number, "reason": reason,
            "request_date": _day(p.opens, 10)}, projects.project_parties(project), project.id)
        kind = documents.get_kind("termination_announcement")
        self.publish(p.collector, kind.code, f"{p.name}终止公告", {
            **kind.sample(), **self.contacts(p), "project_number": p.number,
            "project_name": p.name, "reason": f"<p>{reason}</p>",
            "announcement_date": _day(p.opens, 11),
            "other_matters": "<p>已获取征集文件的供应商将通过系统消息另行通知。</p>",
        }, projects.project_parties(project), project.id)

    def shortlist(self, p: DemoProject, project: Project) -> None:
        import documents
        from portal.domain import projects

        kind = documents.get_kind("shortlist_announcement")
        rows = []
        for n, (name, _item, price, unit, _quantity) in enumerate(p.lots, start=1):
            offers = [(supplier, Decimal(price) * Decimal(f"0.{94 - 2 * i - n}"))
                      for i, supplier in enumerate(p.suppliers)]
            rows.append({
                "number": f"{n:02d}", "name": name,
                "highest_price": f"{max(o for _, o in offers):.2f}",
                "suppliers": [{"name": s[0], "address": s[1], "agreement_price": f"{o:.2f}",
                               "product": f"{s[0][:4]}{name}（{unit}）"} for s, o in offers]})
        self.publish(p.collector, kind.code, f"{p.name}入围结果公告", {
            **kind.sample(), **self.contacts(p), "project_number": p.number,
            "project_name": p.name, "lots": rows, "announcement_date": _day(p.opens, 28),
        }, projects.project_parties(project), project.id)

    # ---- the purchasers' side: intentions, and call-offs under a framework agreement -------

    def intention(self, purchaser: str, quarter: str, day: str,
                  items: tuple[tuple[str, str, str, str], ...]) -> None:
        import documents

        kind = documents.get_kind("intention_announcement")
        org = self.orgs[purchaser]
        self.publish(purchaser, kind.code, f"{org.name}{quarter}政府采购意向公告", {
            **kind.sample(), "purchaser_name": org.name, "announcement_date": _story(day),
            "intentions": [{"project_name": name, "requirements_outline": outline,
                            "budget_amount": budget, "expected_month": _story(month),
                            "remarks": ""}
                           for name, outline, budget, month in items]})

    def call_off(self, purchaser: str, p: DemoProject, lot_index: int, winner: int,
                 quantity: str, price: str, number: str, month: str) -> None:
        import documents

        org, collector = self.orgs[purchaser], self.orgs[p.collector]
        name, _item, max_price, unit, _ = p.lots[lot_index]
        lot = f"第{lot_index + 1:02d}包 {name}"
        project_name = f"{org.name}{name}采购"
        agreement = f"{p.name}框架协议"
        supplier_name, supplier_address = p.suppliers[winner]
        contact, phone = SUPPLIER_CONTACTS[supplier_name]
        amount = f"{Decimal(quantity) * Decimal(price):.2f}"
        spec = f"按框架协议第{lot_index + 1:02d}包技术要求"
        parties = {"collector": collector}

        kind = documents.get_kind("bidding_announcement")
        self.publish(purchaser, kind.code, f"{project_name}二次竞价公告", {
            **kind.sample(), "project_number": number, "agreement_name": agreement,
            "agreement_number": f"{p.number}-KX01", "lot_name": lot,
            "purchaser": contact_block(org),
            "items": [{"name": name, "specification": spec, "quantity": quantity,
                       "unit": unit, "max_unit_price": max_price}],
            "delivery_place": org.address, "published_at": f"{_story(month + '-05')}T09:00",
            "start_time": f"{_story(month + '-08')}T09:00",
            "project_contact": {"name": org.contact, "phone": org.phone}}, parties)
        kind = documents.get_kind("deal_announcement")
        items = [{"name": name, "specification": f"{supplier_name[:4]}{name}",
                  "quantity": quantity, "unit": unit, "unit_price": price}]
        self.publish(purchaser, kind.code, f"{project_name}成交结果公告", {
            **kind.sample(), "project_name": project_name, "project_number": number,
            "agreement_name": agreement, "agreement_number": f"{p.number}-KX01",
            "purchaser": contact_block(org),
            "supplier": {"name": supplier_name, "address": supplier_address},
            "items": items, "deal_amount": amount, "decision_date": _story(f"{month}-09"),
            "announcement_date": _story(f"{month}-10")}, parties)
        kind = documents.get_kind("contract_announcement")
        self.publish(purchaser, kind.code, f"{project_name}合同公告", {
            **kind.sample(), "contract_number": f"{number}-HT", "project_number": number,
            "contract_name": f"{project_name}合同", "project_name": project_name,
            "purchaser": contact_block(org),
            "supplier": {"name": supplier_name, "address": supplier_address,
                         "contact": contact, "phone": phone},
            "items": items, "contract_amount": amount, "performance_place": org.address,
            "signing_date": _story(f"{month}-16"),
            "announcement_date": _story(f"{month}-17")}, parties)


def seed_board(db: Session) -> int:
    """Publish the demo board through the real lifecycle and seals; return how many were
    published. Needs ``seed`` and ``seed_credentials`` first, an app context and a Redis (the
    commands queue their jobs as usual; each job is also run here at once, so a worker later
    finds nothing to do). Does nothing when the board already has announcements."""
    from sqlalchemy import func

    from portal.models import Announcement

    if db.scalar(select(func.count()).select_from(Announcement)):
        return 0
    board = _Board(db)
    story = [replace(p, opens=_story(p.opens)) for p in PROJECTS]
    projects = {p.number: board.project(p) for p in story}
    nmg_it, nmg_ac, nmg_fm, hn, fj, fj_clean = story
    for purchaser, quarter, day, items in INTENTIONS[::2]:
        board.intention(purchaser, quarter, day, items)
    for p in story:
        board.collection(p, projects[p.number])
    for p in (nmg_it, nmg_fm, hn, fj):
        board.change(p, projects[p.number])
    for p in (nmg_ac, fj_clean):
        board.termination(p, projects[p.number])
    for p in (nmg_it, nmg_fm, hn, fj):
        board.shortlist(p, projects[p.number])
    for purchaser, project, lot, winner, quantity, price, number, month in CALL_OFFS:
        board.call_off(purchaser, story[project], lot, winner, quantity, price, number,
                       month)
    for purchaser, quarter, day, items in INTENTIONS[1::2]:
        board.intention(purchaser, quarter, day, items)
    board.open_call(open_call_project())
    return board.published


def open_call_project() -> DemoProject:
    """The call open on the day the demo is seeded (Beijing time), from yesterday."""
    yesterday = (beijing_now() - timedelta(days=1)).date().isoformat()
    return DemoProject(
        "nmg_centre", "NMGZC-KJ-2027-0020", "内蒙古自治区2027年度办公家具框架协议采购项目",
        "goods", "内蒙古自治区", 12, "6300000.00", (
            ("办公桌", "办公桌（A05010201）", "1800.00", "张", "2000"),
            ("办公椅", "办公椅（A05010301）", "900.00", "把", "3000")),
        (), yesterday)
