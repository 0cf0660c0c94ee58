//! `virtual_address_space_adjustments` (SIMD-0460, inactive on mainnet) against mainnet's
//! rules, with `account_data.so`: each account's data is a region of its own, read-only
//! when the program may not change it. A store there faults at once: the account's error
//! (`ReadonlyDataModified`, `ExternalAccountDataModified`) with the whole budget consumed
//! when the VM faults, without when a syscall does (`solana-program-runtime 4.4.0,
//! src/vm.rs`, `execute`); on mainnet the store lands in the copy and deserialization
//! refuses it after the run. A store into the realloc area grows the account.

use std::path::PathBuf;

use crate::common::{account, deploy, fixtures_dir, key, MODES};
use sbfvm::runner;
use sbfvm::runtime::features::ids;
use sbfvm::scenario::Scenario;
use sbfvm::{
    Config, ExecutionMode, FeatureSet, Instruction, InstructionError, Outcome, Pubkey, Sbfvm,
    TransactionError,
};
use solana_instruction::AccountMeta;

const PROGRAM: Pubkey = key(40);
const TARGET: Pubkey = key(41);
const OTHER_OWNER: Pubkey = key(42);
const BUDGET: u64 = 200_000;

fn features(adjustments: bool) -> FeatureSet {
    let mut features = FeatureSet::mainnet();
    if adjustments {
        features.activate(ids::VIRTUAL_ADDRESS_SPACE_ADJUSTMENTS);
    }
    features
}

/// `account_data.so` op `data[0]` on TARGET (`owner`, `writable`) under either rule.
fn run(
    mode: ExecutionMode,
    adjustments: bool,
    owner: Pubkey,
    writable: bool,
    data: &[u8],
) -> (Outcome, Sbfvm) {
    let mut vm = Sbfvm::new(Config {
        mode,
        features: features(adjustments),
        ..Config::default()
    })
    .expect("Sbfvm::new");
    deploy(&mut vm, PROGRAM, "account_data.so");
    vm.set_account(TARGET, account(10_000_000, owner, &[1, 2, 3, 4]));
    let meta = if writable {
        AccountMeta::new(TARGET, false)
    } else {
        AccountMeta::new_readonly(TARGET, false)
    };
    let outcome = vm.process_instruction(&Instruction::new_with_bytes(PROGRAM, data, vec![meta]));
    (outcome, vm)
}

fn failed_with(outcome: &Outcome, error: InstructionError) -> bool {
    *outcome.result() == Err(TransactionError::InstructionError(0, error))
}

/// Op 0x84: one unchecked byte store into account 0's data, from the program itself.
#[test]
fn a_program_store_into_data_it_may_not_change_faults_and_drains_the_budget() {
    let cases = [
        (PROGRAM, false, InstructionError::ReadonlyDataModified),
        (
            OTHER_OWNER,
            true,
            InstructionError::ExternalAccountDataModified,
        ),
    ];
    for mode in MODES {
        for (owner, writable, error) in cases.clone() {
            let (mainnet, _) = run(mode, false, owner, writable, &[0x84, 9]);
            assert!(
                failed_with(&mainnet, error.clone()),
                "{mode:?}: {:?}",
                mainnet.result()
            );
            assert!(mainnet.compute_units_consumed() < 1_000);
            let (adjusted, vm) = run(mode, true, owner, writable, &[0x84, 9]);
            assert!(
                failed_with(&adjusted, error.clone()),
                "{mode:?}: {:?}",
                adjusted.result()
            );
            assert_eq!(
                adjusted.compute_units_consumed(),
                BUDGET,
                "{mode:?} {error:?}"
            );
            let failure = format!("Program {PROGRAM} failed: {error}");
            assert!(adjusted.logs().contains(&failure), "{:?}", adjusted.logs());
            assert_eq!(vm.account(&TARGET).unwrap().data, [1, 2, 3, 4]);
        }
    }
}

/// memops.so op 0 `sol_memcpy_`s into account 0 when it is writable: owned by another
/// program, the syscall's store fails at once with the account's error, but a syscall error
/// does not drain the budget; on mainnet the program finishes and deserialization refuses.
#[test]
fn a_syscall_store_into_data_the_program_may_not_change_fails_with_the_account_error() {
    let memops = key(43);
    for mode in MODES {
        let mut units = Vec::new();
        for adjustments in [false, true] {
            let mut vm = Sbfvm::new(Config {
                mode,
                features: features(adjustments),
                ..Config::default()
            })
            .expect("Sbfvm::new");
            deploy(&mut vm, memops, "memops.so");
            vm.set_account(TARGET, account(2_000_000, OTHER_OWNER, &[0xff; 16]));
            let outcome = vm.process_instruction(&Instruction::new_with_bytes(
                memops,
                &[0],
                vec![AccountMeta::new(TARGET, false)],
            ));
            let error = InstructionError::ExternalAccountDataModified;
            assert!(
                failed_with(&outcome, error),
                "{mode:?}: {:?}",
                outcome.result()
            );
            units.push(outcome.compute_units_consumed());
        }
        // The fixture scenario memops.toml checks the mainnet count.
        assert_eq!(units, [353, 185], "{mode:?}");
    }
}

