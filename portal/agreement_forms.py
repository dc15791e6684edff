"""Forms of 入围供应商管理, 委托代理商 and 开放式框架协议申请 (issue 14, part C)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import VersionForm


class ContactsForm(VersionForm):
    address = StringField(_l("供应商地址"), validators=[DataRequired(_l("请填写供应商地址")),
                                                    Length(max=256)])
    contact = StringField(_l("联系人"), validators=[DataRequired(_l("请填写联系人")),
                                                 Length(max=64)])
    phone = TelField(_l("联系电话"), validators=[DataRequired(_l("请填写联系电话")),
                                             Length(max=32)])


class StatusForm(VersionForm):
    command = HiddenField()
    reason = TextAreaField(_l("原因"), validators=[DataRequired(_l("请填写原因。")),
                                                 Length(max=500)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("不通过原因"), validators=[
        DataRequired(_l("不通过时须填写原因。")), Length(max=500)])


class DelegateForm(FlaskForm):
    reseller = SelectField(_l("代理商"), coerce=int, default=0)
    letter = FileField(_l("委托协议（PDF）"))


class RegionsForm(FlaskForm):
    regions = SelectMultipleField(_l("配送区域"), coerce=int, widget=ListWidget(prefix_label=False),
                                  option_widget=CheckboxInput())


class PriceForm(FlaskForm):
    price = StringField(_l("我的报价（元）"), validators=[DataRequired(_l("请填写报价。")),
                                                     Length(max=20)],
                        render_kw={"inputmode": "decimal"})


class ApplyForm(FlaskForm):
    lot = SelectField(_l("申请加入的包"), validators=[InputRequired(_l("请选择包"))])
    product = SelectField(_l("响应产品（已入库）"), coerce=int, default=0)
    unit_price = StringField(_l("申请价格（元）"), validators=[
        DataRequired(_l("请填写申请价格。")), Length(max=20)], render_kw={"inputmode": "decimal"})
    statement = TextAreaField(_l("资格声明"), validators=[
        DataRequired(_l("请填写资格声明。")), Length(max=4000)])
    qualification = FileField(_l("资格证明材料（PDF）"))
