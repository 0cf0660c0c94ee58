#!/usr/bin/env bash
# Runs two builds of the `sbfvm` binary on the same inputs and diffs stdout, stderr and the
# exit code of each run: the check that a restructuring changed no output.
#
#   tools/compare-cli.sh OLD_BINARY NEW_BINARY [CORPUS]
#
# CORPUS is the conformance corpus (default: ../shared/conformance beside the repository);
# its runs are left out when it is absent. The wall-time column of the human report and
# `wall_time_ns` of the JSON report differ from run to run and are masked; `sbfvm bench`
# is compared by the shape of its JSON (keys and value types), since its numbers vary.
# Exits 1 when any run differs, listing each difference.
set -uo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
old=$1
new=$2
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${3:-$root/../shared/conformance}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

runs=0
differences=0

# Masks what varies from run to run: wall times and the temp directory.
mask() {
  sed -E \
    -e 's/\([0-9]+\.[0-9] µs(, one run)?\)/(WALL µs)/g' \
    -e 's/"wall_time_ns": [0-9]+/"wall_time_ns": WALL/g' \
    -e "s#$work/(old|new)#WORK#g"
}

# compare NAME ARGS...: one run of each binary; `@WORK@` in an argument becomes a
# directory of that binary's own (traces, snapshots).
compare() {
  local name=$1
  shift
  runs=$((runs + 1))
  for side in old new; do
    local binary=$old
    [ "$side" = new ] && binary=$new
    mkdir -p "$work/$side"
    local args=()
    for arg in "$@"; do
      args+=("${arg//@WORK@/$work/$side}")
    done
    "$binary" "${args[@]}" >"$work/$side.out" 2>"$work/$side.err" </dev/null
    echo "exit $?" >"$work/$side.code"
    mask <"$work/$side.out" >"$work/$side.stdout"
    mask <"$work/$side.err" >"$work/$side.stderr"
  done
  local differs=0
  for part in stdout stderr code; do
    if ! cmp -s "$work/old.$part" "$work/new.$part"; then
      differs=1
      echo "DIFFERENT $part: $name"
      diff "$work/old.$part" "$work/new.$part" | head -20 | sed 's/^/    /'
    fi
  done
  differences=$((differences + differs))
}

# compare_code NAME ARGS...: the exit code only (usage errors, whose wording is clap's).
compare_code() {
  local name=$1
  shift
  runs=$((runs + 1))
  "$old" "$@" >/dev/null 2>&1 </dev/null
  local old_code=$?
  "$new" "$@" >/dev/null 2>"$work/usage.err" </dev/null
  local new_code=$?
  local lines
  lines=$(grep -cv '^\s*$' "$work/usage.err")
  if [ "$old_code" != "$new_code" ] || [ "$lines" != 1 ]; then
    differences=$((differences + 1))
    echo "DIFFERENT exit code or not one error line: $name (old $old_code, new $new_code, $lines lines)"
  fi
}

# The keys and value types of a JSON document, with numbers as "number".
json_shape() {
  jq -S 'walk(if type == "number" then "number" elif type == "string" then "string" else . end)'
}

