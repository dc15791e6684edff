"""Exceptions raised by the seals library.

Every exception carries a Chinese message meant for the person at the screen (``str(exc)``);
the web layer may show it as is. The class says what went wrong so callers can branch on it.
"""

from __future__ import annotations

from codes.errors import InvalidCode as InvalidCode  # seals.InvalidCode, from the codes


class SealsError(Exception):
    """Base class: a refusal the user can understand and act on."""


class WrongPin(SealsError):
    """The PIN (证书密码) does not open the PKCS#12 file."""

    def __init__(self, message: str = "证书密码错误") -> None:
        super().__init__(message)


class InvalidKeyFile(SealsError):
    """The bytes are not a PKCS#12 file with exactly one key and its certificate."""


class CertificateRejected(SealsError):
    """The certificate may not be used to seal (expired, revoked, untrusted, wrong usage)."""


class CertificateExpired(CertificateRejected):
    pass


class CertificateNotYetValid(CertificateRejected):
    pass


class CertificateRevoked(CertificateRejected):
    pass


class CertificateUntrusted(CertificateRejected):
    pass


class SealingError(SealsError):
    """The PDF cannot be sealed as asked (bad position, field taken, not permitted, ...)."""


class WithdrawError(SealsError):
    """The last revision is not exactly one seal, so it cannot be withdrawn (撤章)."""


class CaError(SealsError):
    """The demo certificate authority cannot do what was asked."""
