"""The fixed cost of `process_instruction` from Python: a no-op instruction (cpi_callee.so
with empty data, as `sbfvm bench execute/noop_instruction_jit`), timed in a Python loop and
inside Rust (`time_process_instruction`, the same build with no Python per call); the
difference is the binding's overhead per call. Median of 11 batches after a warm-up."""

import statistics
import time
from pathlib import Path

import sbfvm

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
BATCH = 5_000


class Pubkey:
    """solders' Pubkey shape: `bytes(key)`."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def __bytes__(self) -> bytes:
        return self.raw


class Instruction:
    """solders' Instruction shape."""

    def __init__(self, program_id: Pubkey):
        self.program_id = program_id
        self.accounts = []
        self.data = b""


def median_ns(batch) -> float:
    deadline = time.perf_counter() + 0.2
    while time.perf_counter() < deadline:
        batch()
    return statistics.median(batch() for _ in range(11))


def main() -> None:
    vm = sbfvm.Sbfvm()
    program = Pubkey(bytes(range(1, 33)))
    vm.add_program_file(program, str(FIXTURES / "cpi_callee.so"))
    instruction = Instruction(program)
    assert vm.process_instruction(instruction).result == "ok"

    def python_loop() -> float:
        start = time.perf_counter_ns()
        for _ in range(BATCH):
            vm.process_instruction(instruction)
        return (time.perf_counter_ns() - start) / BATCH

    def read_loop() -> float:
        start = time.perf_counter_ns()
        for _ in range(BATCH):
            outcome = vm.process_instruction(instruction)
            outcome.result, outcome.compute_units_consumed
        return (time.perf_counter_ns() - start) / BATCH

    native = median_ns(lambda: vm.time_process_instruction(instruction, BATCH))
    python = median_ns(python_loop)
    read = median_ns(read_loop)
    print(f"inside Rust (no Python per call)         {native / 1000:8.2f} us/call")
    print(f"vm.process_instruction(ix)               {python / 1000:8.2f} us/call  overhead {python - native:6.0f} ns")
    print(f"  and reading result, compute units      {read / 1000:8.2f} us/call  overhead {read - native:6.0f} ns")


if __name__ == "__main__":
    main()