for scenario in fixtures/*.toml fixtures/*.json; do
  [ -e "$scenario" ] || continue
  compare "run $scenario" run "$scenario"
  compare "run $scenario --json" run "$scenario" --json
  compare "run $scenario --mode interpreter" run "$scenario" --mode interpreter
  compare "run $scenario --mode interpreter --json" run "$scenario" --mode interpreter --json
done
compare "demo (no arguments)"
compare "run log.so --data" run fixtures/log.so --data 0a0b
compare "run log.so --data 0x… --json" run fixtures/log.so --data 0x0a0b --json
compare "run log.so --data hex:" run fixtures/log.so --data hex:0a0b --mode interpreter
compare "run --snapshot" run fixtures/cpi_chain.toml --snapshot @WORK@/cu.json
compare "run --check-snapshot (unchanged)" run fixtures/cpi_chain.toml --check-snapshot @WORK@/cu.json
jq '.instructions[0].frames["0.0"].compute_units_consumed += 1' "$work/old/cu.json" >"$work/changed.json"
compare "run --check-snapshot (changed)" run fixtures/cpi_chain.toml --check-snapshot "$work/changed.json"
compare "run --check-snapshot (not a snapshot)" run fixtures/cpi_chain.toml --check-snapshot fixtures/log.toml
compare "run --trace" run fixtures/cpi_chain.toml --trace @WORK@/traces --json
compare "run --trace-program" run fixtures/cpi_chain.toml --trace @WORK@/one \
  --trace-program 9Ndfx3dqcCCQtNcMAXhpv7df6C2HDAf5xiezZsysEZbr
# What the trace and snapshot runs wrote must be the same too.
if ! diff -r "$work/old" "$work/new" >/dev/null; then
  differences=$((differences + 1))
  echo "DIFFERENT: files written by --snapshot/--trace"
  diff -r "$work/old" "$work/new" | head -20 | sed 's/^/    /'
fi
runs=$((runs + 1))

for program in fixtures/*.so; do
  compare "inspect $program" inspect "$program"
  compare "inspect $program --json" inspect "$program" --json
done

# Input errors: one `error:` line and exit 2, the same words.
missing=$work/does-not-exist
printf '[[instructions]]\nprogram_id = "0OIl0OIl"\n' >"$work/bad_base58.toml"
head -c 1000 /dev/urandom >"$work/broken.so"
printf '[settings]\nmode = "turbo"\n' >"$work/bad_mode.toml"
compare "missing scenario" run "$missing.toml"
compare "missing program" run "$missing.so"
compare "missing inspect" inspect "$missing.so"
compare "bad base58" run "$work/bad_base58.toml"
compare "broken ELF run" run "$work/broken.so"
compare "broken ELF inspect" inspect "$work/broken.so"
compare "device as program" run /dev/zero
compare "bad mode value" run fixtures/log.toml --mode fast
compare "bad mode in settings" run "$work/bad_mode.toml"
compare "bad --data" run fixtures/log.so --data 0xzz
compare "odd --data" run fixtures/log.so --data abc
compare "--data with a scenario" run fixtures/log.toml --data 00
compare "--trace-program without --trace" run fixtures/log.toml --trace-program 11111111111111111111111111111111
compare "unknown bench" bench no_such_group
compare "missing conformance path" conformance "$missing"
compare_code "unknown flag" run fixtures/log.toml --no-such-flag
compare_code "unknown command" frobnicate
compare_code "run without a file" run
compare_code "--mode without a value" run fixtures/log.toml --mode
compare_code "--data without a value" run fixtures/log.so --data
compare_code "inspect without a file" inspect
compare_code "conformance without a path" conformance

if [ -d "$corpus" ]; then
  compare "conformance syscall --json" conformance "$corpus/syscall" --json
  compare "conformance syscall" conformance "$corpus/syscall"
  compare "conformance cpi --mode jit" conformance "$corpus/cpi" --mode jit
  compare "conformance elf_loader --json" conformance "$corpus/elf_loader" --json
  vm_interp=("$corpus"/vm_interp/fixtures/v0/ix_0[4-7]*.fix)
  compare "conformance vm_interp (${#vm_interp[@]} files) --json" conformance "${vm_interp[@]}" --json
  compare "conformance vm_interp --mode jit" conformance "${vm_interp[@]}" --mode jit
  one=$(basename "${vm_interp[0]}")
  compare "conformance --verbose" conformance "$corpus/vm_interp" --verbose "$one"
else
  echo "note: no conformance corpus at $corpus; its runs are left out"
fi

# bench: the shape of the JSON and the exit code.
runs=$((runs + 1))
"$old" bench syscall/stack_height --json 2>/dev/null | json_shape >"$work/old.bench"
old_code=${PIPESTATUS[0]}
"$new" bench syscall/stack_height --json 2>/dev/null | json_shape >"$work/new.bench"
new_code=${PIPESTATUS[0]}
if [ "$old_code" != "$new_code" ] || ! cmp -s "$work/old.bench" "$work/new.bench"; then
  differences=$((differences + 1))
  echo "DIFFERENT: bench syscall/stack_height --json (exit $old_code → $new_code)"
  diff "$work/old.bench" "$work/new.bench" | head -20 | sed 's/^/    /'
fi

echo "$runs runs compared, $differences differ"
[ "$differences" = 0 ]
