// Runs a fixture scenario (fixtures/*.toml) through the Node binding and through the Rust
// CLI (`sbfvm run FILE --json`), so the tests compare the two without hard-coding results.
"use strict";
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { parse } = require("smol-toml");
const { Sbfvm } = require("..");

const REPO = path.resolve(__dirname, "../../..");
const FIXTURES = path.join(REPO, "fixtures");
const SYSTEM_PROGRAM = "11111111111111111111111111111111";
const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function cli() {
  const file = process.env.SBFVM_CLI || path.join(REPO, "target", "debug", "sbfvm");
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`cargo build -p sbfvm-cli\` or set SBFVM_CLI`);
  return file;
}

function b58decode(text) {
  let number = 0n;
  for (const char of text) number = number * 58n + BigInt(ALPHABET.indexOf(char));
  const body = [];
  while (number > 0n) {
    body.unshift(Number(number & 0xffn));
    number >>= 8n;
  }
  const zeros = text.length - text.replace(/^1+/, "").length;
  return Uint8Array.from([...new Array(zeros).fill(0), ...body]);
}

/** web3.js PublicKey's shape: toBytes() and toBase58(). */
class PublicKey {
  constructor(text) {
    this.text = text;
  }
  toBytes() {
    return b58decode(this.text);
  }
  toBase58() {
    return this.text;
  }
}

function dataOf(text) {
  if (text.startsWith("hex:")) return Uint8Array.from(Buffer.from(text.slice(4).replace(/\s+/g, ""), "hex"));
  if (text.startsWith("base64:")) return Uint8Array.from(Buffer.from(text.slice(7), "base64"));
  throw new Error(text);
}

/** The scenario's VM, its instructions (web3.js shapes) and the CLI's report of the file. */
function load(name, options = {}) {
  const file = path.join(FIXTURES, name);
  const scenario = parse(fs.readFileSync(file, "utf8"));
  const settings = scenario.settings ?? {};
  const limit = options.computeUnitLimit ?? settings.compute_unit_limit;
  const vm = new Sbfvm({ ...options, computeUnitLimit: limit === undefined ? undefined : BigInt(limit) });
  for (const program of scenario.programs ?? []) {
    vm.addProgramFile(new PublicKey(program.program_id), path.join(FIXTURES, program.elf), program.loader ?? "upgradeable");
  }
  for (const account of scenario.accounts ?? []) {
    vm.setAccount(account.pubkey, {
      lamports: BigInt(account.lamports ?? 0),
      data: account.data !== undefined ? dataOf(account.data) : new Uint8Array(Number(account.space ?? 0)),
      owner: account.owner ?? SYSTEM_PROGRAM,
      executable: account.executable ?? false,
    });
  }
  const instructions = scenario.instructions.map((spec) => ({
    programId: new PublicKey(spec.program_id),
    keys: (spec.accounts ?? []).map((meta) => ({
      pubkey: new PublicKey(meta.pubkey),
      isSigner: meta.is_signer ?? false,
      isWritable: meta.is_writable ?? false,
    })),
    data: spec.data !== undefined ? dataOf(spec.data) : new Uint8Array(0),
    // The scenario's own limit for this instruction (not part of web3.js' shape).
    computeUnitLimit: spec.compute_unit_limit,
  }));
  let stdout;
  try {
    stdout = execFileSync(cli(), ["run", file, "--json"], { encoding: "utf8" });
  } catch (error) {
    // Exit code 1: an expectation of the file failed; the report is still complete.
    if (error.status !== 1) throw error;
    stdout = error.stdout;
  }
  return { vm, instructions, expected: JSON.parse(stdout).instructions };
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
function runAll(name) {
  const { vm, instructions, expected } = load(name);
  assert.equal(instructions.length, expected.length);
  return instructions.map((instruction, index) => {
    const outcome = run(vm, instruction);
    assertSame(vm, outcome, expected[index]);
    return outcome;
  });
}

module.exports = { FIXTURES, PublicKey, b58decode, load, runAll };
