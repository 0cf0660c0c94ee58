// Compiles the native addon from source with cargo and copies it to sbfvm.node: no prebuilt
// binary is downloaded. `--debug` builds the dev profile (fast to compile, for tests);
// CARGO_TARGET_DIR is honoured (CI points it at the workspace's target to share artifacts).
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const debug = process.argv.includes("--debug");
const bindings = path.resolve(__dirname, "..");
const targetDir = process.env.CARGO_TARGET_DIR
  ? path.resolve(process.env.CARGO_TARGET_DIR)
  : path.join(bindings, "target");
const args = ["build", "--locked", "-p", "sbfvm-node", "--manifest-path", path.join(bindings, "Cargo.toml")];
if (!debug) args.push("--release");
execFileSync("cargo", args, { stdio: "inherit", env: { ...process.env, CARGO_TARGET_DIR: targetDir } });

const library = { darwin: "libsbfvm_node.dylib", win32: "sbfvm_node.dll" }[process.platform] ?? "libsbfvm_node.so";
const built = path.join(targetDir, debug ? "debug" : "release", library);
const addon = path.join(__dirname, "sbfvm.node");
// Copied to a new file and renamed: a loaded addon is never overwritten in place.
fs.copyFileSync(built, `${addon}.tmp`);
fs.renameSync(`${addon}.tmp`, addon);
console.log(`built ${addon} (${debug ? "debug" : "release"})`);
