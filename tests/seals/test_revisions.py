"""撤章: withdrawing the last seal returns exactly the bytes before it."""

from __future__ import annotations

import pytest

from seals import WithdrawError, withdraw_last


def test_withdrawing_the_last_seal_returns_the_previous_bytes(
    contract_pdf: bytes, supplier_sealed: bytes, sealed_contract: bytes
) -> None:
    assert withdraw_last(sealed_contract) == supplier_sealed
    assert withdraw_last(supplier_sealed) == contract_pdf


def test_an_unsealed_file_has_nothing_to_withdraw(contract_pdf: bytes) -> None:
    with pytest.raises(WithdrawError, match="没有签章"):
        withdraw_last(contract_pdf)


def test_a_file_changed_after_its_last_seal_is_not_cut_back(sealed_contract: bytes) -> None:
    with pytest.raises(WithdrawError, match="又被修改过"):
        withdraw_last(sealed_contract + b"% appended after sealing\n")
