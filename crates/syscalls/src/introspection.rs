//! Runtime introspection syscalls: return data, stack height, sibling instructions,
//! remaining compute units, the heap allocator and epoch stake.
//!
//! | syscall | registers | charge | result / errors |
//! |---|---|---|---|
//! | `sol_set_return_data` | r1 data, r2 len | 100 + ⌊len/250⌋ (before the size check) | len > 1,024 → `ReturnDataTooLarge`; sets (current program, data) |
//! | `sol_get_return_data` | r1 dst, r2 len, r3 program id dst | 100, plus ⌊(n+32)/250⌋ when n = min(len, stored) > 0 | both outputs overlap-checked; returns the full stored length |
//! | `sol_get_stack_height` | – | 100 | the stack height |
//! | `sol_get_processed_sibling_instruction` | r1 index, r2 meta, r3 program id, r4 data, r5 accounts | 100 | 1 if found (writes or updates sizes), else 0 |
//! | `sol_remaining_compute_units` | – | 100 | remaining units after the charge |
//! | `sol_alloc_free_` | r1 size, r2 free address | 0 | heap address or 0; free is a no-op |
//! | `sol_get_epoch_stake` | r1 vote address or 0 | 100 (null) / 110 | 0: sbfvm models no stakes |

use sbfvm_vm::{
    check_outputs_disjoint, JitInline, Syscall, SyscallError, SyscallResult, VmContext,
};
use solana_pubkey::Pubkey;

use crate::meter::charge;

/// Largest return data a program may set, in bytes (Agave's `MAX_RETURN_DATA`).
pub const MAX_RETURN_DATA: u64 = 1_024;

/// `sol_set_return_data(data, len)`: charges 100 + ⌊len/250⌋; then len > 1,024 →
/// `ReturnDataTooLarge`; translation errors; sets the transaction's return data to (current
/// program, data), empty when len is 0; returns 0.
pub struct SetReturnData;
impl Syscall for SetReturnData {
    type Arguments = [u64; 2];
    fn call(context: &mut VmContext, [addr, len]: [u64; 2]) -> SyscallResult {
        let budget = &context.invoke_context().budget;
        let cost = (len / budget.cpi_bytes_per_unit).saturating_add(budget.syscall_base_cost);
        charge(context, cost)?;
        if len > MAX_RETURN_DATA {
            return Err(SyscallError::ReturnDataTooLarge(len, MAX_RETURN_DATA));
        }
        let data = if len == 0 {
            Vec::new()
        } else {
            context.memory().bytes(addr, len)?.to_vec()
        };
        let invoke_context = context.invoke_context_mut();
        let program_id = invoke_context.current_program_id()?;
        invoke_context
            .transaction_context
            .set_return_data(program_id, data);
        Ok(0)
    }
}

/// `sol_get_return_data(dst, len, program_id_dst)`: charges 100; when n = min(len, stored
/// length) > 0, charges ⌊(n + 32)/250⌋ more, translates both outputs (Store; overlapping →
/// `CopyOverlapping`) and writes n bytes and the program id; returns the stored length.
pub struct GetReturnData;
impl Syscall for GetReturnData {
    type Arguments = [u64; 3];
    fn call(context: &mut VmContext, [dst, len, program_id_dst]: [u64; 3]) -> SyscallResult {
        let budget = &context.invoke_context().budget;
        let (base_cost, bytes_per_unit) = (budget.syscall_base_cost, budget.cpi_bytes_per_unit);
        charge(context, base_cost)?;
        let stored_len = context
            .invoke_context()
            .transaction_context
            .return_data()
            .data
            .len() as u64;
        let copied = len.min(stored_len);
        if copied != 0 {
            charge(context, copied.saturating_add(32) / bytes_per_unit)?;
            let memory = context.memory();
            let data_out = memory.output(dst, copied, 1, 1)?;
            let program_out = memory.output_type(program_id_dst, 32, 1)?;
            check_outputs_disjoint(&[&data_out, &program_out])?;
            let return_data = context.invoke_context().transaction_context.return_data();
            data_out.write(&return_data.data[..copied as usize]);
            program_out.write_array(&return_data.program_id.to_bytes());
        }
        Ok(stored_len)
    }
}

