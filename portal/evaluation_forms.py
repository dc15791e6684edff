"""Forms of the 评审 pages: one small form per supplier and stage, each a single POST."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DecimalField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.models import CreditResult, Verdict

VERDICTS = [SelectChoice(Verdict.passed.value, _l("通过")),
            SelectChoice(Verdict.failed.value, _l("不通过"))]

CREDIT_RESULTS = [SelectChoice(CreditResult.clean.value, _l("未发现不良信用记录")),
                  SelectChoice(CreditResult.listed.value, _l("列入失信名单"))]


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class CreditForm(FlaskForm):
    """信用记录查询: what 信用中国 and 中国政府采购网 showed."""

    result = RadioField(_l("查询结果"), choices=CREDIT_RESULTS,
        validators=[InputRequired(_l("请选择查询结果"))])
    note = TextAreaField(_l("查询渠道及结果说明"), filters=[_strip], validators=[
        InputRequired(_l("请填写查询渠道和结果")), Length(max=500)],
        description=_l("如：2027-04-24 10:05 信用中国、中国政府采购网查询，截图编号 01"),
        render_kw={"rows": 2})
    evidence = FileField(_l("查询结果截图（PDF）"), render_kw={"accept": "application/pdf"},
                         description=_l("信用中国、中国政府采购网的查询结果页面，存为 PDF"))


class QualificationForm(FlaskForm):
    verdict = RadioField(_l("审查结果"), choices=VERDICTS,
                         validators=[InputRequired(_l("请选择审查结果"))])
    reason = TextAreaField(_l("不通过原因"), filters=[_strip], validators=[Length(max=500)],
                           description=_l("不通过的必须填写"), render_kw={"rows": 2})
    price_deduction = DecimalField(
        _l("价格扣除（%）"), default=Decimal(0), places=2,
        validators=[Optional(), NumberRange(0, 20, _l("价格扣除比例应在0%至20%之间"))],
        description=_l("小微企业等政策性价格扣除，按征集文件规定"))


class SubstantiveForm(FlaskForm):
    verdict = RadioField(_l("审查结果"), choices=VERDICTS,
                         validators=[InputRequired(_l("请选择审查结果"))])
    reason = TextAreaField(_l("不通过原因"), filters=[_strip], validators=[Length(max=500)],
                           description=_l("不通过的必须填写"), render_kw={"rows": 2})


class ScoreForm(FlaskForm):
    score = DecimalField(_l("质量评分"), places=2, validators=[
        InputRequired(_l("请填写评分")),
        NumberRange(0, 100, _l("得分应在0至100分之间"))])


class ReturnToPanelForm(FlaskForm):
    reason = TextAreaField(_l("退回理由"), filters=[_strip], validators=[
        InputRequired(_l("退回时须写明理由")), Length(max=500)])
