"""The fixture scenarios the Rust tests run, through the Python binding: every result,
compute unit count, log line, return data, invoke-tree frame and account equals what the
Rust library reports for the same file (`sbfvm run FILE --json`). Instructions are solders'
`Instruction`s of `Pubkey`s, or plain base58 strings and bytes."""

import base64
import struct

import pytest
from solders.pubkey import Pubkey

import sbfvm

from scenario import FIXTURES, assert_same, load, run_all


def test_cpi_chain():
    # A -> B -> C -> D -> E, then a sixth frame (CallDepth), reentrancy and self-recursion.
    outcomes = run_all("cpi_chain.toml")
    chain = outcomes[0]
    assert chain.result == "ok"
    depth = 0
    frame = chain.invocations[0]
    while frame.invocations:
        depth += 1
        frame = frame.invocations[0]
    assert depth == 4 and frame.stack_height == 5
    assert outcomes[1].result == "CallDepth"


def test_cpi_pda_failing_callee_and_return_data():
    # cpi.toml: a PDA created through invoke_signed (C and Rust ABIs), privilege escalation,
    # realloc, a callee that sets return data the caller reads, a callee failing with
    # Custom(42), the instruction-trace limit.
    outcomes = run_all("cpi.toml")
    pda, again = outcomes[0], outcomes[1]
    assert pda.result == "ok"
    assert pda.invocations[0].invocations[0].program_id == "11111111111111111111111111111111"
    assert again.result == "Custom(0)"
    results = [o.result for o in outcomes]
    assert "Custom(42)" in results
    assert any(o.return_data == bytes.fromhex("aabbcc") for o in outcomes)


@pytest.mark.parametrize("name", ["custom_error.toml", "log.toml", "account_data.toml"])
def test_more_scenarios(name):
    run_all(name)


@pytest.mark.parametrize("name", ["cpi.toml", "cpi_chain.toml"])
def test_plain_instructions(name):
    # Base58 strings and bytes, no solders types: the same outcomes.
    run_all(name, shape="plain")


def test_checks_list_every_failure():
    vm, instructions, expected = load("cpi.toml")
    outcome = vm.process_instruction(instructions[0])
    report = expected[0]
    pda = bytes(instructions[0].accounts[2].pubkey)  # the PDA the instruction creates
    assert outcome.check(result="ok", compute_units=report["compute_units_consumed"]) is None
    outcome.expect(result="ok", logs_contain=["Program 11111111111111111111111111111111 invoke [2]"])
    failures = outcome.check(
        result="Custom(1)",
        compute_units=report["compute_units_consumed"] + 1,
        return_data=b"\x01",
        accounts=[{"pubkey": pda, "lamports": 1}],
    )
    assert failures is not None
    assert failures.startswith("4 of 4 checks failed:")
    assert "result: expected `Custom(1)`, got `ok`" in failures
    assert f"compute_units_consumed: expected {report['compute_units_consumed'] + 1}" in failures
    assert "lamports: expected 1, got" in failures
    with pytest.raises(AssertionError, match="result: expected `Custom\\(1\\)`"):
        outcome.expect(result="Custom(1)")


def test_compute_unit_limit():
    _, instructions, expected = load("cpi_chain.toml")
    full = expected[0]["compute_units_consumed"]
    # The same scenario in a VM whose limit is one unit short of what the chain needs.
    vm, _, _ = load("cpi_chain.toml", compute_unit_limit=full - 1)
    outcome = vm.process_instruction(instructions[0])
    assert outcome.result != "ok"
    assert outcome.compute_units_consumed == full - 1


