"""Forms of 企业信息 and 产品管理 (the supplier's own pages); choices are set by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

import documents
from portal.forms import CheckboxesField
from portal.models import ProductKind, SupplierKind


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


SUPPLIER_KINDS = [SelectChoice(SupplierKind.manufacturer.value, _l("生产厂家")),
                  SelectChoice(SupplierKind.reseller.value, _l("代理商")),
                  SelectChoice(SupplierKind.service_provider.value, _l("服务商"))]

PRODUCT_KINDS = {ProductKind.product: _l("产品"), ProductKind.accessory: _l("配件"),
                 ProductKind.consumable: _l("耗材")}


class ProfileForm(FlaskForm):
    """企业信息: what the supplier maintains itself (name and uscc are shown, not editable)."""

    supplier_kind = RadioField(_l("供应商类型"), choices=SUPPLIER_KINDS,
                               validators=[InputRequired(_l("请选择供应商类型"))],
                               description=_l("货物类代理商选择“代理商”；服务类供应商选择“服务商”"))
    address = StringField(_l("单位地址"), filters=[_strip], validators=[
        DataRequired(_l("请填写单位地址")), Length(max=256, message=_l("单位地址不超过 256 个字"))])
    contact = StringField(_l("联系人"), filters=[_strip], validators=[
        DataRequired(_l("请填写联系人")), Length(max=64, message=_l("联系人不超过 64 个字"))])
    phone = TelField(_l("联系电话"), filters=[_strip], validators=[
        DataRequired(_l("请填写联系电话")),
        Regexp(documents.fields.PHONE,
               message=_l("请输入有效的手机号码或固定电话（如 0471-3318866）"))])


class ProductForm(FlaskForm):
    """录入产品 / 配件 / 耗材: 品目 from the lots of published solicitations."""

    category = SelectField(_l("品目"), validators=[DataRequired(_l("请选择品目"))],
                           description=_l("已发布征集文件中采购包的品目"))
    brand = StringField(_l("品牌"), filters=[_strip], validators=[
        DataRequired(_l("请填写品牌")), Length(max=100, message=_l("品牌不超过 100 个字"))])
    model = StringField(_l("型号"), filters=[_strip], validators=[
        DataRequired(_l("请填写型号")), Length(max=200, message=_l("型号不超过 200 个字"))])
    parameters = TextAreaField(_l("技术参数"), filters=[_strip], validators=[
        DataRequired(_l("请填写技术参数")),
        Length(max=2000, message=_l("技术参数不超过 2000 个字"))],
        description=_l("对照采购标的的技术要求逐项填写"), render_kw={"rows": 5})
    unit = StringField(_l("计量单位"), filters=[_strip], default="台", validators=[
        DataRequired(_l("请填写计量单位")), Length(max=20, message=_l("计量单位不超过 20 个字"))])


class PartsForm(FlaskForm):
    """关联配件或耗材: every checked part is linked, every unchecked one unlinked."""

    parts = CheckboxesField(_l("配件或耗材"), coerce=int, validate_choice=False)
