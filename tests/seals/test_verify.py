"""verify_pdf: trust, revocation, changes after the last seal, and the Chinese text."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.timestamps import TimeStamper

from seals import (
    CertificateAuthority,
    SealSpec,
    official_seal_png,
    seal_pdf,
    unlock,
    verify_pdf,
)
from tests.seals.conftest import PIN, SUPPLIER


def _write(writer: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _draw_on_the_page_in_a_new_revision(pdf: bytes) -> bytes:
    """What a forger would do: add content (a line through the amount) after sealing."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    stroke = generic.StreamObject(stream_data=b"1 0 0 RG 2 w 70 690 m 520 690 l S")
    writer.add_stream_to_page(0, writer.add_object(stroke))
    return _write(writer)


def _change_the_title_in_a_new_revision(pdf: bytes) -> bytes:
    """Metadata only: pyHanko's difference analysis counts /Info updates as harmless."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    info = writer.trailer["/Info"]
    info["/Title"] = generic.TextStringObject("Contract KC-2026-999")
    writer.update_container(info)
    return _write(writer)


def test_a_seal_from_an_unknown_ca_is_untrusted(sealed_contract: bytes) -> None:
    stranger = CertificateAuthority.create("外部 CA", "other-passphrase")
    report = verify_pdf(sealed_contract, stranger.trust_roots)
    assert not report.ok
    assert all(sig.intact and not sig.trusted for sig in report.signatures)
    assert all(sig.timestamp is not None and not sig.timestamp.valid for sig in report.signatures)
    assert "签章证书不是由受信任的 CA 签发" in report.to_text()


def test_a_revoked_certificate_is_reported_from_the_crl(
    ca: CertificateAuthority, contract_pdf: bytes, timestamper: TimeStamper
) -> None:
    issued = ca.issue_organisation(*SUPPLIER, PIN)
    spec = SealSpec("supplier", official_seal_png(SUPPLIER[0]), page=0)
    sealed = seal_pdf(contract_pdf, unlock(issued.p12, PIN), spec, timestamper)
    assert verify_pdf(sealed, ca.trust_roots, [ca.crl()]).ok
    ca.revoke(issued.serial)
    report = verify_pdf(sealed, ca.trust_roots, [ca.crl()])
    (sig,) = report.signatures
    assert sig.revocation == "revoked" and sig.revoked_at is not None
    assert not sig.bottom_line and not report.ok
    assert "签章证书已被吊销" in report.to_text()
    unchecked = verify_pdf(sealed, ca.trust_roots)  # no CRL given: not known to be revoked
    assert unchecked.signatures[0].revocation == "unknown"


def test_content_drawn_after_the_last_seal_is_reported_and_not_permitted(
    sealed_contract: bytes, ca: CertificateAuthority
) -> None:
    changed = _draw_on_the_page_in_a_new_revision(sealed_contract)
    report = verify_pdf(changed, ca.trust_roots)
    assert report.modified_after_last_signature and not report.modification_permitted
    assert not report.ok
    supplier, purchaser = report.signatures
    assert purchaser.coverage == "earlier_revision"
    assert purchaser.later_changes == "other" and purchaser.later_changes_permitted is False
    assert all(sig.intact for sig in report.signatures)  # bytes intact, document changed
    assert not supplier.bottom_line and not purchaser.bottom_line
    assert "签章后文件被修改，且修改不为认证签章所允许" in report.to_text()


def test_a_metadata_update_after_the_last_seal_is_reported_but_permitted(
    sealed_contract: bytes, ca: CertificateAuthority
) -> None:
    report = verify_pdf(_change_the_title_in_a_new_revision(sealed_contract), ca.trust_roots)
    assert report.modified_after_last_signature and report.modification_permitted
    assert report.ok
    assert "最后一个签章之后文件被修改过，属允许的修改" in report.to_text()


def test_a_certificate_expired_at_validation_time_is_not_trusted(
    sealed_contract: bytes, ca: CertificateAuthority
) -> None:
    later = datetime.now(UTC) + timedelta(days=800)
    report = verify_pdf(sealed_contract, ca.trust_roots, at=later)
    assert not report.ok
    assert "过期" in report.to_text()


def test_a_file_without_seals_or_not_a_pdf_is_not_ok(
    contract_pdf: bytes, ca: CertificateAuthority
) -> None:
    unsigned = verify_pdf(contract_pdf, ca.trust_roots)
    assert not unsigned.ok and unsigned.problems == ("文件中没有签章",)
    garbage = verify_pdf(b"%PDF-1.7 nothing else", ca.trust_roots)
    assert not garbage.ok and garbage.problems[0].startswith("文件无法解析")


def test_the_text_report_names_each_party_and_the_verdict(
    sealed_contract: bytes, ca: CertificateAuthority
) -> None:
    text = verify_pdf(sealed_contract, ca.trust_roots, [ca.crl()]).to_text()
    assert "签章 1：supplier  【有效】" in text
    assert f"统一社会信用代码：{SUPPLIER[1]}" in text
    assert "认证签章（锁定文件）：是" in text
    assert "其后修改：仅追加签章、填写表单（允许）" in text
    assert "吊销状态：未吊销（已核对 CRL）" in text
    assert text.rstrip().endswith("结论：全部签章有效")
