//! Control and logging syscalls (`solana-syscalls 4.4.0, src/logging.rs`; `abort` and
//! `sol_panic_` in `src/lib.rs`).
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
use sbfvm_vm::{GuestMemory, Syscall, SyscallError, SyscallResult, VmContext};
use solana_pubkey::Pubkey;

use crate::guest::VM_SLICE_SIZE;
use crate::meter::charge;

/// The UTF-8 string at `addr`, borrowed from guest memory (Agave's
/// `translate_string_and_do`).
pub(crate) fn translate_str<'a>(
    memory: &'a GuestMemory<'_>,
    addr: u64,
    len: u64,
) -> Result<&'a str, SyscallError> {
    let bytes = memory.bytes(addr, len)?;
    std::str::from_utf8(bytes)
        .map_err(|error| SyscallError::InvalidString(format!("{error}: {bytes:?}")))
}

/// `abort`: no charge; always `Abort`.
pub struct Abort;
impl Syscall for Abort {
    type Arguments = [u64; 0];
    fn call(_: &mut VmContext, _: [u64; 0]) -> SyscallResult {
        Err(SyscallError::Abort)
    }
}

/// `sol_panic_(file, len, line, column)`: charges `len`; translation or `InvalidString`
/// errors, else always `Panic`.
pub struct Panic;
impl Syscall for Panic {
    type Arguments = [u64; 4];
    fn call(context: &mut VmContext, [file, len, line, column]: [u64; 4]) -> SyscallResult {
        charge(context, len)?;
        let file = translate_str(&context.memory(), file, len)?.to_owned();
        Err(SyscallError::Panic(file, line, column))
    }
}

/// `sol_log_(message, len)`: charges max(100, len); translation or `InvalidString` errors.
pub struct Log;
impl Syscall for Log {
    type Arguments = [u64; 2];
    fn call(context: &mut VmContext, [addr, len]: [u64; 2]) -> SyscallResult {
        let cost = context.invoke_context().budget.syscall_base_cost.max(len);
        charge(context, cost)?;
        // Copied once out of guest memory into a reused buffer, then once into the log:
        // no allocation per line.
        let mut message = context.take_line_buffer();
        message.push_str(translate_str(&context.memory(), addr, len)?);
        if let Some(collector) = context.invoke_context_mut().log_collector.as_mut() {
            collector.program_log(&message);
        }
        context.give_line_buffer(message);
        Ok(0)
    }
}

/// `sol_log_64_(r1..r5)`: charges 100, logs the five values in hex.
pub struct Log64;
impl Syscall for Log64 {
    type Arguments = [u64; 5];
    fn call(context: &mut VmContext, [a, b, c, d, e]: [u64; 5]) -> SyscallResult {
        charge(context, context.invoke_context().budget.log_64_units)?;
        log(
            context,
            format_args!("Program log: {a:#x}, {b:#x}, {c:#x}, {d:#x}, {e:#x}"),
        )
    }
}

/// `sol_log_compute_units_`: charges 100, logs the units remaining after the charge.
pub struct LogComputeUnits;
impl Syscall for LogComputeUnits {
    type Arguments = [u64; 0];
    fn call(context: &mut VmContext, _: [u64; 0]) -> SyscallResult {
        charge(context, context.invoke_context().budget.syscall_base_cost)?;
        let remaining = context.invoke_context().remaining();
        log(
            context,
            format_args!("Program consumption: {remaining} units remaining"),
        )
    }
}

/// `sol_log_pubkey(pubkey)`: charges 100; translation errors.
pub struct LogPubkey;
impl Syscall for LogPubkey {
    type Arguments = [u64; 1];
    fn call(context: &mut VmContext, [addr]: [u64; 1]) -> SyscallResult {
        charge(context, context.invoke_context().budget.log_pubkey_units)?;
        let key = Pubkey::new_from_array(context.memory().read::<32>(addr, 1)?);
        log(context, format_args!("Program log: {key}"))
    }
}

/// `sol_log_data(fields, count)`: charges 100, then 100 × count after translating the field
/// array, then the sum of the field lengths; translation errors.
pub struct LogData;
impl Syscall for LogData {
    type Arguments = [u64; 2];
    fn call(context: &mut VmContext, [addr, len]: [u64; 2]) -> SyscallResult {
        let base = context.invoke_context().budget.syscall_base_cost;
        charge(context, base)?;
        let memory = context.memory();
        let fields = memory.slice(addr, len, VM_SLICE_SIZE, 8)?;
        let slices: Vec<(u64, u64)> = fields
            .chunks_exact(16)
            .map(crate::guest::vm_slice)
            .collect();
        charge(context, base.saturating_mul(slices.len() as u64))?;
        let total = slices
            .iter()
            .fold(0u64, |sum, (_, len)| sum.saturating_add(*len));
        charge(context, total)?;
        // Agave's `format!("Program data: {}", fields.join(" "))`, built in place.
        let mut line = context.take_line_buffer();
        line.push_str("Program data: ");
        let memory = context.memory();
        for (index, (ptr, len)) in slices.into_iter().enumerate() {
            let bytes = memory.bytes(ptr, len)?;
            if index > 0 {
                line.push(' ');
            }
            base64::engine::general_purpose::STANDARD.encode_string(bytes, &mut line);
        }
        context.invoke_context_mut().log(&line);
        context.give_line_buffer(line);
        Ok(0)
    }
}

/// Appends the formatted line to the program log (built in the context's reused line
/// buffer); returns 0 for the syscall.
fn log(context: &mut VmContext, line: std::fmt::Arguments<'_>) -> Result<u64, SyscallError> {
    let mut buffer = context.take_line_buffer();
    std::fmt::Write::write_fmt(&mut buffer, line).expect("a String takes any text");
    context.invoke_context_mut().log(&buffer);
    context.give_line_buffer(buffer);
    Ok(0)
}
