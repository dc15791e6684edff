"""Sealing: two parties in turn, checked by pyHanko and by poppler's pdfsig; interrupted flow."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps import TimeStamper

from seals import (
    CertificateAuthority,
    FieldSlot,
    PreparedSeal,
    SealingError,
    SealSpec,
    finish,
    official_seal_png,
    prepare,
    seal_pdf,
    sign_digest,
    verify_pdf,
)
from tests.helpers import pdfsig_blocks, run_pdfsig
from tests.seals.conftest import CONTRACT_NO, PURCHASER, SUPPLIER, Holder


def _tamper_one_byte(pdf: bytes) -> bytes:
    """Change the contract number KC-2026-001 to KC-2026-009 inside the signed revision."""
    at = pdf.index(CONTRACT_NO) + len(CONTRACT_NO) - 1
    return pdf[:at] + b"9" + pdf[at + 1 :]


def test_supplier_then_purchaser_seals_are_all_valid_for_pdfsig(
    sealed_contract: bytes, nss_db: str, tmp_path: Path
) -> None:
    output = run_pdfsig(nss_db, sealed_contract, tmp_path)
    blocks = pdfsig_blocks(output)
    assert set(blocks) == {"supplier", "purchaser"}
    for block in blocks.values():
        assert "Signature Validation: Signature is Valid." in block
        assert "Certificate Validation: Certificate is Trusted." in block
        assert "ETSI.CAdES.detached" in block
    assert "Total document signed" in blocks["purchaser"]
    assert "Not total document signed" in blocks["supplier"]
    assert f"NTRCN-{SUPPLIER[1]}" in blocks["supplier"]


def test_supplier_then_purchaser_seals_are_all_valid_for_verify_pdf(
    sealed_contract: bytes, ca: CertificateAuthority
) -> None:
    report = verify_pdf(sealed_contract, ca.trust_roots, [ca.crl()])
    assert report.ok, report.to_text()
    supplier, purchaser = report.signatures
    assert (supplier.field_name, purchaser.field_name) == ("supplier", "purchaser")
    assert supplier.certifies and not purchaser.certifies
    assert supplier.coverage == "earlier_revision" and supplier.later_changes_permitted
    assert supplier.later_changes == "form_filling"
    assert purchaser.coverage == "whole_file"
    assert (supplier.uscc, purchaser.uscc) == (SUPPLIER[1], PURCHASER[1])
    assert (supplier.org_name, purchaser.signer_cn) == (SUPPLIER[0], PURCHASER[0])
    for sig in report.signatures:
        assert sig.bottom_line and sig.trusted and sig.intact
        assert sig.revocation == "good"
        assert sig.timestamp is not None and sig.timestamp.valid
        assert sig.signing_time is not None
    assert not report.modified_after_last_signature


def test_one_changed_byte_is_caught_by_pdfsig_and_verify_pdf(
    sealed_contract: bytes, ca: CertificateAuthority, nss_db: str, tmp_path: Path
) -> None:
    tampered = _tamper_one_byte(sealed_contract)
    assert len(tampered) == len(sealed_contract)
    assert sum(a != b for a, b in zip(tampered, sealed_contract, strict=True)) == 1
    blocks = pdfsig_blocks(run_pdfsig(nss_db, tampered, tmp_path))
    assert set(blocks) == {"supplier", "purchaser"}
    for block in blocks.values():  # pdfsig still exits 0: the text is the verdict
        assert "Signature is Valid" not in block
        assert "Digest Mismatch" in block
    report = verify_pdf(tampered, ca.trust_roots)
    assert not report.ok
    assert all(not sig.intact and not sig.bottom_line for sig in report.signatures)
    assert "签章后文件内容被篡改" in report.to_text()


def test_a_seal_in_a_new_place_after_certification_is_refused_with_the_free_places(
    supplier_sealed: bytes, purchaser: Holder
) -> None:
    spec = SealSpec("elsewhere", official_seal_png(PURCHASER[0]), page=0)
    with pytest.raises(SealingError, match="预留的签章位置上（可用：purchaser）"):
        seal_pdf(supplier_sealed, purchaser.key, spec, None)


def test_a_certified_file_accepts_no_new_reserved_places(
    supplier_sealed: bytes, purchaser: Holder
) -> None:
    spec = SealSpec(
        "purchaser",
        official_seal_png(PURCHASER[0]),
        reserve=(FieldSlot("third", page=0, x=100, y=100),),
    )
    with pytest.raises(SealingError, match="不能再预留新的签章位置"):
        seal_pdf(supplier_sealed, purchaser.key, spec, None)


def test_without_certification_every_party_may_choose_where_to_seal(
    contract_pdf: bytes, supplier: Holder, purchaser: Holder, ca: CertificateAuthority
) -> None:
    first = seal_pdf(
        contract_pdf,
        supplier.key,
        SealSpec("supplier", official_seal_png(SUPPLIER[0]), page=-1, certify=False),
        None,
    )
    both = seal_pdf(
        first,
        purchaser.key,
        SealSpec("purchaser", official_seal_png(PURCHASER[0]), page=0, x=300, y=300),
        None,
    )
    report = verify_pdf(both, ca.trust_roots)
    assert report.ok, report.to_text()
    assert not any(sig.certifies for sig in report.signatures)
    assert all(sig.timestamp is None for sig in report.signatures)


def test_a_seal_outside_the_page_or_on_a_missing_page_is_refused(
    contract_pdf: bytes, supplier: Holder
) -> None:
    image = official_seal_png(SUPPLIER[0])
    with pytest.raises(SealingError, match="签章位置超出页面范围"):
        seal_pdf(contract_pdf, supplier.key, SealSpec("s", image, page=0, x=550, y=100), None)
    with pytest.raises(SealingError, match="页码超出范围"):
        seal_pdf(contract_pdf, supplier.key, SealSpec("s", image, page=5), None)


def test_a_field_cannot_be_sealed_twice(sealed_contract: bytes, purchaser: Holder) -> None:
    spec = SealSpec("purchaser", official_seal_png(PURCHASER[0]))
    with pytest.raises(SealingError, match="已有签章"):
        seal_pdf(sealed_contract, purchaser.key, spec, None)


# ---- interrupted signing ---------------------------------------------------------------


def test_interrupted_prepare_sign_finish_gives_a_valid_seal(
    supplier_sealed: bytes,
    purchaser: Holder,
    ca: CertificateAuthority,
    timestamper: TimeStamper,
    nss_db: str,
    tmp_path: Path,
) -> None:
    spec = SealSpec("purchaser", official_seal_png(PURCHASER[0]))
    # background job: no key
    prepared = prepare(supplier_sealed, spec, purchaser.key.certificate, chain=purchaser.key.chain)
    stored = json.dumps(prepared.to_dict())
    # web request with the PIN: the only key operation
    signature = sign_digest(purchaser.key, PreparedSeal.from_dict(json.loads(stored)))
    # anywhere: embed and time-stamp
    sealed = finish(PreparedSeal.from_dict(json.loads(stored)), signature, timestamper)
    assert sealed.startswith(supplier_sealed)
    report = verify_pdf(sealed, ca.trust_roots)
    assert report.ok, report.to_text()
    assert report.signatures[-1].timestamp is not None
    blocks = pdfsig_blocks(run_pdfsig(nss_db, sealed, tmp_path))
    assert "Signature is Valid" in blocks["purchaser"]
    assert "Total document signed" in blocks["purchaser"]


def test_the_prepared_seal_holds_no_private_key_material(
    contract_pdf: bytes, supplier: Holder, supplier_seal_spec: SealSpec
) -> None:
    prepared = prepare(
        contract_pdf, supplier_seal_spec, supplier.key.certificate, chain=supplier.key.chain
    )
    key = supplier.key._key  # test-only peek: what must never leave the custody
    scalar = key.private_numbers().private_value.to_bytes(32, "big")  # type: ignore[union-attr]
    pkcs8 = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    serialised = json.dumps(prepared.to_dict()).encode()
    blobs = [serialised, prepared.prepared_pdf, prepared.signed_attributes, *prepared.chain]
    for secret in (scalar, pkcs8, scalar.hex().encode(), base64.b64encode(scalar)):
        assert not any(secret in blob for blob in blobs)
    assert set(prepared.to_dict()) == {
        "field_name", "prepared_pdf", "document_digest", "reserved_region_start",
        "reserved_region_end", "signed_attributes", "md_algorithm", "digest",
        "certificate", "chain",
    }  # fmt: skip


def test_finish_refuses_a_signature_from_another_key_or_an_altered_prepared_pdf(
    contract_pdf: bytes, supplier: Holder, purchaser: Holder, supplier_seal_spec: SealSpec
) -> None:
    prepared = prepare(contract_pdf, supplier_seal_spec, supplier.key.certificate)
    wrong = purchaser.key.sign_digest(prepared.digest, prepared.md_algorithm)
    with pytest.raises(SealingError, match="签名值与证书公钥不匹配"):
        finish(prepared, wrong, None)
    with pytest.raises(SealingError, match="证书不一致"):
        sign_digest(purchaser.key, prepared)
    signature = sign_digest(supplier.key, prepared)
    altered = PreparedSeal.from_dict(
        {
            **prepared.to_dict(),
            "prepared_pdf": base64.b64encode(_tamper_one_byte(prepared.prepared_pdf)).decode(),
        }
    )
    with pytest.raises(SealingError, match="待签章文件已被改动"):
        finish(altered, signature, None)
    assert finish(prepared, signature, None).startswith(prepared.prepared_pdf[:100])
