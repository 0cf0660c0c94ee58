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
//!
//! # Agave 2.1 direct mapping: the non-contiguous paths
//!
//! When the Agave 2.1 feature `bpf_account_data_direct_mapping` (the key of the Dec-2024
//! conformance fixtures) is active, Agave 2.1 does not translate each operand as one block.
//! It walks the memory region by region (`MemoryChunkIterator`), so one call may span
//! adjacent regions, and it works chunk by chunk:
//!
//! - memmove / memcpy (`memmove_non_contiguous`): a source and a destination walk advance
//!   together, in pieces as long as the shorter of the two current chunks; each piece is
//!   copied before the next region is looked up. When `dst − src` (wrapping) is below `n`
//!   the walks run backwards (from the last byte), so an overlapping move is still a
//!   memmove. At each step the source chunk is looked up before the destination chunk.
//! - memset (`memset_non_contiguous`): fills each destination chunk in order.
//! - memcmp: the i32 result is translated (Store, align 4) **first**; then
//!   `memcmp_non_contiguous` compares piece by piece and stops at the first difference
//!   (bytes after it are never looked up); the result is written only on success.
//!
//! A lookup that fails raises the access violation at that point, after the earlier pieces
//! took effect (bytes written by a memmove/memset stay written). The violation reports the
//! address and length of the whole operand. `vm_addr + n` overflowing is an access
//! violation before anything is looked up (the source walk is created before the
//! destination walk). A walk whose chunks switch between account-data regions and other
//! regions (per the frame's serialized-account metadata) fails with `InvalidLength`.
//!
//! Agave 4.4 has no such paths (a mem op's operand must lie inside one region), and its
//! own direct-mapping features (`account_data_direct_mapping`, SIMD-0460) do not bring them
//! back. So they are selected by the Dec-2024 key itself, not by the accessors that key
//! also implies.

use sbfvm_vm::memory::{Access, RegionChunk, RegionChunks};
use sbfvm_vm::{
    GuestMemory, SerializedAccountMetadata, Syscall, SyscallError, SyscallResult, VmContext,
};

use crate::meter::charge;

fn mem_op_cost(context: &VmContext, n: u64) -> u64 {
    let budget = &context.invoke_context().budget;
    budget.mem_op_base_cost.max(n / budget.cpi_bytes_per_unit)
}

/// Whether Agave 2.1's region-by-region mem ops apply (see the module docs).
fn non_contiguous(context: &VmContext) -> bool {
    context
        .invoke_context()
        .features
        .bpf_account_data_direct_mapping_dec2024()
}

fn is_nonoverlapping(src: u64, src_len: u64, dst: u64, dst_len: u64) -> bool {
    if src > dst {
        src.saturating_sub(dst) >= dst_len
    } else {
        dst.saturating_sub(src) >= src_len
    }
}

/// `sol_memcpy_` and `sol_memmove_(dst, src, n)`: the same move, except that memcpy
/// refuses overlapping ranges (after the charge).
pub struct MemoryMove<const REJECT_OVERLAP: bool>;
/// `sol_memcpy_(dst, src, n)`.
pub type Memcpy = MemoryMove<true>;
/// `sol_memmove_(dst, src, n)`.
pub type Memmove = MemoryMove<false>;

impl<const REJECT_OVERLAP: bool> Syscall for MemoryMove<REJECT_OVERLAP> {
    type Arguments = [u64; 3];
    fn call(context: &mut VmContext, [dst, src, n]: [u64; 3]) -> SyscallResult {
        charge(context, mem_op_cost(context, n))?;
        if REJECT_OVERLAP && !is_nonoverlapping(src, n, dst, n) {
            return Err(SyscallError::CopyOverlapping);
        }
        move_bytes(context, [dst, src, n])
    }
}

/// The move itself, shared by memcpy and memmove. Kept out of line: inlined into each
/// syscall's adapter, the translation's lookup is no longer inlined here and a 64-byte
/// `sol_memcpy_` costs 29 ns instead of 17 (`sbfvm bench syscall/memcpy_64B`).
#[inline(never)]
fn move_bytes(context: &VmContext, [dst, src, n]: [u64; 3]) -> SyscallResult {
    let memory = context.memory();
    if non_contiguous(context) {
        return memmove_non_contiguous(&memory, &context.accounts_metadata, [dst, src, n]);
    }
    let destination = memory.output(dst, n, 1, 1)?;
    let source = memory.range(src, n)?;
    destination.copy_from(source);
    Ok(0)
}

