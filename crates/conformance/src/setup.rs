//! What the harnesses share: the VM fixture taken apart, feature sets, sysvars from fixture
//! accounts, the transaction and invoke contexts, guest memory, and the effects rows of
//! `SyscallEffects`. The settings are those of the reference harness, solfuzz-agave
//! `270ca6d` (`src/utils/vm/mod.rs`, `src/vm_syscalls.rs`, `src/lib.rs`), on Agave 2.1.

use std::collections::HashMap;
use std::rc::Rc;

use sbfvm_runtime::environment::EnvironmentConfig;
use sbfvm_runtime::sysvars::{BlockhashEntry, RecentBlockhashes};
use sbfvm_runtime::{
    Account, Builtin, ComputeBudget, ExecutionFailure, FeatureSet, InstructionAccount,
    InvokeContext, ProgramExecutor, Pubkey, RentParams, Sysvars, TransactionContext,
};
use sbfvm_test_support::HarnessMemory;
use sbfvm_vm::{EnvironmentOptions, ProgramEnvironment};
use solana_sdk_ids::sysvar;

use super::compare::{ErrorCode, Row, Value};
use super::harness::{decode_fixture, NoEffects};
use super::proto;

/// Host stack size: 64 frames of 4 KiB.
pub(crate) const STACK_SIZE: usize = 64 * 4096;
/// Largest `heap_max` the reference harness accepts.
pub(crate) const MAX_HEAP: u64 = 256 * 1024;

/// Program environments reused across the fixtures of one worker thread, by the family
/// that builds them and the one setting its environments differ in.
#[derive(Default)]
pub(crate) struct EnvironmentCache {
    environments: HashMap<(&'static str, bool), ProgramEnvironment>,
}

impl EnvironmentCache {
    /// The `family`'s environment for `setting`, built by `build` the first time.
    pub(crate) fn get_or_build(
        &mut self,
        family: &'static str,
        setting: bool,
        build: impl FnOnce() -> ProgramEnvironment,
    ) -> &ProgramEnvironment {
        self.environments
            .entry((family, setting))
            .or_insert_with(build)
    }
}

/// A `SyscallFixture` (vm_interp, syscall and CPI) taken apart; absent parts are defaults.
pub(crate) struct VmFixture {
    pub(crate) vm: proto::VmContext,
    pub(crate) instr: proto::InstrContext,
    pub(crate) invocation: Option<proto::SyscallInvocation>,
    /// CPI only: the effects the callee is taken to have.
    pub(crate) exec_effects: Option<proto::InstrEffects>,
    pub(crate) expected: proto::SyscallEffects,
}

impl VmFixture {
    pub(crate) fn decode(bytes: &[u8]) -> Result<Self, NoEffects> {
        let fixture: proto::SyscallFixture = decode_fixture(bytes, "SyscallFixture")?;
        let input = fixture.input.unwrap_or_default();
        Ok(Self {
            vm: input.vm_ctx.unwrap_or_default(),
            instr: input.instr_ctx.unwrap_or_default(),
            invocation: input.syscall_invocation,
            exec_effects: input.exec_effects,
            expected: fixture.output.unwrap_or_default(),
        })
    }