def test_features(tmp_path):
    # hash_blake3.toml enables blake3_syscall_enabled in its settings (passed as an option).
    with_gate = run_all("hash_blake3.toml")
    assert with_gate[0].result == "ok"
    # The same gate by its base58 id.
    _, instructions, expected = load("hash_blake3.toml")
    vm, _, _ = load("hash_blake3.toml", features={"HTW2pSyErTj4BV6KBM9NZ9VBUJVxt7sacNWcf76wtzb3": True})
    assert vm.process_instruction(instructions[0]).result == expected[0]["result"]
    # The file without its gate (mainnet's set): sol_blake3 does not exist, the call fails,
    # as the CLI reports too.
    without_gate = tmp_path / "hash_blake3_mainnet.toml"
    without_gate.write_text(
        (FIXTURES / "hash_blake3.toml")
        .read_text()
        .replace('features = { enable = ["blake3_syscall_enabled"] }', "")
        .replace('elf = "hash_pda.so"', f'elf = "{FIXTURES / "hash_pda.so"}"')
    )
    assert run_all(str(without_gate))[0].result != "ok"
    with pytest.raises(ValueError, match="unknown feature `no_such_gate`"):
        sbfvm.Sbfvm(features={"no_such_gate": True})


def test_sysvars():
    # sysvars.toml's settings.sysvars (Clock, EpochSchedule, LastRestartSlot) go in as the
    # sysvars option, named as the file names them.
    run_all("sysvars.toml")
    vm, instructions, expected = load("sysvars.toml", sysvars={
        "clock": {"slot": 123_456_789, "epoch_start_timestamp": 1_700_000_000, "epoch": 285,
                  "leader_schedule_epoch": 286, "unix_timestamp": 1_700_000_123},
        "epoch_schedule": {"slots_per_epoch": 8192},
        "last_restart_slot": 77,
        "rent": {"burn_percent": 40},
    })
    outcome = vm.process_instruction(instructions[0])
    assert outcome.return_data == base64.b64decode(expected[0]["return_data"]["data"])
    # burn_percent 40 = 0x28 where the default Rent logs 0x32.
    assert "Program log: 0x1b30, 0x28, 0x2000, 0x0, 0x4d" in outcome.logs
    with pytest.raises(ValueError, match="unknown sysvar field `clock.slott`"):
        sbfvm.Sbfvm(sysvars={"clock": {"slott": 1}})
    with pytest.raises(ValueError, match=r"sysvars.clock.slot: expected an integer from 0 to 2\^64 - 1, got -1"):
        sbfvm.Sbfvm(sysvars={"clock": {"slot": -1}})
    with pytest.raises(TypeError, match="sysvars.clock.slot: expected a number or bool, got str"):
        sbfvm.Sbfvm(sysvars={"clock": {"slot": "5"}})


def test_warp_to_slot():
    # An EpochSchedule of 8,192-slot epochs from slot 0 (no warmup).
    schedule = {"slots_per_epoch": 8192, "warmup": False, "first_normal_epoch": 0, "first_normal_slot": 0}
    vm, instructions, _ = load("sysvars.toml", sysvars={"epoch_schedule": schedule})
    vm.warp_to_slot(1_000_000)
    # The returned Clock starts with its slot, then epoch_start_timestamp and the epoch,
    # which follows the EpochSchedule.
    slot, _, epoch = struct.unpack_from("<QqQ", vm.process_instruction(instructions[0]).return_data)
    assert (slot, epoch) == (1_000_000, 1_000_000 // 8192)


def test_accounts_and_airdrop():
    vm = sbfvm.Sbfvm()
    key = Pubkey.from_string("7tark5iZaRrMfGKtKy1aqpGuRgoxbE6ec7Z5Qa4Jc5xr")
    assert vm.get_account(key) is None
    vm.set_account(key, lamports=5, data=b"\x01\x02", owner="11111111111111111111111111111111")
    account = vm.get_account(bytes(key))
    assert (account.lamports, account.data, account.owner, account.executable) == (
        5,
        b"\x01\x02",
        "11111111111111111111111111111111",
        False,
    )
    vm.airdrop(key, 10)
    assert vm.get_account(key).lamports == 15
    assert len(vm.latest_blockhash()) >= 32


def test_time_process_instruction():
    vm, instructions, expected = load("cpi_chain.toml")
    assert vm.time_process_instruction(instructions[0], 3) > 0
    # Timing runs the instruction; each run commits as process_instruction does.
    assert_same(vm, vm.process_instruction(instructions[0]), expected[0])
