"""Signed transactions through the binding. A solders `VersionedTransaction` (legacy and v0
messages), built and signed by solders, gives what the CLI reports for the same transaction
in fixtures/transactions.toml; wire bytes built by hand (no client library) take the same
path."""

import struct

import pytest
from solders.compute_budget import set_compute_unit_limit, set_compute_unit_price
from solders.hash import Hash
from solders.message import Message, MessageV0
from solders.pubkey import Pubkey
from solders.system_program import TransferParams, transfer
from solders.transaction import VersionedTransaction

import sbfvm
from scenario import assert_same, load_scenario, signer

SYSTEM_PROGRAM = "11111111111111111111111111111111"
PAYER = "AWxggjuZRmWULwxwPeM6ZZxRtdDdekVq22mFRx2QbW7U"
RECIPIENT = "7tark5iZaRrMfGKtKy1aqpGuRgoxbE6ec7Z5Qa4Jc5xr"


def solders_transfer(blockhash: str, version) -> VersionedTransaction:
    """transactions.toml's first transaction, "a transfer with a unit limit and price", as
    solders builds it: SetComputeUnitLimit(450), SetComputeUnitPrice(2,000,000), and a
    transfer of 1 SOL from payer to alice."""
    payer = signer("payer")
    instructions = [
        set_compute_unit_limit(450),
        set_compute_unit_price(2_000_000),
        transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=signer("alice").pubkey(), lamports=1_000_000_000)),
    ]
    recent = Hash.from_string(blockhash)
    if version == "legacy":
        message = Message.new_with_blockhash(instructions, payer.pubkey(), recent)
    else:
        message = MessageV0.try_compile(payer.pubkey(), instructions, [], recent)
    return VersionedTransaction(message, [payer])


def fee_of(report: dict) -> int:
    """The fee of a CLI report's transaction: its transaction and prioritization fees."""
    return report["fee"]["transaction_fee"] + report["fee"]["prioritization_fee"]


@pytest.mark.parametrize("version", ["legacy", 0])
def test_solders_versioned_transaction(version):
    loaded = load_scenario("transactions.toml")
    vm, expected = loaded.vm, loaded.expected_transactions[0]
    payer = signer("payer").pubkey()
    transaction = solders_transfer(vm.latest_blockhash(), version)

    simulated = vm.simulate_transaction(transaction)
    assert (simulated.result, simulated.compute_units_consumed, simulated.fee) == (
        expected["result"],
        expected["compute_units_consumed"],
        fee_of(expected),
    )
    assert vm.get_account(payer).lamports == 10_000_000_000  # simulation commits nothing

    sent = vm.send_transaction(transaction)
    assert_same(vm, sent, expected)
    assert sent.fee == fee_of(expected)
    sent.expect(result="ok", compute_units=450, fee=5_900, accounts=[{"pubkey": payer, "lamports": 8_999_994_100}])
    # bytes(tx) is the same transaction: already processed.
    assert vm.send_transaction(bytes(transaction)).result == "AlreadyProcessed"


def transfer_bytes(blockhash: str, lamports: int) -> bytes:
    """A System transfer's wire bytes, built by hand: legacy message, one zero signature."""
    keys = [bytes(Pubkey.from_string(k)) for k in (PAYER, RECIPIENT, SYSTEM_PROGRAM)]
    data = struct.pack("<IQ", 2, lamports)  # SystemInstruction::Transfer
    message = (
        bytes([1, 0, 1, len(keys)])  # 1 signer, 0 read-only signed, 1 read-only unsigned
        + b"".join(keys)
        + bytes(Pubkey.from_string(blockhash))
        + bytes([1, 2, 2, 0, 1, len(data)])
        + data
    )
    return bytes([1]) + bytes(64) + message


def test_wire_bytes_send_and_simulate():
    vm = sbfvm.Sbfvm()
    vm.set_signature_verification(False)
    vm.airdrop(PAYER, 1_000_000_000)
    vm.airdrop(RECIPIENT, 1_000_000)
    tx = transfer_bytes(vm.latest_blockhash(), 5_000_000)

    simulated = vm.simulate_transaction(tx)
    assert simulated.result == "ok", simulated.logs
    assert vm.get_account(PAYER).lamports == 1_000_000_000  # simulation commits nothing

    # The same bytes as solders reads them.
    sent = vm.send_transaction(VersionedTransaction.from_bytes(tx))
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
    assert vm.send_transaction(bytearray(tx)).result == "AlreadyProcessed"


def test_signature_verification_refuses_a_fake_signature():
    vm = sbfvm.Sbfvm()
    vm.airdrop(PAYER, 1_000_000_000)
    outcome = vm.send_transaction(transfer_bytes(vm.latest_blockhash(), 1))
    assert outcome.result == "SignatureFailure"
    assert outcome.fee is None