/// `sol_memset_(dst, byte, n)`.
pub struct Memset;
impl Syscall for Memset {
    type Arguments = [u64; 3];
    fn call(context: &mut VmContext, [dst, value, n]: [u64; 3]) -> SyscallResult {
        charge(context, mem_op_cost(context, n))?;
        let memory = context.memory();
        if non_contiguous(context) {
            let chunks = memory.region_chunks(Access::Store, dst, n)?;
            for chunk in AccountChunks::new(chunks, &context.accounts_metadata) {
                let chunk = chunk?;
                memory
                    .output(chunk.vm_addr, chunk.len, 1, 1)?
                    .fill(value as u8);
            }
            return Ok(0);
        }
        memory.output(dst, n, 1, 1)?.fill(value as u8);
        Ok(0)
    }
}

/// `sol_memcmp_(a, b, n, result)`.
pub struct Memcmp;
impl Syscall for Memcmp {
    type Arguments = [u64; 4];
    fn call(context: &mut VmContext, [a, b, n, result]: [u64; 4]) -> SyscallResult {
        charge(context, mem_op_cost(context, n))?;
        let memory = context.memory();
        if non_contiguous(context) {
            // The result is translated before anything is compared.
            let output = memory.output_type(result, 4, 4)?;
            let order = memcmp_non_contiguous(&memory, &context.accounts_metadata, [a, b, n])?;
            output.write(&order.to_le_bytes());
            return Ok(0);
        }
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

/// Agave 2.1 `memmove_non_contiguous`.
fn memmove_non_contiguous(
    memory: &GuestMemory<'_>,
    accounts: &[SerializedAccountMetadata],
    [dst, src, n]: [u64; 3],
) -> Result<u64, SyscallError> {
    let reverse = dst.wrapping_sub(src) < n;
    let walk = PairWalk {
        src_access: Access::Load,
        src,
        dst_access: Access::Store,
        dst,
        n,
        reverse,
    };
    walk.run(memory, accounts, |src, dst, len| {
        let source = memory.range(src, len)?;
        memory.output(dst, len, 1, 1)?.copy_from(source);
        Ok(None::<()>)
    })?;
    Ok(0)
}

/// Agave 2.1 `memcmp_non_contiguous`: the first difference, or 0.
fn memcmp_non_contiguous(
    memory: &GuestMemory<'_>,
    accounts: &[SerializedAccountMetadata],
    [a, b, n]: [u64; 3],
) -> Result<i32, SyscallError> {
    let walk = PairWalk {
        src_access: Access::Load,
        src: a,
        dst_access: Access::Load,
        dst: b,
        n,
        reverse: false,
    };
    let order = walk.run(memory, accounts, |a, b, len| {
        let order = memory.compare(memory.range(a, len)?, memory.range(b, len)?);
        Ok((order != 0).then_some(order))
    })?;
    Ok(order.unwrap_or(0))
}

/// Two region walks of the same length advanced together (Agave 2.1
/// `iter_memory_pair_chunks`).
struct PairWalk {
    src_access: Access,
    src: u64,
    dst_access: Access,
    dst: u64,
    n: u64,
    reverse: bool,
}

/// A chunk being consumed: its region walk item and the bytes of it still to process.
#[derive(Clone, Copy)]
struct Pending {
    /// Next VM address going forward; the chunk start going backward.
    vm_addr: u64,
    remaining: u64,
}

impl PairWalk {
    /// Calls `piece(src_vm_addr, dst_vm_addr, len)` on same-length pieces, in walk order,
    /// until the walks end, a lookup fails, or `piece` returns `Some` (which is returned).
    fn run<T>(
        &self,
        memory: &GuestMemory<'_>,
        accounts: &[SerializedAccountMetadata],
        mut piece: impl FnMut(u64, u64, u64) -> Result<Option<T>, SyscallError>,
    ) -> Result<Option<T>, SyscallError> {
        let mut src_walk = AccountChunks::new(
            memory.region_chunks(self.src_access, self.src, self.n)?,
            accounts,
        );
        let mut dst_walk = AccountChunks::new(
            memory.region_chunks(self.dst_access, self.dst, self.n)?,
            accounts,
        );
        let mut src_chunk: Option<Pending> = None;
        let mut dst_chunk: Option<Pending> = None;
        let reverse = self.reverse;
        // The source chunk is looked up before the destination chunk.
        while let Some(src) = current(&mut src_walk, &mut src_chunk, reverse)? {
            let Some(dst) = current(&mut dst_walk, &mut dst_chunk, reverse)? else {
                break;
            };
            let len = src.remaining.min(dst.remaining);
            let (src_addr, dst_addr) = if reverse {
                // Backwards, pieces are taken from the end of each chunk.
                (
                    src.vm_addr + src.remaining - len,
                    dst.vm_addr + dst.remaining - len,
                )
            } else {
                (src.vm_addr, dst.vm_addr)
            };
            if let Some(done) = piece(src_addr, dst_addr, len)? {
                return Ok(Some(done));
            }
            let consume = |pending: Pending| {
                let remaining = pending.remaining - len;
                (remaining != 0).then(|| Pending {
                    vm_addr: if reverse {
                        pending.vm_addr
                    } else {
                        pending.vm_addr + len
                    },
                    remaining,
                })
            };
            src_chunk = consume(src);
            dst_chunk = consume(dst);
        }
        Ok(None)
    }
}

/// The chunk of `walk` being consumed: `slot` if bytes of it remain, else the walk's next
/// chunk (its last remaining one when `reverse`), or `None` when the walk is over.
fn current(
    walk: &mut AccountChunks<'_, '_>,
    slot: &mut Option<Pending>,
    reverse: bool,
) -> Result<Option<Pending>, SyscallError> {
    if slot.is_none() {
        let next = if reverse {
            walk.next_back()
        } else {
            walk.next()
        };
        let Some(chunk) = next else {
            return Ok(None);
        };
        let chunk = chunk?;
        *slot = Some(Pending {
            vm_addr: chunk.vm_addr,
            remaining: chunk.len,
        });
    }
    Ok(*slot)
}

/// A region walk that also requires every chunk to be on the same side of the
/// account-data boundary as the first one (Agave 2.1 `MemoryChunkIterator`'s
/// `account_index` / `is_account` bookkeeping): a region is account data when it starts
/// at an account's data address or at its data address plus its original length (the
/// realloc area). A switch fails with `InvalidLength`.
struct AccountChunks<'m, 'a> {
    chunks: RegionChunks<'m>,
    accounts: &'a [SerializedAccountMetadata],
    account_index: Option<usize>,
    is_account: Option<bool>,
}

impl<'m, 'a> AccountChunks<'m, 'a> {
    fn new(chunks: RegionChunks<'m>, accounts: &'a [SerializedAccountMetadata]) -> Self {
        Self {
            chunks,
            accounts,
            account_index: None,
            is_account: None,
        }
    }

    fn check(
        &mut self,
        chunk: RegionChunk,
        region_is_account: bool,
    ) -> Result<RegionChunk, SyscallError> {
        match self.is_account {
            Some(is_account) if is_account != region_is_account => Err(SyscallError::InvalidLength),
            Some(_) => Ok(chunk),
            None => {
                self.is_account = Some(region_is_account);
                Ok(chunk)
            }
        }
    }
}

fn is_account_region(account: &SerializedAccountMetadata, region_vm_addr: u64) -> bool {
    let resize_addr = account
        .vm_data_addr
        .saturating_add(account.original_data_len as u64);
    region_vm_addr == account.vm_data_addr || region_vm_addr == resize_addr
}

impl Iterator for AccountChunks<'_, '_> {
    type Item = Result<RegionChunk, SyscallError>;

    fn next(&mut self) -> Option<Self::Item> {
        let chunk = match self.chunks.next()? {
            Ok(chunk) => chunk,
            Err(error) => return Some(Err(error)),
        };
        let region = chunk.region_vm_addr;
        let index = self.account_index.get_or_insert(0);
        let region_is_account = loop {
            let Some(account) = self.accounts.get(*index) else {
                // The region is after all the accounts.
                break false;
            };
            let resize_addr = account
                .vm_data_addr
                .saturating_add(account.original_data_len as u64);
            if resize_addr < region {
                // The region is after this account: move on to the next one.
                *index = index.saturating_add(1);
            } else {
                break is_account_region(account, region);
            }
        };
        Some(self.check(chunk, region_is_account))
    }
}

impl DoubleEndedIterator for AccountChunks<'_, '_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let chunk = match self.chunks.next_back()? {
            Ok(chunk) => chunk,
            Err(error) => return Some(Err(error)),
        };
        let region = chunk.region_vm_addr;
        let last = self.accounts.len().saturating_sub(1);
        let index = self.account_index.get_or_insert(last);
        let region_is_account = loop {
            let Some(account) = self.accounts.get(*index) else {
                break false;
            };
            if *index > 0 && account.vm_data_addr > region {
                *index = index.saturating_sub(1);
            } else {
                break is_account_region(account, region);
            }
        };
        Some(self.check(chunk, region_is_account))
    }
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