/// `sol_get_stack_height`: charges 100; returns the invoke stack height (1 at top level).
pub struct GetStackHeight;
impl Syscall for GetStackHeight {
    type Arguments = [u64; 0];
    fn call(context: &mut VmContext, _: [u64; 0]) -> SyscallResult {
        charge(context, context.invoke_context().budget.syscall_base_cost)?;
        Ok(context.invoke_context().stack_height() as u64)
    }
    // The JIT charges the same units and returns the same height without the call.
    const JIT_INLINE: Option<JitInline> = Some(JitInline::StackHeight);
}

/// `sol_remaining_compute_units`: charges 100; returns the units remaining after the charge.
pub struct RemainingComputeUnits;
impl Syscall for RemainingComputeUnits {
    type Arguments = [u64; 0];
    fn call(context: &mut VmContext, _: [u64; 0]) -> SyscallResult {
        charge(
            context,
            context
                .invoke_context()
                .budget
                .get_remaining_compute_units_cost,
        )?;
        Ok(context.invoke_context().remaining())
    }
}

/// `BPF_ALIGN_OF_U128`: heap allocations are 8-aligned (1 for deprecated-loader programs).
const HEAP_ALIGN: u64 = 8;

/// `sol_alloc_free_(size, free_addr)`: no charge; returns the address of `size` bytes of the
/// heap (8-aligned; unaligned for a deprecated-loader program), or 0 when they do not fit or
/// `free_addr` is not 0 (freeing is a no-op).
pub struct AllocFree;
impl Syscall for AllocFree {
    type Arguments = [u64; 2];
    fn call(context: &mut VmContext, [size, free_addr]: [u64; 2]) -> SyscallResult {
        let align = if context.check_aligned() {
            HEAP_ALIGN
        } else {
            1
        };
        // `Layout::from_size_align` rejects sizes that round up past isize::MAX.
        if size > (isize::MAX as u64).saturating_sub(align - 1) || free_addr != 0 {
            return Ok(0);
        }
        Ok(context.allocator.alloc(size, align).unwrap_or(0))
    }
}

/// `sol_get_epoch_stake(vote_address)`: r1 = 0 (the total stake) charges 100; otherwise
/// charges 100 + ⌊32/250⌋ + 10 and translates the 32-byte vote address (Load). Returns 0
/// either way: sbfvm models no stakes.
pub struct GetEpochStake;
impl Syscall for GetEpochStake {
    type Arguments = [u64; 1];
    fn call(context: &mut VmContext, [vote_address]: [u64; 1]) -> SyscallResult {
        let budget = context.invoke_context().budget.clone();
        if vote_address == 0 {
            charge(context, budget.syscall_base_cost)?;
            return Ok(0);
        }
        let cost = budget
            .syscall_base_cost
            .saturating_add(32 / budget.cpi_bytes_per_unit)
            .saturating_add(budget.mem_op_base_cost);
        charge(context, cost)?;
        context.memory().read::<32>(vote_address, 1)?;
        Ok(0)
    }
}

/// Size of `ProcessedSiblingInstruction` {data_len u64, accounts_len u64}.
const SIBLING_META_SIZE: u64 = 16;
/// Size of the Rust `AccountMeta` (pubkey, is_signer, is_writable).
const ACCOUNT_META_SIZE: u64 = 34;

