"""Runs a fixture scenario (fixtures/*.toml) through the Python binding and through the
Rust CLI (`sbfvm run FILE --json`), so the tests compare the two without hard-coding a
result. Instructions are handed over in the shapes of solders' types (duck-typed)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

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


def b58decode(text: str) -> bytes:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number = 0
    for char in text:
        number = number * 58 + alphabet.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


class Pubkey:
    """solders.pubkey.Pubkey's shape: `bytes(key)` is its 32 bytes."""

    def __init__(self, text: str):
        self._bytes = b58decode(text)

    def __bytes__(self) -> bytes:
        return self._bytes


@dataclass
class AccountMeta:
    pubkey: Pubkey
    is_signer: bool
    is_writable: bool


@dataclass
class Instruction:
    program_id: Pubkey
    accounts: list
    data: bytes
    # The scenario's own limit for this instruction (not part of solders' shape).
    compute_unit_limit: Optional[int] = None


def data_of(text: str) -> bytes:
    if text.startswith("hex:"):
        return bytes.fromhex(text[4:])
    if text.startswith("base64:"):
        return base64.b64decode(text[7:])
    raise ValueError(text)


def load(name: str, **options):
    """The scenario's VM (programs and accounts set up), its instructions and the CLI's
    report of the same file."""
    path = FIXTURES / name
    scenario = tomllib.loads(path.read_text())
    settings = scenario.get("settings", {})
    options.setdefault("compute_unit_limit", settings.get("compute_unit_limit"))
    vm = sbfvm.Sbfvm(**options)
    for program in scenario.get("programs", []):
        loader = program.get("loader", "upgradeable")
        vm.add_program_file(Pubkey(program["program_id"]), str(path.parent / program["elf"]), loader)
    for account in scenario.get("accounts", []):
        data = data_of(account["data"]) if "data" in account else bytes(account.get("space", 0))
        vm.set_account(
            account["pubkey"],
            lamports=account.get("lamports", 0),
            data=data,
            owner=account.get("owner", SYSTEM_PROGRAM),
            executable=account.get("executable", False),
        )
    instructions = [
        Instruction(
            Pubkey(spec["program_id"]),
            [
                AccountMeta(Pubkey(m["pubkey"]), m.get("is_signer", False), m.get("is_writable", False))
                for m in spec.get("accounts", [])
            ],
            data_of(spec["data"]) if "data" in spec else b"",
            spec.get("compute_unit_limit"),
        )
        for spec in scenario["instructions"]
    ]
    run = subprocess.run([cli(), "run", str(path), "--json"], capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    return vm, instructions, json.loads(run.stdout)["instructions"]


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


def run(vm: sbfvm.Sbfvm, instruction: Instruction) -> sbfvm.Outcome:
    """One instruction as the scenario runner runs it: under its own limit when it has one."""
    if instruction.compute_unit_limit is None:
        return vm.process_instruction(instruction)
    return vm.process_transaction([instruction], compute_unit_limit=instruction.compute_unit_limit)
