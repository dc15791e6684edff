"""Forms of the catalogue, the cart and orders (issue 15)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

QUANTITY = {"inputmode": "decimal", "maxlength": 12}


class AddForm(FlaskForm):
    quantity = StringField(_l("数量"), default="1", render_kw=QUANTITY,
                           validators=[DataRequired(_l("请填写数量。")), Length(max=12)])


class CartLineForm(FlaskForm):
    quantity = StringField(_l("数量"), render_kw=QUANTITY,
                           validators=[DataRequired(_l("请填写数量。")), Length(max=12)])
    seller = SelectField(_l("供应商"), validators=[InputRequired(_l("请选择供应商。"))])


class CheckoutForm(FlaskForm):
    plan_line = SelectField(_l("采购计划明细"),
                            validators=[InputRequired(_l("请选择采购计划明细。"))])
    delivery_address = StringField(_l("收货地址"), validators=[
        DataRequired(_l("请填写收货地址。")), Length(max=256)])
    contact = StringField(_l("联系人"), validators=[DataRequired(_l("请填写联系人。")),
                                                 Length(max=64)])
    phone = TelField(_l("联系电话"), validators=[DataRequired(_l("请填写联系电话。")),
                                             Length(max=32)])


class RotationForm(CheckoutForm):
    """轮候下单: the quantity, then a plan line and where to deliver, as at checkout."""

    quantity = StringField(_l("数量"), default="1", render_kw=QUANTITY,
                           validators=[DataRequired(_l("请填写数量。")), Length(max=12)])


class OrderReasonForm(FlaskForm):
    reason = TextAreaField(_l("原因"), validators=[DataRequired(_l("请填写原因。")),
                                                 Length(max=500)])


class ShipForm(FlaskForm):
    company = StringField(_l("物流公司"), validators=[DataRequired(_l("请填写物流公司。")),
                                                  Length(max=100)])
    tracking = StringField(_l("物流单号"), validators=[DataRequired(_l("请填写物流单号。")),
                                                   Length(max=64)])
    invoice = FileField(_l("发票（PDF）"))


class FileForm(FlaskForm):
    report = FileField(_l("验收单（PDF）"))


class PaymentForm(FlaskForm):
    amount = StringField(_l("支付金额（元）"), render_kw={"inputmode": "decimal"},
                         validators=[DataRequired(_l("请填写支付金额。")), Length(max=20)])
    paid_on = DateField(_l("支付日期"), validators=[InputRequired(_l("请填写支付日期。"))])
    voucher = FileField(_l("支付凭证（PDF）"))


class FilingForm(FlaskForm):
    plan_line = SelectField(_l("采购计划明细"),
                            validators=[InputRequired(_l("请选择采购计划明细。"))])


class SelectionForm(FlaskForm):
    """发布直接选定服务项目."""

    requirement = TextAreaField(_l("服务需求"), validators=[
        DataRequired(_l("请填写服务需求。")), Length(max=2000)])
    quantity = StringField(_l("数量"), default="1", render_kw=QUANTITY,
                           validators=[DataRequired(_l("请填写数量。")), Length(max=12)])
    unit = StringField(_l("单位"), validators=[Length(max=20)])
    plan_line = SelectField(_l("采购计划明细"),
                            validators=[InputRequired(_l("请选择采购计划明细。"))])
    delivery_address = StringField(_l("服务地点"), validators=[
        DataRequired(_l("请填写服务地点。")), Length(max=256)])
    contact = StringField(_l("联系人"), validators=[DataRequired(_l("请填写联系人。")),
                                                 Length(max=64)])
    phone = TelField(_l("联系电话"), validators=[DataRequired(_l("请填写联系电话。")),
                                             Length(max=32)])
    office_phone = TelField(_l("办公电话"), validators=[Length(max=32)])


class QuoteForm(FlaskForm):
    unit_price = StringField(_l("报价单价（元）"), render_kw={"inputmode": "decimal"},
                             validators=[DataRequired(_l("请填写报价。")), Length(max=20)])
    note = TextAreaField(_l("报价说明"), validators=[Length(max=500)])


class BiddingForm(FlaskForm):
    """新增二次竞价项目."""

    requirement = TextAreaField(_l("采购需求"), validators=[
        DataRequired(_l("请填写采购需求。")), Length(max=2000)])
    quantity = StringField(_l("数量"), render_kw=QUANTITY,
                           validators=[DataRequired(_l("请填写数量。")), Length(max=12)])
    unit = StringField(_l("单位"), validators=[Length(max=20)])
    max_unit_price = StringField(_l("最高限制单价（元）"), render_kw={"inputmode": "decimal"},
                                 validators=[DataRequired(_l("请填写最高限制单价。")),
                                             Length(max=20)])
    plan_line = SelectField(_l("采购计划明细"),
                            validators=[InputRequired(_l("请选择采购计划明细。"))])
    delivery_place = StringField(_l("交货地点"), validators=[
        DataRequired(_l("请填写交货地点。")), Length(max=256)])
    start = DateTimeLocalField(_l("竞价开始时间（北京时间）"), format="%Y-%m-%dT%H:%M",
                               validators=[InputRequired(_l("请填写竞价开始时间。"))])
    duration_minutes = IntegerField(_l("竞价时长（分钟）"), default=30, validators=[
        InputRequired(_l("请填写竞价时长。")),
        NumberRange(min=1, max=14400, message=_l("竞价时长须在 1 分钟到 240 小时之间。"))])


class BidForm(FlaskForm):
    unit_price = StringField(_l("报价单价（元）"), render_kw={"inputmode": "decimal"},
                             validators=[DataRequired(_l("请填写报价。")), Length(max=20)])
    product = SelectField(_l("报价产品"), validate_choice=False)


class AwardForm(FlaskForm):
    """申请非入围合同授予."""

    supplier = SelectField(_l("未入围供应商"), coerce=int,
                           validators=[InputRequired(_l("请选择供应商。"))])
    quantity = StringField(_l("采购数量"), render_kw=QUANTITY,
                           validators=[DataRequired(_l("请填写数量。")), Length(max=12)])
    controlled_price = StringField(_l("控制单价（元）"), render_kw={"inputmode": "decimal"},
                                   validators=[DataRequired(_l("请填写控制单价。")),
                                               Length(max=20)])
    reason = TextAreaField(_l("申请理由"), validators=[DataRequired(_l("请说明申请理由。")),
                                                   Length(max=1000)])
    evidence = FileField(_l("证明材料（PDF）"))


class AwardDecisionForm(FlaskForm):
    note = TextAreaField(_l("审核意见"), validators=[Length(max=500)])
