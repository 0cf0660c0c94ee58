//! What the harnesses share: feature sets, sysvars from fixture accounts, the transaction
//! and invoke contexts, guest memory, and the effects rows of `SyscallEffects`.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use sbfvm_runtime::environment::EnvironmentConfig;
use sbfvm_runtime::sysvars::{BlockhashEntry, RecentBlockhashes};
use sbfvm_runtime::{
    Account, Builtin, ComputeBudget, ExecutionFailure, FeatureSet, InvokeContext, ProgramExecutor,
    Pubkey, RentParams, Sysvars, TransactionContext,
};
use sbfvm_test_support::HarnessMemory;
use sbfvm_vm::{EnvironmentOptions, ProgramEnvironment};
use solana_sdk_ids::sysvar;

use super::compare::{ErrorCode, Row, Value};
use super::proto;

/// Host stack size: 64 frames of 4 KiB.
pub const STACK_SIZE: usize = 64 * 4096;
/// Largest `heap_max` the reference harness accepts.
pub const MAX_HEAP: u64 = 256 * 1024;

/// Environments reused across fixtures of one worker.
#[derive(Default)]
pub struct Caches {
    /// vm_interp stub environments by "direct mapping active".
    pub vm_interp: HashMap<bool, ProgramEnvironment>,
    /// elf_loader environments by `deploy_checks`.
    pub elf_loader: HashMap<bool, ProgramEnvironment>,
}

/// Agave 2.1's VM settings (§4.1) for SBPF v0 only.
pub fn v0_options(direct_mapping: bool, reject_broken_elfs: bool) -> EnvironmentOptions {
    EnvironmentOptions {
        virtual_address_space_adjustments: direct_mapping,
        reject_broken_elfs,
        ..sbfvm_test_support::sbpf_v0_options()
    }
}

/// The active features of an instruction context (`epoch_context.features`).
pub fn features(instr: &proto::InstrContext) -> FeatureSet {
    let ids = instr
        .epoch_context
        .as_ref()
        .and_then(|epoch| epoch.features.as_ref())
        .map(|set| set.features.clone())
        .unwrap_or_default();
    FeatureSet::from_u64_ids(ids)
}

/// Agave 2.1's default compute budget with the fixture's CU limit (§4.3).
pub fn budget(cu_avail: u64) -> ComputeBudget {
    ComputeBudget {
        compute_unit_limit: cu_avail,
        invoke_units: 1_000,
        ..ComputeBudget::default()
    }
}

pub fn pubkey(bytes: &[u8]) -> Option<Pubkey> {
    <[u8; 32]>::try_from(bytes).ok().map(Pubkey::new_from_array)
}

fn u64_at(data: &[u8], offset: usize) -> Option<u64> {
    data.get(offset..offset + 8)
        .map(|bytes| u64::from_le_bytes(bytes.try_into().expect("8 bytes")))
}

/// The sysvar cache of §5.2 step 4: accounts with lamports > 0 override the defaults
/// (Clock slot 10, default EpochSchedule and Rent, LastRestartSlot 5000). Account data
/// that does not decode leaves the default in place. RecentBlockhashes has no default: it
/// is unavailable unless an account provides a list that decodes.
pub fn sysvars(accounts: &[proto::AcctState]) -> Sysvars {
    let mut sysvars = Sysvars {
        clock: solana_clock::Clock {
            slot: 10,
            ..Default::default()
        },
        rent: RentParams::default(),
        last_restart_slot: 5000,
        recent_blockhashes: RecentBlockhashes::Unavailable,
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
pub fn environment(sysvars: &Sysvars) -> EnvironmentConfig {
    let entry = match &sysvars.recent_blockhashes {
        RecentBlockhashes::Entries(entries) => entries.last().copied().unwrap_or_default(),
        _ => BlockhashEntry::default(),
    };
    EnvironmentConfig {
        blockhash: Some(entry),
    }
}

/// An executor for harnesses that never run an SBF program.
pub struct NoPrograms;
impl ProgramExecutor for NoPrograms {
    fn execute(&self, _: &mut InvokeContext) -> Result<(), ExecutionFailure> {
        Err(ExecutionFailure::program_failed(
            "the conformance harness runs no SBF program here",
        ))
    }
}

/// The accounts of an instruction context as the transaction's accounts, or why the
/// reference harness would reject them (a malformed address, a duplicate address).
pub fn transaction_accounts(
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
        out.push((
            key,
            Account {
                lamports: account.lamports,
                data: account.data.clone(),
                owner,
                executable: account.executable,
                rent_epoch: account.rent_epoch,
            },
        ));
    }
    Ok(out)
}

/// An invoke context over `accounts` with the given meter, features and sysvars.
pub fn invoke_context(
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
        Arc::new(features),
        Arc::new(sysvars),
        executor,
        builtins.into(),
    )
}

/// Guest memory per §4.1: rodata, a zeroed 256 KiB stack with `stack_prefix`, a heap of
/// `heap_max` bytes with `heap_prefix` (both prefixes truncated), and the non-empty input
/// regions packed from `0x4_0000_0000`. `None` when `heap_max` is too large.
pub fn memory(
    vm: &proto::VmContext,
    invocation: Option<&proto::SyscallInvocation>,
) -> Option<HarnessMemory> {
    if vm.heap_max > MAX_HEAP {
        return None;
    }
    let mut memory = HarnessMemory::new(&vm.rodata, STACK_SIZE, vm.heap_max as usize);
    if let Some(invocation) = invocation {
        memory.write_prefixes(&invocation.stack_prefix, &invocation.heap_prefix);
    }
    for region in &vm.input_data_regions {
        memory.push_input_region(&region.content, region.is_writable);
    }
    Some(memory)
}

