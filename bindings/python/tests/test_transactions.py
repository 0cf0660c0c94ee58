"""Signed transactions through the binding: a System transfer built as its wire bytes
(legacy message), sent with signature verification off (the signature is zeros)."""

import struct

import sbfvm
from scenario import b58decode

SYSTEM_PROGRAM = "11111111111111111111111111111111"
PAYER = "AWxggjuZRmWULwxwPeM6ZZxRtdDdekVq22mFRx2QbW7U"
RECIPIENT = "7tark5iZaRrMfGKtKy1aqpGuRgoxbE6ec7Z5Qa4Jc5xr"


def transfer(blockhash: str, lamports: int) -> bytes:
    keys = [b58decode(k) for k in (PAYER, RECIPIENT, SYSTEM_PROGRAM)]
    data = struct.pack("<IQ", 2, lamports)  # SystemInstruction::Transfer
    message = (
        bytes([1, 0, 1, len(keys)])  # 1 signer, 0 read-only signed, 1 read-only unsigned
        + b"".join(keys)
        + b58decode(blockhash)
        + bytes([1, 2, 2, 0, 1, len(data)])
        + data
    )
    return bytes([1]) + bytes(64) + message


def test_send_and_simulate_transfer():
    vm = sbfvm.Sbfvm()
    vm.set_signature_verification(False)
    vm.airdrop(PAYER, 1_000_000_000)
    vm.airdrop(RECIPIENT, 1_000_000)
    tx = transfer(vm.latest_blockhash(), 5_000_000)

    simulated = vm.simulate_transaction(tx)
    assert simulated.result == "ok", simulated.logs
    assert vm.get_account(PAYER).lamports == 1_000_000_000  # simulation commits nothing

    sent = vm.send_transaction(bytearray(tx))
    assert (sent.result, sent.compute_units_consumed, sent.fee) == (
        simulated.result,
        simulated.compute_units_consumed,
        simulated.fee,
    )
    assert sent.fee is not None and sent.fee > 0
    assert vm.get_account(PAYER).lamports == 1_000_000_000 - 5_000_000 - sent.fee
    assert vm.get_account(RECIPIENT).lamports == 1_000_000 + 5_000_000
    assert sent.invocations[0].program_id == SYSTEM_PROGRAM
    # The same signature again is refused before it runs.
    assert vm.send_transaction(tx).result == "AlreadyProcessed"


def test_signature_verification_refuses_a_fake_signature():
    vm = sbfvm.Sbfvm()
    vm.airdrop(PAYER, 1_000_000_000)
    outcome = vm.send_transaction(transfer(vm.latest_blockhash(), 1))
    assert outcome.result == "SignatureFailure"
    assert outcome.fee is None
