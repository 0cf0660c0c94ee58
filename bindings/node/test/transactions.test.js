// Signed transactions through the binding: a System transfer built as its wire bytes
// (legacy message), sent with signature verification off (the signature is zeros).
"use strict";
const assert = require("node:assert/strict");
const { test } = require("node:test");
const { Sbfvm } = require("..");
const { b58decode } = require("./scenario");

const SYSTEM_PROGRAM = "11111111111111111111111111111111";
const PAYER = "AWxggjuZRmWULwxwPeM6ZZxRtdDdekVq22mFRx2QbW7U";
const RECIPIENT = "7tark5iZaRrMfGKtKy1aqpGuRgoxbE6ec7Z5Qa4Jc5xr";

function transfer(blockhash, lamports) {
  const data = Buffer.alloc(12);
  data.writeUInt32LE(2, 0); // SystemInstruction::Transfer
  data.writeBigUInt64LE(lamports, 4);
  return Uint8Array.from([
    1, ...new Array(64).fill(0), // one (zero) signature
    1, 0, 1, 3, // 1 signer, 0 read-only signed, 1 read-only unsigned; 3 keys
    ...[PAYER, RECIPIENT, SYSTEM_PROGRAM].flatMap((key) => [...b58decode(key)]),
    ...b58decode(blockhash),
    1, 2, 2, 0, 1, data.length, ...data,
  ]);
}

test("send and simulate a transfer", () => {
  const vm = new Sbfvm();
  vm.setSignatureVerification(false);
  vm.airdrop(PAYER, 1_000_000_000n);
  vm.airdrop(RECIPIENT, 1_000_000n);
  const tx = transfer(vm.latestBlockhash(), 5_000_000n);

  const simulated = vm.simulateTransaction(tx);
  assert.equal(simulated.result, "ok");
  assert.equal(vm.getAccount(PAYER).lamports, 1_000_000_000n);

  const sent = vm.sendTransaction({ serialize: () => tx });
  assert.equal(sent.result, simulated.result);
  assert.equal(sent.computeUnitsConsumed, simulated.computeUnitsConsumed);
  assert.equal(sent.fee, simulated.fee);
  assert.ok(sent.fee > 0n);
  assert.equal(vm.getAccount(PAYER).lamports, 1_000_000_000n - 5_000_000n - sent.fee);
  assert.equal(vm.getAccount(RECIPIENT).lamports, 1_000_000n + 5_000_000n);
  assert.equal(sent.invocations[0].programId, SYSTEM_PROGRAM);
  assert.equal(vm.sendTransaction(tx).result, "AlreadyProcessed");
});

test("signature verification refuses a fake signature", () => {
  const vm = new Sbfvm();
  vm.airdrop(PAYER, 1_000_000_000n);
  const outcome = vm.sendTransaction(transfer(vm.latestBlockhash(), 1n));
  assert.equal(outcome.result, "SignatureFailure");
  assert.equal(outcome.fee, null);
});
