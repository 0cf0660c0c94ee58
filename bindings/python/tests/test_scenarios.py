"""The fixture scenarios the Rust tests run, through the Python binding: every result,
compute unit count, log line, return data, invoke-tree frame and account equals what the
Rust library reports for the same file (`sbfvm run FILE --json`)."""

import pytest

import sbfvm

from scenario import Pubkey, assert_same, load, run


def run_all(name: str):
    vm, instructions, expected = load(name)
    assert len(instructions) == len(expected)
    outcomes = []
    for instruction, report in zip(instructions, expected):
        outcome = run(vm, instruction)
        assert_same(vm, outcome, report)
        outcomes.append(outcome)
    return outcomes


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


def test_compute_unit_limit_and_features():
    _, instructions, expected = load("cpi_chain.toml")
    full = expected[0]["compute_units_consumed"]
    # The same scenario in a VM whose limit is one unit short of what the chain needs.
    vm, _, _ = load("cpi_chain.toml", compute_unit_limit=full - 1)
    outcome = vm.process_instruction(instructions[0])
    assert outcome.result != "ok"
    assert outcome.compute_units_consumed == full - 1
    with pytest.raises(ValueError, match="unknown feature `no_such_gate`"):
        sbfvm.Sbfvm(features={"no_such_gate": True})


def test_accounts_and_airdrop():
    vm = sbfvm.Sbfvm()
    key = Pubkey("7tark5iZaRrMfGKtKy1aqpGuRgoxbE6ec7Z5Qa4Jc5xr")
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
