"""Forms of the portal's own pages (document wizards' forms live with their kinds)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(
        _l("用户名"), validators=[DataRequired(_l("请输入用户名")), Length(max=64)]
    )
    password = PasswordField(
        _l("密码"), validators=[DataRequired(_l("请输入密码")), Length(max=256)]
    )


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that POST (logout)."""
