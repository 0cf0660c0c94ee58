// Signed transactions through the binding. A web3.js `VersionedTransaction` (legacy and v0
// messages) and a kit transaction, each built and signed by its library, give what the CLI
// reports for the same transaction in fixtures/transactions.toml; wire bytes built by hand
// (a Uint8Array, no client library) take the same path.
"use strict";
const assert = require("node:assert/strict");
const { test } = require("node:test");
const kit = require("@solana/kit");
const {
  ComputeBudgetProgram,
  PublicKey,
  SystemProgram,
  TransactionMessage,
  VersionedTransaction,
} = require("@solana/web3.js");
const { Sbfvm } = require("..");
const { assertSame, load, signer } = require("./scenario");

const SYSTEM_PROGRAM = "11111111111111111111111111111111";
const PAYER = "AWxggjuZRmWULwxwPeM6ZZxRtdDdekVq22mFRx2QbW7U";
const RECIPIENT = "7tark5iZaRrMfGKtKy1aqpGuRgoxbE6ec7Z5Qa4Jc5xr";

/**
 * transactions.toml's first transaction, "a transfer with a unit limit and price", as
 * web3.js builds it: SetComputeUnitLimit(450), SetComputeUnitPrice(2,000,000), and a
 * transfer of 1 SOL from payer to alice.
 */
function web3Transfer(blockhash, version) {
  const payer = signer("payer");
  const instructions = [
    ComputeBudgetProgram.setComputeUnitLimit({ units: 450 }),
    ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 2_000_000 }),
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: signer("alice").publicKey, lamports: 1_000_000_000 }),
  ];
  const message = new TransactionMessage({ payerKey: payer.publicKey, recentBlockhash: blockhash, instructions });
  const transaction = new VersionedTransaction(
    version === "legacy" ? message.compileToLegacyMessage() : message.compileToV0Message(),
  );
  transaction.sign([payer]);
  return transaction;
}

/** The fee of a CLI report's transaction: its transaction and prioritization fees. */
function feeOf(report) {
  return BigInt(report.fee.transaction_fee + report.fee.prioritization_fee);
}

for (const version of ["legacy", 0]) {
  test(`a web3.js VersionedTransaction (${version} message): simulated, then sent, as the CLI reports it`, () => {
    const { vm, expectedTransactions } = load("transactions.toml");
    const expected = expectedTransactions[0];
    const payer = signer("payer").publicKey;
    const transaction = web3Transfer(vm.latestBlockhash(), version);

    const simulated = vm.simulateTransaction(transaction);
    assert.equal(simulated.result, expected.result);
    assert.equal(simulated.computeUnitsConsumed, BigInt(expected.compute_units_consumed));
    assert.equal(simulated.fee, feeOf(expected));
    assert.equal(vm.getAccount(payer).lamports, 10_000_000_000n, "a simulation commits nothing");

    const sent = vm.sendTransaction(transaction);
    assertSame(vm, sent, expected);
    assert.equal(sent.fee, feeOf(expected));
    sent.expect({ result: "ok", computeUnits: 450, fee: 5_900, accounts: [{ pubkey: payer, lamports: 8_999_994_100n }] });
    assert.equal(vm.sendTransaction(transaction).result, "AlreadyProcessed");
  });
}

test("a kit transaction, compiled and signed by kit, as the CLI reports it", async () => {
  const { vm, expectedTransactions } = load("transactions.toml");
  const expected = expectedTransactions[0];
  const payer = await kit.createKeyPairSignerFromPrivateKeyBytes(signer("payer").secretKey.slice(0, 32));
  const alice = kit.address(signer("alice").publicKey.toBase58());
  const data = (bytes) => Uint8Array.from(bytes);
  const transfer = new Uint8Array(12);
  new DataView(transfer.buffer).setUint32(0, 2, true); // SystemInstruction::Transfer
  new DataView(transfer.buffer).setBigUint64(4, 1_000_000_000n, true);
  const computeBudget = kit.address("ComputeBudget111111111111111111111111111111");
  const message = kit.pipe(
    kit.createTransactionMessage({ version: 0 }),
    (m) => kit.setTransactionMessageFeePayerSigner(payer, m),
    (m) => kit.setTransactionMessageLifetimeUsingBlockhash({ blockhash: vm.latestBlockhash(), lastValidBlockHeight: 0n }, m),
    (m) =>
      kit.appendTransactionMessageInstructions(
        [
          { programAddress: computeBudget, data: data([2, 0xc2, 0x01, 0, 0]) },
          { programAddress: computeBudget, data: data([3, 0x80, 0x84, 0x1e, 0, 0, 0, 0, 0]) },
          {
            programAddress: kit.address(SYSTEM_PROGRAM),
            accounts: [
              { address: payer.address, role: kit.AccountRole.WRITABLE_SIGNER, signer: payer },
              { address: alice, role: kit.AccountRole.WRITABLE },
            ],
            data: transfer,
          },
        ],
        m,
      ),
  );
  const transaction = await kit.signTransactionMessageWithSigners(message);

  const simulated = vm.simulateTransaction(transaction);
  assert.equal(simulated.result, expected.result);
  assert.equal(simulated.computeUnitsConsumed, BigInt(expected.compute_units_consumed));
  // kit's own wire bytes, then the Transaction object again: the same transaction.
  const sent = vm.sendTransaction(kit.getTransactionEncoder().encode(transaction));
  assertSame(vm, sent, expected);
  assert.equal(sent.fee, feeOf(expected));
  assert.equal(vm.sendTransaction(transaction).result, "AlreadyProcessed");
});

/** A System transfer's wire bytes, built by hand: legacy message, one zero signature. */
function transferBytes(blockhash, lamports) {
  const data = Buffer.alloc(12);
  data.writeUInt32LE(2, 0); // SystemInstruction::Transfer
  data.writeBigUInt64LE(lamports, 4);
  const keyBytes = (text) => [...new PublicKey(text).toBytes()];
  return Uint8Array.from([
    1, ...new Array(64).fill(0), // one (zero) signature
    1, 0, 1, 3, // 1 signer, 0 read-only signed, 1 read-only unsigned; 3 keys
    ...[PAYER, RECIPIENT, SYSTEM_PROGRAM].flatMap(keyBytes),
    ...keyBytes(blockhash),
    1, 2, 2, 0, 1, data.length, ...data,
  ]);
}

test("wire bytes: send and simulate a transfer with signature verification off", () => {
  const vm = new Sbfvm();
  vm.setSignatureVerification(false);
  vm.airdrop(PAYER, 1_000_000_000n);
  vm.airdrop(RECIPIENT, 1_000_000n);
  const tx = transferBytes(vm.latestBlockhash(), 5_000_000n);

  const simulated = vm.simulateTransaction(tx);
  assert.equal(simulated.result, "ok");
  assert.equal(vm.getAccount(PAYER).lamports, 1_000_000_000n);

  // The same bytes as web3.js reads them.
  const sent = vm.sendTransaction(VersionedTransaction.deserialize(tx));
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
  const outcome = vm.sendTransaction(transferBytes(vm.latestBlockhash(), 1n));
  assert.equal(outcome.result, "SignatureFailure");
  assert.equal(outcome.fee, null);
});
