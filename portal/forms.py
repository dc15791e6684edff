"""Forms of the portal's own pages (document wizards' forms live with their kinds)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Regexp,
)
from wtforms.widgets import CheckboxInput, ListWidget

import documents
from portal.domain import projects
from portal.domain.lifecycle import ROLE_NAMES, may_draft
from portal.models import Organisation, OrgKind, Project, User


class LoginForm(FlaskForm):
    username = StringField(
        _l("用户名"), validators=[DataRequired(_l("请输入用户名")), Length(max=64)]
    )
    password = PasswordField(
        _l("密码"), validators=[DataRequired(_l("请输入密码")), Length(max=256)]
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("当前密码"), validators=[DataRequired(_l("请输入当前密码")), Length(max=256)]
    )
    new = PasswordField(
        _l("新密码"), validators=[DataRequired(_l("请输入新密码")), Length(min=8, max=256)]
    )
    confirm = PasswordField(
        _l("再次输入新密码"),
        validators=[DataRequired(_l("请再次输入新密码")),
                    EqualTo("new", _l("两次输入的新密码不一致"))],
    )


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that POST (logout)."""


class VersionForm(FlaskForm):
    """CSRF token plus the version the user saw, for optimistic locking."""

    version = HiddenField()


class ReturnForm(VersionForm):
    reason = TextAreaField(
        _l("退回原因"),
        validators=[DataRequired(_l("退回时必须填写退回原因。")), Length(max=500)],
    )


PARTY_ROLES = [kind.value for kind in OrgKind]


class NewDocumentForm(FlaskForm):
    kind = SelectField(_l("文书种类"), validators=[InputRequired(_l("请选择文书种类"))])
    title = StringField(
        _l("标题"), validators=[DataRequired(_l("请填写文书标题")), Length(max=200)]
    )
    project = SelectField(_l("所属采购项目"), coerce=int, default=0)
    use_sample = BooleanField(_l("以示例数据开始（便于熟悉填写内容）"))
    party_collector = SelectField(_l("征集人"), coerce=int, default=0)
    party_agency = SelectField(_l("代理机构"), coerce=int, default=0)
    party_purchaser = SelectField(_l("采购人"), coerce=int, default=0)
    party_supplier = SelectField(_l("供应商"), coerce=int, default=0)
    party_regulator = SelectField(_l("财政部门"), coerce=int, default=0)

    @classmethod
    def for_user(cls, user: User, db: Session) -> NewDocumentForm:
        form = cls()
        form.user = user
        form.kind.choices = [SelectChoice("", _("请选择"))] + [
            SelectChoice(k.code, k.title) for k in documents.all_kinds() if may_draft(user, k)
        ]
        form.projects = {p.id: p for p in projects.visible_to(db, user)}
        form.project.choices = [SelectChoice(0, _("（不属于项目 / 新立项）"))] + [
            SelectChoice(p.id, f"{p.number} {p.name}") for p in form.projects.values()
        ]
        form.orgs = {o.id: o for o in db.scalars(select(Organisation).order_by(Organisation.id))}
        for role in PARTY_ROLES:
            field = getattr(form, f"party_{role}")
            field.choices = [SelectChoice(0, _("（不涉及）"))] + [
                SelectChoice(o.id, o.name) for o in form.orgs.values() if o.kind.value == role
            ]
        return form

    def preselect(self, kind_code: str | None, project_id: int | None) -> None:
        """A link from 我的待办 names the kind and project to draft; unknown ones are ignored."""
        codes = {choice.value for choice in self.kind.choices} - {""}
        project = self.projects.get(project_id or 0)
        if kind_code is not None and kind_code in codes:
            self.kind.data = kind_code
            if project is not None:
                self.project.data = project.id
                self.title.data = f"{project.name}{documents.get_kind(kind_code).title}"

    def needed_roles(self, kind: documents.Kind) -> list[str]:
        sealing = set(kind.sealed_by) - set(kind.sealed_if_party)
        roles = {*kind.reviewed_by, *sealing} - {self.user.role.value, "expert"}
        return sorted(roles)

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        kind = documents.get_kind(self.kind.data)
        project = self.chosen_project()
        supplied = projects.project_parties(project) if project else {}
        missing = [role for role in self.needed_roles(kind)
                   if role not in supplied and not getattr(self, f"party_{role}").data]
        for role in missing:
            getattr(self, f"party_{role}").errors.append(
                _("“%(kind)s”需要%(role)s参与审核或盖章，请选择。",
                  kind=kind.title, role=_(ROLE_NAMES[role]))
            )
        return not missing

    def chosen_project(self) -> Project | None:
        return self.projects.get(self.project.data) if self.project.data else None

    def chosen_parties(self, kind: documents.Kind) -> dict[str, Organisation]:
        roles = {*self.needed_roles(kind), *kind.sealed_if_party} - {self.user.role.value}
        # the drafter is the party of its own block (a purchaser's 委托代理协议 has no collector)
        own = kind.block_of(self.user.role.value)
        roles = {role for role in roles if own is None or kind.block_of(role) != own}
        return {role: self.orgs[getattr(self, f"party_{role}").data]
                for role in sorted(roles) if getattr(self, f"party_{role}").data}