/// Op 1 grows the account by storing into its realloc area: the handler grows it, with the
/// same result as mainnet's copy.
#[test]
fn a_store_into_the_realloc_area_grows_the_account() {
    for mode in MODES {
        let mut data = vec![1];
        data.extend_from_slice(&8u64.to_le_bytes());
        let (mainnet, mainnet_vm) = run(mode, false, PROGRAM, true, &data);
        let (adjusted, adjusted_vm) = run(mode, true, PROGRAM, true, &data);
        assert!(adjusted.is_ok(), "{mode:?}: {:?}", adjusted.result());
        assert_eq!(adjusted.logs(), mainnet.logs());
        assert_eq!(
            adjusted_vm.account(&TARGET).unwrap().data,
            [1, 2, 3, 4, 0xab, 0xab, 0xab, 0xab]
        );
        assert_eq!(adjusted_vm.account(&TARGET), mainnet_vm.account(&TARGET));
        // A length beyond the 10 KiB increase fails after the run under both rules.
        let mut data = vec![0x81];
        data.extend_from_slice(&(4u64 + 10 * 1024 + 1).to_le_bytes());
        let (mainnet, _) = run(mode, false, PROGRAM, true, &data);
        let (adjusted, _) = run(mode, true, PROGRAM, true, &data);
        assert!(failed_with(&mainnet, InstructionError::InvalidRealloc));
        assert!(failed_with(&adjusted, InstructionError::InvalidRealloc));
        assert_eq!(adjusted.logs(), mainnet.logs());
    }
}

/// The fixture scenarios that run differently with SIMD-0460 active, by file and
/// instruction index, with the result they then give: every other instruction of every
/// fixture scenario (CPI, PDAs, reallocation, sysvars, loaders…) must give the same result,
/// accounts, logs and compute units.
const EXPECTED_DIFFERENCES: &[(&str, usize, &str)] = &[
    // Stores into data the program may not change fault in the VM: the whole budget.
    ("account_data.toml", 9, "ReadonlyDataModified"),
    ("account_data.toml", 16, "ReadonlyDataModified"),
    // Storing the byte already there is a store all the same.
    ("account_data.toml", 17, "ReadonlyDataModified"),
    ("account_data.toml", 18, "ExternalAccountDataModified"),
    ("account_data.toml", 19, "ReadonlyDataModified"),
    // A CPI's stack pointer in a log line: the stack has no frame gaps.
    ("cpi.toml", 12, "ProgramFailedToComplete"),
    // `sol_memcpy_` into another program's account fails inside the syscall.
    ("memops.toml", 3, "ExternalAccountDataModified"),
    // The deepest frame computed as with frame gaps is not where the stack is.
    ("stack_probe.toml", 5, "ProgramFailedToComplete"),
    ("stack_probe.toml", 6, "ProgramFailedToComplete"),
    // Loads of the realloc reserve beyond an account's data fault.
    ("stack_probe.toml", 8, "InvalidRealloc"),
    ("stack_probe.toml", 9, "InvalidRealloc"),
    ("stack_probe.toml", 10, "AccountDataTooSmall"),
    ("stack_probe.toml", 11, "AccountDataTooSmall"),
];

#[test]
fn the_fixture_scenarios_run_alike_but_where_the_regions_differ() {
    let mut differences = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mainnet = Scenario::load(&path).unwrap();
        let mut adjusted = mainnet.clone();
        adjusted
            .file
            .settings
            .features
            .enable
            .push("virtual_address_space_adjustments".into());
        for mode in MODES {
            let mainnet = runner::run(&mainnet, Some(mode)).unwrap();
            let adjusted = runner::run(&adjusted, Some(mode)).unwrap();
            assert_eq!(mainnet.instructions.len(), adjusted.instructions.len());
            for (a, b) in mainnet.instructions.iter().zip(&adjusted.instructions) {
                if a.outcome.result() != b.outcome.result()
                    || a.outcome.logs() != b.outcome.logs()
                    || a.outcome.compute_units_consumed() != b.outcome.compute_units_consumed()
                    || a.accounts != b.accounts
                {
                    differences.push((mode, name.clone(), a.index, b.outcome.result_string()));
                }
            }
        }
    }
    let expected: Vec<(ExecutionMode, String, usize, String)> = EXPECTED_DIFFERENCES
        .iter()
        .flat_map(|&(file, index, result)| {
            MODES.map(|mode| (mode, file.to_string(), index, result.to_string()))
        })
        .collect();
    differences.sort_by_key(|(mode, file, index, _)| (file.clone(), *index, *mode as u8));
    assert_eq!(differences, expected);
}
