"""A seal names the party it is made for (in its signed /Reason); verification says which party
and whether the certificate's 统一社会信用代码 is that party's, in the report and in the CLI."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from cryptography.hazmat.primitives.serialization import Encoding

from seals import NamedParty, SealSpec, official_seal_png, party_of_reason, party_reason, seal_pdf
from seals.cli import main
from seals.verify import verify_pdf
from tests.seals.conftest import PURCHASER, SUPPLIER

OTHER_USCC = "91150100MA0N4X5Y6E"  # another company's code, as typed into a contract


def _sealed_for(contract_pdf: bytes, supplier, timestamper, party: NamedParty) -> bytes:
    spec = SealSpec(field_name="seal-1-supplier", image_png=official_seal_png(SUPPLIER[0]),
                    page=1, x=330, y=520, reason=party_reason(party))
    return seal_pdf(contract_pdf, supplier.key, spec, timestamper)


def test_the_reason_round_trips_and_other_reasons_name_no_party() -> None:
    party = NamedParty("供应商", SUPPLIER[0], SUPPLIER[1])
    assert party_of_reason(party_reason(party)) == party
    assert party_of_reason("供应商签章") is None
    assert party_of_reason(None) is None


def test_a_seal_for_the_certificates_own_party_matches(contract_pdf, supplier, timestamper,
                                                       ca) -> None:
    sealed = _sealed_for(contract_pdf, supplier, timestamper,
                         NamedParty("供应商", SUPPLIER[0], SUPPLIER[1]))
    report = verify_pdf(sealed, [ca.root_certificate])
    (sig,) = report.signatures
    assert sig.named_party == NamedParty("供应商", SUPPLIER[0], SUPPLIER[1])
    assert sig.party_matches is True and report.ok
    assert f"代表当事人：供应商 {SUPPLIER[0]}（统一社会信用代码 {SUPPLIER[1]}，与证书一致）" \
        in report.to_text()


def test_a_seal_for_a_party_with_another_uscc_fails_verification(
        tmp_path: Path, contract_pdf, supplier, timestamper, ca) -> None:
    sealed = _sealed_for(contract_pdf, supplier, timestamper,
                         NamedParty("供应商", PURCHASER[0], OTHER_USCC))
    report = verify_pdf(sealed, [ca.root_certificate])
    (sig,) = report.signatures
    assert sig.bottom_line  # the signature itself holds …
    assert sig.party_matches is False and not report.ok  # … but not for the party it names
    assert any(OTHER_USCC in problem and SUPPLIER[1] in problem for problem in sig.problems)

    pdf, root = tmp_path / "sealed.pdf", tmp_path / "root.pem"
    pdf.write_bytes(sealed)
    root.write_bytes(ca.root_certificate.public_bytes(Encoding.PEM))
    result = CliRunner().invoke(main, ["verify", str(pdf), "--trust", str(root)])
    assert result.exit_code == 1, result.output
    assert f"代表当事人：供应商 {PURCHASER[0]}（统一社会信用代码 {OTHER_USCC}，与证书不一致）" \
        in result.output
    assert "结论：验证未通过" in result.output
