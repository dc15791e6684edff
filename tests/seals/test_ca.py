"""The demo CA: certificate contents, persistence under a passphrase, CRL, time stamps."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import core, tsp
from cryptography import x509
from cryptography.x509.oid import NameOID
from pyhanko.sign.timestamps import TimeStamper

from seals import (
    CaError,
    CertificateAuthority,
    HolderKind,
    InvalidCode,
    id_number_of,
    identity_of,
    unlock,
    uscc_of,
)
from tests.seals.conftest import OPERATOR, PIN, SUPPLIER, Holder


def test_organisation_certificate_carries_name_and_uscc_in_organization_identifier(
    supplier: Holder,
) -> None:
    cert = supplier.key.certificate
    oid_values = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)
    assert [value.value for value in oid_values] == [f"NTRCN-{SUPPLIER[1]}"]
    assert uscc_of(cert) == SUPPLIER[1]
    assert id_number_of(cert) is None
    identity = identity_of(cert)
    assert identity.kind is HolderKind.ORGANISATION
    assert (identity.common_name, identity.org_name) == (SUPPLIER[0], SUPPLIER[0])


def test_personal_certificate_carries_name_and_id_number_in_serial_number(
    ca: CertificateAuthority,
) -> None:
    issued = ca.issue_person(OPERATOR[0], OPERATOR[1], PIN, org_name=SUPPLIER[0])
    cert = issued.certificate
    serials = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    assert [value.value for value in serials] == [f"IDCCN-{OPERATOR[1]}"]
    assert id_number_of(cert) == OPERATOR[1]
    assert uscc_of(cert) is None
    identity = identity_of(cert)
    assert identity.kind is HolderKind.PERSON
    assert (identity.common_name, identity.org_name) == (OPERATOR[0], SUPPLIER[0])


def test_holder_certificates_are_for_signing_and_chain_to_the_issuing_ca(
    supplier: Holder, ca: CertificateAuthority
) -> None:
    cert = supplier.key.certificate
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert cert.issuer == ca.issuing_certificate.subject
    cert.verify_directly_issued_by(ca.issuing_certificate)
    ca.issuing_certificate.verify_directly_issued_by(ca.root_certificate)
    assert list(supplier.key.chain) == [ca.issuing_certificate]


def test_a_wrong_uscc_is_refused_before_anything_is_issued(ca: CertificateAuthority) -> None:
    before = ca.to_dict()["issued"]
    with pytest.raises(InvalidCode, match="统一社会信用代码校验位错误"):
        ca.issue_organisation(SUPPLIER[0], SUPPLIER[1][:-1] + "H", PIN)
    with pytest.raises(InvalidCode, match="身份证号码校验位错误"):
        ca.issue_person(OPERATOR[0], OPERATOR[1][:-1] + "1", PIN)
    assert ca.to_dict()["issued"] == before


def test_validity_period_can_be_set_and_must_not_be_empty(ca: CertificateAuthority) -> None:
    start = datetime(2030, 1, 1, tzinfo=UTC)
    issued = ca.issue_organisation(
        *SUPPLIER, PIN, not_before=start, not_after=start + timedelta(days=30)
    )
    assert issued.certificate.not_valid_before_utc == start
    assert issued.certificate.not_valid_after_utc == start + timedelta(days=30)
    with pytest.raises(CaError):
        ca.issue_organisation(*SUPPLIER, PIN, not_before=start, not_after=start)


def test_state_round_trips_with_keys_encrypted_under_the_passphrase(
    ca: CertificateAuthority, supplier: Holder
) -> None:
    state = ca.to_dict()
    text = json.dumps(state, ensure_ascii=False)
    assert "BEGIN ENCRYPTED PRIVATE KEY" in text
    assert "BEGIN PRIVATE KEY" not in text
    assert format(supplier.key.certificate.serial_number, "x") in state["issued"]
    with pytest.raises(CaError, match="CA 口令错误"):
        CertificateAuthority.from_dict(json.loads(text), "wrong-passphrase")
    again = CertificateAuthority.from_dict(json.loads(text), "test-ca-passphrase")
    assert again.root_certificate == ca.root_certificate
    issued = again.issue_organisation(*SUPPLIER, PIN)
    issued.certificate.verify_directly_issued_by(ca.issuing_certificate)


def test_a_ca_directory_is_created_on_first_use_and_reloaded_after(tmp_path: Path) -> None:
    directory = tmp_path / "ca"
    first = CertificateAuthority.open(directory, "dir-passphrase")
    assert {p.name for p in directory.iterdir()} == {"ca.json", "root.pem", "crl.der"}
    assert (directory / "ca.json").stat().st_mode & 0o077 == 0
    second = CertificateAuthority.open(directory, "dir-passphrase")
    assert second.root_certificate == first.root_certificate
    with pytest.raises(CaError):
        CertificateAuthority.load(directory, "not-the-passphrase")


def test_revoked_certificates_are_listed_in_a_crl_signed_by_the_issuing_ca() -> None:
    authority = CertificateAuthority.create("吊销测试", "revoke-passphrase")
    kept = authority.issue_organisation(*SUPPLIER, PIN)
    revoked = authority.issue_organisation(*SUPPLIER, PIN)
    authority.revoke(revoked.serial)
    crl = x509.load_der_x509_crl(authority.crl())
    assert crl.is_signature_valid(authority.issuing_certificate.public_key())  # type: ignore[arg-type]
    assert crl.get_revoked_certificate_by_serial_number(revoked.serial) is not None
    assert crl.get_revoked_certificate_by_serial_number(kept.serial) is None
    with pytest.raises(CaError, match="未签发"):
        authority.revoke(12345)


def test_the_tsa_answers_rfc3161_requests_and_rejects_garbage(
    ca: CertificateAuthority, timestamper: TimeStamper
) -> None:
    _nonce, request = timestamper.request_cms(bytes(32), "sha256")
    response = tsp.TimeStampResp.load(ca.timestamp_response(request.dump()))
    assert response["status"]["status"].native == "granted"
    token = response["time_stamp_token"]["content"]
    info = token["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == bytes(32)
    assert info["nonce"].native == request["nonce"].native
    tsa_cert = token["certificates"][0].chosen
    assert tsa_cert.extended_key_usage_value.native == ["time_stamping"]
    # A rejection has no token; asn1crypto's TimeStampResp cannot parse that, so go generic.
    rejected = core.Sequence.load(ca.timestamp_response(b"not a request"))
    status = tsp.PKIStatusInfo.load(rejected[0].dump())
    assert status["status"].native == "rejection"
    assert status["fail_info"].native == {"bad_data_format"}


def test_issued_p12_is_encrypted_under_the_pin(supplier: Holder) -> None:
    again = unlock(supplier.p12, PIN)
    assert again.certificate == supplier.key.certificate