class PinForm(FlaskForm):
    """The CA PIN, asked at each sealing; never stored, logged or queued."""

    pin = PasswordField(
        _l("证书密码（PIN）"),
        validators=[DataRequired(_l("请输入证书密码")), Length(max=64)],
        render_kw={"autocomplete": "off"},
    )


class BindCredentialForm(FlaskForm):
    holder = SelectField(
        _l("证书类型"),
        choices=[SelectChoice("org", _l("单位证书（单位 key）")),
                 SelectChoice("person", _l("个人证书（个人 key）"))],
        default="org",
    )
    key_file = FileField(_l("证书文件（PKCS#12：.p12 / .pfx）"),
                         render_kw={"accept": ".p12,.pfx,application/x-pkcs12"})
    pin = PasswordField(
        _l("证书密码（PIN）"),
        validators=[DataRequired(_l("请输入证书密码")), Length(max=64)],
        render_kw={"autocomplete": "off"},
    )
    id_number = StringField(
        _l("身份证号码（绑定个人证书时填写）"), validators=[Length(max=18)]
    )


PDF_ACCEPT = ".pdf,application/pdf"


class VerifyForm(FlaskForm):
    pdf = FileField(_l("PDF 文件"), render_kw={"accept": PDF_ACCEPT})


class UploadPdfForm(VersionForm):
    pdf = FileField(_l("合同 PDF 文件（双方线下协商一致的合同）"),
                    render_kw={"accept": PDF_ACCEPT})


class IssueForm(FlaskForm):
    agency = SelectField(_l("受托代理机构"), coerce=int)


class LeadForm(FlaskForm):
    lead = SelectField(_l("项目负责人"), coerce=int)
    handler = SelectField(_l("项目经办人"), coerce=int)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class JoinForm(FlaskForm):
    """确认参与: who at the supplier the collector's notices and questions go to."""

    contact = StringField(_l("联系人"), filters=[_strip], validators=[
        DataRequired(_l("请填写联系人")), Length(max=50, message=_l("联系人不超过 50 个字"))])
    phone = TelField(_l("联系电话"), filters=[_strip], validators=[
        DataRequired(_l("请填写联系电话")),
        Regexp(documents.fields.PHONE,
               message=_l("请输入有效的手机号码或固定电话（如 0471-3318866）"))])
    email = EmailField(_l("电子邮箱"), filters=[_strip], validators=[
        DataRequired(_l("请填写电子邮箱")), Length(max=120, message=_l("电子邮箱过长")),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("请输入有效的电子邮箱"))])


class CalendarYearForm(FlaskForm):
    """One year's 节假日安排 as the State Council's notice gives it."""

    year = IntegerField(_l("年份"), validators=[InputRequired(_l("请填写年份"))])
    source = StringField(_l("依据（通知名称、发布日期）"), filters=[_strip],
                         validators=[Length(max=300)])
    holidays = TextAreaField(
        _l("放假日期"), description=_l("每个日期之间用空格、逗号或换行分隔；连续的日期可写作 "
                                   "2027-02-06~2027-02-12"))
    workdays = TextAreaField(_l("调休上班日期（周六、周日）"))


class ResponseForm(FlaskForm):
    """响应文件: one lot's product (one of the supplier's stocked products of the lot's 品目,
    choices set by the view), delivery and unit price."""

    product_id = SelectField(_l("响应产品（已入库）"), validate_choice=False, validators=[
        DataRequired(_l("请选择响应产品"))],
        description=_l("品牌、型号和技术参数取自所选的已入库产品"))
    delivery_period = StringField(_l("交货期"), filters=[_strip], validators=[
        DataRequired(_l("请填写交货期")), Length(max=100, message=_l("交货期不超过 100 个字"))],
        description=_l("如：合同签订后7日内"))
    delivery_place = StringField(_l("交货地点"), filters=[_strip], validators=[
        DataRequired(_l("请填写交货地点")), Length(max=200, message=_l("交货地点不超过 200 个字"))])
    unit_price = StringField(_l("响应单价（元）"), filters=[_strip], validators=[
        DataRequired(_l("请填写单价")),
        Regexp(r"^\d{1,12}(\.\d{1,2})?$", message=_l("单价应为数字，最多两位小数"))])


