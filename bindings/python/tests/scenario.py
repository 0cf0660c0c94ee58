"""Runs a fixture scenario (fixtures/*.toml) through the Python binding and through the
Rust CLI (`sbfvm run FILE --json`), so the tests compare the two without hard-coding a
result. Instructions are solders' `Instruction`s of `Pubkey`s, or plain base58 strings and
bytes."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

import sbfvm

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "fixtures"
SYSTEM_PROGRAM = "11111111111111111111111111111111"


def cli() -> str:
    """The `sbfvm` binary: $SBFVM_CLI, else the workspace's debug build."""
    path = os.environ.get("SBFVM_CLI") or str(REPO / "target" / "debug" / "sbfvm")
    if not Path(path).is_file():
        raise RuntimeError(f"{path} is missing: run `cargo build -p sbfvm-cli` or set SBFVM_CLI")
    return path


def signer(name: str) -> Keypair:
    """The keypair scenario files call `signer:NAME`: its secret key is SHA-256 of NAME."""
    return Keypair.from_seed(hashlib.sha256(name.encode()).digest())


def key_text(text: str) -> str:
    """A scenario file's key in base58 (`signer:NAME` resolved)."""
    return str(signer(text[7:]).pubkey()) if text.startswith("signer:") else text


@dataclass
class PlainMeta:
    pubkey: str
    is_signer: bool
    is_writable: bool


@dataclass
class PlainInstruction:
    """An instruction of base58 strings and bytes, no client library."""

    program_id: str
    accounts: list
    data: bytes


def instruction_of(shape: str, program_id: str, metas: list, data: bytes) -> Any:
    """An instruction as solders builds it ("solders") or of plain values ("plain")."""
    if shape == "solders":
        return Instruction(
            Pubkey.from_string(program_id),
            data,
            [AccountMeta(Pubkey.from_string(m.pubkey), m.is_signer, m.is_writable) for m in metas],
        )
    if shape == "plain":
        return PlainInstruction(program_id, metas, data)
    raise ValueError(shape)


def data_of(text: str) -> bytes:
    if text.startswith("hex:"):
        return bytes.fromhex(text[4:])
    if text.startswith("base64:"):
        return base64.b64decode(text[7:])
    raise ValueError(text)


def report(path: Path) -> dict:
    """The CLI's report of a scenario file."""
    run = subprocess.run([cli(), "run", str(path), "--json"], capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr  # 1: an expectation of the file failed
    return json.loads(run.stdout)


def options_of(settings: dict) -> dict:
    """A scenario's `[settings]` as constructor options (sysvars named as the file names
    them)."""
    features = {name: True for name in settings.get("features", {}).get("enable", [])}
    features.update({name: False for name in settings.get("features", {}).get("disable", [])})
    return {
        "compute_unit_limit": settings.get("compute_unit_limit"),
        "features": features,
        "sysvars": settings.get("sysvars"),
    }


@dataclass
class Loaded:
    vm: sbfvm.Sbfvm
    instructions: list
    #: The scenario's own limit of each instruction (not part of an instruction).
    limits: list[Optional[int]]
    expected: list[dict]
    expected_transactions: list[dict]


def load_scenario(name: str, shape: str = "solders", **options) -> Loaded:
    """The scenario's VM (settings as options, programs and accounts set up), its
    instructions in `shape` and the CLI's report of the same file."""
    path = FIXTURES / name
    scenario = tomllib.loads(path.read_text())
    vm = sbfvm.Sbfvm(**{**options_of(scenario.get("settings", {})), **options})
    for program in scenario.get("programs", []):
        loader = program.get("loader", "upgradeable")
        program_id = Pubkey.from_string(program["program_id"])
        vm.add_program_file(program_id, str(path.parent / program["elf"]), loader)
    for account in scenario.get("accounts", []):
        data = data_of(account["data"]) if "data" in account else bytes(account.get("space", 0))
        vm.set_account(
            key_text(account["pubkey"]),
            lamports=account.get("lamports", 0),
            data=data,
            owner=account.get("owner", SYSTEM_PROGRAM),
            executable=account.get("executable", False),
        )
    specs = scenario.get("instructions", [])
    instructions = [
        instruction_of(
            shape,
            spec["program_id"],
            [
                PlainMeta(key_text(m["pubkey"]), m.get("is_signer", False), m.get("is_writable", False))
                for m in spec.get("accounts", [])
            ],
            data_of(spec["data"]) if "data" in spec else b"",
        )
        for spec in specs
    ]
    expected = report(path)
    return Loaded(
        vm,
        instructions,
        [spec.get("compute_unit_limit") for spec in specs],
        expected["instructions"],
        expected.get("transactions", []),
    )


def load(name: str, **options):
    """`load_scenario`'s VM, instructions and the CLI's reports of them."""
    loaded = load_scenario(name, **options)
    return loaded.vm, loaded.instructions, loaded.expected


def frame_of(invocation: sbfvm.Invocation) -> dict:
    """An invocation in the CLI report's form (wall time left out)."""
    cost = invocation.cost
    return {
        "compute_units_consumed": invocation.compute_units_consumed,
        "cost": {
            "cpi": cost["cpi"],
            "instructions": cost["instructions"],
            "other": cost["other"],
            "syscalls": {
                name: {"calls": calls, "compute_units": units}
                for name, (calls, units) in cost["syscalls"].items()
            },
        },
        "invocations": [frame_of(inner) for inner in invocation.invocations],
        "program_id": invocation.program_id,
        "result": invocation.result,
        "stack_height": invocation.stack_height,
    }


def without_wall_time(frame: dict) -> dict:
    frame = {k: v for k, v in frame.items() if k != "wall_time_ns"}
    frame["invocations"] = [without_wall_time(inner) for inner in frame["invocations"]]
    return frame


def assert_same(vm: sbfvm.Sbfvm, outcome: sbfvm.Outcome, expected: dict) -> None:
    """Everything the CLI reports of one instruction equals what the binding gives."""
    assert outcome.result == expected["result"]
    assert outcome.compute_units_consumed == expected["compute_units_consumed"]
    assert outcome.logs == expected["logs"]
    return_data = expected["return_data"]
    assert outcome.return_data == (base64.b64decode(return_data["data"]) if return_data else b"")
    assert outcome.return_data_program_id == (return_data["program_id"] if return_data else None)
    assert [frame_of(f) for f in outcome.invocations] == [
        without_wall_time(f) for f in expected["invocations"]
    ]
    for account in expected["accounts"]:
        for state in (outcome.account(account["pubkey"]), vm.get_account(account["pubkey"])):
            assert state is not None
            assert state.lamports == account["lamports"]
            assert state.data == base64.b64decode(account["data"])
            assert state.owner == account["owner"]
            assert state.executable == account["executable"]


def run(vm: sbfvm.Sbfvm, instruction: Any, limit: Optional[int]) -> sbfvm.Outcome:
    """One instruction as the scenario runner runs it: under its own limit when it has one."""
    if limit is None:
        return vm.process_instruction(instruction)
    return vm.process_transaction([instruction], compute_unit_limit=limit)


def run_all(name: str, **options) -> list[sbfvm.Outcome]:
    """Runs every instruction of the file, comparing each with the CLI's report."""
    loaded = load_scenario(name, **options)
    assert len(loaded.instructions) == len(loaded.expected)
    outcomes = []
    for instruction, limit, report in zip(loaded.instructions, loaded.limits, loaded.expected):
        outcome = run(loaded.vm, instruction, limit)
        assert_same(loaded.vm, outcome, report)
        outcomes.append(outcome)
    return outcomes
