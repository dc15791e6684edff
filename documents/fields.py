"""WTForms building blocks shared by every kind: Chinese labels and Chinese messages.

The same form classes validate a wizard POST and a JSON document (flattened by
:func:`documents.formdata.to_formdata`), so every message a user can see is defined here or
in a kind module, never left to WTForms' English defaults.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, StopValidation, ValidationError
from wtforms.widgets import TextInput

from codes.uscc import is_valid_uscc
from documents.richtext import sanitize_html

Choices = Sequence[tuple[str, str]]
Validator = Callable[[Form, Field], None]

MAX_ROWS = 500
_MONEY = re.compile(r"^-?\d{1,16}(\.\d{1,2})?$")
_DECIMAL = re.compile(r"^-?\d{1,12}(\.\d+)?$")
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|400-?\d{3}-?\d{4})$")


class DocumentForm(Form):
    """Base of every step form; WTForms' own leftovers come out in Chinese too."""

    class Meta:
        locales = ("zh",)


def _strip(value: Any) -> Any:
    """Trim text; a blank answer is no answer, whether the key was posted empty or left out."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def _label(field: Field) -> str:
    return str(field.label.text)


class Required:
    """Refuses empty input with “请填写…” / “请选择…” naming the field."""

    field_flags = {"required": True}

    def __call__(self, form: Form, field: Field) -> None:
        if field.process_errors:
            # The value could not be read at all; that message says more than "required".
            raise StopValidation()
        data = field.data
        empty = (
            data is None
            or (isinstance(data, str) and not data.strip())
            or (isinstance(data, list | tuple) and not data)
        )
        if empty:
            verb = "请选择" if isinstance(field, SelectField | SelectMultipleField) else "请填写"
            raise StopValidation(f"{verb}{_label(field)}")


class MaxLength:
    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, form: Form, field: Field) -> None:
        if isinstance(field.data, str) and len(field.data) > self.limit:
            raise ValidationError(f"{_label(field)}不能超过{self.limit}个字")


class Uscc:
    def __call__(self, form: Form, field: Field) -> None:
        if field.data and not is_valid_uscc(field.data):
            raise ValidationError("统一社会信用代码无效：应为18位，且校验位符合 GB 32100-2015")


class Phone:
    def __call__(self, form: Form, field: Field) -> None:
        if field.data and not PHONE.match(field.data):
            raise ValidationError("请输入有效的联系电话，如 0471-6945123 或 13800000000")


class MinRows:
    """At least ``count`` rows in a FieldList (the survey needs three purchasers …)."""

    def __init__(self, count: int, noun: str) -> None:
        self.count = count
        self.noun = noun

    def __call__(self, form: Form, field: Field) -> None:
        if len(field.entries) < self.count:
            raise ValidationError(f"至少需要{self.count}{self.noun}")


def _presence(required: bool) -> list[Validator]:
    return [Required()] if required else [Optional()]


def text(label: str, *, required: bool = True, max_length: int = 200) -> StringField:
    return StringField(
        label, validators=[*_presence(required), MaxLength(max_length)], filters=[_strip]
    )


def long_text(label: str, *, required: bool = True, max_length: int = 5000) -> TextAreaField:
    return TextAreaField(
        label, validators=[*_presence(required), MaxLength(max_length)], filters=[_strip]
    )


def _sanitize(value: Any) -> Any:
    return sanitize_html(value) if isinstance(value, str) else value


def rich_text(label: str, *, required: bool = True, max_length: int = 30000) -> TextAreaField:
    """HTML from an editor, stored already sanitised so saved drafts never hold a script."""
    return TextAreaField(
        label,
        validators=[*_presence(required), MaxLength(max_length)],
        filters=[_strip, _sanitize],
        # Lets a page show the value as (sanitised) HTML and attach an editor to it.
        render_kw={"data-rich-text": "true"},
    )


def uscc(label: str = "统一社会信用代码", *, required: bool = True) -> StringField:
    upper: Callable[[Any], Any] = lambda v: v.strip().upper() if isinstance(v, str) else v  # noqa: E731
    return StringField(label, validators=[*_presence(required), Uscc()], filters=[upper])


def phone(label: str = "联系电话", *, required: bool = True) -> StringField:
    return StringField(label, validators=[*_presence(required), Phone()], filters=[_strip])


class DecimalText(Field):
    """A decimal typed as text; never touches float, messages in Chinese."""

    widget = TextInput()  # rendered by the portal's wizard like any text input
    pattern = _DECIMAL
    invalid_message = "请输入有效的数字"

    def __init__(
        self,
        label: str,
        validators: Sequence[Validator] = (),
        *,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
        exclusive_minimum: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.minimum = minimum
        self.maximum = maximum
        self.exclusive_minimum = exclusive_minimum

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else f"{self.data:f}"

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        raw = str(valuelist[0]).strip().replace(",", "").replace("，", "")
        if not raw:
            self.data = None
            return
        if not self.pattern.match(raw):
            self.data = None
            raise ValueError(self.invalid_message)
        try:
            self.data = Decimal(raw)
        except InvalidOperation as exc:  # pragma: no cover - the pattern already guards
            self.data = None
            raise ValueError(self.invalid_message) from exc

    def post_validate(self, form: Form, stop_validation: bool) -> None:
        if stop_validation or self.data is None:
            return
        label = _label(self)
        if self.minimum is not None:
            if self.exclusive_minimum and self.data <= self.minimum:
                self.errors.append(f"{label}必须大于{self.minimum}")
            elif self.data < self.minimum:
                self.errors.append(f"{label}不能小于{self.minimum}")
        if self.maximum is not None and self.data > self.maximum:
            self.errors.append(f"{label}不能大于{self.maximum}")


class MoneyText(DecimalText):
    pattern = _MONEY
    invalid_message = "请输入金额（元，最多两位小数），如 1234.50"

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None:
            # Exact: the pattern allows at most two places, so this only pads "5" to "5.00".
            self.data = self.data.quantize(Decimal("0.01"))


def money(label: str, *, required: bool = True, positive: bool = True) -> MoneyText:
    """Yuan with at most two places; ``positive`` refuses zero as well as negatives."""
    return MoneyText(
        label, _presence(required), minimum=Decimal(0), exclusive_minimum=positive
    )


def quantity(label: str = "数量", *, required: bool = True) -> DecimalText:
    return DecimalText(label, _presence(required), minimum=Decimal(0), exclusive_minimum=True)


def percent(label: str, *, required: bool = True) -> DecimalText:
    return DecimalText(label, _presence(required), minimum=Decimal(0), maximum=Decimal(100))


class CountField(IntegerField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError as exc:
            self.data = None
            raise ValueError("请输入整数") from exc


def count(label: str, *, required: bool = True, minimum: int = 1, maximum: int = 9999) -> Field:
    return CountField(
        label,
        validators=[
            *_presence(required),
            NumberRange(minimum, maximum, message=f"{label}应在{minimum}到{maximum}之间"),
        ],
    )


class _ParsedField(Field):
    """Dates and times in the ISO shapes HTML inputs send; Chinese message when unreadable."""

    widget = TextInput()
    formats: tuple[str, ...] = ()
    invalid_message = ""

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else self._format(self.data)

    def _format(self, value: Any) -> str:
        return str(value.strftime(self.formats[0]))

    def _parse(self, raw: str) -> Any:
        for fmt in self.formats:
            try:
                return datetime.strptime(raw, fmt)
            except ValueError:
                continue
        raise ValueError(self.invalid_message)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = self._convert(self._parse(str(valuelist[0]).strip()))
        except ValueError:
            self.data = None
            raise

    def _convert(self, value: datetime) -> Any:
        return value


class DateText(_ParsedField):
    formats = ("%Y-%m-%d",)
    invalid_message = "请输入有效日期，格式如 2026-11-21"

    def _convert(self, value: datetime) -> date:
        return value.date()


class DateTimeText(_ParsedField):
    formats = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")
    invalid_message = "请输入有效时间，格式如 2026-11-21T09:30"


class MonthText(_ParsedField):
    # A stored month comes back from JSON as its first day ("2027-03-01"); accept both.
    formats = ("%Y-%m", "%Y-%m-%d")
    invalid_message = "请输入有效月份，格式如 2027-03"

    def _convert(self, value: datetime) -> date:
        return value.date().replace(day=1)


def date_field(label: str, *, required: bool = True) -> DateText:
    return DateText(label, _presence(required))


def datetime_field(label: str, *, required: bool = True) -> DateTimeText:
    return DateTimeText(label, _presence(required))


def month_field(label: str, *, required: bool = True) -> MonthText:
    return MonthText(label, _presence(required))


class ChoiceField(SelectField):
    def pre_validate(self, form: Form) -> None:
        if self.data in (None, ""):
            return
        if self.data not in {option.value for option in self.choices or ()}:
            raise ValidationError(f"{_label(self)}不是有效的选项")


class MultiChoiceField(SelectMultipleField):
    def pre_validate(self, form: Form) -> None:
        allowed = {option.value for option in self.choices or ()}
        wrong = [value for value in self.data or () if value not in allowed]
        if wrong:
            raise ValidationError(f"{_label(self)}中“{'、'.join(wrong)}”不是有效的选项")


def _options(choices: Choices) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in choices]


def choice(label: str, choices: Choices, *, required: bool = True) -> ChoiceField:
    return ChoiceField(label, choices=_options(choices), validators=_presence(required))


def choices(label: str, options: Choices, *, required: bool = True) -> MultiChoiceField:
    return MultiChoiceField(label, choices=_options(options), validators=_presence(required))


def yes_no(label: str) -> BooleanField:
    return BooleanField(label, false_values=("false", "", "0", "n", "否"))


def rows(
    form_class: type[Form], label: str, *, minimum: int = 1, noun: str = "行"
) -> FieldList:
    """Repeated rows (lots, items, suppliers …); ``minimum`` rows must be present."""
    validators: list[Validator] = [MinRows(minimum, noun)] if minimum else []
    return FieldList(
        FormField(form_class),
        label,
        validators=validators,
        min_entries=min(minimum, 1),
        max_entries=MAX_ROWS,
    )


def group(form_class: type[Form], label: str) -> FormField:
    """A nested block of fields (a party, a contact) named ``<field>-<subfield>``."""
    return FormField(form_class, label)


def decimal(label: str, *, required: bool = True) -> DecimalText:
    """A plain number such as a score; money has its own field."""
    return DecimalText(label, _presence(required), minimum=Decimal(0))