/// The input regions of `memory` as effects record them (offsets from `0x4_0000_0000`).
pub fn regions_of(memory: &HarnessMemory) -> Vec<proto::InputDataRegion> {
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

pub fn regions_value(regions: &[proto::InputDataRegion]) -> Value {
    Value::Regions(
        regions
            .iter()
            .map(|region| (region.offset, region.is_writable, region.content.clone()))
            .collect(),
    )
}

/// Which family's comparison order to use for `SyscallEffects`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum EffectsOrder {
    VmInterp,
    Syscall,
}

/// Every `SyscallEffects` field, expected against produced, in the order of §8.
pub fn syscall_effects_rows(
    expected: &proto::SyscallEffects,
    got: &proto::SyscallEffects,
    got_error: ErrorCode,
    order: EffectsOrder,
) -> Vec<Row> {
    let expected_error = ErrorCode {
        kind: expected.error_kind,
        code: expected.error,
        label: match order {
            EffectsOrder::VmInterp => super::errors::vm_interp_label(expected.error).to_string(),
            EffectsOrder::Syscall => {
                super::errors::expected_label(expected.error_kind, expected.error)
            }
        },
    };
    let text = |bytes: &[u8]| Value::Text(String::from_utf8_lossy(bytes).into_owned());
    let e = expected;
    let g = got;
    let mut rows = vec![Row::new(
        "error",
        Value::Error(expected_error),
        Value::Error(got_error),
    )];
    let registers = |rows: &mut Vec<Row>| {
        let pairs = [
            (e.r1, g.r1),
            (e.r2, g.r2),
            (e.r3, g.r3),
            (e.r4, g.r4),
            (e.r5, g.r5),
            (e.r6, g.r6),
            (e.r7, g.r7),
            (e.r8, g.r8),
            (e.r9, g.r9),
            (e.r10, g.r10),
        ];
        for (index, (x, y)) in pairs.into_iter().enumerate() {
            rows.push(Row::new(
                format!("r{}", index + 1),
                Value::U64(x),
                Value::U64(y),
            ));
        }
    };
    match order {
        EffectsOrder::VmInterp => {
            rows.push(Row::new(
                "cu_avail",
                Value::U64(e.cu_avail),
                Value::U64(g.cu_avail),
            ));
            rows.push(Row::new("pc", Value::U64(e.pc), Value::U64(g.pc)));
            rows.push(Row::new(
                "frame_count",
                Value::U64(e.frame_count),
                Value::U64(g.frame_count),
            ));
            rows.push(Row::new("r0", Value::U64(e.r0), Value::U64(g.r0)));
            registers(&mut rows);
            rows.push(Row::new(
                "heap",
                Value::Bytes(e.heap.clone()),
                Value::Bytes(g.heap.clone()),
            ));
            rows.push(Row::new(
                "stack",
                Value::Bytes(e.stack.clone()),
                Value::Bytes(g.stack.clone()),
            ));
            rows.push(Row::new(
                "input_data_regions",
                regions_value(&e.input_data_regions),
                regions_value(&g.input_data_regions),
            ));
            rows.push(Row::new(
                "rodata",
                Value::Bytes(e.rodata.clone()),
                Value::Bytes(g.rodata.clone()),
            ));
            rows.push(Row::new("log", text(&e.log), text(&g.log)));
        }
        EffectsOrder::Syscall => {
            rows.push(Row::new("r0", Value::U64(e.r0), Value::U64(g.r0)));
            rows.push(Row::new(
                "cu_avail",
                Value::U64(e.cu_avail),
                Value::U64(g.cu_avail),
            ));
            rows.push(Row::new(
                "input_data_regions",
                regions_value(&e.input_data_regions),
                regions_value(&g.input_data_regions),
            ));
            rows.push(Row::new(
                "heap",
                Value::Bytes(e.heap.clone()),
                Value::Bytes(g.heap.clone()),
            ));
            rows.push(Row::new(
                "stack",
                Value::Bytes(e.stack.clone()),
                Value::Bytes(g.stack.clone()),
            ));
            rows.push(Row::new("log", text(&e.log), text(&g.log)));
            rows.push(Row::new(
                "rodata",
                Value::Bytes(e.rodata.clone()),
                Value::Bytes(g.rodata.clone()),
            ));
            rows.push(Row::new("pc", Value::U64(e.pc), Value::U64(g.pc)));
            rows.push(Row::new(
                "frame_count",
                Value::U64(e.frame_count),
                Value::U64(g.frame_count),
            ));
            registers(&mut rows);
        }
    }
    rows.push(Row::new(
        "inputdata",
        Value::Bytes(e.inputdata.clone()),
        Value::Bytes(g.inputdata.clone()),
    ));
    rows
}

/// Bytes with trailing zeros removed (the vm_interp stack).
pub fn trim_trailing_zeros(bytes: &[u8]) -> &[u8] {
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
