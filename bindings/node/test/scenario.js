// Runs a fixture scenario (fixtures/*.toml) through the Node binding and through the Rust
// CLI (`sbfvm run FILE --json`), so the tests compare the two without hard-coding results.
"use strict";
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const crypto = require("node:crypto");
const path = require("node:path");
const { parse } = require("smol-toml");
const { AccountRole, address } = require("@solana/kit");
const { Keypair, PublicKey, TransactionInstruction } = require("@solana/web3.js");
const { Sbfvm } = require("..");

const REPO = path.resolve(__dirname, "../../..");
const FIXTURES = path.join(REPO, "fixtures");
const SYSTEM_PROGRAM = "11111111111111111111111111111111";

function cli() {
  const file = process.env.SBFVM_CLI || path.join(REPO, "target", "debug", "sbfvm");
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`cargo build -p sbfvm-cli\` or set SBFVM_CLI`);
  return file;
}

/** The keypair scenario files call `signer:NAME`: its secret key is SHA-256 of NAME. */
function signer(name) {
  return Keypair.fromSeed(crypto.createHash("sha256").update(name).digest());
}

/** A scenario file's key in base58 (`signer:NAME` resolved). */
function keyText(text) {
  return text.startsWith("signer:") ? signer(text.slice(7)).publicKey.toBase58() : text;
}

/**
 * An instruction in one client's shape: "web3" (`TransactionInstruction` of `PublicKey`s),
 * "kit" (`Address`es and `AccountRole`s) or "plain" (base58 strings and a Uint8Array).
 */
function instructionOf(shape, programId, metas, data) {
  switch (shape) {
    case "web3":
      return new TransactionInstruction({
        programId: new PublicKey(programId),
        keys: metas.map((meta) => ({ ...meta, pubkey: new PublicKey(meta.pubkey) })),
        data: Buffer.from(data),
      });
    case "kit":
      return {
        programAddress: address(programId),
        accounts: metas.map((meta) => ({
          address: address(meta.pubkey),
          role: meta.isSigner
            ? meta.isWritable ? AccountRole.WRITABLE_SIGNER : AccountRole.READONLY_SIGNER
            : meta.isWritable ? AccountRole.WRITABLE : AccountRole.READONLY,
        })),
        data,
      };
    case "plain":
      return { programId, keys: metas, data };
    default:
      throw new Error(`unknown shape ${shape}`);
  }
}

function dataOf(text) {
  if (text.startsWith("hex:")) return Uint8Array.from(Buffer.from(text.slice(4).replace(/\s+/g, ""), "hex"));
  if (text.startsWith("base64:")) return Uint8Array.from(Buffer.from(text.slice(7), "base64"));
  throw new Error(text);
}

/** The CLI's report of a scenario file (`sbfvm run FILE --json`). */
function report(file) {
  try {
    return JSON.parse(execFileSync(cli(), ["run", file, "--json"], { encoding: "utf8" }));
  } catch (error) {
    // Exit code 1: an expectation of the file failed; the report is still complete.
    if (error.status !== 1) throw error;
    return JSON.parse(error.stdout);
  }
}

/** A scenario's `[settings]` as constructor options. */
function optionsOf(settings) {
  const features = {};
  for (const name of settings.features?.enable ?? []) features[name] = true;
  for (const name of settings.features?.disable ?? []) features[name] = false;
  const limit = settings.compute_unit_limit;
  // Scenario files write sysvar fields in snake_case, which the options take as well.
  return { computeUnitLimit: limit === undefined ? undefined : BigInt(limit), features, sysvars: settings.sysvars };
}

/**
 * The scenario's VM (its settings as options, programs and accounts set up), its
 * instructions in `shape` (see instructionOf) and the CLI's report of the same file.
 */
