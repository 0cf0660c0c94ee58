//! The scenario runner shared by the CLI, the tests and the benches: builds an [`Sbfvm`]
//! from a scenario, runs its instructions in order, and checks each `expect` block.

use std::collections::BTreeSet;
use std::path::Path;

use solana_account::Account;
use solana_instruction::Instruction;
use solana_pubkey::Pubkey;

use crate::check::Check;
use crate::coverage::{Coverage, CoverageCollector};
use crate::error::Error;
use crate::profile::{InstructionProfile, ProfileTracer, SymbolCache};
use crate::scenario::{
    parse_data, parse_instruction, parse_pubkey, AccountSpec, ExpectSpec, InstructionSpec,
    ProgramSpec, Scenario, SysvarsSpec,
};
use crate::scenario_transactions::PreparedTransaction;
use crate::trace::{CollectingTracer, TraceOptions};
use crate::{Config, Loader, Outcome, Sbfvm};
use sbfvm_runtime::sysvars::{
    slot_hashes_account_data, stake_history_account_data, SlotHash, StakeHistoryEntry,
    MAX_HISTORY_ENTRIES,
};
use sbfvm_runtime::{FeatureSet, Sysvars};
use sbfvm_vm::debugger::GdbServer;
use sbfvm_vm::ExecutionMode;

/// One instruction's result, with its expectation failures.
#[derive(Debug, Clone)]
pub struct InstructionReport {
    /// Position of the instruction in the scenario's `instructions`.
    pub index: usize,
    /// The instruction's `name` label, if the scenario gives one.
    pub name: Option<String>,
    /// The program the instruction invokes.
    pub program_id: Pubkey,
    /// What the instruction's transaction did.
    pub outcome: Outcome,
    /// Accounts the instruction referenced, in first-reference order: (key, before, after).
    pub accounts: Vec<(Pubkey, Account, Account)>,
    /// One line per failed check of the `expect` block; empty when there is no block or
    /// every check holds.
    pub expectation_failures: Vec<String>,
    /// Compute units per function across the CPI tree, when the run was profiled
    /// ([`RunOptions::profile`]).
    pub profile: Option<InstructionProfile>,
    /// SHA-256 of what was run (program id, account metas and data of each instruction), so
    /// reports of the same scenario can be recognised ([`crate::diff`]).
    pub input_digest: [u8; 32],
}

/// A whole scenario run.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The execution mode the scenario ran in.
    pub mode: ExecutionMode,
    /// The programs' load warnings (imported syscalls sbfvm does not provide), each
    /// prefixed with the program id.
    pub warnings: Vec<String>,
    /// One report per instruction, in scenario order.
    pub instructions: Vec<InstructionReport>,
    /// One report per `[[transactions]]` entry, in scenario order (`program_id` is the
    /// first instruction's program; `accounts` every key of the transaction).
    pub transactions: Vec<InstructionReport>,
    /// Instruction coverage of every program that ran, over the whole run, when it was
    /// asked for ([`RunOptions::coverage`]).
    pub coverage: Option<Coverage>,
}

impl RunReport {
    /// Failed `expect` checks, all instructions together.
    pub fn expectations_failed(&self) -> usize {
        self.instructions
            .iter()
            .chain(&self.transactions)
            .map(|instruction| instruction.expectation_failures.len())
            .sum()
    }
}

/// One instruction of a prepared scenario.
pub struct PreparedInstruction {
    /// The instruction's `name` label, if the scenario gives one.
    pub name: Option<String>,
    /// The instruction, its keys and data decoded.
    pub instruction: Instruction,
    /// The instruction's own compute-unit limit; `None` runs it with the configured one.
    pub compute_unit_limit: Option<u64>,
    /// The instruction's `expect` block, already validated.
    pub expect: Option<ExpectSpec>,
}

/// Everything a scenario needs before it runs, validated.
pub struct PreparedScenario {
    /// The VM with the scenario's settings, programs and accounts.
    pub vm: Sbfvm,
    /// The scenario's instructions, in order.
    pub instructions: Vec<PreparedInstruction>,
    /// The scenario's signed transactions, in order.
    pub transactions: Vec<PreparedTransaction>,
    /// The programs' load warnings, as in [`RunReport::warnings`].
    pub warnings: Vec<String>,
}

