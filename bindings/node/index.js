// The sbfvm npm package: the native Sbfvm (sbfvm.node, built from the Rust crates) with
// inputs taken in the shapes clients already have. Keys: web3.js `PublicKey` (`toBytes()`),
// kit `Address` and base58 strings, 32-byte `Uint8Array`s. Instructions: web3.js
// `TransactionInstruction` ({programId, keys: [{pubkey, isSigner, isWritable}], data}) and
// kit instructions ({programAddress, accounts: [{address, role}], data}). Transactions:
// their wire bytes, anything with `serialize()` (web3.js `VersionedTransaction`) or a kit
// `Transaction` ({messageBytes, signatures}).
//
// Errors: a value of the wrong JavaScript type throws a TypeError; everything sbfvm refuses
// (a malformed key, a broken ELF, an unknown feature or loader, bytes that are not a
// transaction) throws an SbfvmError with sbfvm's message.
"use strict";
const { AssertionError } = require("node:assert");
const native = require("./sbfvm.node");

/** What sbfvm refused, with its message (Python: `sbfvm.SbfvmError`, or `ValueError` for a malformed value). */
class SbfvmError extends Error {
  constructor(message) {
    super(message);
    this.name = "SbfvmError";
  }
}

// The native side throws sbfvm's refusals with the status GenericFailure; napi's own
// failures to convert an argument carry another status and are a wrong type.
function fromNative(error) {
  if (!(error instanceof Error) || typeof error.code !== "string") return error;
  return error.code === "GenericFailure" ? new SbfvmError(error.message) : new TypeError(error.message);
}

/** `call()`, its native errors rethrown as SbfvmError or TypeError. */
function guard(call) {
  try {
    return call();
  } catch (error) {
    throw fromNative(error);
  }
}

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
  if (transaction && transaction.messageBytes instanceof Uint8Array && transaction.signatures) {
    return kitTransactionBytes(transaction);
  }
  throw new TypeError(`transaction: expected a VersionedTransaction, a kit Transaction or its bytes, got ${describe(transaction)}`);
}

// A kit `Transaction` on the wire, as kit's getTransactionEncoder writes it: the count of
// signatures (compact-u16), each signature in the order of the message's signers (64 zero
// bytes for a missing one), then the message.
function kitTransactionBytes({ messageBytes, signatures }) {
  const list = Object.values(signatures);
  const count = [];
  for (let rest = list.length; ; rest >>= 7) {
    if (rest < 0x80) {
      count.push(rest);
      break;
    }
    count.push((rest & 0x7f) | 0x80);
  }
  const bytes = new Uint8Array(count.length + 64 * list.length + messageBytes.length);
  bytes.set(count, 0);
  list.forEach((signature, index) => {
    if (signature) bytes.set(signature, count.length + 64 * index);
  });
  bytes.set(messageBytes, count.length + 64 * list.length);
  return bytes;
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
    return guard(() => this.nativeAccount(key(pubkey, "pubkey")) ?? null);
  },
  /** Every failed expectation (expected vs actual), or null when all hold. */
  check(expect) {
    return guard(() => this.nativeCheck(expectation(expect ?? {})) ?? null);
  },
  /** `check`, throwing an AssertionError listing every failure. */
  expect(expect) {
    const failures = this.check(expect);
    if (failures !== null) throw new AssertionError({ message: failures });
  },
});