function load(name, { shape = "web3", ...options } = {}) {
  const file = path.resolve(FIXTURES, name);
  const scenario = parse(fs.readFileSync(file, "utf8"));
  const vm = new Sbfvm({ ...optionsOf(scenario.settings ?? {}), ...options });
  for (const program of scenario.programs ?? []) {
    vm.addProgramFile(new PublicKey(program.program_id), path.resolve(path.dirname(file), program.elf), program.loader ?? "upgradeable");
  }
  for (const account of scenario.accounts ?? []) {
    vm.setAccount(keyText(account.pubkey), {
      lamports: BigInt(account.lamports ?? 0),
      data: account.data !== undefined ? dataOf(account.data) : new Uint8Array(Number(account.space ?? 0)),
      owner: account.owner ?? SYSTEM_PROGRAM,
      executable: account.executable ?? false,
    });
  }
  const instructions = (scenario.instructions ?? []).map((spec) => {
    const metas = (spec.accounts ?? []).map((meta) => ({
      pubkey: keyText(meta.pubkey),
      isSigner: meta.is_signer ?? false,
      isWritable: meta.is_writable ?? false,
    }));
    const instruction = instructionOf(shape, spec.program_id, metas, spec.data !== undefined ? dataOf(spec.data) : new Uint8Array(0));
    // The scenario's own limit for this instruction (no client's instruction has one).
    instruction.computeUnitLimit = spec.compute_unit_limit;
    return instruction;
  });
  const expected = report(file);
  return { vm, scenario, instructions, expected: expected.instructions, expectedTransactions: expected.transactions };
}

/** An invocation in the CLI report's form (wall time left out). */
function frameOf(invocation) {
  return {
    compute_units_consumed: Number(invocation.computeUnitsConsumed),
    cost: {
      cpi: Number(invocation.cost.cpi),
      instructions: Number(invocation.cost.instructions),
      other: Number(invocation.cost.other),
      syscalls: Object.fromEntries(
        invocation.cost.syscalls.map((s) => [s.name, { calls: Number(s.calls), compute_units: Number(s.computeUnits) }]),
      ),
    },
    invocations: invocation.invocations.map(frameOf),
    program_id: invocation.programId,
    result: invocation.result,
    stack_height: invocation.stackHeight,
  };
}

function withoutWallTime({ wall_time_ns, ...frame }) {
  return { ...frame, invocations: frame.invocations.map(withoutWallTime) };
}

/** Everything the CLI reports of one instruction equals what the binding gives. */
function assertSame(vm, outcome, expected) {
  assert.equal(outcome.result, expected.result);
  assert.equal(outcome.computeUnitsConsumed, BigInt(expected.compute_units_consumed));
  assert.deepEqual(outcome.logs, expected.logs);
  const returnData = expected.return_data;
  assert.deepEqual(outcome.returnData, returnData ? Uint8Array.from(Buffer.from(returnData.data, "base64")) : new Uint8Array(0));
  assert.equal(outcome.returnDataProgramId, returnData ? returnData.program_id : null);
  assert.deepEqual(outcome.invocations.map(frameOf), expected.invocations.map(withoutWallTime));
  for (const account of expected.accounts) {
    for (const state of [outcome.account(account.pubkey), vm.getAccount(account.pubkey)]) {
      assert.ok(state);
      assert.equal(state.lamports, BigInt(account.lamports));
      assert.deepEqual(Uint8Array.from(state.data), Uint8Array.from(Buffer.from(account.data, "base64")));
      assert.equal(state.owner, account.owner);
      assert.equal(state.executable, account.executable);
    }
  }
}

/** One instruction as the scenario runner runs it: under its own limit when it has one. */
function run(vm, instruction) {
  if (instruction.computeUnitLimit === undefined) return vm.processInstruction(instruction);
  return vm.processTransaction([instruction], { computeUnitLimit: BigInt(instruction.computeUnitLimit) });
}

/** Runs every instruction of the file, comparing each with the CLI's report. */
function runAll(name, options) {
  const { vm, instructions, expected } = load(name, options);
  assert.equal(instructions.length, expected.length);
  return instructions.map((instruction, index) => {
    const outcome = run(vm, instruction);
    assertSame(vm, outcome, expected[index]);
    return outcome;
  });
}

module.exports = { FIXTURES, assertSame, load, runAll, signer };
