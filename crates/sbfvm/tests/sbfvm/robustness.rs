//! Robustness (README, "Robustness"): failed instructions are atomic and lamports are
//! conserved under random instruction sequences (a property test with a hand-rolled PRNG,
//! interpreter and JIT in lockstep), resource limits (compute, call depth, stack, heap,
//! log bytes, account growth) hold, and every input the fuzzers (fuzz/) found a crash for
//! is a regression test here.

use crate::common::{
    account, deploy, elf, fixtures_dir, key, total_lamports, vm, vm_with, MODES, SYSTEM,
};
use sbfvm::runner::{prepare, PreparedInstruction};
use sbfvm::scenario::Scenario;
use sbfvm::{Config, ExecutionMode, Instruction, Loader, Pubkey, Sbfvm};
use solana_instruction::AccountMeta;

const MAX_PERMITTED_DATA_LENGTH: usize = 10 * 1024 * 1024;

/// splitmix64: a small, seedable PRNG (no dependency); the transaction tests use it too.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

// ---- the world of the property test ----

const ACCOUNT_DATA: Pubkey = key(0x10);
const CALLER: Pubkey = key(0x20);
const CALLEE: Pubkey = key(0x30);
const CHAIN: [Pubkey; 5] = [key(0x41), key(0x42), key(0x43), key(0x44), key(0x45)];
const OTHER: Pubkey = key(0xEE);
/// Owned by account_data.
const AD: [Pubkey; 3] = [key(1), key(2), key(3)];
/// Owned by cpi_callee.
const CE: [Pubkey; 2] = [key(4), key(5)];
/// System wallets.
const W: [Pubkey; 3] = [key(6), key(7), key(8)];
const FOREIGN: Pubkey = key(9);
/// Accounts System CreateAccount may create.
const FRESH: [Pubkey; 3] = [key(11), key(12), key(13)];

fn caller_pda() -> (Pubkey, u8) {
    sbfvm::runtime::pda::try_find_program_address(&[b"vault"], &CALLER).expect("a PDA")
}

fn world(mode: ExecutionMode) -> Sbfvm {
    let mut vm = vm(mode);
    deploy(&mut vm, ACCOUNT_DATA, "account_data.so");
    deploy(&mut vm, CALLER, "cpi_caller.so");
    deploy(&mut vm, CALLEE, "cpi_callee.so");
    let chain = elf("cpi_chain.so");
    for id in CHAIN {
        vm.add_program(id, Loader::Upgradeable, &chain).unwrap();
    }
    for (i, id) in AD.iter().enumerate() {
        vm.set_account(
            *id,
            account(10_000_000, ACCOUNT_DATA, &vec![i as u8; 16 >> i]),
        );
    }
    for id in CE {
        vm.set_account(id, account(10_000_000, CALLEE, &[0x5C; 32]));
    }
    for id in W {
        vm.set_account(id, account(100_000_000, SYSTEM, &[]));
    }
    vm.set_account(FOREIGN, account(5_000_000, OTHER, &[1, 2, 3, 4]));
    vm
}

/// A meta for one of `candidates`, writable with the given chance (wallets usually sign).
fn meta(rng: &mut Rng, candidates: &[Pubkey], writable_percent: u64) -> AccountMeta {
    let pubkey = rng.pick(candidates);
    AccountMeta {
        pubkey,
        is_signer: W.contains(&pubkey) && rng.chance(85),
        is_writable: rng.chance(writable_percent),
    }
}

fn amount(rng: &mut Rng) -> u64 {
    rng.pick(&[0, 1, 1_000, 900_000, 5_000_000, 20_000_000, 200_000_000])
}

