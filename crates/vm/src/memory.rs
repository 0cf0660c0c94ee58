//! Guest memory translation (agave-reference §1.2). All guest memory is untrusted: every
//! address goes through the VM's memory mapping, which checks region bounds and
//! writability, and alignment is checked on the host address when the program requires it.
//!
//! This module is the only place in the workspace with `unsafe` memory access. Inputs are
//! handed out as shared slices that borrow the context; outputs as [`HostOut`] raw ranges
//! written by copy, so an input that overlaps an output is never aliased by a `&mut`.

use solana_sbpf::{
    error::StableResult,
    memory_region::{AccessType, MemoryMapping},
};

use crate::error::SyscallError;

/// A checked, writable host range for one syscall output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostOut {
    ptr: *mut u8,
    len: usize,
    vm_addr: u64,
}

impl HostOut {
    /// An empty output (a zero-length translation checks nothing and writes nothing).
    pub const fn empty(vm_addr: u64) -> Self {
        Self {
            ptr: std::ptr::null_mut(),
            len: 0,
            vm_addr,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn vm_addr(&self) -> u64 {
        self.vm_addr
    }

    /// Copies `bytes` to the start of the range; `bytes` may overlap it.
    pub fn write(&self, bytes: &[u8]) {
        let len = bytes.len().min(self.len);
        if len == 0 {
            return;
        }
        // SAFETY: `ptr..ptr+self.len` was returned by the memory mapping for a Store access,
        // so it lies inside a live, writable region buffer that outlives the VM run.
        // `ptr::copy` is memmove, so overlap with `bytes` (also guest memory) is fine.
        unsafe { std::ptr::copy(bytes.as_ptr(), self.ptr, len) }
    }

    /// Writes `bytes` at `offset` within the range (clamped to the range).
    pub fn write_at(&self, offset: usize, bytes: &[u8]) {
        if offset >= self.len {
            return;
        }
        let len = bytes.len().min(self.len - offset);
        // SAFETY: as in `write`; `offset + len <= self.len` keeps the copy in range.
        unsafe { std::ptr::copy(bytes.as_ptr(), self.ptr.add(offset), len) }
    }

    pub fn write_u64(&self, value: u64) {
        self.write(&value.to_le_bytes())
    }

    pub fn fill(&self, value: u8) {
        if self.len == 0 {
            return;
        }
        // SAFETY: the whole range is writable guest memory (see `write`).
        unsafe { std::ptr::write_bytes(self.ptr, value, self.len) }
    }

    /// Reads the current bytes of the range into `buffer` (for read-modify-write).
    pub fn read_into(&self, buffer: &mut [u8]) {
        let len = buffer.len().min(self.len);
        if len == 0 {
            return;
        }
        // SAFETY: the range is live guest memory; `buffer` is host memory we own, so the
        // two cannot overlap.
        unsafe { std::ptr::copy_nonoverlapping(self.ptr, buffer.as_mut_ptr(), len) }
    }

    pub fn read_u64(&self) -> u64 {
        let mut bytes = [0u8; 8];
        self.read_into(&mut bytes);
        u64::from_le_bytes(bytes)
    }

    /// Runs `f` on the range's current bytes. No write to guest memory may happen inside
    /// `f` (callers only compare or copy out).
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        if self.len == 0 {
            return f(&[]);
        }
        // SAFETY: the range is live guest memory (see `write`); the shared slice exists only
        // for the duration of `f`, during which nothing writes guest memory.
        f(unsafe { std::slice::from_raw_parts(self.ptr, self.len) })
    }

    /// Narrows the range to its first `len` bytes (`len` ≤ the current length).
    pub fn prefix(&self, len: usize) -> HostOut {
        HostOut {
            ptr: self.ptr,
            len: len.min(self.len),
            vm_addr: self.vm_addr,
        }
    }

    /// Copies `len` bytes from `source` (guest memory, possibly overlapping) into the range.
    pub fn copy_from(&self, source: HostRange) {
        let len = source.len.min(self.len);
        if len == 0 {
            return;
        }
        // SAFETY: both ranges were checked by the mapping; memmove semantics allow overlap.
        unsafe { std::ptr::copy(source.ptr, self.ptr, len) }
    }

    /// The host address range, for overlap checks between outputs.
    pub fn host_range(&self) -> std::ops::Range<usize> {
        let start = self.ptr as usize;
        start..start.saturating_add(self.len)
    }

    /// Views the range as a read-only host range.
    pub fn as_range(&self) -> HostRange {
        HostRange {
            ptr: self.ptr,
            len: self.len,
        }
    }
}

/// A checked, readable host range, compared or copied without forming references.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostRange {
    ptr: *const u8,
    len: usize,
}