    /// Only SBPF v0 fixtures are run (every fixture of the corpus is one).
    pub(crate) fn require_sbpf_v0(&self) -> Result<(), NoEffects> {
        match self.vm.sbpf_version {
            0 => Ok(()),
            version => Err(NoEffects::Skipped(format!(
                "sbpf_version {version} (only SBPF v0 fixtures are run)"
            ))),
        }
    }
}

/// Agave 2.1's VM settings for SBPF v0 only (solfuzz-agave `270ca6d`,
/// `src/utils/vm/mod.rs`: 64 frames of 4 KiB).
pub(crate) fn v0_options(direct_mapping: bool, reject_broken_elfs: bool) -> EnvironmentOptions {
    EnvironmentOptions {
        virtual_address_space_adjustments: direct_mapping,
        reject_broken_elfs,
        ..sbfvm_test_support::sbpf_v0_options()
    }
}

/// The active features of an instruction context (`epoch_context.features`).
pub(crate) fn features(instr: &proto::InstrContext) -> FeatureSet {
    features_of(instr.epoch_context.as_ref())
}

/// The active features of an epoch context.
pub(crate) fn features_of(epoch: Option<&proto::EpochContext>) -> FeatureSet {
    let ids = epoch
        .and_then(|epoch| epoch.features.as_ref())
        .map(|set| set.features.clone())
        .unwrap_or_default();
    FeatureSet::from_u64_ids(ids)
}

/// Agave 2.1's default compute budget with the fixture's CU limit (and a CPI costing
/// 1,000 units, Agave 2.1's `invoke_units`).
pub(crate) fn budget(cu_avail: u64) -> ComputeBudget {
    ComputeBudget {
        compute_unit_limit: cu_avail,
        invoke_units: 1_000,
        ..ComputeBudget::default()
    }
}

/// `bytes` as a pubkey; `None` unless there are exactly 32.
pub(crate) fn pubkey(bytes: &[u8]) -> Option<Pubkey> {
    <[u8; 32]>::try_from(bytes).ok().map(Pubkey::new_from_array)
}

fn u64_at(data: &[u8], offset: usize) -> Option<u64> {
    data.get(offset..offset + 8)
        .map(|bytes| u64::from_le_bytes(bytes.try_into().expect("8 bytes")))
}

/// The reference harness's sysvar cache: accounts with lamports > 0 override the defaults
/// (Clock slot 10, default EpochSchedule and Rent, LastRestartSlot 5000). Account data
/// that does not decode leaves the default in place. RecentBlockhashes, SlotHashes,
/// StakeHistory and Fees have no default: each is unavailable unless an account provides data that
/// decodes (then its bytes are the sysvar's, as the sysvar cache keeps them).
pub(crate) fn sysvars(accounts: &[proto::AcctState]) -> Sysvars {
    let mut sysvars = Sysvars {
        clock: solana_clock::Clock {
            slot: 10,
            ..Default::default()
        },
        rent: RentParams::default(),
        last_restart_slot: 5000,
        recent_blockhashes: RecentBlockhashes::Unavailable,
        slot_hashes: None,
        stake_history: None,
        ..Sysvars::default()
    };
    for account in accounts.iter().filter(|account| account.lamports > 0) {
        let Some(key) = pubkey(&account.address) else {
            continue;
        };
        let data = &account.data;
        if key == sysvar::clock::id() {
            if let (Some(slot), Some(start), Some(epoch), Some(leader), Some(unix)) = (
                u64_at(data, 0),
                u64_at(data, 8),
                u64_at(data, 16),
                u64_at(data, 24),
                u64_at(data, 32),
            ) {
                sysvars.clock = solana_clock::Clock {
                    slot,
                    epoch_start_timestamp: start as i64,
                    epoch,
                    leader_schedule_epoch: leader,
                    unix_timestamp: unix as i64,
                };
            }
        } else if key == sysvar::rent::id() {
            if let (Some(per_year), Some(threshold), Some(burn)) =
                (u64_at(data, 0), u64_at(data, 8), data.get(16))
            {
                sysvars.rent = RentParams {
                    lamports_per_byte_year: per_year,
                    exemption_threshold: f64::from_bits(threshold),
                    burn_percent: *burn,
                };
            }
        } else if key == sysvar::epoch_schedule::id() {
            if let (Some(slots), Some(offset), Some(warmup), Some(epoch), Some(slot)) = (
                u64_at(data, 0),
                u64_at(data, 8),
                data.get(16),
                u64_at(data, 17),
                u64_at(data, 25),
            ) {
                sysvars.epoch_schedule.slots_per_epoch = slots;
                sysvars.epoch_schedule.leader_schedule_slot_offset = offset;
                sysvars.epoch_schedule.warmup = *warmup != 0;
                sysvars.epoch_schedule.first_normal_epoch = epoch;
                sysvars.epoch_schedule.first_normal_slot = slot;
            }
        } else if key == sysvar::recent_blockhashes::id() {
            if let Some(entries) = RecentBlockhashes::entries_from_account_data(data) {
                sysvars.recent_blockhashes = RecentBlockhashes::Entries(entries);
            }
        } else if key == sysvar::slot_hashes::id() {
            if sbfvm_runtime::sysvars::decodes_as_slot_hashes(data) {
                sysvars.slot_hashes = Some(data.clone());
            }
        } else if key == sysvar::stake_history::id() {
            if sbfvm_runtime::sysvars::decodes_as_stake_history(data) {
                sysvars.stake_history = Some(data.clone());
            }
        } else if key == sysvar::fees::id() {
            if let Some(lamports_per_signature) = u64_at(data, 0) {
                sysvars.fees = Some(lamports_per_signature);
            }
        } else if key == sysvar::last_restart_slot::id() {
            if let Some(slot) = u64_at(data, 0) {
                sysvars.last_restart_slot = slot;
            }
        } else if key == sysvar::epoch_rewards::id() && data.len() >= 81 {
            let rewards = &mut sysvars.epoch_rewards;
            rewards.distribution_starting_block_height = u64_at(data, 0).unwrap_or_default();
            rewards.num_partitions = u64_at(data, 8).unwrap_or_default();
            rewards.parent_blockhash = <[u8; 32]>::try_from(&data[16..48])
                .expect("32 bytes")
                .into();
            rewards.total_points = u128::from_le_bytes(data[48..64].try_into().expect("16"));
            rewards.total_rewards = u64_at(data, 64).unwrap_or_default();
            rewards.distributed_rewards = u64_at(data, 72).unwrap_or_default();
            rewards.active = data[80] != 0;
        }
    }
    sysvars
}

/// The reference instr harness's environment blockhash: the **last** entry of the
/// RecentBlockhashes sysvar (its blockhash and lamports per signature), or the zero hash
/// and 0 when the sysvar is unavailable or empty (solfuzz-agave `execute_instr`).
pub(crate) fn environment(sysvars: &Sysvars) -> EnvironmentConfig {
    let entry = match &sysvars.recent_blockhashes {
        RecentBlockhashes::Entries(entries) => entries.last().copied().unwrap_or_default(),
        _ => BlockhashEntry::default(),
    };
    EnvironmentConfig {
        blockhash: Some(entry),
    }
}

/// An executor for harnesses that never run an SBF program.
pub(crate) struct NoPrograms;
impl ProgramExecutor for NoPrograms {
    fn execute(&self, _: &mut InvokeContext) -> Result<(), ExecutionFailure> {
        Err(ExecutionFailure::program_failed(
            "the conformance harness runs no SBF program here",
        ))
    }
}

/// The accounts of an instruction context as the transaction's accounts, or why the
/// reference harness would reject them (a malformed address, a duplicate address).
pub(crate) fn transaction_accounts(
    accounts: &[proto::AcctState],
) -> Result<Vec<(Pubkey, Account)>, String> {
    let mut out: Vec<(Pubkey, Account)> = Vec::with_capacity(accounts.len());
    for account in accounts {
        let key = pubkey(&account.address).ok_or("an account address is not 32 bytes")?;
        if out.iter().any(|(other, _)| *other == key) {
            return Err("duplicate account address".into());
        }
        let owner = if account.owner.is_empty() {
            Pubkey::default()
        } else {
            pubkey(&account.owner).ok_or("an account owner is not 32 bytes")?
        };
        out.push((key, account_with_owner(account, owner)));
    }
    Ok(out)
}

/// The fixture account's state, owned by `owner` (its `owner` field, checked by the caller).
pub(crate) fn account_with_owner(account: &proto::AcctState, owner: Pubkey) -> Account {
    Account {
        lamports: account.lamports,
        data: account.data.clone(),
        owner,
        executable: account.executable,
        rent_epoch: account.rent_epoch,
    }
}

/// The instruction's accounts, or why the reference harness would reject them (an index
/// past the context's accounts).
pub(crate) fn instruction_accounts(
    instr: &proto::InstrContext,
) -> Result<Vec<InstructionAccount>, String> {
    instr
        .instr_accounts
        .iter()
        .map(|meta| {
            if meta.index as usize >= instr.accounts.len() {
                return Err("an instruction account index is out of range".to_string());
            }
            Ok(InstructionAccount {
                index_in_transaction: meta.index as u16,
                is_signer: meta.is_signer,
                is_writable: meta.is_writable,
            })
        })
        .collect()
}

/// An invoke context over `accounts` with the given meter, features and sysvars.
pub(crate) fn invoke_context(
    accounts: Vec<(Pubkey, Account)>,
    budget: ComputeBudget,
    features: FeatureSet,
    sysvars: Sysvars,
    executor: Rc<dyn ProgramExecutor>,
    builtins: Vec<Builtin>,
) -> InvokeContext {
    let stack_depth = budget.max_instruction_stack_depth;
    let trace_length = budget.max_instruction_trace_length;
    let transaction_context =
        TransactionContext::new(accounts, sysvars.rent, stack_depth, trace_length);
    InvokeContext::new(
        transaction_context,
        budget,
        Rc::new(features),
        Rc::new(sysvars),
        executor,
        builtins.into(),
    )
}

/// Guest memory as the reference harness lays it out: rodata, a zeroed 256 KiB stack with
/// `stack_prefix`, a heap of `heap_max` bytes with `heap_prefix` (both prefixes truncated),
/// and the non-empty input regions packed from `0x4_0000_0000`. An error when `heap_max`
/// is too large (the reference rejects the input).
pub(crate) fn memory(
    vm: &proto::VmContext,
    invocation: Option<&proto::SyscallInvocation>,
) -> Result<HarnessMemory, String> {
    if vm.heap_max > MAX_HEAP {
        return Err(format!("heap_max {} is above 256 KiB", vm.heap_max));
    }
    let mut memory = HarnessMemory::new(&vm.rodata, STACK_SIZE, vm.heap_max as usize);
    if let Some(invocation) = invocation {
        memory.write_prefixes(&invocation.stack_prefix, &invocation.heap_prefix);
    }
    for region in &vm.input_data_regions {
        memory.push_input_region(&region.content, region.is_writable);
    }
    Ok(memory)
}

/// The input regions of `memory` as effects record them (offsets from `0x4_0000_0000`).
pub(crate) fn regions_of(memory: &HarnessMemory) -> Vec<proto::InputDataRegion> {
    memory
        .input_regions()
        .into_iter()
        .map(|view| proto::InputDataRegion {
            offset: view.vm_addr - sbfvm_test_support::INPUT_START,
            content: view.content.to_vec(),
            is_writable: view.writable,
        })
        .collect()
}

fn regions_value(regions: &[proto::InputDataRegion]) -> Value {
    Value::Regions(
        regions
            .iter()
            .map(|region| (region.offset, region.is_writable, region.content.clone()))
            .collect(),
    )
}

/// A field of `SyscallEffects` after `error`, for a family's comparison order.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum EffectsField {
    R0,
    /// r1 to r10, one row each.
    R1ToR10,
    CuAvail,
    Pc,
    FrameCount,
    Heap,
    Stack,
    InputDataRegions,
    Rodata,
    Log,
    Inputdata,
}

