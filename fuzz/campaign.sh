#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) one after another for SECONDS_PER_TARGET each
# (default 600), niced and held to CPU_LIMIT % of one core with cpulimit (default 60; 0 = no
# limit), from copies of the binaries (so a rebuild during the campaign does not touch a running
# fuzzer). Logs: fuzz/$LOG_DIR/<target>.log (default logs); crashes: fuzz/artifacts/<target>/.
# Build first: RUSTC_BOOTSTRAP=1 cargo fuzz build
set -u
cd "$(dirname "$0")"
seconds=${SECONDS_PER_TARGET:-600}
cpu_limit=${CPU_LIMIT:-60}
targets=${*:-elf_load scenario syscall cpi vm_exec jit_diff precompile transaction}
bin=target/campaign-bin
logs=${LOG_DIR:-logs}
mkdir -p "$bin" "$logs"
for t in $targets; do
    cp target/x86_64-unknown-linux-gnu/release/"$t" "$bin/$t"
done
for t in $targets; do
    mkdir -p corpus/"$t" artifacts/"$t"
    extra=()
    [ -d regressions/"$t" ] && extra+=(regressions/"$t")
    echo "== $t $(date -u +%FT%TZ) for ${seconds}s" > "$logs/$t".log
    limiter=()
    [ "$cpu_limit" != 0 ] && limiter=(cpulimit -l "$cpu_limit" -f --)
    nice -n 19 "${limiter[@]}" "$bin/$t" corpus/"$t" "${extra[@]}" \
        -artifact_prefix=artifacts/"$t"/ -max_total_time="$seconds" -timeout=30 \
        -rss_limit_mb=4096 -print_final_stats=1 >> "$logs/$t".log 2>&1
    echo "== exit $? $(date -u +%FT%TZ)" >> "$logs/$t".log
done