impl HostRange {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn host_range(&self) -> std::ops::Range<usize> {
        let start = self.ptr as usize;
        start..start.saturating_add(self.len)
    }
}

/// Fails with `CopyOverlapping` when any two outputs share host bytes (Agave's
/// `translate_mut!` check).
pub fn check_outputs_disjoint(outputs: &[&HostOut]) -> Result<(), SyscallError> {
    for (i, a) in outputs.iter().enumerate() {
        for b in &outputs[i + 1..] {
            let (a, b) = (a.host_range(), b.host_range());
            if !a.is_empty() && !b.is_empty() && a.start < b.end && b.start < a.end {
                return Err(SyscallError::CopyOverlapping);
            }
        }
    }
    Ok(())
}

/// The memory a syscall sees: the mapping of the running VM and the alignment rule.
pub struct GuestMemory<'a> {
    mapping: &'a MemoryMapping,
    check_aligned: bool,
}

fn map(
    mapping: &MemoryMapping,
    access: AccessType,
    vm_addr: u64,
    len: u64,
) -> Result<(*mut u8, usize), SyscallError> {
    match mapping.map(access, vm_addr, len) {
        StableResult::Ok(buffer) => {
            let ptr = buffer.ptr();
            Ok((ptr as *mut u8, ptr.len()))
        }
        StableResult::Err(error) => Err(SyscallError::Memory(error.to_string())),
    }
}

impl<'a> GuestMemory<'a> {
    pub fn new(mapping: &'a MemoryMapping, check_aligned: bool) -> Self {
        Self {
            mapping,
            check_aligned,
        }
    }

    pub fn check_aligned(&self) -> bool {
        self.check_aligned
    }

    fn total_len(count: u64, elem_size: u64) -> Result<u64, SyscallError> {
        let total = count.saturating_mul(elem_size);
        if total > isize::MAX as u64 {
            return Err(SyscallError::InvalidLength);
        }
        Ok(total)
    }

    fn check_alignment(&self, ptr: *const u8, align: usize) -> Result<(), SyscallError> {
        if self.check_aligned && align > 1 && !(ptr as usize).is_multiple_of(align) {
            return Err(SyscallError::UnalignedPointer);
        }
        Ok(())
    }

