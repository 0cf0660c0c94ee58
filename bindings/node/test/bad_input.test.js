// Bad input throws a JavaScript exception carrying sbfvm's message; the process never dies.
// What sbfvm refuses is an SbfvmError (the package's own class); a value of the wrong
// JavaScript type is a TypeError.
"use strict";
const assert = require("node:assert/strict");
const path = require("node:path");
const { test } = require("node:test");
const { PublicKey } = require("@solana/web3.js");
const { Sbfvm, SbfvmError } = require("..");
const { FIXTURES } = require("./scenario");

const PROGRAM = "D6A3KHUd1z8RQ4iKdFdQRWbTJ5JKsr9iLxR8mSMaRr2d";

/** `run()` throws an SbfvmError whose message matches `message`. */
function assertRefused(run, message) {
  assert.throws(run, (error) => {
    assert.ok(error instanceof SbfvmError, `${error.name}: ${error.message}`);
    assert.ok(error instanceof Error);
    assert.equal(error.name, "SbfvmError");
    assert.match(error.message, message);
    return true;
  });
}

test("a broken ELF", () => {
  const vm = new Sbfvm();
  assertRefused(() => vm.addProgram(PROGRAM, Buffer.from("\x7fELF not really")), new RegExp(PROGRAM));
  assertRefused(() => vm.addProgramFile(PROGRAM, path.join(FIXTURES, "cpi.toml")), /cpi\.toml/);
});

test("a missing file", () => {
  assertRefused(() => new Sbfvm().addProgramFile(PROGRAM, path.join(FIXTURES, "no_such.so")), /no_such\.so/);
});

test("malformed keys", () => {
  const vm = new Sbfvm();
  assertRefused(() => vm.getAccount("not-base58-0OIl"), /is not base58/);
  assertRefused(() => vm.getAccount("abcd"), /decodes to 3 bytes, a public key has 32/);
  assertRefused(() => vm.setAccount(PROGRAM, { lamports: 1n, owner: new Uint8Array(31) }), /owner: a public key has 32 bytes, got 31/);
  assertRefused(
    () => vm.processInstruction({ programId: new PublicKey(PROGRAM), keys: [{ pubkey: "abcd", isSigner: false, isWritable: false }] }),
    /accounts\[0\]\.pubkey: `abcd` decodes to 3 bytes/,
  );
});

test("wrong types", () => {
  const vm = new Sbfvm();
  assert.throws(() => vm.getAccount(7), { name: "TypeError", message: /expected a PublicKey, an Address \(base58 string\) or 32 bytes, got number/ });
  assert.throws(() => vm.processInstruction("not an instruction"), { name: "TypeError", message: /expected a TransactionInstruction/ });
  assert.throws(() => vm.setAccount(PROGRAM, { data: "text" }), { name: "TypeError", message: /data: expected a Uint8Array, got string/ });
  assert.throws(() => vm.sendTransaction({ not: "a transaction" }), { name: "TypeError", message: /expected a VersionedTransaction/ });
  // napi's own conversion of a wrong type, past index.js' checks.
  assert.throws(() => vm.airdrop(PROGRAM, "ten"), TypeError);
  assert.throws(
    () => vm.processInstruction({ programAddress: PROGRAM, accounts: [{ address: PROGRAM, role: 7 }] }),
    { name: "TypeError", message: /accounts\[0\]\.role: expected an AccountRole from 0 to 3, got 7/ },
  );
});

test("values out of range", () => {
  const vm = new Sbfvm();
  assertRefused(() => vm.setAccount(PROGRAM, { lamports: -1n }), /lamports: expected an integer from 0 to 2\^64 - 1/);
  assertRefused(() => vm.airdrop(PROGRAM, 2n ** 64n), /lamports: expected an integer from 0 to 2\^64 - 1/);
  assertRefused(() => new Sbfvm({ computeUnitLimit: -5 }), /computeUnitLimit: expected an integer/);
});

test("an unknown loader", () => {
  assertRefused(() => new Sbfvm().addProgramFile(PROGRAM, path.join(FIXTURES, "log.so"), "v9"), /unknown loader `v9`/);
});

test("missing accounts: the outcome says so, nothing is thrown", () => {
  const vm = new Sbfvm();
  const outcome = vm.processInstruction({ programId: new PublicKey(PROGRAM), keys: [{ pubkey: PROGRAM, isSigner: false, isWritable: false }] });
  assert.notEqual(outcome.result, "ok");
  assert.equal(outcome.computeUnitsConsumed, 0n);
});

test("not a transaction", () => {
  assertRefused(() => new Sbfvm().sendTransaction(Uint8Array.of(1, 2)), /not a serialized transaction/);
  assertRefused(() => new Sbfvm().simulateTransaction(Uint8Array.of(1, 2)), /not a serialized transaction/);
});

test("a failed check is an AssertionError, not an SbfvmError", () => {
  const outcome = new Sbfvm().processInstruction({ programId: PROGRAM, keys: [] });
  assert.throws(() => outcome.expect({ result: "ok" }), { name: "AssertionError" });
  assertRefused(() => outcome.check({ accounts: [{ pubkey: "abcd" }] }), /accounts\[0\]\.pubkey: `abcd` decodes to 3 bytes/);
});
