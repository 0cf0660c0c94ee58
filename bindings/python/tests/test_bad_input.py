"""Bad input raises a Python exception carrying sbfvm's message; the process never dies."""

import pytest
from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey

import sbfvm
from scenario import FIXTURES, PlainInstruction

PROGRAM = "D6A3KHUd1z8RQ4iKdFdQRWbTJ5JKsr9iLxR8mSMaRr2d"


def test_broken_elf():
    vm = sbfvm.Sbfvm()
    with pytest.raises(sbfvm.SbfvmError, match=PROGRAM):
        vm.add_program(PROGRAM, b"\x7fELF not really")
    # A file that is not an ELF at all (a scenario file).
    with pytest.raises(sbfvm.SbfvmError, match="cpi.toml"):
        vm.add_program_file(PROGRAM, str(FIXTURES / "cpi.toml"))


def test_missing_file():
    with pytest.raises(sbfvm.SbfvmError, match="no_such.so"):
        sbfvm.Sbfvm().add_program_file(PROGRAM, str(FIXTURES / "no_such.so"))


def test_malformed_keys():
    vm = sbfvm.Sbfvm()
    with pytest.raises(ValueError, match="is not base58"):
        vm.get_account("not-base58-0OIl")
    with pytest.raises(ValueError, match="decodes to 3 bytes, a public key has 32"):
        vm.get_account("abcd")
    with pytest.raises(ValueError, match="owner: a public key has 32 bytes, got 31"):
        vm.set_account(PROGRAM, lamports=1, owner=bytes(31))


def test_wrong_types():
    vm = sbfvm.Sbfvm()
    with pytest.raises(TypeError, match="expected a Pubkey, a base58 str or 32 bytes, got int"):
        vm.get_account(7)
    with pytest.raises(TypeError, match="expected an Instruction"):
        vm.process_instruction("not an instruction")
    with pytest.raises(TypeError, match="data: expected bytes, got str"):
        vm.set_account(PROGRAM, data="text")
    with pytest.raises(OverflowError):
        vm.set_account(PROGRAM, lamports=-1)


def test_unknown_loader():
    with pytest.raises(ValueError, match="unknown loader `v9`"):
        sbfvm.Sbfvm().add_program_file(PROGRAM, str(FIXTURES / "log.so"), "v9")


def test_missing_accounts():
    # The instruction names an account the VM does not hold and a program never deployed:
    # the outcome says so, as Agave does; nothing is raised.
    vm = sbfvm.Sbfvm()
    program = Pubkey.from_string(PROGRAM)
    missing = Instruction(program, b"", [AccountMeta(program, False, False)])
    outcome = vm.process_instruction(missing)
    assert outcome.result != "ok"
    assert outcome.compute_units_consumed == 0


def test_not_a_transaction():
    with pytest.raises(ValueError, match="not a serialized transaction"):
        sbfvm.Sbfvm().send_transaction(b"\x01\x02")


def test_unknown_expectation():
    vm = sbfvm.Sbfvm()
    outcome = vm.process_instruction(PlainInstruction(PROGRAM, [], b""))
    with pytest.raises(TypeError, match="unknown expectation `compute_unit`"):
        outcome.check(compute_unit=5)
    with pytest.raises(TypeError, match=r"accounts\[0\]: expected a dict"):
        outcome.check(accounts=[PROGRAM])
