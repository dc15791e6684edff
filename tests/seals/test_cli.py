"""The click commands: ca issue → seal → verify, and refusals with a non-zero exit."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from seals.cli import main
from tests.seals.conftest import CONTRACT_NO, PIN, PURCHASER, SUPPLIER


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "KUANGCAI_CA_DIR": str(tmp_path / "ca"),
        "KUANGCAI_CA_PASSPHRASE": "cli-test-passphrase",
        "KUANGCAI_PIN": PIN,
    }


def _run(env: dict[str, str], *args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env, input=input)
    return result.exit_code, result.output


def test_issue_seal_twice_and_verify(
    tmp_path: Path, env: dict[str, str], contract_pdf: bytes
) -> None:
    contract = tmp_path / "contract.pdf"
    contract.write_bytes(contract_pdf)
    supplier, purchaser = tmp_path / "supplier.p12", tmp_path / "purchaser.p12"
    code, out = _run(env, "ca", "issue", "--org-name", SUPPLIER[0], "--uscc", SUPPLIER[1],
                     "-o", str(supplier))  # fmt: skip
    assert code == 0, out
    assert supplier.stat().st_mode & 0o077 == 0
    code, out = _run(env, "ca", "issue", "--org-name", PURCHASER[0], "--uscc", PURCHASER[1],
                     "-o", str(purchaser))  # fmt: skip
    assert code == 0, out
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    code, out = _run(env, "seal", str(contract), "-o", str(first), "--p12", str(supplier),
                     "--page", "2", "--x", "330", "--y", "520", "--field", "supplier",
                     "--reserve", "purchaser:2:90:520")  # fmt: skip
    assert code == 0, out
    code, out = _run(env, "seal", str(first), "-o", str(second), "--p12", str(purchaser),
                     "--field", "purchaser")  # fmt: skip
    assert code == 0, out
    code, out = _run(env, "verify", str(second))
    assert code == 0, out
    assert "签章 1：supplier  【有效】" in out and "签章 2：purchaser  【有效】" in out
    assert "吊销状态：未吊销（已核对 CRL）" in out  # the CA directory's CRL was used

    tampered = tmp_path / "tampered.pdf"
    data = second.read_bytes()
    at = data.index(CONTRACT_NO)
    tampered.write_bytes(data[:at] + b"X" + data[at + 1 :])
    code, out = _run(env, "verify", str(tampered))
    assert code == 1
    assert "结论：验证未通过" in out


def test_a_wrong_uscc_is_refused_and_nothing_is_written(
    tmp_path: Path, env: dict[str, str]
) -> None:
    target = tmp_path / "bad.p12"
    code, out = _run(env, "ca", "issue", "--org-name", SUPPLIER[0], "--uscc",
                     SUPPLIER[1][:-1] + "H", "-o", str(target))  # fmt: skip
    assert code != 0
    assert "统一社会信用代码校验位错误" in out
    assert not target.exists()
    assert not Path(env["KUANGCAI_CA_DIR"]).exists()


def test_a_personal_certificate_with_a_wrong_id_number_is_refused(
    tmp_path: Path, env: dict[str, str]
) -> None:
    code, out = _run(env, "ca", "issue", "--person-name", "张三", "--id-number",
                     "110105194912310021", "-o", str(tmp_path / "p.p12"))  # fmt: skip
    assert code != 0 and "身份证号码校验位错误" in out


def test_the_pin_is_asked_for_when_not_in_the_environment_and_a_wrong_one_is_refused(
    tmp_path: Path, env: dict[str, str], contract_pdf: bytes
) -> None:
    p12 = tmp_path / "s.p12"
    assert _run(env, "ca", "issue", "--org-name", SUPPLIER[0], "--uscc", SUPPLIER[1],
                "-o", str(p12))[0] == 0  # fmt: skip
    contract = tmp_path / "contract.pdf"
    contract.write_bytes(contract_pdf)
    no_pin = {key: value for key, value in env.items() if key != "KUANGCAI_PIN"}
    code, out = _run(no_pin, "seal", str(contract), "-o", str(tmp_path / "o.pdf"),
                     "--p12", str(p12), input="999999\n")  # fmt: skip
    assert code == 1 and "证书密码错误" in out
    assert not (tmp_path / "o.pdf").exists()
    code, out = _run(no_pin, "seal", str(contract), "-o", str(tmp_path / "o.pdf"),
                     "--p12", str(p12), "--no-timestamp", input=f"{PIN}\n")  # fmt: skip
    assert code == 0, out


def test_verify_without_any_trust_anchor_says_how_to_get_one(
    tmp_path: Path, env: dict[str, str], sealed_contract: bytes
) -> None:
    document = tmp_path / "sealed.pdf"
    document.write_bytes(sealed_contract)
    code, out = _run(env, "verify", str(document))
    assert code != 0 and "没有可信根证书" in out