/// One random instruction for the world above.
fn random_instruction(rng: &mut Rng) -> Instruction {
    let data_accounts = [AD[0], AD[1], AD[2], CE[0], FOREIGN, W[0]];
    match rng.below(9) {
        // account_data: ops 0-4, checked or not, on any account.
        0 | 1 => {
            let op = rng.below(5) as u8 | if rng.chance(40) { 0x80 } else { 0 };
            let mut data = vec![op];
            match op & 0x7f {
                0 => {
                    let len = rng.below(20) as usize;
                    data.extend(rng.bytes(len));
                }
                1 => {
                    let len = rng.pick(&[0u64, 4, 16, 40, 10_240, 10_256, 10_257, 30_000]);
                    data.extend(len.to_le_bytes());
                }
                2 => data.extend(amount(rng).to_le_bytes()),
                3 => data.extend(rng.pick(&[ACCOUNT_DATA, OTHER, SYSTEM, CALLEE]).to_bytes()),
                _ => {
                    if rng.chance(50) {
                        data.push(rng.next() as u8);
                    }
                }
            }
            let accounts = vec![meta(rng, &data_accounts, 85), meta(rng, &data_accounts, 70)];
            Instruction::new_with_bytes(ACCOUNT_DATA, &data, accounts)
        }
        // System transfer (sometimes unsigned, too large, or to a read-only account).
        2 => {
            let mut data = 2u32.to_le_bytes().to_vec();
            data.extend(amount(rng).to_le_bytes());
            let from = rng.pick(&W);
            let to = rng.pick(&[W[0], W[1], W[2], AD[0], FRESH[0]]);
            let accounts = vec![
                AccountMeta {
                    pubkey: from,
                    is_signer: rng.chance(90),
                    is_writable: rng.chance(95),
                },
                meta(rng, &[to], 90),
            ];
            Instruction::new_with_bytes(SYSTEM, &data, accounts)
        }
        // System CreateAccount of a fresh account owned by a program.
        3 => {
            let space = rng.pick(&[0u64, 16, 1_000, 10_240]);
            let lamports = (128 + space) * 6_960 + rng.pick(&[0, 1, 0]);
            let owner = rng.pick(&[ACCOUNT_DATA, CALLEE]);
            let mut data = 0u32.to_le_bytes().to_vec();
            data.extend(lamports.to_le_bytes());
            data.extend(space.to_le_bytes());
            data.extend(owner.to_bytes());
            let accounts = vec![
                AccountMeta::new(rng.pick(&W), true),
                AccountMeta::new(rng.pick(&FRESH), rng.chance(90)),
            ];
            Instruction::new_with_bytes(SYSTEM, &data, accounts)
        }
        // cpi_caller -> cpi_callee with a random callee op.
        4 | 5 => {
            let caller_op = rng.pick(&[0u8, 0, 0, 8, 11, 1, 2, 6]);
            let callee_op = rng.pick(&[1u8, 2, 3, 3, 4, 5, 6, 7, 10]);
            let mut data = vec![caller_op, callee_op];
            let mut first = rng.pick(&[CE[0], CE[1], AD[0], W[1]]);
            match callee_op {
                1 => {
                    let len = rng.pick(&[0usize, 8, 1024, 1025]);
                    data.extend(rng.bytes(len));
                }
                2 => data.extend((rng.below(3) as u32).to_le_bytes()),
                3 => data.extend(rng.pick(&[0u64, 8, 64, 10_272, 10_273]).to_le_bytes()),
                4 => {
                    let len = rng.below(40) as usize;
                    data.extend(rng.bytes(len));
                }
                5 => first = rng.pick(&[CALLER, CALLEE]),
                6 => {
                    first = CALLEE;
                    data.push(rng.pick(&[0u8, 2, 3, 4, 5, 6]));
                }
                7 => data.extend(amount(rng).to_le_bytes()),
                _ => {}
            }
            let mut accounts = vec![
                AccountMeta::new_readonly(CALLEE, false),
                meta(rng, &[first], 85),
            ];
            for _ in 0..rng.below(3) {
                accounts.push(meta(rng, &[CE[0], CE[1], AD[1], W[2]], 60));
            }
            Instruction::new_with_bytes(CALLER, &data, accounts)
        }
        // cpi_caller: System transfer through CPI.
        6 => {
            let mut data = vec![7];
            data.extend(amount(rng).to_le_bytes());
            let accounts = vec![
                AccountMeta::new_readonly(SYSTEM, false),
                meta(rng, &W, 90),
                meta(rng, &[W[0], W[1], AD[2]], 90),
            ];
            Instruction::new_with_bytes(CALLER, &data, accounts)
        }
        // cpi_caller: PDA creation through the System program (right or wrong bump).
        7 => {
            let (pda, bump) = caller_pda();
            let op = rng.pick(&[3u8, 9]);
            let bump = if rng.chance(80) {
                bump
            } else {
                bump.wrapping_sub(1)
            };
            let space = rng.pick(&[0u64, 2, 100, 10_240, 10_241]);
            let lamports = (128 + space) * 6_960 + rng.pick(&[0, 5]);
            let mut data = vec![op, bump];
            data.extend(lamports.to_le_bytes());
            data.extend(space.to_le_bytes());
            let accounts = vec![
                AccountMeta::new_readonly(SYSTEM, false),
                AccountMeta::new(rng.pick(&W), true),
                AccountMeta::new(pda, false),
            ];
            Instruction::new_with_bytes(CALLER, &data, accounts)
        }
        // cpi_chain: nested CPIs, the deepest ones past the invoke depth limit.
        _ => {
            let n = 1 + rng.below(8) as u8;
            let mut accounts: Vec<AccountMeta> = Vec::new();
            for _ in 0..n {
                accounts.push(AccountMeta::new_readonly(rng.pick(&CHAIN[1..]), false));
            }
            accounts.push(meta(rng, &[W[0]], 50));
            Instruction::new_with_bytes(CHAIN[0], &[0, n], accounts)
        }
    }
}

