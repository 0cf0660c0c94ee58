# sbfvm task runner (https://github.com/casey/just). Recipes run from the repository root.

# ---- BEGIN fixture programs (programs/*.c -> fixtures/*.so; see tools/build-programs) ----
# Needs clang-19 (apt-get install -y clang-19). The build does not need LLVM libraries.

# Build fixtures/<name>.so from programs/<name>.c; all programs when no name is given.
programs *names:
    cargo run --release --manifest-path tools/build-programs/Cargo.toml -- {{names}}

# Fail (naming the file) if a committed fixtures/*.so differs from a fresh build.
programs-check *names:
    cargo run --release --manifest-path tools/build-programs/Cargo.toml -- --check {{names}}

# Load, verify and run every fixture under solana-sbpf 0.26 (interpreter and JIT).
programs-test:
    cargo test --release --manifest-path tools/build-programs/Cargo.toml
# ---- END fixture programs ----

# ---- BEGIN benchmarks (benches/src, the sbfvm-benches library; benches/benches for criterion) ----
# e.g. `just bench`, `just bench cpi`, `just bench syscall/stack_height --json`.
# Time the load/execute/syscall/cpi scenarios (release build); print a Markdown table.
bench *args:
    cargo run --release -- bench {{args}}

# e.g. `just bench-criterion`, `just bench-criterion --bench cpi`; reports in target/criterion.
# The same scenarios under criterion's statistics.
bench-criterion *args:
    cargo bench -p sbfvm-benches {{args}}
# ---- END benchmarks ----

# ---- BEGIN differential fuzzing (tools/difffuzz; README "Differential fuzzing") ----
# Needs rustc 1.98.1 for Agave's crates (tools/difffuzz/rust-toolchain.toml; rustup installs it).
# e.g. `just difffuzz 10`: the same instructions on sbfvm and on Agave (Mollusk), compared for
# `minutes`; reproducers in target/difffuzz/.
difffuzz minutes="1" *args:
    cd tools/difffuzz && cargo run --release -- --minutes {{minutes}} {{args}}

# The comparison code's unit tests.
difffuzz-test:
    cd tools/difffuzz && cargo test --release

# Every seed once, unmutated, on both sides: exit 1 if any differs.
difffuzz-check:
    cd tools/difffuzz && cargo run --release -- --check-seeds
# ---- END differential fuzzing ----

# ---- BEGIN robustness (fuzz/, crates/sbfvm/tests/sbfvm/robustness.rs; README "Robustness") ----
# cargo-fuzz needs nightly-only flags; on the stable toolchain RUSTC_BOOTSTRAP=1 allows them.
# Install once: `cargo install cargo-fuzz`. Targets: elf_load scenario syscall cpi vm_exec jit_diff precompile.

# Write the seed corpora (fixtures/ and ../shared/conformance/) into fuzz/corpus/<target>/.
fuzz-seeds:
    cargo run --release --manifest-path fuzz/Cargo.toml --bin seed-export

# Build every fuzz target with AddressSanitizer.
fuzz-build:
    cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz build

# e.g. `just fuzz cpi`, `just fuzz jit_diff 1800`; a crash is written to fuzz/artifacts/<target>/.
# One target for `seconds` (default 600), niced, from its corpus and its regression inputs.
fuzz target seconds="600" *args:
    mkdir -p fuzz/corpus/{{target}} fuzz/regressions/{{target}}
    cd fuzz && RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run {{target}} corpus/{{target}} regressions/{{target}} -- -max_total_time={{seconds}} -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 {{args}}

# Needs cpulimit (apt-get install -y cpulimit); logs in fuzz/logs/, crashes in fuzz/artifacts/.
# Every target in turn for `seconds` each, niced and held to 60 % of one core.
fuzz-campaign seconds="600":
    cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz build && SECONDS_PER_TARGET={{seconds}} ./campaign.sh

# Replay every saved crash input (fuzz/regressions/<target>/) once; fails if any still crashes.
fuzz-regressions:
    cd fuzz && for t in $(ls regressions); do RUSTC_BOOTSTRAP=1 cargo fuzz run $t regressions/$t -- -runs=0 || exit 1; done

# Needs a nightly toolchain with Miri: `rustup component add --toolchain nightly miri rust-src`.
# Miri over the tests of the unsafe code: sbfvm-vm's guest memory, buffers, serialization and
# VM context (`filters` select among them), then every test of sbfvm-test-support (its one
# guest-memory mapper, syscalls called on it, raw text run in the interpreter).
miri *filters="memory serialization context":
    MIRIFLAGS="-Zmiri-disable-isolation" cargo +nightly miri test -p sbfvm-vm --lib -- {{filters}}
    MIRIFLAGS="-Zmiri-disable-isolation" cargo +nightly miri test -p sbfvm-test-support --lib

# Needs a nightly toolchain with Miri. One instruction through the executor (lazily grown stack
# and heap, serialization, syscalls) in the interpreter, under Miri.
miri-executor:
    MIRIFLAGS="-Zmiri-disable-isolation" cargo +nightly miri test -p sbfvm --test sbfvm -- robustness::executor_round_trip_in_the_interpreter

# What CI runs (.ci/run): fmt --check, clippy -D warnings, rustdoc -D warnings, cargo test,
# the bindings' suites.
ci:
    .ci/run

# The full local gate: CI's checks plus Miri over the unsafe memory code and the executor
# (too slow for CI's budget, and it needs a nightly toolchain with Miri).
check: ci miri miri-executor
# ---- END robustness ----

# ---- BEGIN behaviour check (tools/compare-cli.sh) ----
# e.g. `just compare-cli /tmp/sbfvm-baseline`, the binary of an earlier commit built with --release.
# Diffs its output and exit codes against this tree's on every fixture, inspect, conformance
# and the error cases.
compare-cli baseline:
    cargo build --release -p sbfvm-cli && tools/compare-cli.sh {{baseline}} target/release/sbfvm
# ---- END behaviour check ----

# ---- BEGIN bindings (bindings/: Python with PyO3 + maturin, Node with napi-rs) ----
# Build both packages (debug) into the workspace's target and run their suites, as .ci/run does.
bindings-test:
    bindings/check.sh

# Install the Python package from source into the current environment (release build).
bindings-python:
    pip install ./bindings/python

# Build the Node addon from source (release) into bindings/node/sbfvm.node.
bindings-node:
    cd bindings/node && npm install && npm run build
# ---- END bindings ----

# ---- BEGIN bindings benchmark ----
# Linux (.so names). The fixed cost of process_instruction from Python and Node (release
# builds of both bindings) next to the Rust facade's; see README "Python and Node".
bindings-bench:
    cd bindings && cargo build --release --locked -p sbfvm-python -p sbfvm-node
    mkdir -p bindings/target/bench-python/sbfvm
    cp bindings/python/python/sbfvm/__init__.py bindings/target/bench-python/sbfvm/
    cp bindings/target/release/lib_sbfvm.so bindings/target/bench-python/sbfvm/_sbfvm.abi3.so
    cp bindings/target/release/libsbfvm_node.so bindings/node/sbfvm.node
    cargo run --release -- bench execute/noop_instruction_jit
    cd bindings/python && PYTHONPATH=../target/bench-python python3 bench.py
    cd bindings/node && node bench.js
# ---- END bindings benchmark ----
