"""Fixtures named after states: a demo CA, holders' credentials, a contract before and after
each party sealed it, and an NSS database that trusts the CA for poppler's pdfsig."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import weasyprint
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.sign.timestamps import TimeStamper

from seals import (
    CertificateAuthority,
    FieldSlot,
    SealSpec,
    UnlockedKey,
    official_seal_png,
    seal_pdf,
    unlock,
)
from tests.helpers import nss_database

SUPPLIER = ("河南省某某科技有限公司", "9144030071526726XG")
PURCHASER = ("某某市政府采购中心", "91110000600037341L")
OPERATOR = ("张三", "11010519491231002X")
PIN = "246810"
CONTRACT_NO = b"KC-2026-001"

CONTRACT_HTML = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Contract KC-2026-001</title>
<style>body { font-family: "Noto Serif CJK SC"; } @page { size: A4; margin: 25mm; }</style>
</head><body>
<h1>框架协议采购合同</h1>
<p>采购人（甲方）：某某市政府采购中心</p>
<p>供应商（乙方）：河南省某某科技有限公司</p>
<p>合同金额：人民币壹拾贰万捌仟元整（¥128,000.00）</p>
<p style="page-break-before: always">甲方（盖章）　　　　　　　乙方（盖章）</p>
</body></html>"""

# Where the seals go on page 2 (index 1): purchaser left, supplier right.
PURCHASER_SLOT = FieldSlot("purchaser", page=1, x=90, y=520)
SUPPLIER_X, SUPPLIER_Y = 330.0, 520.0


@dataclass(frozen=True)
class Holder:
    name: str
    p12: bytes
    key: UnlockedKey


@pytest.fixture(scope="session")
def ca() -> CertificateAuthority:
    return CertificateAuthority.create("框采测试", "test-ca-passphrase")


@pytest.fixture(scope="session")
def timestamper(ca: CertificateAuthority) -> TimeStamper:
    return ca.timestamper()


def _holder(ca: CertificateAuthority, org: tuple[str, str]) -> Holder:
    issued = ca.issue_organisation(org[0], org[1], PIN)
    return Holder(org[0], issued.p12, unlock(issued.p12, PIN))


@pytest.fixture(scope="session")
def supplier(ca: CertificateAuthority) -> Holder:
    return _holder(ca, SUPPLIER)


@pytest.fixture(scope="session")
def purchaser(ca: CertificateAuthority) -> Holder:
    return _holder(ca, PURCHASER)


@pytest.fixture(scope="session")
def contract_pdf() -> bytes:
    """A two-page Chinese contract; uncompressed so a test can change one readable byte."""
    pdf: bytes = weasyprint.HTML(string=CONTRACT_HTML).write_pdf(uncompressed_pdf=True)
    assert CONTRACT_NO in pdf
    return pdf


@pytest.fixture(scope="session")
def supplier_seal_spec() -> SealSpec:
    return SealSpec(
        field_name="supplier",
        image_png=official_seal_png(SUPPLIER[0], "合同专用章"),
        page=1,
        x=SUPPLIER_X,
        y=SUPPLIER_Y,
        reason="供应商签章",
        location="郑州",
        reserve=(PURCHASER_SLOT,),
    )


@pytest.fixture(scope="session")
def supplier_sealed(
    contract_pdf: bytes, supplier: Holder, supplier_seal_spec: SealSpec, timestamper: TimeStamper
) -> bytes:
    """The contract after the supplier sealed (and so certified) it."""
    return seal_pdf(contract_pdf, supplier.key, supplier_seal_spec, timestamper)


@pytest.fixture(scope="session")
def sealed_contract(supplier_sealed: bytes, purchaser: Holder, timestamper: TimeStamper) -> bytes:
    """The contract after the supplier and then the purchaser sealed it."""
    spec = SealSpec(
        field_name="purchaser",
        image_png=official_seal_png(PURCHASER[0], "合同专用章"),
        reason="采购人签章",
    )
    return seal_pdf(supplier_sealed, purchaser.key, spec, timestamper)


@pytest.fixture(scope="session")
def nss_db(tmp_path_factory: pytest.TempPathFactory, ca: CertificateAuthority) -> str:
    """An NSS database trusting the demo root, for ``pdfsig -nssdir``."""
    return nss_database(tmp_path_factory.mktemp("nssdb"),
                        ca.root_certificate.public_bytes(Encoding.PEM))