/// Whether a frame failed at stack height 3 or deeper.
fn failed_deep(outcome: &sbfvm::Outcome) -> bool {
    outcome.transaction.trace.iter().any(|frame| {
        frame.stack_height() >= 3
            && frame
                .outcome
                .as_ref()
                .is_some_and(|outcome| outcome.result.is_err())
    })
}

#[test]
fn failed_transactions_are_atomic_and_successful_ones_conserve_lamports() {
    let mut worlds: Vec<Sbfvm> = MODES.into_iter().map(world).collect();
    let (mut ok, mut failed, mut deep_failures, mut multi_failed) = (0, 0, 0, 0);
    for seed in 1..=8u64 {
        let mut rng = Rng(seed.wrapping_mul(0x1234_5678_9ABC_DEF1));
        for step in 0..250 {
            let count = if rng.chance(50) {
                1
            } else {
                2 + rng.below(2) as usize
            };
            let instructions: Vec<Instruction> =
                (0..count).map(|_| random_instruction(&mut rng)).collect();
            let mut outcomes = Vec::new();
            for vm in &mut worlds {
                let before = vm.runtime().store.clone();
                let before_lamports = total_lamports(&before);
                let outcome = vm.process_transaction(&instructions, None);
                let after = &vm.runtime().store;
                if outcome.is_ok() {
                    assert_eq!(
                        total_lamports(after),
                        before_lamports,
                        "seed {seed} step {step}: lamports not conserved by {instructions:#?}"
                    );
                } else {
                    assert!(
                        *after == before,
                        "seed {seed} step {step}: a failed transaction ({}) changed the store: {instructions:#?}",
                        outcome.result_string()
                    );
                }
                outcomes.push(outcome);
            }
            // The interpreter and the JIT agree on everything.
            let (interpreter, jit) = (&outcomes[0], &outcomes[1]);
            assert_eq!(
                interpreter.result(),
                jit.result(),
                "seed {seed} step {step}"
            );
            assert_eq!(
                interpreter.compute_units_consumed(),
                jit.compute_units_consumed(),
                "seed {seed} step {step}"
            );
            assert_eq!(interpreter.logs(), jit.logs(), "seed {seed} step {step}");
            assert!(
                worlds[0].runtime().store == worlds[1].runtime().store,
                "seed {seed} step {step}: stores diverge"
            );
            if interpreter.is_ok() {
                ok += 1;
            } else {
                failed += 1;
                deep_failures += usize::from(failed_deep(interpreter));
                multi_failed += usize::from(count > 1);
            }
        }
    }
    eprintln!(
        "{ok} transactions succeeded, {failed} failed ({deep_failures} at stack height >= 3, \
         {multi_failed} with several instructions)"
    );
    // The sequences exercise both outcomes, failures deep in the invoke stack and failures
    // after earlier instructions of the same transaction had changed accounts.
    assert!(ok >= 60, "only {ok} transactions succeeded");
    assert!(failed >= 60, "only {failed} transactions failed");
    assert!(
        deep_failures >= 5,
        "only {deep_failures} failures at stack height >= 3"
    );
    assert!(
        multi_failed >= 20,
        "only {multi_failed} failed multi-instruction transactions"
    );
}

