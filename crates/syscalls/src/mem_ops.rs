//! Memory syscalls (Agave `syscalls/src/mem_ops.rs`). Each charges max(10, ⌊n/250⌋) first.
//!
//! | syscall | registers | order after the charge |
//! |---|---|---|
//! | `sol_memcpy_` | r1 dst, r2 src, r3 n | `CopyOverlapping` if the VM ranges overlap; then as memmove |
//! | `sol_memmove_` | r1 dst, r2 src, r3 n | translate dst (Store), then src (Load); copy with memmove semantics |
//! | `sol_memset_` | r1 dst, r2 byte, r3 n | translate dst (Store); fill with the low byte of r2 |
//! | `sol_memcmp_` | r1 a, r2 b, r3 n, r4 result (i32) | translate a, b (Load); compare; translate the result (Store, align 4) and write it |
//!
//! With n = 0 no address is translated, except memcmp's result.

use sbfvm_vm::{Syscall, SyscallError, VmContext};

use crate::charge;

fn mem_op_cost(context: &VmContext, n: u64) -> u64 {
    let budget = &context.invoke_context().budget;
    budget.mem_op_base_cost.max(n / budget.cpi_bytes_per_unit)
}

fn is_nonoverlapping(src: u64, src_len: u64, dst: u64, dst_len: u64) -> bool {
    if src > dst {
        src.saturating_sub(dst) >= dst_len
    } else {
        dst.saturating_sub(src) >= src_len
    }
}

fn memmove(context: &VmContext, dst: u64, src: u64, n: u64) -> Result<u64, SyscallError> {
    let memory = context.memory();
    let destination = memory.output(dst, n, 1, 1)?;
    let source = memory.range(src, n)?;
    destination.copy_from(source);
    Ok(0)
}

pub struct Memcpy;
impl Syscall for Memcpy {
    fn call(
        context: &mut VmContext,
        dst: u64,
        src: u64,
        n: u64,
        _: u64,
        _: u64,
    ) -> Result<u64, SyscallError> {
        charge(context, mem_op_cost(context, n))?;
        if !is_nonoverlapping(src, n, dst, n) {
            return Err(SyscallError::CopyOverlapping);
        }
        memmove(context, dst, src, n)
    }
}

pub struct Memmove;
impl Syscall for Memmove {
    fn call(
        context: &mut VmContext,
        dst: u64,
        src: u64,
        n: u64,
        _: u64,
        _: u64,
    ) -> Result<u64, SyscallError> {
        charge(context, mem_op_cost(context, n))?;
        memmove(context, dst, src, n)
    }
}

pub struct Memset;
impl Syscall for Memset {
    fn call(
        context: &mut VmContext,
        dst: u64,
        value: u64,
        n: u64,
        _: u64,
        _: u64,
    ) -> Result<u64, SyscallError> {
        charge(context, mem_op_cost(context, n))?;
        context.memory().output(dst, n, 1, 1)?.fill(value as u8);
        Ok(0)
    }
}

pub struct Memcmp;
impl Syscall for Memcmp {
    fn call(
        context: &mut VmContext,
        a: u64,
        b: u64,
        n: u64,
        result: u64,
        _: u64,
    ) -> Result<u64, SyscallError> {
        charge(context, mem_op_cost(context, n))?;
        let memory = context.memory();
        let order = {
            let a = memory.bytes(a, n)?;
            let b = memory.bytes(b, n)?;
            compare(a, b)
        };
        // The i32 result is translated only after the comparison (Store, align 4).
        memory
            .output_type(result, 4, 4)?
            .write(&order.to_le_bytes());
        Ok(0)
    }
}

/// memcmp over equal-length inputs: the difference of the first differing bytes, else 0.
fn compare(a: &[u8], b: &[u8]) -> i32 {
    a.iter()
        .zip(b)
        .find(|(x, y)| x != y)
        .map_or(0, |(x, y)| i32::from(*x) - i32::from(*y))
}

#[cfg(test)]
mod tests {
    use super::is_nonoverlapping;

    #[test]
    fn overlap_rule() {
        assert!(is_nonoverlapping(0, 8, 8, 8));
        assert!(!is_nonoverlapping(0, 9, 8, 8));
        assert!(!is_nonoverlapping(8, 8, 4, 8));
        assert!(is_nonoverlapping(5, 0, 5, 0));
    }
}