/// `sol_get_processed_sibling_instruction(index, meta, program_id, data, accounts)`: charges
/// 100; returns 0 when the current instruction has no `index`-th processed sibling. Else
/// translates `meta` (Store, align 8); when its data and account lengths equal the
/// sibling's, translates and writes the program id, the data and the 34-byte account metas
/// (overlapping outputs → `CopyOverlapping`), otherwise writes the sibling's lengths into
/// `meta`; returns 1.
pub struct GetProcessedSiblingInstruction;
impl Syscall for GetProcessedSiblingInstruction {
    type Arguments = [u64; 5];
    fn call(context: &mut VmContext, registers: [u64; 5]) -> SyscallResult {
        let [index, meta, program_id, data, accounts] = registers;
        charge(context, context.invoke_context().budget.syscall_base_cost)?;
        let Some(sibling) = find_sibling(context, index)? else {
            return Ok(0);
        };
        let memory = context.memory();
        let header = memory.output_type(meta, SIBLING_META_SIZE, 8)?;
        let mut sizes = [0u8; 16];
        header.read_into(&mut sizes);
        let data_len = u64::from_le_bytes(sizes[0..8].try_into().expect("8 bytes"));
        let accounts_len = u64::from_le_bytes(sizes[8..16].try_into().expect("8 bytes"));
        let transaction_context = &context.invoke_context().transaction_context;
        let frame = transaction_context
            .frame(sibling)
            .ok_or(SyscallError::Instruction(
                sbfvm_runtime::InstructionError::CallDepth,
            ))?;
        if data_len == frame.data.len() as u64 && accounts_len == frame.accounts.len() as u64 {
            let program_out = memory.output_type(program_id, 32, 1)?;
            let data_out = memory.output(data, data_len, 1, 1)?;
            let accounts_out = memory.output(accounts, accounts_len, ACCOUNT_META_SIZE, 1)?;
            check_outputs_disjoint(&[&header, &program_out, &data_out, &accounts_out])?;
            let key = transaction_context.key_of(frame.program_account_index)?;
            program_out.write(key.as_ref());
            data_out.write(&frame.data);
            let mut metas = Vec::with_capacity(frame.accounts.len() * ACCOUNT_META_SIZE as usize);
            for account in &frame.accounts {
                let key: &Pubkey = transaction_context.key_of(account.index_in_transaction)?;
                metas.extend_from_slice(key.as_ref());
                metas.push(account.is_signer as u8);
                metas.push(account.is_writable as u8);
            }
            accounts_out.write(&metas);
        } else {
            let mut actual = [0u8; 16];
            actual[0..8].copy_from_slice(&(frame.data.len() as u64).to_le_bytes());
            actual[8..16].copy_from_slice(&(frame.accounts.len() as u64).to_le_bytes());
            header.write(&actual);
        }
        Ok(1)
    }
}

/// The trace index of the `index`-th processed sibling before the current frame (the search
/// of `SyscallGetProcessedSiblingInstruction`, `solana-syscalls 4.4.0, src/lib.rs`): at stack height
/// 1 the started top-level instructions, otherwise the CPI frames of the trace; walked
/// backwards, skipping frames with another caller, stopping at a lower stack height, and
/// counting frames at the current height (the current frame itself is count 0).
fn find_sibling(context: &VmContext, index: u64) -> Result<Option<usize>, SyscallError> {
    let transaction_context = &context.invoke_context().transaction_context;
    let stack_height = transaction_context.stack_height();
    let current_caller = transaction_context.current_frame()?.caller_index;
    let trace = transaction_context.trace();
    let range = if stack_height == 1 {
        0..transaction_context.top_level_instructions_started()
    } else {
        let cpis = trace
            .iter()
            .filter(|frame| frame.caller_index.is_some())
            .count();
        trace.len().saturating_sub(cpis)..trace.len()
    };
    let mut reverse_index_at_stack_height = 0u64;
    for trace_index in range.rev() {
        let frame = transaction_context
            .frame(trace_index)
            .ok_or(SyscallError::Instruction(
                sbfvm_runtime::InstructionError::CallDepth,
            ))?;
        if frame.caller_index != current_caller {
            continue;
        }
        if frame.stack_height() < stack_height {
            break;
        }
        if frame.stack_height() == stack_height {
            if index.saturating_add(1) == reverse_index_at_stack_height {
                return Ok(Some(trace_index));
            }
            reverse_index_at_stack_height = reverse_index_at_stack_height.saturating_add(1);
        }
    }
    Ok(None)
}