/// Instructions through the whole executor (input serialization, the lazily grown stack and
/// heap regions, growth from a load or store and from a syscall, pooled buffers reused,
/// deserialization): `just miri-executor` runs this under Miri, interpreter only (the JIT
/// cannot run there).
#[test]
fn executor_round_trip_in_the_interpreter() {
    let modes: &[ExecutionMode] = if cfg!(miri) {
        &[ExecutionMode::Interpreter]
    } else {
        &MODES
    };
    let log = key(0x60);
    let probe = key(0x61);
    let syscalls = key(0x62);
    for &mode in modes {
        let mut vm = vm(mode);
        deploy(&mut vm, log, "log.so");
        deploy(&mut vm, probe, "stack_probe.so");
        deploy(&mut vm, syscalls, "bench_syscalls.so");
        vm.set_account(AD[0], account(1_000_000, log, &[1, 2, 3]));
        let outcome = vm.process_instruction(&Instruction::new_with_bytes(
            log,
            &[7],
            vec![AccountMeta::new(AD[0], false)],
        ));
        assert!(outcome.is_ok(), "{}", outcome.result_string());
        assert!(outcome.logs().contains("Program log: hello from sbfvm"));
        // Twice each: the second run gets the pooled buffers the first one dirtied, and
        // must still see zeros (stack_probe fails with Custom(1..=3) otherwise).
        for data in [[2u8, 0xAA, 0], [0, 0x55, 2]] {
            for _ in 0..2 {
                let outcome =
                    vm.process_instruction(&Instruction::new_with_bytes(probe, &data, vec![]));
                assert!(
                    outcome.is_ok(),
                    "{mode:?} {data:?}: {}",
                    outcome.result_string()
                );
            }
        }
        // The input region is read-only until its first store, which the handler turns
        // writable; an account's realloc reserve is zeroed again only after a run stored
        // into the input (stack_probe mode 4 checks it is zero, then fills it by stores;
        // mode 5 through sol_memset_; mode 0 never writes the input, so the run after it
        // reuses the reserves as they are).
        vm.set_account(AD[1], account(1_000_000, probe, &[9; 5]));
        for data in [
            [1u8, 0x11, 0],
            [0, 0x22, 4],
            [0, 0x33, 5],
            [1, 0x44, 0],
            [0, 0x55, 4],
        ] {
            let outcome = vm.process_instruction(&Instruction::new_with_bytes(
                probe,
                &data,
                vec![AccountMeta::new(AD[1], false)],
            ));
            assert!(
                outcome.is_ok(),
                "{mode:?} {data:?}: {}",
                outcome.result_string()
            );
        }
        // A load just past the 64th frame still faults.
        let outcome =
            vm.process_instruction(&Instruction::new_with_bytes(probe, &[0, 0, 3], vec![]));
        assert!(!outcome.is_ok(), "{mode:?}");
        // The heap grows from inside a syscall: sol_memcpy_(heap + 8192, heap, 64).
        let outcome = vm.process_instruction(&Instruction::new_with_bytes(
            syscalls,
            &[2, 0, 1, 0, 64, 0],
            vec![],
        ));
        assert!(outcome.is_ok(), "{mode:?}: {}", outcome.result_string());
    }
}

// ---- resource limits ----

const COMPUTE: Pubkey = key(0x50);

fn compute_vm(mode: ExecutionMode, limit: Option<u64>) -> Sbfvm {
    let mut vm = Sbfvm::new(Config {
        mode,
        compute_unit_limit: limit,
        ..Config::default()
    })
    .unwrap();
    deploy(&mut vm, COMPUTE, "compute.so");
    vm
}