fn build_config(
    scenario: &Scenario,
    mode_override: Option<ExecutionMode>,
) -> Result<Config, Error> {
    let settings = &scenario.file.settings;
    let mut config = Config {
        mode: match (mode_override, &settings.mode) {
            (Some(mode), _) => mode,
            (None, Some(text)) => text.parse().map_err(Error::Scenario)?,
            (None, None) => ExecutionMode::default(),
        },
        compute_unit_limit: settings.compute_unit_limit,
        heap_size: settings.heap_size,
        ..Config::default()
    };
    if let Some(heap_size) = settings.heap_size {
        crate::check_heap_size(heap_size)
            .map_err(|message| Error::Scenario(format!("settings.heap_size: {message}")))?;
    }
    let features = feature_set(&settings.features.enable, &settings.features.disable)
        .map_err(|name| Error::Scenario(format!("settings.features: unknown feature `{name}`")))?;
    Error::check_features(&features)?;
    config.features = features;
    apply_sysvar_overrides(&mut config.sysvars, &settings.sysvars)?;
    Ok(config)
}

/// Sets each field `spec` gives (`Some`) on `target`.
macro_rules! override_fields {
    ($target:expr, $spec:expr, $($field:ident),+ $(,)?) => {
        $(
            if let Some(value) = $spec.$field {
                $target.$field = value;
            }
        )+
    };
}

/// Mainnet's feature set with the gates `enable` names activated and those `disable` names
/// deactivated (by name or id, as `parse_feature_id` reads them); the first name no gate
/// has is the error.
pub fn feature_set<'a>(enable: &'a [String], disable: &'a [String]) -> Result<FeatureSet, &'a str> {
    let mut features = FeatureSet::mainnet();
    for (names, activate) in [(enable, true), (disable, false)] {
        for name in names {
            let id = sbfvm_runtime::features::parse_feature_id(name).ok_or(name.as_str())?;
            if activate {
                features.activate(id);
            } else {
                features.deactivate(&id);
            }
        }
    }
    Ok(features)
}