/// Every `SyscallEffects` field, expected against produced: `error` first, then the
/// fields in `order`.
pub(crate) fn syscall_effects_rows(
    expected: &proto::SyscallEffects,
    got: &proto::SyscallEffects,
    (expected_error, got_error): (ErrorCode, ErrorCode),
    order: &[EffectsField],
) -> Vec<Row> {
    let (e, g) = (expected, got);
    let text = |bytes: &[u8]| Value::Text(String::from_utf8_lossy(bytes).into_owned());
    let mut rows = vec![Row::new(
        "error",
        Value::Error(expected_error),
        Value::Error(got_error),
    )];
    for field in order {
        match field {
            EffectsField::R0 => rows.push(Row::u64("r0", e.r0, g.r0)),
            EffectsField::R1ToR10 => {
                let pairs = e.r1_to_r10().into_iter().zip(g.r1_to_r10());
                for (index, (x, y)) in pairs.enumerate() {
                    rows.push(Row::u64(format!("r{}", index + 1), x, y));
                }
            }
            EffectsField::CuAvail => rows.push(Row::u64("cu_avail", e.cu_avail, g.cu_avail)),
            EffectsField::Pc => rows.push(Row::u64("pc", e.pc, g.pc)),
            EffectsField::FrameCount => {
                rows.push(Row::u64("frame_count", e.frame_count, g.frame_count))
            }
            EffectsField::Heap => rows.push(Row::bytes("heap", &e.heap, &g.heap)),
            EffectsField::Stack => rows.push(Row::bytes("stack", &e.stack, &g.stack)),
            EffectsField::InputDataRegions => rows.push(Row::new(
                "input_data_regions",
                regions_value(&e.input_data_regions),
                regions_value(&g.input_data_regions),
            )),
            EffectsField::Rodata => rows.push(Row::bytes("rodata", &e.rodata, &g.rodata)),
            EffectsField::Log => rows.push(Row::new("log", text(&e.log), text(&g.log))),
            EffectsField::Inputdata => {
                rows.push(Row::bytes("inputdata", &e.inputdata, &g.inputdata))
            }
        }
    }
    rows
}

