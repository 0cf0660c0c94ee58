#!/usr/bin/env bash
# Builds the Python and Node packages from source and runs their suites (.ci/run and
# `just bindings-test`). Idempotent: Node.js and python3's venv come from the machine or are
# installed once (tools.sh), the Python tools live in target/python-venv and npm's dev
# dependencies in bindings/node/node_modules, each installed only when missing. The
# bindings build into the workspace's target directory with a Cargo.lock that pins the
# root's versions, so only PyO3, napi and the binding crates compile on top of its
# artifacts; tests use debug builds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
manifest=bindings/Cargo.toml
# python3 with venv, and Node.js with npm: installed when missing (see tools.sh).
source bindings/tools.sh

# The packages' versions follow the workspace's: bindings/Cargo.toml (which maturin gives
# the Python package) and package.json must say what the root Cargo.toml says.
version_of() { sed -n 's/^version = "\(.*\)"$/\1/p' "$1" | head -n 1; }
workspace_version=$(version_of Cargo.toml)
node_version=$(node -p 'require("./bindings/node/package.json").version')
for version in "$(version_of "$manifest")" "$node_version"; do
  if [ "$version" != "$workspace_version" ]; then
    echo "bindings version $version differs from the workspace's $workspace_version" >&2
    exit 1
  fi
done

cargo fmt --manifest-path "$manifest" --all -- --check
cargo clippy --manifest-path "$manifest" --all-targets --locked -- -D warnings
cargo test --manifest-path "$manifest" --locked -p sbfvm-bindings-common
# The suites compare every result with the CLI's `sbfvm run FILE --json`.
cargo build --locked -p sbfvm-cli
export SBFVM_CLI="$CARGO_TARGET_DIR/debug/sbfvm"

venv="$CARGO_TARGET_DIR/python-venv"
# solders: the suites build keys, instructions and signed transactions with it; mypy checks
# the type stubs against its types.
python_tools=("maturin>=1.5,<2" "pytest>=8" "solders==0.29.0" "mypy==2.4.1")
if [ ! -x "$venv/bin/maturin" ] || [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/python" -c '
import mypy.version, solders
assert (solders.__version__, mypy.version.__version__) == ("0.29.0", "2.4.1")' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "${python_tools[@]}"
fi
# pip builds through maturin (pyproject.toml); the dev profile compiles in a fraction of
# the release build's time.
PATH="$venv/bin:$PATH" MATURIN_PEP517_ARGS="--profile dev" \
  "$venv/bin/pip" install --quiet --no-build-isolation --force-reinstall --no-deps ./bindings/python
(cd bindings/python && "$venv/bin/mypy" --strict --no-error-summary tests/types_check.py \
  && "$venv/bin/pytest" -q tests)

cd bindings/node
# The dev dependencies (smol-toml, @solana/web3.js, @solana/kit, typescript) as
# package-lock.json pins them, installed when one is missing or at another version. The lock
# is written by npm 10, whose `npm ci` wants optional peer dependencies listed (npm 11 drops
# them, and its `npm ci` takes either).
if ! node -e 'const lock = require("./package-lock.json").packages;
  for (const name of Object.keys(require("./package.json").devDependencies))
    if (require(`./node_modules/${name}/package.json`).version !== lock[`node_modules/${name}`].version) process.exit(1);' 2>/dev/null; then
  npm ci --no-audit --no-fund
fi
npm run --silent build:debug
npm test
