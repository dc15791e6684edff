"""CA certificates bound to accounts (CA 自助绑定): an organisation key or a personal key.

The private key is stored only inside the PKCS#12 file, encrypted under the holder's PIN,
which is never stored; the certificate is kept in the clear for display and verification.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.org import Organisation
from portal.models.user import User


class HolderType(enum.StrEnum):
    org = "org"  # 单位 key: subject carries the organisation's 统一社会信用代码
    person = "person"  # 个人 key: subject carries the holder's ID number


class CredentialStatus(enum.StrEnum):
    active = "active"
    replaced = "replaced"  # a renewal (续期) took its place


class Credential(Base):
    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_type: Mapped[HolderType] = mapped_column(Enum(HolderType, native_enum=False, length=8))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    subject_name: Mapped[str] = mapped_column(String(128))
    subject_code: Mapped[str] = mapped_column(String(18))  # uscc or ID number
    serial_hex: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the public key: "one key binds one account" is a unique constraint on it.
    key_fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    not_before: Mapped[datetime] = mapped_column(DateTime)
    not_after: Mapped[datetime] = mapped_column(DateTime)
    certificate_der: Mapped[bytes] = mapped_column(LargeBinary)
    p12_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[CredentialStatus] = mapped_column(
        Enum(CredentialStatus, native_enum=False, length=16), default=CredentialStatus.active
    )
    bound_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    bound_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Wrong PINs since the last right one or lock; how many locks in a row; until when locked.
    pin_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pin_lockouts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pin_locked_until: Mapped[datetime | None] = mapped_column(DateTime)

    org: Mapped[Organisation] = relationship(foreign_keys=[org_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