impl proto::VmContext {
    /// The initial r0..r10.
    pub(crate) fn r0_to_r10(&self) -> [u64; 11] {
        [
            self.r0, self.r1, self.r2, self.r3, self.r4, self.r5, self.r6, self.r7, self.r8,
            self.r9, self.r10,
        ]
    }
}

impl proto::SyscallEffects {
    /// The final r1..r10 (vm_interp records them on success).
    pub(crate) fn r1_to_r10(&self) -> [u64; 10] {
        [
            self.r1, self.r2, self.r3, self.r4, self.r5, self.r6, self.r7, self.r8, self.r9,
            self.r10,
        ]
    }

    pub(crate) fn set_r1_to_r10(&mut self, [r1, r2, r3, r4, r5, r6, r7, r8, r9, r10]: [u64; 10]) {
        (self.r1, self.r2, self.r3, self.r4, self.r5) = (r1, r2, r3, r4, r5);
        (self.r6, self.r7, self.r8, self.r9, self.r10) = (r6, r7, r8, r9, r10);
    }
}

/// Bytes with trailing zeros removed (the vm_interp stack).
pub(crate) fn trim_trailing_zeros(bytes: &[u8]) -> &[u8] {
    const ZEROS: [u8; 4096] = [0; 4096];
    let mut end = bytes.len();
    // Skip whole zero blocks with memcmp, then find the last non-zero byte.
    while end > 0 {
        let start = end.saturating_sub(ZEROS.len());
        if bytes[start..end] == ZEROS[..end - start] {
            end = start;
        } else {
            break;
        }
    }
    while end > 0 && bytes[end - 1] == 0 {
        end -= 1;
    }
    &bytes[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_trailing_zeros() {
        let mut stack = vec![0u8; STACK_SIZE];
        assert!(trim_trailing_zeros(&stack).is_empty());
        stack[5000] = 7;
        assert_eq!(trim_trailing_zeros(&stack).len(), 5001);
    }
}
