// The sbfvm npm package: the native Sbfvm (sbfvm.node, built from the Rust crates) with
// inputs taken in the shapes clients already have. Keys: web3.js `PublicKey` (`toBytes()`),
// kit `Address` and base58 strings, 32-byte `Uint8Array`s. Instructions: web3.js
// `TransactionInstruction` ({programId, keys: [{pubkey, isSigner, isWritable}], data}) and
// kit instructions ({programAddress, accounts: [{address, role}], data}). Transactions:
// their wire bytes or anything with `serialize()` (web3.js `VersionedTransaction`).
"use strict";
const { AssertionError } = require("node:assert");
const native = require("./sbfvm.node");

function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? (value.constructor?.name ?? "an object") : typeof value;
}

function key(value, what) {
  if (typeof value === "string" || value instanceof Uint8Array) return value;
  if (value && typeof value.toBytes === "function") return value.toBytes();
  if (value && typeof value.toBase58 === "function") return value.toBase58();
  throw new TypeError(`${what}: expected a PublicKey, an Address (base58 string) or 32 bytes, got ${describe(value)}`);
}

function bytes(value, what) {
  if (value instanceof Uint8Array) return value;
  if (value === undefined || value === null) return new Uint8Array(0);
  if (Array.isArray(value)) return Uint8Array.from(value);
  throw new TypeError(`${what}: expected a Uint8Array, got ${describe(value)}`);
}

// kit's AccountRole: bit 0 writable, bit 1 signer.
function kitMeta(account, index) {
  const role = account.role;
  if (!Number.isInteger(role) || role < 0 || role > 3) {
    throw new TypeError(`accounts[${index}].role: expected an AccountRole from 0 to 3, got ${String(role)}`);
  }
  return { pubkey: key(account.address, `accounts[${index}].address`), isSigner: role >= 2, isWritable: (role & 1) === 1 };
}

function web3Meta(meta, index) {
  if (!meta || typeof meta !== "object") {
    throw new TypeError(`keys[${index}]: expected {pubkey, isSigner, isWritable}, got ${describe(meta)}`);
  }
  return { pubkey: key(meta.pubkey, `keys[${index}].pubkey`), isSigner: !!meta.isSigner, isWritable: !!meta.isWritable };
}

function instructionParts(instruction) {
  if (instruction && instruction.programId !== undefined) {
    const keys = instruction.keys ?? [];
    return [key(instruction.programId, "programId"), keys.map(web3Meta), bytes(instruction.data, "data")];
  }
  if (instruction && instruction.programAddress !== undefined) {
    const accounts = instruction.accounts ?? [];
    return [key(instruction.programAddress, "programAddress"), accounts.map(kitMeta), bytes(instruction.data, "data")];
  }
  throw new TypeError(
    `instruction: expected a TransactionInstruction ({programId, keys, data}) or a kit instruction ({programAddress, accounts, data}), got ${describe(instruction)}`,
  );
}

function transactionBytes(transaction) {
  if (transaction instanceof Uint8Array) return transaction;
  if (transaction && typeof transaction.serialize === "function") return Uint8Array.from(transaction.serialize());
  throw new TypeError(`transaction: expected a VersionedTransaction or its bytes, got ${describe(transaction)}`);
}

function expectation(expect) {
  const out = { ...expect };
  if (expect.accounts) {
    out.accounts = expect.accounts.map((account, index) => ({
      ...account,
      pubkey: key(account.pubkey, `accounts[${index}].pubkey`),
      owner: account.owner === undefined ? undefined : key(account.owner, `accounts[${index}].owner`),
    }));
  }
  return out;
}

// The native outcome is returned as is (a wrapper object per call would cost about a
// microsecond); what takes JavaScript shapes is added to its prototype.
const { Outcome } = native;
Object.assign(Outcome.prototype, {
  /** State after the transaction of an account it referenced, or null. */
  account(pubkey) {
    return this.nativeAccount(key(pubkey, "pubkey")) ?? null;
  },
  /** Every failed expectation (expected vs actual), or null when all hold. */
  check(expect) {
    return this.nativeCheck(expectation(expect ?? {})) ?? null;
  },
  /** `check`, throwing an AssertionError listing every failure. */
  expect(expect) {
    const failures = this.check(expect);
    if (failures !== null) throw new AssertionError({ message: failures });
  },
});

class Sbfvm {
  #native;
  /**
   * @param {{computeUnitLimit?: number|bigint, features?: Record<string, boolean>}} [options]
   */
  constructor(options = {}) {
    const features = Object.entries(options.features ?? {});
    this.#native = new native.NativeSbfvm({
      computeUnitLimit: options.computeUnitLimit ?? undefined,
      enable: features.filter(([, on]) => on).map(([name]) => name),
      disable: features.filter(([, on]) => !on).map(([name]) => name),
    });
  }
  addProgramFile(programId, path, loader = "upgradeable") {
    if (typeof path !== "string") throw new TypeError(`path: expected a string, got ${describe(path)}`);
    this.#native.addProgramFile(key(programId, "programId"), path, loader);
  }
  addProgram(programId, elf, loader = "upgradeable") {
    this.#native.addProgram(key(programId, "programId"), bytes(elf, "elf"), loader);
  }
  setAccount(pubkey, { lamports = 0n, data, owner = "11111111111111111111111111111111", executable = false } = {}) {
    if (typeof lamports !== "bigint" && typeof lamports !== "number") {
      throw new TypeError(`lamports: expected a bigint, got ${describe(lamports)}`);
    }
    this.#native.setAccount(key(pubkey, "pubkey"), lamports, bytes(data, "data"), key(owner, "owner"), !!executable);
  }
  getAccount(pubkey) { return this.#native.getAccount(key(pubkey, "pubkey")) ?? null; }
  processInstruction(instruction) {
    return this.#native.processInstruction(...instructionParts(instruction));
  }
  /**
   * Runs the instruction `iterations` times inside Rust and returns the mean nanoseconds per
   * call: the engine's own cost, next to which a JavaScript loop shows the binding's.
   */
  timeProcessInstruction(instruction, iterations) {
    return this.#native.timeProcessInstruction(...instructionParts(instruction), iterations);
  }
  /** Runs instructions as one atomic transaction. */
  processTransaction(instructions, { computeUnitLimit } = {}) {
    const parts = Array.from(instructions, (instruction) => {
      const [programId, accounts, data] = instructionParts(instruction);
      return { programId, accounts, data };
    });
    return this.#native.processTransaction(parts, computeUnitLimit ?? undefined);
  }
  sendTransaction(transaction) { return this.#native.sendTransaction(transactionBytes(transaction)); }
  simulateTransaction(transaction) { return this.#native.simulateTransaction(transactionBytes(transaction)); }
  setSignatureVerification(enabled) { this.#native.setSignatureVerification(!!enabled); }
  latestBlockhash() { return this.#native.latestBlockhash(); }
  expireBlockhash() { return this.#native.expireBlockhash(); }
  airdrop(pubkey, lamports) { this.#native.airdrop(key(pubkey, "pubkey"), lamports); }
}

module.exports = { Sbfvm, Outcome };
