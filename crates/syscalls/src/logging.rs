//! Control and logging syscalls (agave-reference §5.3, §6.4).
//!
//! | syscall | registers | charge | errors |
//! |---|---|---|---|
//! | `abort` | – | 0 | always `Abort` |
//! | `sol_panic_` | r1 file, r2 len, r3 line, r4 column | len | translation, `InvalidString`, then always `Panic` |
//! | `sol_log_` | r1 msg, r2 len | max(100, len) | translation, `InvalidString` |
//! | `sol_log_64_` | r1–r5 values | 100 | – |
//! | `sol_log_compute_units_` | – | 100 | – |
//! | `sol_log_pubkey` | r1 pubkey | 100 | translation |
//! | `sol_log_data` | r1 fields (16-byte slices), r2 count | 100, then 100 × count after translating the field array, then Σ lengths | translation |

use base64::Engine;
use sbfvm_vm::{GuestMemory, Syscall, SyscallError, VmContext};
use solana_pubkey::Pubkey;

use crate::{charge, VM_SLICE_SIZE};

/// Runs `work` on the UTF-8 string at `addr` (Agave's `translate_string_and_do`).
pub(crate) fn translate_string(
    memory: &GuestMemory<'_>,
    addr: u64,
    len: u64,
) -> Result<String, SyscallError> {
    let bytes = memory.bytes(addr, len)?;
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(error) => Err(SyscallError::InvalidString(format!("{error}: {bytes:?}"))),
    }
}

pub struct Abort;
impl Syscall for Abort {
    fn call(
        _: &mut VmContext,
        _: u64,
        _: u64,
        _: u64,
        _: u64,
        _: u64,
    ) -> Result<u64, SyscallError> {
        Err(SyscallError::Abort)
    }
}

pub struct Panic;
impl Syscall for Panic {
    fn call(
        context: &mut VmContext,
        file: u64,
        len: u64,
        line: u64,
        column: u64,
        _: u64,
    ) -> Result<u64, SyscallError> {
        charge(context, len)?;
        let file = translate_string(&context.memory(), file, len)?;
        Err(SyscallError::Panic(file, line, column))
    }
}

pub struct Log;
impl Syscall for Log {
    fn call(
        context: &mut VmContext,
        addr: u64,
        len: u64,
        _: u64,
        _: u64,
        _: u64,
    ) -> Result<u64, SyscallError> {
        let cost = context.invoke_context().budget.syscall_base_cost.max(len);
        charge(context, cost)?;
        let message = translate_string(&context.memory(), addr, len)?;
        context
            .invoke_context_mut()
            .log(format!("Program log: {message}"));
        Ok(0)
    }
}

pub struct Log64;
impl Syscall for Log64 {
    fn call(
        context: &mut VmContext,
        a: u64,
        b: u64,
        c: u64,
        d: u64,
        e: u64,
    ) -> Result<u64, SyscallError> {
        charge(context, context.invoke_context().budget.log_64_units)?;
        context.invoke_context_mut().log(format!(
            "Program log: {a:#x}, {b:#x}, {c:#x}, {d:#x}, {e:#x}"
        ));
        Ok(0)
    }
}

pub struct LogComputeUnits;
impl Syscall for LogComputeUnits {
    fn call(
        context: &mut VmContext,
        _: u64,
        _: u64,
        _: u64,
        _: u64,
        _: u64,
    ) -> Result<u64, SyscallError> {
        charge(context, context.invoke_context().budget.syscall_base_cost)?;
        let remaining = context.invoke_context().remaining();
        context
            .invoke_context_mut()
            .log(format!("Program consumption: {remaining} units remaining"));
        Ok(0)
    }
}

pub struct LogPubkey;
impl Syscall for LogPubkey {
    fn call(
        context: &mut VmContext,
        addr: u64,
        _: u64,
        _: u64,
        _: u64,
        _: u64,
    ) -> Result<u64, SyscallError> {
        charge(context, context.invoke_context().budget.log_pubkey_units)?;
        let key = Pubkey::new_from_array(context.memory().read::<32>(addr, 1)?);
        context
            .invoke_context_mut()
            .log(format!("Program log: {key}"));
        Ok(0)
    }
}

pub struct LogData;
impl Syscall for LogData {
    fn call(
        context: &mut VmContext,
        addr: u64,
        len: u64,
        _: u64,
        _: u64,
        _: u64,
    ) -> Result<u64, SyscallError> {
        let base = context.invoke_context().budget.syscall_base_cost;
        charge(context, base)?;
        let memory = context.memory();
        let fields = memory.slice(addr, len, VM_SLICE_SIZE, 8)?;
        let slices: Vec<(u64, u64)> = fields.chunks_exact(16).map(crate::vm_slice).collect();
        charge(context, base.saturating_mul(slices.len() as u64))?;
        let total = slices
            .iter()
            .fold(0u64, |sum, (_, len)| sum.saturating_add(*len));
        charge(context, total)?;
        let memory = context.memory();
        let mut encoded = Vec::with_capacity(slices.len());
        for (ptr, len) in slices {
            let bytes = memory.bytes(ptr, len)?;
            encoded.push(base64::engine::general_purpose::STANDARD.encode(bytes));
        }
        context
            .invoke_context_mut()
            .log(format!("Program data: {}", encoded.join(" ")));
        Ok(0)
    }
}