    /// Translates `count` elements of `elem_size` bytes for reading. A zero count checks
    /// nothing at all, as Agave's `translate_slice` does.
    pub fn slice(
        &self,
        vm_addr: u64,
        count: u64,
        elem_size: u64,
        align: usize,
    ) -> Result<&'a [u8], SyscallError> {
        if count == 0 {
            return Ok(&[]);
        }
        let total = Self::total_len(count, elem_size)?;
        let (ptr, len) = map(self.mapping, AccessType::Load, vm_addr, total)?;
        self.check_alignment(ptr, align)?;
        // SAFETY: the mapping returned `len` readable bytes at `ptr` inside a region buffer
        // that lives as long as the mapping borrow `'a`. Writes during `'a` go only through
        // `HostOut` raw copies after callers have finished with their input slices.
        Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
    }

    /// Translates plain bytes for reading (no alignment).
    pub fn bytes(&self, vm_addr: u64, len: u64) -> Result<&'a [u8], SyscallError> {
        self.slice(vm_addr, len, 1, 1)
    }

    /// Translates one value of `N` bytes (`translate_type`) and returns a copy of it.
    pub fn read<const N: usize>(
        &self,
        vm_addr: u64,
        align: usize,
    ) -> Result<[u8; N], SyscallError> {
        let (ptr, _) = map(self.mapping, AccessType::Load, vm_addr, N as u64)?;
        self.check_alignment(ptr, align)?;
        let mut value = [0u8; N];
        // SAFETY: `N` readable bytes at `ptr` were just checked by the mapping; `value` is a
        // distinct host array.
        unsafe { std::ptr::copy_nonoverlapping(ptr, value.as_mut_ptr(), N) };
        Ok(value)
    }

    pub fn read_u64(&self, vm_addr: u64) -> Result<u64, SyscallError> {
        Ok(u64::from_le_bytes(self.read::<8>(vm_addr, 8)?))
    }

    /// Translates a range for reading without forming a reference (for copies that may
    /// overlap an output).
    pub fn range(&self, vm_addr: u64, len: u64) -> Result<HostRange, SyscallError> {
        if len == 0 {
            return Ok(HostRange {
                ptr: std::ptr::null(),
                len: 0,
            });
        }
        let (ptr, len) = map(self.mapping, AccessType::Load, vm_addr, len)?;
        Ok(HostRange { ptr, len })
    }

    /// Translates an output of `count` × `elem_size` bytes (Store access).
    pub fn output(
        &self,
        vm_addr: u64,
        count: u64,
        elem_size: u64,
        align: usize,
    ) -> Result<HostOut, SyscallError> {
        if count == 0 {
            return Ok(HostOut::empty(vm_addr));
        }
        let total = Self::total_len(count, elem_size)?;
        let (ptr, len) = map(self.mapping, AccessType::Store, vm_addr, total)?;
        self.check_alignment(ptr, align)?;
        Ok(HostOut { ptr, len, vm_addr })
    }

    /// Translates one writable value of `size` bytes (`translate_type_mut`).
    pub fn output_type(
        &self,
        vm_addr: u64,
        size: u64,
        align: usize,
    ) -> Result<HostOut, SyscallError> {
        let (ptr, len) = map(self.mapping, AccessType::Store, vm_addr, size)?;
        self.check_alignment(ptr, align)?;
        Ok(HostOut { ptr, len, vm_addr })
    }

    /// Translates one writable value without an alignment check (Agave's
    /// `translate_type_mut_for_cpi(…, false)`, used for account-info length fields).
    pub fn output_unaligned(&self, vm_addr: u64, size: u64) -> Result<HostOut, SyscallError> {
        let (ptr, len) = map(self.mapping, AccessType::Store, vm_addr, size)?;
        Ok(HostOut { ptr, len, vm_addr })
    }

    /// Compares two readable ranges byte by byte (memcmp semantics, i32 result).
    pub fn compare(&self, a: HostRange, b: HostRange) -> i32 {
        let len = a.len.min(b.len);
        for index in 0..len {
            // SAFETY: `index < len` and both ranges were checked readable by the mapping.
            let (x, y) = unsafe { (*a.ptr.add(index), *b.ptr.add(index)) };
            if x != y {
                return (x as i32).saturating_sub(y as i32);
            }
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use solana_sbpf::{
        ebpf::{MM_HEAP_START, MM_INPUT_START},
        memory_region::MemoryRegion,
        program::SBPFVersion,
        vm::Config,
    };

    fn with_mapping<R>(f: impl FnOnce(&MemoryMapping, &mut [u8], &[u8]) -> R) -> R {
        let mut writable = vec![0u8; 64];
        let readonly = vec![7u8; 16];
        let config = Config {
            aligned_memory_mapping: true,
            ..Config::default()
        };
        let regions = vec![
            MemoryRegion::new_empty(0),
            MemoryRegion::new_empty(0x1_0000_0000),
            MemoryRegion::new_empty(0x2_0000_0000),
            MemoryRegion::new(&raw const *readonly.as_slice(), MM_HEAP_START),
            MemoryRegion::new(&raw mut *writable.as_mut_slice(), MM_INPUT_START),
        ];
        // SAFETY: the buffers outlive the mapping, which is dropped at the end of this call.
        let mapping = unsafe { MemoryMapping::new(regions, &config, SBPFVersion::V0).unwrap() };
        let result = f(&mapping, &mut [], &readonly);
        drop(mapping);
        result
    }

    #[test]
    fn zero_length_checks_nothing() {
        with_mapping(|mapping, _, _| {
            let memory = GuestMemory::new(mapping, true);
            assert_eq!(memory.bytes(0xdead, 0).unwrap(), &[] as &[u8]);
            assert!(memory.output(0xdead, 0, 8, 8).unwrap().is_empty());
        });
    }

    #[test]
    fn out_of_region_and_readonly_fail() {
        with_mapping(|mapping, _, _| {
            let memory = GuestMemory::new(mapping, true);
            assert!(matches!(
                memory.bytes(MM_INPUT_START + 60, 8),
                Err(SyscallError::Memory(_))
            ));
            assert!(matches!(
                memory.output(MM_HEAP_START, 1, 1, 1),
                Err(SyscallError::Memory(_))
            ));
            assert_eq!(memory.bytes(MM_HEAP_START, 2).unwrap(), &[7, 7]);
        });
    }

    #[test]
    fn alignment_and_absurd_lengths() {
        with_mapping(|mapping, _, _| {
            let aligned = GuestMemory::new(mapping, true);
            assert_eq!(
                aligned.read::<8>(MM_INPUT_START + 1, 8).unwrap_err(),
                SyscallError::UnalignedPointer
            );
            let unaligned = GuestMemory::new(mapping, false);
            assert!(unaligned.read::<8>(MM_INPUT_START + 1, 8).is_ok());
            assert_eq!(
                aligned.slice(MM_INPUT_START, u64::MAX, 16, 8).unwrap_err(),
                SyscallError::InvalidLength
            );
        });
    }

    #[test]
    fn overlapping_outputs_are_rejected() {
        with_mapping(|mapping, _, _| {
            let memory = GuestMemory::new(mapping, true);
            let a = memory.output(MM_INPUT_START, 16, 1, 1).unwrap();
            let b = memory.output(MM_INPUT_START + 8, 16, 1, 1).unwrap();
            let c = memory.output(MM_INPUT_START + 16, 8, 1, 1).unwrap();
            assert_eq!(
                check_outputs_disjoint(&[&a, &b]),
                Err(SyscallError::CopyOverlapping)
            );
            assert_eq!(check_outputs_disjoint(&[&a, &c]), Ok(()));
            a.write(&[1, 2, 3]);
            assert_eq!(memory.bytes(MM_INPUT_START, 3).unwrap(), &[1, 2, 3]);
        });
    }
}

/// A growable byte buffer whose host address is 16-aligned (`HOST_ALIGN`), for the
/// stack, heap and input regions. Pooled: its capacity is reused across runs.
#[derive(Debug, Default, Clone)]
pub struct AlignedBuffer {
    words: Vec<u128>,
    len: usize,
}

impl AlignedBuffer {
    pub fn zeroed(len: usize) -> Self {
        let mut buffer = Self::default();
        buffer.resize_zeroed(len);
        buffer
    }

    /// Sets the length to `len`; every byte is zero afterwards.
    pub fn resize_zeroed(&mut self, len: usize) {
        let words = len.div_ceil(16);
        let keep = words.min(self.words.len());
        self.words[..keep].fill(0);
        self.words.resize(words, 0);
        self.len = len;
    }

    /// Sets the length to `len` without clearing old bytes: the caller overwrites all.
    pub fn resize_for_overwrite(&mut self, len: usize) {
        let words = len.div_ceil(16);
        if self.words.len() < words {
            self.words.resize(words, 0);
        }
        self.len = len;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: `words` holds at least `len` initialized bytes (len <= 16 * words.len()),
        // u128 has no padding, and u8 has alignment 1.
        unsafe { std::slice::from_raw_parts(self.words.as_ptr().cast::<u8>(), self.len) }
    }

    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as in `as_slice`; the unique borrow of `self` makes the slice unique.
        unsafe { std::slice::from_raw_parts_mut(self.words.as_mut_ptr().cast::<u8>(), self.len) }
    }
}