fn forever(mode_byte: u8) -> Instruction {
    let mut data = u64::MAX.to_le_bytes().to_vec();
    data.push(mode_byte);
    Instruction::new_with_bytes(COMPUTE, &data, vec![])
}

#[test]
fn compute_limits_stop_infinite_loops() {
    for mode in MODES {
        for (limit, expected) in [
            (None, 200_000),
            (Some(1_000), 1_000),
            (Some(1_400_000), 1_400_000),
            // Above the maximum the limit is clamped: no scenario runs longer than this.
            (Some(u64::MAX), 1_400_000),
        ] {
            // Pure ALU, a cheap syscall per round, and a log line per round.
            for mode_byte in [0u8, 1, 2] {
                let mut vm = compute_vm(mode, limit);
                let started = std::time::Instant::now();
                let outcome = vm.process_instruction(&forever(mode_byte));
                assert!(!outcome.is_ok(), "{mode:?} {limit:?} {mode_byte}");
                assert_eq!(
                    outcome.compute_units_consumed(),
                    expected,
                    "{mode:?} {limit:?} mode {mode_byte}: {}",
                    outcome.result_string()
                );
                let result = outcome.result_string();
                assert!(
                    result == "ComputationalBudgetExceeded" || result == "ProgramFailedToComplete",
                    "{mode:?} {limit:?} mode {mode_byte}: {result}"
                );
                assert!(started.elapsed() < std::time::Duration::from_secs(120));
            }
        }
    }
}

#[test]
fn log_output_is_capped_at_10_000_bytes_then_log_truncated() {
    for mode in MODES {
        let mut vm = compute_vm(mode, Some(1_400_000));
        let outcome = vm.process_instruction(&forever(2));
        let logs = outcome.logs();
        let truncated: Vec<usize> = logs
            .iter()
            .enumerate()
            .filter(|(_, line)| *line == "Log truncated")
            .map(|(i, _)| i)
            .collect();
        assert_eq!(truncated.len(), 1, "{mode:?}: {} lines", logs.len());
        // Everything before the marker fits the limit; nothing is logged after it (the
        // "consumed" and "failed" lines included), as in Agave's LogCollector.
        let bytes: usize = logs.iter().take(truncated[0]).map(str::len).sum();
        assert!(bytes < 10_000, "{mode:?}: {bytes} bytes before the marker");
        assert!(bytes > 9_900, "{mode:?}: {bytes} bytes before the marker");
        assert_eq!(truncated[0], logs.len() - 1, "{mode:?}");
        assert!(logs[truncated[0] - 1].starts_with("Program log: "));
    }
}

#[test]
fn an_account_cannot_grow_past_10_mib() {
    for mode in MODES {
        let mut vm = vm_with(mode, ACCOUNT_DATA, "account_data.so");
        let start = MAX_PERMITTED_DATA_LENGTH - 25 * 1024;
        vm.set_account(AD[0], account(u64::MAX / 4, ACCOUNT_DATA, &vec![0; start]));
        // A realloc loop: each instruction grows the account by the full 10 KiB.
        let mut len = start;
        let mut results = Vec::new();
        for _ in 0..4 {
            let mut data = vec![0x81];
            data.extend(((len + 10 * 1024) as u64).to_le_bytes());
            let outcome = vm.process_instruction(&Instruction::new_with_bytes(
                ACCOUNT_DATA,
                &data,
                vec![AccountMeta::new(AD[0], false)],
            ));
            if outcome.is_ok() {
                len += 10 * 1024;
            }
            results.push(outcome.result_string());
        }
        assert_eq!(
            results,
            ["ok", "ok", "InvalidRealloc", "InvalidRealloc"],
            "{mode:?}"
        );
        assert_eq!(vm.account(&AD[0]).unwrap().data.len(), len);
        assert!(len <= MAX_PERMITTED_DATA_LENGTH);
    }
}

fn create_account(from: Pubkey, to: Pubkey, space: u64) -> Instruction {
    let mut data = 0u32.to_le_bytes().to_vec();
    data.extend(((128 + space) * 6_960).to_le_bytes());
    data.extend(space.to_le_bytes());
    data.extend(ACCOUNT_DATA.to_bytes());
    Instruction::new_with_bytes(
        SYSTEM,
        &data,
        vec![AccountMeta::new(from, true), AccountMeta::new(to, true)],
    )
}

