//! A case: programs, accounts, one instruction and a compute-unit limit, run the same way on
//! both sides. Seeds come from the scenario files in `fixtures/`.

use std::path::Path;
use std::sync::Arc;

use sbfvm::runner;
use sbfvm::scenario::Scenario;
use sbfvm::{Account, Instruction, Loader, Pubkey};

/// A program both sides deploy before the instruction runs.
#[derive(Clone)]
pub struct Program {
    /// Its address.
    pub id: Pubkey,
    /// The loader it is deployed under.
    pub loader: Loader,
    /// The ELF file it was read from (for reproducers).
    pub path: String,
    /// The ELF bytes.
    pub elf: Arc<Vec<u8>>,
}

/// One differential case.
#[derive(Clone)]
pub struct Case {
    /// Where the case comes from (`fixtures/x.toml #2`), for reports.
    pub origin: String,
    /// Programs deployed on both sides.
    pub programs: Vec<Program>,
    /// Every account the instruction names (programs excluded), in first-reference order.
    pub accounts: Vec<(Pubkey, Account)>,
    /// The instruction.
    pub instruction: Instruction,
    /// The transaction's compute-unit limit.
    pub compute_unit_limit: u64,
}

/// The default limit of a one-instruction transaction of a non-builtin program.
pub const DEFAULT_COMPUTE_UNIT_LIMIT: u64 = 200_000;

/// Every instruction of every scenario file in `dir`, as a case with the accounts the
/// scenario sets up. Scenarios that do not prepare (bad on purpose) are skipped.
pub fn seeds_from_fixtures(dir: &Path) -> Vec<Case> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    let mut cases = Vec::new();
    for path in paths {
        if path.extension().is_none_or(|ext| ext != "toml") {
            continue;
        }
        let Ok(scenario) = Scenario::load(&path) else {
            continue;
        };
        cases.extend(cases_of(&scenario, &path));
    }
    cases
}

fn cases_of(scenario: &Scenario, path: &Path) -> Vec<Case> {
    let Ok(prepared) = runner::prepare(scenario, None) else {
        return Vec::new();
    };
    let mut programs = Vec::new();
    for spec in &scenario.file.programs {
        let (Ok(id), Some(loader)) = (
            spec.program_id.parse::<Pubkey>(),
            Loader::parse(spec.loader.as_deref().unwrap_or("upgradeable")),
        ) else {
            return Vec::new();
        };
        let elf_path = scenario.base_dir.join(&spec.elf);
        let Ok(elf) = std::fs::read(&elf_path) else {
            return Vec::new();
        };
        programs.push(Program {
            id,
            loader,
            path: elf_path.to_string_lossy().into_owned(),
            elf: Arc::new(elf),
        });
    }
    let limit = scenario
        .file
        .settings
        .compute_unit_limit
        .unwrap_or(DEFAULT_COMPUTE_UNIT_LIMIT);
    prepared
        .instructions
        .iter()
        .enumerate()
        .map(|(index, prepared_instruction)| {
            let instruction = prepared_instruction.instruction.clone();
            // A program named by a meta (a CPI callee) is passed as sbfvm stores it.
            let accounts = meta_accounts(&instruction, |key| {
                prepared.vm.account(key).unwrap_or_default()
            });
            Case {
                origin: format!("{} #{index}", path.display()),
                programs: programs.clone(),
                accounts,
                instruction,
                compute_unit_limit: prepared_instruction.compute_unit_limit.unwrap_or(limit),
            }
        })
        .collect()
}

/// The accounts `instruction` names, once each in first-reference order, each from
/// `account_of`; the program it runs is left out (both sides deploy it).
pub fn meta_accounts(
    instruction: &Instruction,
    account_of: impl Fn(&Pubkey) -> Account,
) -> Vec<(Pubkey, Account)> {
    let mut accounts: Vec<(Pubkey, Account)> = Vec::new();
    for meta in &instruction.accounts {
        if meta.pubkey != instruction.program_id
            && !accounts.iter().any(|(key, _)| *key == meta.pubkey)
        {
            accounts.push((meta.pubkey, account_of(&meta.pubkey)));
        }
    }
    accounts
}

/// An account as sbfvm stores it when `programs` are deployed and sysvars are the fuzzer's
/// (aligned with the reference, see `sides.rs`): a program's executable account, a builtin's,
/// a sysvar's, or an absent (default) account.
pub fn stored_account(key: &Pubkey, programs: &[Program]) -> Account {
    let mut vm = sbfvm::Sbfvm::new(sbfvm::Config {
        sysvars: crate::sides::aligned_sysvars(),
        ..sbfvm::Config::default()
    })
    .expect("the default configuration is valid");
    for program in programs.iter().filter(|program| program.id == *key) {
        let _ = vm.add_program(program.id, program.loader, &program.elf);
    }
    vm.account(key).unwrap_or_default()
}