class ResponseAttachmentForm(FlaskForm):
    slot = SelectField(_l("附件类别"), choices=[
        SelectChoice("cover", _l("封面")), SelectChoice("qualification", _l("资格证明材料")),
        SelectChoice("business", _l("商务响应"))])
    file = FileField(_l("PDF 文件"))


class OpenLotForm(FlaskForm):
    minutes = IntegerField(_l("解密时限（分钟）"), default=30,
                           validators=[InputRequired(_l("请填写解密时限（分钟）"))],
                           description=_l("不少于 30 分钟"))


class ObjectionForm(FlaskForm):
    objection = TextAreaField(_l("异议内容"), filters=[_strip], validators=[
        DataRequired(_l("请填写异议内容")), Length(max=1000, message=_l("异议内容不超过 1000 字"))])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("答复"), filters=[_strip], validators=[
        DataRequired(_l("请填写答复")), Length(max=1000, message=_l("答复不超过 1000 字"))])


class ReceiptCheckForm(FlaskForm):
    file = FileField(_l("回执文件（.json）"))
class CheckboxesField(SelectMultipleField):
    """Several choices shown as checkboxes (专家品目)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ExpertForm(FlaskForm):
    """专家库 entry; the account fields only when adding."""

    name = StringField(_l("姓名"), filters=[_strip], validators=[
        DataRequired(_l("请填写姓名")), Length(max=64, message=_l("姓名不超过 64 个字"))])
    id_number = StringField(_l("身份证号码"), filters=[_strip], validators=[
        DataRequired(_l("请填写身份证号码")), Length(max=18, message=_l("身份证号码应为 18 位"))])
    categories = CheckboxesField(_l("可评审品目"), validators=[
        DataRequired(_l("请至少选择一个可评审品目"))])
    region = SelectField(_l("所在地区"), coerce=int)
    employer = StringField(_l("工作单位"), filters=[_strip], validators=[
        DataRequired(_l("请填写工作单位")), Length(max=128, message=_l("工作单位过长"))])
    employer_uscc = StringField(_l("工作单位统一社会信用代码（如有）"), filters=[_strip],
                                validators=[Length(max=18, message=_l("统一社会信用代码为 18 位"))])
    phone = TelField(_l("联系电话"), filters=[_strip], validators=[
        DataRequired(_l("请填写联系电话")),
        Regexp(documents.fields.PHONE,
               message=_l("请输入有效的手机号码或固定电话（如 0471-3318866）"))])
    username = StringField(_l("登录用户名"), filters=[_strip], validators=[
        Length(max=64, message=_l("用户名不超过 64 个字符"))])
    password = PasswordField(_l("初始密码（至少 8 位，请专家登录后修改）"),
                             validators=[Length(max=256)], render_kw={"autocomplete": "off"})


class DrawRequestForm(FlaskForm):
    """抽取申请."""

    category = SelectField(_l("专家品目"), validators=[InputRequired(_l("请选择专家品目"))])
    region = SelectField(_l("专家所在地区"), coerce=int)
    count = IntegerField(_l("抽取人数"), default=3, validators=[
        InputRequired(_l("请填写抽取人数")),
        NumberRange(1, 50, message=_l("抽取人数应为 1 至 50"))])
    reserve_count = IntegerField(_l("备选人数"), default=2, validators=[
        InputRequired(_l("请填写备选人数")),
        NumberRange(0, 50, message=_l("备选人数应为 0 至 50"))])
    extra_avoided = TextAreaField(
        _l("其他回避单位（每行一个单位名称或统一社会信用代码）"),
        description=_l("参与本项目的供应商、征集人和代理机构已自动回避。"),
        validators=[Length(max=2000)])


class DrawReviewForm(FlaskForm):
    opinion = TextAreaField(_l("审核意见（退回时必填）"), validators=[Length(max=500)])


class DeclineForm(FlaskForm):
    kind = SelectField(_l("类型"), choices=[SelectChoice("avoidance", _l("回避")),
                                          SelectChoice("unavailable", _l("无法参加"))])
    reason = TextAreaField(_l("原因"), validators=[
        DataRequired(_l("请填写回避或无法参加的原因")), Length(max=500)])


class CheckInForm(FlaskForm):
    method = SelectField(_l("签到方式"), choices=[
        SelectChoice("id_number", _l("身份证号码")),
        SelectChoice("certificate", _l("个人证书（CA）"))])
    id_number = StringField(_l("身份证号码"), filters=[_strip], validators=[Length(max=18)])
    pin = PasswordField(_l("个人证书密码（PIN）"), validators=[Length(max=64)],
                        render_kw={"autocomplete": "off"})


class LeaderForm(FlaskForm):
    leader = SelectField(_l("组长"), coerce=int)