#[test]
fn a_transaction_cannot_allocate_more_than_20_mib() {
    let mut vm = vm(ExecutionMode::Interpreter);
    vm.set_account(W[0], account(1_000_000_000_000, SYSTEM, &[]));
    let ten = MAX_PERMITTED_DATA_LENGTH as u64;
    // 10 MiB + 1 in one account is refused.
    let outcome = vm.process_instruction(&create_account(W[0], FRESH[0], ten + 1));
    assert!(!outcome.is_ok());
    // Two 10 MiB accounts are exactly the per-transaction cap; a third byte is not.
    let before = vm.runtime().store.clone();
    let outcome = vm.process_transaction(
        &[
            create_account(W[0], FRESH[0], ten),
            create_account(W[0], FRESH[1], ten),
            create_account(W[0], FRESH[2], 1),
        ],
        None,
    );
    assert_eq!(
        outcome.result_string(),
        "MaxAccountsDataAllocationsExceeded",
        "{:?}",
        outcome.logs()
    );
    assert!(
        vm.runtime().store == before,
        "the failed transaction left accounts behind"
    );
    let outcome = vm.process_transaction(
        &[
            create_account(W[0], FRESH[0], ten),
            create_account(W[0], FRESH[1], ten),
        ],
        None,
    );
    assert!(outcome.is_ok(), "{}", outcome.result_string());
    assert_eq!(vm.account(&FRESH[1]).unwrap().data.len(), ten as usize);
}

/// A scenario's own realloc loop (each instruction a transaction of its own) is bounded by
/// the 10 MiB account cap, and its compute limit (here i64::MAX, the largest TOML integer) by
/// the 1.4M maximum.
#[test]
fn a_scenario_cannot_grow_accounts_or_run_time_without_bound() {
    let start = MAX_PERMITTED_DATA_LENGTH - 25 * 1024;
    let mut text = format!(
        "[settings]\ncompute_unit_limit = 9223372036854775807\nmode = \"interpreter\"\n\
         [[programs]]\nprogram_id = \"{ACCOUNT_DATA}\"\nelf = \"account_data.so\"\n\
         [[programs]]\nprogram_id = \"{COMPUTE}\"\nelf = \"compute.so\"\n\
         [[accounts]]\npubkey = \"{}\"\nlamports = 1_000_000_000_000\nowner = \"{ACCOUNT_DATA}\"\nspace = {start}\n",
        AD[0]
    );
    for i in 1..=6u64 {
        let len = start as u64 + i * 10 * 1024;
        let mut data = vec![0x81];
        data.extend(len.to_le_bytes());
        let hex = hex::encode(&data);
        text += &format!(
            "[[instructions]]\nprogram_id = \"{ACCOUNT_DATA}\"\naccounts = [{{ pubkey = \"{}\", is_writable = true }}]\ndata = \"hex:{hex}\"\n",
            AD[0]
        );
    }
    text +=
        &format!("[[instructions]]\nprogram_id = \"{COMPUTE}\"\ndata = \"hex:ffffffffffffffff\"\n");
    let path = fixtures_dir().join("robustness.toml");
    let file = Scenario::parse(&text, &path).unwrap();
    let scenario = Scenario {
        file,
        base_dir: fixtures_dir(),
        path,
    };
    let report = sbfvm::runner::run(&scenario, None).unwrap();
    let results: Vec<String> = report
        .instructions
        .iter()
        .map(|i| i.outcome.result_string())
        .collect();
    assert_eq!(&results[..2], ["ok", "ok"]);
    assert!(
        results[2..6].iter().all(|r| r == "InvalidRealloc"),
        "{results:?}"
    );
    let last = &report.instructions[6];
    assert_eq!(last.outcome.compute_units_consumed(), 1_400_000);
    let grown = &report.instructions[1].accounts[0].2;
    assert_eq!(grown.data.len(), start + 20 * 1024);
}

// ---- call depth, stack and heap (the VM harness: raw program text) ----

