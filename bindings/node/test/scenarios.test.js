// The fixture scenarios the Rust tests run, through the Node binding: every result, compute
// unit count, log line, return data, invoke-tree frame and account equals what the Rust
// library reports for the same file (`sbfvm run FILE --json`).
"use strict";
const assert = require("node:assert/strict");
const { test } = require("node:test");
const { Sbfvm } = require("..");
const { PublicKey, load, runAll } = require("./scenario");

test("CPI chain A -> B -> C -> D -> E, call depth, reentrancy", () => {
  const outcomes = runAll("cpi_chain.toml");
  let frame = outcomes[0].invocations[0];
  let depth = 0;
  while (frame.invocations.length > 0) {
    frame = frame.invocations[0];
    depth += 1;
  }
  assert.equal(depth, 4);
  assert.equal(frame.stackHeight, 5);
  assert.equal(outcomes[1].result, "CallDepth");
});

test("PDA through invoke_signed, failing callee, return data (cpi.toml)", () => {
  const outcomes = runAll("cpi.toml");
  assert.equal(outcomes[0].result, "ok");
  assert.equal(outcomes[0].invocations[0].invocations[0].programId, "11111111111111111111111111111111");
  assert.equal(outcomes[1].result, "Custom(0)");
  assert.ok(outcomes.some((o) => o.result === "Custom(42)"));
  assert.ok(outcomes.some((o) => Buffer.from(o.returnData).equals(Buffer.from("aabbcc", "hex"))));
});

for (const name of ["custom_error.toml", "log.toml", "account_data.toml"]) {
  test(`scenario ${name}`, () => {
    runAll(name);
  });
}

test("kit instructions and base58 strings give the same outcome as web3.js shapes", () => {
  const { vm, instructions, expected } = load("cpi.toml");
  const web3 = instructions[0];
  const kit = {
    programAddress: web3.programId.toBase58(),
    accounts: web3.keys.map((meta) => ({
      address: meta.pubkey.toBase58(),
      role: (meta.isSigner ? 2 : 0) + (meta.isWritable ? 1 : 0),
    })),
    data: web3.data,
  };
  const outcome = vm.processInstruction(kit);
  assert.equal(outcome.result, expected[0].result);
  assert.equal(outcome.computeUnitsConsumed, BigInt(expected[0].compute_units_consumed));
});

test("checks list every failed expectation", () => {
  const { vm, instructions, expected } = load("cpi.toml");
  const outcome = vm.processInstruction(instructions[0]);
  const units = BigInt(expected[0].compute_units_consumed);
  const pda = instructions[0].keys[2].pubkey.toBase58(); // the PDA the instruction creates
  assert.equal(outcome.check({ result: "ok", computeUnits: units }), null);
  outcome.expect({ result: "ok", logsContain: ["Program 11111111111111111111111111111111 invoke [2]"] });
  const failures = outcome.check({
    result: "Custom(1)",
    computeUnits: units + 1n,
    returnData: Uint8Array.of(1),
    accounts: [{ pubkey: new PublicKey(pda), lamports: 1n }],
  });
  assert.match(failures, /^4 of 4 checks failed:/);
  assert.ok(failures.includes("result: expected `Custom(1)`, got `ok`"));
  assert.ok(failures.includes(`compute_units_consumed: expected ${units + 1n}`));
  assert.ok(failures.includes("lamports: expected 1, got"));
  assert.throws(() => outcome.expect({ result: "Custom(1)" }), { name: "AssertionError", message: /result: expected `Custom\(1\)`/ });
});

test("compute-unit limit and feature options", () => {
  const full = BigInt(load("cpi_chain.toml").expected[0].compute_units_consumed);
  const { vm, instructions } = load("cpi_chain.toml", { computeUnitLimit: full - 1n });
  const outcome = vm.processInstruction(instructions[0]);
  assert.notEqual(outcome.result, "ok");
  assert.equal(outcome.computeUnitsConsumed, full - 1n);
  assert.throws(() => new Sbfvm({ features: { no_such_gate: true } }), /unknown feature `no_such_gate`/);
});

test("accounts and airdrop", () => {
  const vm = new Sbfvm();
  const key = new PublicKey("7tark5iZaRrMfGKtKy1aqpGuRgoxbE6ec7Z5Qa4Jc5xr");
  assert.equal(vm.getAccount(key), null);
  vm.setAccount(key, { lamports: 5n, data: Uint8Array.of(1, 2), owner: "11111111111111111111111111111111", executable: false });
  const account = vm.getAccount(key.toBytes());
  assert.equal(account.lamports, 5n);
  assert.deepEqual(Uint8Array.from(account.data), Uint8Array.of(1, 2));
  assert.equal(account.owner, "11111111111111111111111111111111");
  assert.equal(account.executable, false);
  vm.airdrop(key, 10n);
  assert.equal(vm.getAccount(key.toBase58()).lamports, 15n);
  assert.ok(vm.latestBlockhash().length >= 32);
});

test("timeProcessInstruction runs the instruction inside Rust", () => {
  const { vm, instructions, expected } = load("cpi_chain.toml");
  assert.ok(vm.timeProcessInstruction(instructions[0], 3) > 0);
  const outcome = vm.processInstruction(instructions[0]);
  assert.equal(outcome.computeUnitsConsumed, BigInt(expected[0].compute_units_consumed));
});
