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

# ---- BEGIN benchmarks (crates/cli/src/bench.rs; benches/ for criterion) ----
# e.g. `just bench`, `just bench cpi`, `just bench syscall/stack_height --json`.
# Time the load/execute/syscall/cpi scenarios (release build); print a Markdown table.
bench *args:
    cargo run --release -- bench {{args}}

# e.g. `just bench-criterion`, `just bench-criterion --bench cpi`; reports in target/criterion.
# The same scenarios under criterion's statistics.
bench-criterion *args:
    cargo bench -p sbfvm-benches {{args}}
# ---- END benchmarks ----