// Sysvar option sections and fields, camelCase as JavaScript writes them; the native side
// takes the snake_case paths a scenario file's `settings.sysvars` uses.
function snakeCase(name) {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function sysvarFields(sysvars) {
  if (sysvars === undefined || sysvars === null) return [];
  if (typeof sysvars !== "object") throw new TypeError(`sysvars: expected an object, got ${describe(sysvars)}`);
  const fields = [];
  for (const [name, value] of Object.entries(sysvars)) {
    if (value !== null && typeof value === "object") {
      for (const [field, fieldValue] of Object.entries(value)) {
        fields.push(sysvarField(`${snakeCase(name)}.${snakeCase(field)}`, fieldValue));
      }
    } else {
      fields.push(sysvarField(snakeCase(name), value));
    }
  }
  return fields;
}

function sysvarField(path, value) {
  if (typeof value !== "number" && typeof value !== "bigint" && typeof value !== "boolean") {
    throw new TypeError(`sysvars.${path}: expected a number, bigint or boolean, got ${describe(value)}`);
  }
  return { path, value };
}

class Sbfvm {
  #native;
  /**
   * @param {import("./index").SbfvmOptions} [options]
   */
  constructor(options = {}) {
    const features = Object.entries(options.features ?? {});
    const nativeOptions = {
      computeUnitLimit: options.computeUnitLimit ?? undefined,
      enable: features.filter(([, on]) => on).map(([name]) => name),
      disable: features.filter(([, on]) => !on).map(([name]) => name),
      sysvars: sysvarFields(options.sysvars),
    };
    this.#native = guard(() => new native.NativeSbfvm(nativeOptions));
  }
  addProgramFile(programId, path, loader = "upgradeable") {
    if (typeof path !== "string") throw new TypeError(`path: expected a string, got ${describe(path)}`);
    guard(() => this.#native.addProgramFile(key(programId, "programId"), path, loader));
  }
  addProgram(programId, elf, loader = "upgradeable") {
    guard(() => this.#native.addProgram(key(programId, "programId"), bytes(elf, "elf"), loader));
  }
  setAccount(pubkey, { lamports = 0n, data, owner = "11111111111111111111111111111111", executable = false } = {}) {
    if (typeof lamports !== "bigint" && typeof lamports !== "number") {
      throw new TypeError(`lamports: expected a bigint, got ${describe(lamports)}`);
    }
    guard(() =>
      this.#native.setAccount(key(pubkey, "pubkey"), lamports, bytes(data, "data"), key(owner, "owner"), !!executable),
    );
  }
  getAccount(pubkey) {
    return guard(() => this.#native.getAccount(key(pubkey, "pubkey")) ?? null);
  }
  processInstruction(instruction) {
    const [programId, accounts, data] = instructionParts(instruction);
    // The hot path: no closure for `guard`.
    try {
      return this.#native.processInstruction(programId, accounts, data);
    } catch (error) {
      throw fromNative(error);
    }
  }
  /**
   * Runs the instruction `iterations` times inside Rust and returns the mean nanoseconds per
   * call: the engine's own cost, next to which a JavaScript loop shows the binding's.
   */
  timeProcessInstruction(instruction, iterations) {
    const [programId, accounts, data] = instructionParts(instruction);
    return guard(() => this.#native.timeProcessInstruction(programId, accounts, data, iterations));
  }
  /** Runs instructions as one atomic transaction. */
  processTransaction(instructions, { computeUnitLimit } = {}) {
    const parts = Array.from(instructions, (instruction) => {
      const [programId, accounts, data] = instructionParts(instruction);
      return { programId, accounts, data };
    });
    return guard(() => this.#native.processTransaction(parts, computeUnitLimit ?? undefined));
  }
  sendTransaction(transaction) {
    return guard(() => this.#native.sendTransaction(transactionBytes(transaction)));
  }
  simulateTransaction(transaction) {
    return guard(() => this.#native.simulateTransaction(transactionBytes(transaction)));
  }
  setSignatureVerification(enabled) { this.#native.setSignatureVerification(!!enabled); }
  latestBlockhash() { return this.#native.latestBlockhash(); }
  expireBlockhash() { return this.#native.expireBlockhash(); }
  /** Moves the Clock to `slot` (its epoch from the EpochSchedule) and registers a new blockhash. */
  warpToSlot(slot) {
    guard(() => this.#native.warpToSlot(slot));
  }
  airdrop(pubkey, lamports) {
    guard(() => this.#native.airdrop(key(pubkey, "pubkey"), lamports));
  }
}

module.exports = { Sbfvm, Outcome, SbfvmError };