mod vm_limits {
    use sbfvm_test_support::{
        entry_registers, pc_hash, run_program, sbpf_v0_options, stub_syscall_environment,
        test_invoke_context, FrameSetup, HarnessMemory, RunOutcome, TextProgram, VmFault,
        HEAP_START,
    };
    use sbfvm_vm::{ExecutionMode, ProgramEnvironment};

    /// Stub syscalls, SBPF v0, 64 frames of 4 KiB, the aligned mapping.
    pub(super) fn stub_environment() -> ProgramEnvironment {
        stub_syscall_environment(sbpf_v0_options(), &sbfvm_syscalls::SYSCALL_NAMES).unwrap()
    }

    fn insn(opcode: u8, dst: u8, src: u8, off: i16, imm: i32) -> [u8; 8] {
        let mut out = [0u8; 8];
        out[0] = opcode;
        out[1] = (src << 4) | dst;
        out[2..4].copy_from_slice(&off.to_le_bytes());
        out[4..8].copy_from_slice(&imm.to_le_bytes());
        out
    }

    fn lddw(dst: u8, value: u64) -> Vec<u8> {
        let mut out = insn(0x18, dst, 0, 0, value as u32 as i32).to_vec();
        out.extend(insn(0, 0, 0, 0, (value >> 32) as i32));
        out
    }

    const EXIT: [u8; 8] = [0x95, 0, 0, 0, 0, 0, 0, 0];
    const HEAP_LEN: usize = 32 * 1024;

    /// Runs `text` (entry at pc 0, functions at `functions`) in `mode` with a 32 KiB heap
    /// and 64 stack frames of 4 KiB.
    fn run(text: &[u8], functions: &[u64], mode: ExecutionMode) -> (RunOutcome, HarnessMemory) {
        run_at(text, 0, functions, mode)
    }

    /// [`run`] with the entry point at `entry`.
    pub(super) fn run_at(
        text: &[u8],
        entry: u64,
        functions: &[u64],
        mode: ExecutionMode,
    ) -> (RunOutcome, HarnessMemory) {
        let environment = stub_environment();
        let functions: Vec<(u32, u64)> = functions.iter().map(|&pc| (pc_hash(pc), pc)).collect();
        let program = TextProgram::new(
            &environment,
            text,
            entry,
            &functions,
            mode == ExecutionMode::Jit,
        )
        .unwrap();
        let mut memory = HarnessMemory::new(&[], 64 * 4096, HEAP_LEN);
        let outcome = run_program(
            &environment,
            &program,
            &mut memory,
            &mut test_invoke_context(1_000_000),
            &FrameSetup::aligned(Default::default()),
            entry_registers([0; 9]),
            mode,
        )
        .unwrap();
        (outcome, memory)
    }

    #[test]
    fn unbounded_recursion_stops_at_the_call_depth_limit() {
        // pc 0: call pc 0 (itself), forever.
        let mut text = insn(0x85, 0, 0, 0, pc_hash(0) as i32).to_vec();
        text.extend(EXIT);
        for mode in super::MODES {
            let (outcome, _) = run(&text, &[0], mode);
            assert_eq!(outcome.result, Err(VmFault::CallDepthExceeded), "{mode:?}");
            assert_eq!(outcome.compute_units, 64, "{mode:?}");
        }
    }

