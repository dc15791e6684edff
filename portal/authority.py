"""The deployment's certificate authority: the built-in demo CA under ``VAR_DIR/ca``, plus any
roots of real CAs the operator trusts (PEM files named in ``TRUSTED_ROOTS``).

The CA's own keys are encrypted at rest under ``KUANGCAI_CA_PASSPHRASE``.
"""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from flask import current_app

from seals import CertificateAuthority, load_certificate, timestamp_allowance_for

EXTENSION = "kuangcai.authority"


def authority() -> CertificateAuthority:
    ca = current_app.extensions.get(EXTENSION)
    if ca is None:
        folder = Path(current_app.config["VAR_DIR"]) / "ca"
        ca = CertificateAuthority.open(folder, current_app.config["CA_PASSPHRASE"])
        current_app.extensions[EXTENSION] = ca
    return ca


def trust_roots() -> list[x509.Certificate]:
    extra = [load_certificate(Path(p).read_bytes()) for p in current_app.config["TRUSTED_ROOTS"]]
    return [*authority().trust_roots, *extra]


def chain() -> list[x509.Certificate]:
    return list(authority().chain)


def crls() -> list[bytes]:
    return [authority().crl()]


def timestamp_allowance() -> int:
    """Room for the built-in TSA's token in a seal's placeholder, measured once per process."""
    allowance = current_app.extensions.get(f"{EXTENSION}.timestamp_allowance")
    if allowance is None:
        allowance = timestamp_allowance_for(authority().timestamper())
        current_app.extensions[f"{EXTENSION}.timestamp_allowance"] = allowance
    return int(allowance)
