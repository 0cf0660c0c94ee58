// The fixture scenarios the Rust tests run, through the Node binding: every result, compute
// unit count, log line, return data, invoke-tree frame and account equals what the Rust
// library reports for the same file (`sbfvm run FILE --json`). Instructions are web3.js
// `TransactionInstruction`s of `PublicKey`s, kit instructions of `Address`es and
// `AccountRole`s, or plain base58 strings and Uint8Arrays.
"use strict";
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { test } = require("node:test");
const { PublicKey } = require("@solana/web3.js");
const { Sbfvm } = require("..");
const { FIXTURES, load, runAll } = require("./scenario");

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

for (const shape of ["kit", "plain"]) {
  for (const name of ["cpi.toml", "cpi_chain.toml"]) {
    test(`${name} with ${shape} instructions equals the CLI`, () => {
      runAll(name, { shape });
    });
  }
}

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

test("compute-unit limit option", () => {
  const full = BigInt(load("cpi_chain.toml").expected[0].compute_units_consumed);
  const { vm, instructions } = load("cpi_chain.toml", { computeUnitLimit: full - 1n });
  const outcome = vm.processInstruction(instructions[0]);
  assert.notEqual(outcome.result, "ok");
  assert.equal(outcome.computeUnitsConsumed, full - 1n);
});

test("feature options: sol_blake3 exists only with its gate enabled", () => {
  // hash_blake3.toml enables blake3_syscall_enabled in its settings (passed as an option).
  assert.equal(runAll("hash_blake3.toml")[0].result, "ok");
  // The same gate by its base58 id.
  const { instructions, expected } = load("hash_blake3.toml");
  const byId = load("hash_blake3.toml", { features: { HTW2pSyErTj4BV6KBM9NZ9VBUJVxt7sacNWcf76wtzb3: true } });
  assert.equal(byId.vm.processInstruction(instructions[0]).result, expected[0].result);
  // The file without its gate (mainnet's set): sol_blake3 does not exist, the call fails,
  // as the CLI reports too.
  const withoutGate = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sbfvm-")), "hash_blake3_mainnet.toml");
  fs.writeFileSync(
    withoutGate,
    fs
      .readFileSync(path.join(FIXTURES, "hash_blake3.toml"), "utf8")
      .replace('features = { enable = ["blake3_syscall_enabled"] }', "")
      .replace('elf = "hash_pda.so"', `elf = ${JSON.stringify(path.join(FIXTURES, "hash_pda.so"))}`),
  );
  assert.notEqual(runAll(withoutGate)[0].result, "ok");
  assert.throws(() => new Sbfvm({ features: { no_such_gate: true } }), { name: "SbfvmError", message: /unknown feature `no_such_gate`/ });
});

test("sysvar options: sysvars.toml's Clock, EpochSchedule and LastRestartSlot", () => {
  // The file's settings.sysvars go in as the sysvars option (snake_case, as written there).
  runAll("sysvars.toml");
  // The same values in camelCase give the same Clock.
  const { instructions, expected } = load("sysvars.toml");
  const { vm } = load("sysvars.toml", {
    sysvars: {
      clock: { slot: 123_456_789n, epochStartTimestamp: 1_700_000_000, epoch: 285, leaderScheduleEpoch: 286, unixTimestamp: 1_700_000_123 },
      epochSchedule: { slotsPerEpoch: 8192 },
      lastRestartSlot: 77,
      rent: { burnPercent: 40 },
    },
  });
  const outcome = vm.processInstruction(instructions[0]);
  assert.equal(Buffer.from(outcome.returnData).toString("base64"), expected[0].return_data.data);
  // burn_percent 40 = 0x28 where the default Rent logs 0x32.
  assert.ok(outcome.logs.includes("Program log: 0x1b30, 0x28, 0x2000, 0x0, 0x4d"), outcome.logs.join("\n"));
  assert.throws(() => new Sbfvm({ sysvars: { clock: { slott: 1 } } }), { name: "SbfvmError", message: /unknown sysvar field `clock.slott`/ });
  assert.throws(() => new Sbfvm({ sysvars: { clock: { slot: -1 } } }), { name: "SbfvmError", message: /sysvars.clock.slot: expected an integer from 0 to 2\^64 - 1, got -1/ });
  assert.throws(() => new Sbfvm({ sysvars: { clock: { slot: "5" } } }), { name: "TypeError", message: /sysvars.clock.slot: expected a number/ });
});

test("warpToSlot moves the Clock a program reads", () => {
  // An EpochSchedule of 8,192-slot epochs from slot 0 (no warmup).
  const epochSchedule = { slotsPerEpoch: 8192, warmup: false, firstNormalEpoch: 0, firstNormalSlot: 0 };
  const { vm, instructions } = load("sysvars.toml", { sysvars: { epochSchedule } });
  vm.warpToSlot(1_000_000n);
  // The returned Clock starts with its slot; its epoch follows the EpochSchedule.
  const clock = Buffer.from(vm.processInstruction(instructions[0]).returnData);
  assert.equal(clock.readBigUInt64LE(0), 1_000_000n);
  assert.equal(clock.readBigUInt64LE(16), 1_000_000n / 8192n);
  assert.throws(() => vm.warpToSlot(-1), { name: "SbfvmError", message: /slot: expected an integer/ });
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