/// Sets on `sysvars` the fields `spec` gives (a scenario's `settings.sysvars`, or a
/// binding's `sysvars` option); the rest stay.
pub fn apply_sysvar_overrides(sysvars: &mut Sysvars, spec: &SysvarsSpec) -> Result<(), Error> {
    if let Some(clock) = &spec.clock {
        override_fields!(
            sysvars.clock,
            clock,
            slot,
            epoch_start_timestamp,
            epoch,
            leader_schedule_epoch,
            unix_timestamp,
        );
    }
    if let Some(rent) = &spec.rent {
        override_fields!(
            sysvars.rent,
            rent,
            lamports_per_byte_year,
            exemption_threshold,
            burn_percent,
        );
    }
    if let Some(schedule) = &spec.epoch_schedule {
        override_fields!(
            sysvars.epoch_schedule,
            schedule,
            slots_per_epoch,
            leader_schedule_slot_offset,
            warmup,
            first_normal_epoch,
            first_normal_slot,
        );
    }
    if let Some(slot) = spec.last_restart_slot {
        sysvars.last_restart_slot = slot;
    }
    if let Some(entries) = &spec.slot_hashes {
        check_history_length(entries.len(), "slot_hashes")?;
        let entries = entries
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                let what = format!("settings.sysvars.slot_hashes[{index}].hash");
                let hash = crate::scenario::parse_pubkey(&entry.hash, &what)?.to_bytes();
                Ok(SlotHash {
                    slot: entry.slot,
                    hash,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        sysvars.slot_hashes = Some(slot_hashes_account_data(&entries));
    }
    if let Some(entries) = &spec.stake_history {
        check_history_length(entries.len(), "stake_history")?;
        let entries: Vec<StakeHistoryEntry> = entries
            .iter()
            .map(|entry| StakeHistoryEntry {
                epoch: entry.epoch,
                effective: entry.effective,
                activating: entry.activating,
                deactivating: entry.deactivating,
            })
            .collect();
        sysvars.stake_history = Some(stake_history_account_data(&entries));
    }
    Ok(())
}

/// A history sysvar holds at most 512 entries; more in a scenario is a mistake, not
/// something to drop silently.
fn check_history_length(len: usize, name: &str) -> Result<(), Error> {
    if len > MAX_HISTORY_ENTRIES {
        return Err(Error::Scenario(format!(
            "settings.sysvars.{name}: {len} entries, the sysvar holds at most {MAX_HISTORY_ENTRIES}"
        )));
    }
    Ok(())
}

/// The most zeroed account data a scenario's `space` fields may ask for, in total: with
/// at most 10 MiB each, enough for any transaction mainnet accepts, and a bound on the
/// host memory a scenario file can make sbfvm allocate.
pub const MAX_SCENARIO_SPACE_BYTES: u64 = 64 * 1024 * 1024;

/// Validates a scenario and sets up its programs and accounts.
pub fn prepare(
    scenario: &Scenario,
    mode_override: Option<ExecutionMode>,
) -> Result<PreparedScenario, Error> {
    let config = build_config(scenario, mode_override)?;
    let mut vm = Sbfvm::new(config)?;
    let mut warnings = Vec::new();
    for (index, program) in scenario.file.programs.iter().enumerate() {
        warnings.extend(add_program(&mut vm, scenario, index, program)?);
    }
    let mut total_space: u64 = 0;
    for (index, spec) in scenario.file.accounts.iter().enumerate() {
        add_account(&mut vm, index, spec, &mut total_space)?;
    }
    let instructions = scenario
        .file
        .instructions
        .iter()
        .enumerate()
        .map(|(index, spec)| prepare_instruction(index, spec))
        .collect::<Result<Vec<_>, Error>>()?;
    let transactions = scenario
        .file
        .transactions
        .iter()
        .enumerate()
        .map(|(index, spec)| crate::scenario_transactions::prepare(index, spec))
        .collect::<Result<Vec<_>, Error>>()?;
    if let Some(verify) = scenario.file.settings.verify_signatures {
        vm.set_signature_verification(verify);
    }
    Ok(PreparedScenario {
        vm,
        instructions,
        transactions,
        warnings,
    })
}

/// Deploys `programs[index]`; returns its load warnings.
fn add_program(
    vm: &mut Sbfvm,
    scenario: &Scenario,
    index: usize,
    program: &ProgramSpec,
) -> Result<Vec<String>, Error> {
    let what = format!("programs[{index}].program_id");
    let program_id = parse_pubkey(&program.program_id, &what)?;
    let loader = match &program.loader {
        None => Loader::Upgradeable,
        Some(text) => Loader::parse(text).ok_or_else(|| {
            Error::Scenario(format!(
                "programs[{index}].loader: unknown loader `{text}` (expected bpf_loader_upgradeable, bpf_loader or bpf_loader_deprecated)"
            ))
        })?,
    };
    let loaded = vm.add_program_file(program_id, loader, scenario.resolve(&program.elf))?;
    Ok(loaded
        .warnings
        .iter()
        .map(|warning| format!("{program_id}: {warning}"))
        .collect())
}

/// Stores `accounts[index]`; `total_space` adds up the `space` fields so far.
fn add_account(
    vm: &mut Sbfvm,
    index: usize,
    spec: &AccountSpec,
    total_space: &mut u64,
) -> Result<(), Error> {
    let pubkey = parse_pubkey(&spec.pubkey, &format!("accounts[{index}].pubkey"))?;
    let owner = match &spec.owner {
        Some(owner) => parse_pubkey(owner, &format!("accounts[{index}].owner"))?,
        None => solana_sdk_ids::system_program::id(),
    };
    let data = match (&spec.data, spec.space) {
        (Some(_), Some(_)) => {
            return Err(Error::Scenario(format!(
                "accounts[{index}]: give `data` or `space`, not both"
            )))
        }
        (Some(data), None) => parse_data(data, &format!("accounts[{index}].data"))?,
        (None, Some(space)) => {
            if space > 10 * 1024 * 1024 {
                return Err(Error::Scenario(format!(
                    "accounts[{index}].space: {space} exceeds 10 MiB"
                )));
            }
            *total_space = total_space.saturating_add(space);
            if *total_space > MAX_SCENARIO_SPACE_BYTES {
                return Err(Error::Scenario(format!(
                    "accounts[{index}].space: the accounts' `space` adds up to more than {MAX_SCENARIO_SPACE_BYTES} bytes (64 MiB, Agave's limit on the account data one transaction loads)"
                )));
            }
            vec![0; space as usize]
        }
        (None, None) => Vec::new(),
    };
    vm.set_account(
        pubkey,
        Account {
            lamports: spec.lamports,
            data,
            owner,
            executable: spec.executable,
            rent_epoch: u64::MAX,
        },
    );
    Ok(())
}

/// `instructions[index]`, parsed, with its `expect` block validated.
fn prepare_instruction(index: usize, spec: &InstructionSpec) -> Result<PreparedInstruction, Error> {
    let instruction = parse_instruction(
        &spec.program_id,
        &spec.accounts,
        spec.data.as_deref(),
        &format!("instructions[{index}]"),
    )?;
    if let Some(expect) = &spec.expect {
        validate_expect(expect, index)?;
    }
    Ok(PreparedInstruction {
        name: spec.name.clone(),
        instruction,
        compute_unit_limit: spec.compute_unit_limit,
        expect: spec.expect.clone(),
    })
}

/// Checks an expectation's own syntax up front, so a typo is an input error, not a failed run.
fn validate_expect(expect: &ExpectSpec, index: usize) -> Result<(), Error> {
    Check::from_expect(expect, &format!("instructions[{index}].expect")).map(|_| ())
}

/// Runs a scenario: every instruction is its own transaction; a failed one leaves the
/// store as it was and the next still runs. Each frame's wall time is measured
/// ([`crate::Sbfvm::set_frame_timing`]).
pub fn run(scenario: &Scenario, mode_override: Option<ExecutionMode>) -> Result<RunReport, Error> {
    run_with_trace(scenario, mode_override, None)
}

/// [`run`], also writing instruction traces of the selected frames to `trace.dir`.
pub fn run_with_trace(
    scenario: &Scenario,
    mode_override: Option<ExecutionMode>,
    trace: Option<&TraceOptions>,
) -> Result<RunReport, Error> {
    run_with(
        scenario,
        &RunOptions {
            mode: mode_override,
            trace: trace.cloned(),
            profile: false,
            coverage: false,
        },
    )
}

/// How [`run_with`] runs a scenario.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The execution mode; `None` takes the scenario's (else the JIT).
    pub mode: Option<ExecutionMode>,
    /// Write instruction traces ([`crate::trace`]).
    pub trace: Option<TraceOptions>,
    /// Profile every frame ([`crate::profile`]) into [`InstructionReport::profile`]; the
    /// frames then run in the interpreter (results and units are the same).
    pub profile: bool,
    /// Count the executed instructions of every frame ([`crate::coverage`]) into
    /// [`RunReport::coverage`]; the frames run in the profiles' interpreter.
    pub coverage: bool,
}

/// [`run`] with traces or profiles.
pub fn run_with(scenario: &Scenario, options: &RunOptions) -> Result<RunReport, Error> {
    run_debugged(scenario, options, None).map(|(report, _)| report)
}

/// [`run_with`], with the frame `debugger` selects run under its GDB stub; hands the stub
/// back with its session ([`crate::debug`]).
pub(crate) fn run_debugged(
    scenario: &Scenario,
    options: &RunOptions,
    debugger: Option<GdbServer>,
) -> Result<(RunReport, Option<GdbServer>), Error> {
    if (options.profile || options.coverage) && options.trace.is_some() {
        return Err(Error::Config(
            "a run records traces, or profiles and coverage, not both".into(),
        ));
    }
    let trace = options.trace.as_ref();
    let PreparedScenario {
        mut vm,
        instructions,
        transactions,
        warnings,
    } = prepare(scenario, options.mode)?;
    // A scenario run reports each frame's wall time (labelled as one run's).
    vm.set_frame_timing(true);
    vm.executor().set_debugger(debugger);
    if let Some(options) = trace {
        vm.executor().set_tracer(Some(Box::new(CollectingTracer {
            program: options.program,
            frames: Vec::new(),
        })));
    }
    if options.profile || options.coverage {
        vm.executor().set_tracer(Some(Box::new(ProfileTracer {
            frames: Vec::new(),
            coverage: options.coverage,
        })));
    }
    let symbols = std::cell::RefCell::new(SymbolCache::default());
    let coverage = std::cell::RefCell::new(CoverageCollector::default());
    let profile = |vm: &Sbfvm, outcome: &Outcome| -> Result<Option<InstructionProfile>, Error> {
        if !options.profile && !options.coverage {
            return Ok(None);
        }
        let frames = ProfileTracer::take_frames(vm.executor());
        coverage.borrow_mut().add(&frames);
        if !options.profile {
            return Ok(None);
        }
        InstructionProfile::build_cached(vm, outcome, &frames, &mut symbols.borrow_mut()).map(Some)
    };
    let mut reports = Vec::with_capacity(instructions.len());
    for (index, prepared) in instructions.into_iter().enumerate() {
        let PreparedInstruction {
            name,
            instruction,
            compute_unit_limit,
            expect,
        } = prepared;
        let limit = compute_unit_limit.or(vm.config().compute_unit_limit);
        let outcome = vm.process_transaction(std::slice::from_ref(&instruction), limit);
        if let Some(options) = trace {
            write_traces(&vm, &options.dir, index)?;
        }
        let profile = profile(&vm, &outcome)?;
        let accounts = referenced_accounts(&instruction, &outcome);
        let expectation_failures = match &expect {
            Some(expect) => check_expectations(expect, &outcome, index),
            None => Vec::new(),
        };
        reports.push(InstructionReport {
            index,
            name,
            program_id: instruction.program_id,
            input_digest: input_digest(std::slice::from_ref(&instruction)),
            outcome,
            accounts,
            expectation_failures,
            profile,
        });
    }
    let transactions = transactions
        .into_iter()
        .enumerate()
        .map(|(index, prepared)| {
            let (program_id, outcome) = crate::scenario_transactions::send(&mut vm, &prepared)?;
            let profile = profile(&vm, &outcome)?;
            let expectation_failures = match &prepared.expect {
                Some(expect) => check_expectations(expect, &outcome, index),
                None => Vec::new(),
            };
            let transaction = &outcome.transaction;
            let accounts = transaction
                .account_keys
                .iter()
                .zip(&transaction.accounts_before)
                .zip(&transaction.accounts_after)
                .map(|((key, before), after)| (*key, before.clone().into(), after.clone().into()))
                .collect();
            Ok(InstructionReport {
                index,
                name: prepared.name.clone(),
                program_id,
                input_digest: input_digest(prepared.instructions()),
                outcome,
                accounts,
                expectation_failures,
                profile,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let coverage = if options.coverage {
        Some(coverage.borrow().finish(&vm)?)
    } else {
        None
    };
    let report = RunReport {
        mode: vm.config().mode,
        warnings,
        instructions: reports,
        transactions,
        coverage,
    };
    Ok((report, vm.executor().take_debugger()))
}

/// SHA-256 over each instruction's program id, account metas and data.
fn input_digest(instructions: &[Instruction]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for instruction in instructions {
        hasher.update(instruction.program_id.as_ref());
        hasher.update((instruction.accounts.len() as u64).to_le_bytes());
        for meta in &instruction.accounts {
            hasher.update(meta.pubkey.as_ref());
            hasher.update([u8::from(meta.is_signer), u8::from(meta.is_writable)]);
        }
        hasher.update((instruction.data.len() as u64).to_le_bytes());
        hasher.update(&instruction.data);
    }
    hasher.finalize().into()
}

/// Writes the frames the tracer collected during instruction `index` into `dir`.
fn write_traces(vm: &Sbfvm, dir: &Path, index: usize) -> Result<(), Error> {
    let Some(mut tracer) = vm.executor().take_tracer() else {
        return Ok(());
    };
    let written = match tracer.as_any().downcast_mut::<CollectingTracer>() {
        Some(collected) => {
            let frames = std::mem::take(&mut collected.frames);
            crate::trace::write_frames(dir, index, &frames).map(|_| ())
        }
        None => Ok(()),
    };
    vm.executor().set_tracer(Some(tracer));
    written
}

/// The accounts `instruction` names, each once in first-reference order: (key, before,
/// after).
fn referenced_accounts(
    instruction: &Instruction,
    outcome: &Outcome,
) -> Vec<(Pubkey, Account, Account)> {
    let transaction = &outcome.transaction;
    let mut seen = BTreeSet::new();
    let mut accounts = Vec::new();
    for meta in &instruction.accounts {
        if !seen.insert(meta.pubkey) {
            continue;
        }
        if let Some(position) = transaction
            .account_keys
            .iter()
            .position(|k| *k == meta.pubkey)
        {
            accounts.push((
                meta.pubkey,
                transaction.accounts_before[position].clone().into(),
                transaction.accounts_after[position].clone().into(),
            ));
        }
    }
    accounts
}

/// The expectation failures of one instruction, one line each (`result: expected `…`,
/// got `…``); the checks of [`crate::check`].
fn check_expectations(expect: &ExpectSpec, outcome: &Outcome, index: usize) -> Vec<String> {
    // `prepare` validated the block, so this cannot fail; if it somehow did, say so.
    match Check::from_expect(expect, &format!("instructions[{index}].expect")) {
        Ok(checks) => checks
            .iter()
            .flat_map(|check| check.evaluate(outcome))
            .map(|failure| failure.to_string())
            .collect(),
        Err(error) => vec![error.to_string()],
    }
}
