// The fixed cost of processInstruction from Node: a no-op instruction (cpi_callee.so with
// empty data, as `sbfvm bench execute/noop_instruction_jit`), timed in a JavaScript loop and
// inside Rust (timeProcessInstruction, the same build with no JavaScript per call); the
// difference is the binding's overhead per call. Median of 11 batches after a warm-up.
"use strict";
const path = require("node:path");
const { Sbfvm } = require(".");

const BATCH = 5000;
const FIXTURES = path.resolve(__dirname, "../../fixtures");

function medianNs(batch) {
  const deadline = performance.now() + 200;
  while (performance.now() < deadline) batch();
  const samples = Array.from({ length: 11 }, batch).sort((a, b) => a - b);
  return samples[5];
}

function loop(body) {
  return () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i += 1) body();
    return Number(process.hrtime.bigint() - start) / BATCH;
  };
}

const raw = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
// web3.js PublicKey's shape: toBytes() returns a fresh copy, as web3.js does.
const programId = { toBytes: () => raw.slice(), toBase58: () => { throw new Error("unused"); } };
const vm = new Sbfvm();
vm.addProgramFile(programId, path.join(FIXTURES, "cpi_callee.so"));
const web3 = { programId, keys: [], data: new Uint8Array(0) };
if (vm.processInstruction(web3).result !== "ok") throw new Error("the no-op failed");

const native = medianNs(() => vm.timeProcessInstruction(web3, BATCH));
const call = medianNs(loop(() => vm.processInstruction(web3)));
const read = medianNs(
  loop(() => {
    const outcome = vm.processInstruction(web3);
    return [outcome.result, outcome.computeUnitsConsumed];
  }),
);
const row = (name, ns) => `${name.padEnd(44)}${(ns / 1000).toFixed(2).padStart(8)} us/call`;
console.log(row("inside Rust (no JavaScript per call)", native));
console.log(`${row("vm.processInstruction(ix)", call)}  overhead ${(call - native).toFixed(0).padStart(6)} ns`);
console.log(`${row("  and reading result, computeUnitsConsumed", read)}  overhead ${(read - native).toFixed(0).padStart(6)} ns`);
