// Bad input throws a JavaScript exception carrying sbfvm's message; the process never dies.
"use strict";
const assert = require("node:assert/strict");
const path = require("node:path");
const { test } = require("node:test");
const { Sbfvm } = require("..");
const { FIXTURES, PublicKey } = require("./scenario");

const PROGRAM = "D6A3KHUd1z8RQ4iKdFdQRWbTJ5JKsr9iLxR8mSMaRr2d";

test("a broken ELF", () => {
  const vm = new Sbfvm();
  assert.throws(() => vm.addProgram(PROGRAM, Buffer.from("\x7fELF not really")), new RegExp(PROGRAM));
  assert.throws(() => vm.addProgramFile(PROGRAM, path.join(FIXTURES, "cpi.toml")), /cpi\.toml/);
});

test("a missing file", () => {
  assert.throws(() => new Sbfvm().addProgramFile(PROGRAM, path.join(FIXTURES, "no_such.so")), /no_such\.so/);
});

test("malformed keys", () => {
  const vm = new Sbfvm();
  assert.throws(() => vm.getAccount("not-base58-0OIl"), /is not base58/);
  assert.throws(() => vm.getAccount("abcd"), /decodes to 3 bytes, a public key has 32/);
  assert.throws(() => vm.setAccount(PROGRAM, { lamports: 1n, owner: new Uint8Array(31) }), /owner: a public key has 32 bytes, got 31/);
});

test("wrong types", () => {
  const vm = new Sbfvm();
  assert.throws(() => vm.getAccount(7), { name: "TypeError", message: /expected a PublicKey, an Address \(base58 string\) or 32 bytes, got number/ });
  assert.throws(() => vm.processInstruction("not an instruction"), { name: "TypeError", message: /expected a TransactionInstruction/ });
  assert.throws(() => vm.setAccount(PROGRAM, { data: "text" }), { name: "TypeError", message: /data: expected a Uint8Array, got string/ });
  assert.throws(() => vm.setAccount(PROGRAM, { lamports: -1n }), /lamports: expected an integer from 0 to 2\^64 - 1/);
  assert.throws(
    () => vm.processInstruction({ programAddress: PROGRAM, accounts: [{ address: PROGRAM, role: 7 }] }),
    { name: "TypeError", message: /accounts\[0\]\.role: expected an AccountRole from 0 to 3, got 7/ },
  );
});

test("an unknown loader", () => {
  assert.throws(() => new Sbfvm().addProgramFile(PROGRAM, path.join(FIXTURES, "log.so"), "v9"), /unknown loader `v9`/);
});

test("missing accounts: the outcome says so, nothing is thrown", () => {
  const vm = new Sbfvm();
  const outcome = vm.processInstruction({ programId: new PublicKey(PROGRAM), keys: [{ pubkey: PROGRAM, isSigner: false, isWritable: false }] });
  assert.notEqual(outcome.result, "ok");
  assert.equal(outcome.computeUnitsConsumed, 0n);
});

test("not a transaction", () => {
  assert.throws(() => new Sbfvm().sendTransaction(Uint8Array.of(1, 2)), /not a serialized transaction/);
});
