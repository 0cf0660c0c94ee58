"""The type stubs (sbfvm/__init__.pyi) against real solders values: `mypy --strict` on this
file (bindings/check.sh) fails when a solders key, instruction or transaction, or an
option, is not accepted as it is. Type-checked only; pytest does not collect it."""

from solders.hash import Hash
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.message import Message, MessageV0
from solders.pubkey import Pubkey
from solders.system_program import TransferParams, transfer
from solders.transaction import VersionedTransaction

import sbfvm


def clients() -> None:
    vm = sbfvm.Sbfvm(
        compute_unit_limit=1_400_000,
        features={"blake3_syscall_enabled": True},
        sysvars={"clock": {"slot": 5, "unix_timestamp": 1}, "rent": {"exemption_threshold": 1.0}, "last_restart_slot": 3},
    )
    payer = Keypair()
    program = Pubkey.new_unique()
    vm.add_program_file(program, "fixtures/log.so", loader="bpf_loader")
    vm.set_account(payer.pubkey(), lamports=5, data=b"", owner=program)
    outcome = vm.process_instruction(Instruction(program, b"", [AccountMeta(payer.pubkey(), True, True)]))
    units: int = outcome.compute_units_consumed
    instruction = transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=program, lamports=1))
    blockhash = Hash.from_string(vm.latest_blockhash())
    v0 = VersionedTransaction(MessageV0.try_compile(payer.pubkey(), [instruction], [], blockhash), [payer])
    legacy = VersionedTransaction(Message.new_with_blockhash([instruction], payer.pubkey(), blockhash), [payer])
    vm.send_transaction(v0)
    vm.simulate_transaction(bytes(legacy))
    vm.process_transaction([instruction], compute_unit_limit=units)
    vm.warp_to_slot(7)
    outcome.expect(result="ok", accounts=[{"pubkey": payer.pubkey(), "lamports": 1}])
    try:
        vm.get_account("not a key")
    except (ValueError, sbfvm.SbfvmError):
        pass