    #[test]
    fn the_stack_frame_and_the_heap_are_bounded() {
        const STXB: u8 = 0x73;
        const STDW: u8 = 0x7a;
        for mode in super::MODES {
            // The last byte of the frame is writable; the byte past it (the gap) is not.
            let mut text = insn(STXB, 10, 1, -1, 0).to_vec();
            text.extend(EXIT);
            assert_eq!(run(&text, &[], mode).0.result, Ok(0), "{mode:?}");
            for off in [0i16, -4097] {
                let mut text = insn(STXB, 10, 1, off, 0).to_vec();
                text.extend(EXIT);
                let fault = run(&text, &[], mode).0.result.unwrap_err();
                assert!(
                    matches!(
                        fault,
                        VmFault::StackAccessViolation | VmFault::AccessViolation
                    ),
                    "{mode:?} r10{off:+}: {fault:?}"
                );
            }
            // The heap ends at its configured length.
            for (addr, ok) in [
                (HEAP_START + HEAP_LEN as u64 - 8, true),
                (HEAP_START + HEAP_LEN as u64 - 4, false),
                (HEAP_START + HEAP_LEN as u64, false),
            ] {
                let mut text = lddw(1, addr);
                text.extend(insn(STDW, 1, 0, 0, 0x5A5A));
                text.extend(EXIT);
                let (outcome, memory) = run(&text, &[], mode);
                assert_eq!(
                    outcome.result.is_ok(),
                    ok,
                    "{mode:?} {addr:#x}: {outcome:?}"
                );
                if ok {
                    assert_eq!(memory.heap()[HEAP_LEN - 8], 0x5A);
                } else {
                    assert_eq!(outcome.result, Err(VmFault::AccessViolation), "{mode:?}");
                    assert!(memory.heap().iter().all(|b| *b == 0));
                }
            }
        }
    }
}

// ---- inputs the fuzzers found (fuzz/regressions/) ----

mod fuzz_regressions {
    use sbfvm_test_support::{TextProgram, VmFault};
    use sbfvm_vm::{ExecutionMode, LoadError};

    /// jit_diff, `fuzz/regressions/jit_diff/entry-pc-past-text`: raw text whose entry point
    /// lies past its end was JIT-compiled, and `JitProgram::invoke` (solana-sbpf 0.26
    /// jit.rs:86) then panicked indexing its pc table (`index out of bounds: the len is 2
    /// but the index is 15104`). The harness now refuses to compile it, as it already did
    /// for a function past the end; the interpreter runs it into ExecutionOverrun.
    #[test]
    fn an_entry_point_past_the_text_is_not_jit_compiled() {
        let environment = super::vm_limits::stub_environment();
        let exit = [0x95, 0, 0, 0, 0, 0, 0, 0];
        for entry in [1u64, 15_104] {
            let error = TextProgram::new(&environment, &exit, entry, &[], true).unwrap_err();
            assert!(matches!(error, LoadError::Jit(_)), "{error:?}");
            let (outcome, _) =
                super::vm_limits::run_at(&exit, entry, &[], ExecutionMode::Interpreter);
            assert_eq!(outcome.result, Err(VmFault::ExecutionOverrun));
            assert_eq!((outcome.pc, outcome.compute_units), (entry, 1));
        }
    }
}

// ---- formerly known problems, now fixed ----

/// Agave refuses a requested heap frame outside 32..=256 KiB or not a multiple of 1 KiB; so
/// do a scenario's `settings.heap_size` and `Config::heap_size` (before, any u32 was
/// allocated as given, up to 4 GiB per run).
#[test]
fn a_heap_size_outside_agaves_rule_is_refused() {
    let scenario = |heap_size: u32| {
        let text = format!(
            "[settings]\nheap_size = {heap_size}\n[[programs]]\nprogram_id = \"{COMPUTE}\"\nelf = \"compute.so\"\n\
             [[instructions]]\nprogram_id = \"{COMPUTE}\"\ndata = \"hex:0100000000000000\"\n"
        );
        let path = fixtures_dir().join("robustness.toml");
        Scenario {
            file: Scenario::parse(&text, &path).unwrap(),
            base_dir: fixtures_dir(),
            path,
        }
    };
    for heap_size in [0, 1024, 32 * 1024 + 1, 256 * 1024 + 1024, 1 << 20, u32::MAX] {
        assert!(
            prepare(&scenario(heap_size), None).is_err(),
            "heap_size {heap_size} was accepted"
        );
        let config = Config {
            heap_size: Some(heap_size),
            ..Config::default()
        };
        assert!(Sbfvm::new(config).is_err(), "Config heap_size {heap_size}");
    }
    for heap_size in [32 * 1024, 33 * 1024, 256 * 1024] {
        let mut prepared = prepare(&scenario(heap_size), None).unwrap();
        let PreparedInstruction { instruction, .. } = prepared.instructions.remove(0);
        let outcome = prepared.vm.process_instruction(&instruction);
        assert!(outcome.is_ok(), "{heap_size}: {}", outcome.result_string());
    }
}
