//! Guest memory translation, with the checks of Agave's `translate_type` and `translate_slice`
//! (`solana-program-runtime 4.4.0, src/memory.rs`). All guest memory is untrusted: every
//! address goes through the VM's memory mapping, which checks region bounds and
//! writability, and alignment is checked on the host address when the program requires it.
//!
//! This module is the only place in the workspace with `unsafe` memory access. Inputs are
//! handed out as shared slices that borrow the context; outputs as [`HostOut`] raw ranges
//! written by copy, so an input that overlaps an output is never aliased by a `&mut`.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::ptr::NonNull;

use solana_sbpf::{
    ebpf::MM_INPUT_START,
    error::{EbpfError, StableResult},
    memory_region::{AccessType, HostBuffer, MemoryMapping},
};

use crate::error::SyscallError;
use solana_instruction_error::InstructionError;

/// An access violation a syscall's translation ran into: what the executor needs to map it
/// to an account's error under `virtual_address_space_adjustments`, as Agave maps the
/// `EbpfError::AccessViolation` inside a syscall error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryFault {
    /// The access that failed.
    pub access: AccessType,
    /// Its VM address.
    pub vm_addr: u64,
    /// Its length in bytes.
    pub len: u64,
    /// The message of the syscall error it became.
    pub message: String,
}

/// One account's data as a memory region of its own (`virtual_address_space_adjustments`):
/// `len` bytes at `offset` in the input, followed by address space up to `reserved` bytes
/// into which a store grows the account, when the program may change it. The input's other
/// regions end at `offset` and resume at `offset + reserved`; an empty reservation has no
/// region of its own but still splits them there (Agave's `Serializer::write_account`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountDataRegion {
    /// Offset of the data in the input, in bytes.
    pub offset: usize,
    /// Data length at serialization.
    pub len: usize,
    /// Address space reserved for the data: its length plus the 10 KiB realloc area in ABI
    /// v1, its length alone in ABI v0.
    pub reserved: usize,
    /// The account's index in the transaction.
    pub index_in_transaction: u16,
    /// Whether the program may change the data (`can_data_be_changed`): the region is
    /// writable and may grow; otherwise it is read-only.
    pub changeable: bool,
}

/// A checked, writable host range for one syscall output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostOut {
    /// The bytes; the mapping checked them for a Store access.
    range: HostRange,
    vm_addr: u64,
}

impl HostOut {
    /// An empty output (a zero-length translation checks nothing and writes nothing).
    pub const fn empty(vm_addr: u64) -> Self {
        Self {
            range: HostRange {
                ptr: std::ptr::null(),
                len: 0,
            },
            vm_addr,
        }
    }

    /// A range the mapping returned for a Store access of `len` bytes at `vm_addr`.
    #[inline(always)]
    fn new(ptr: *mut u8, len: usize, vm_addr: u64) -> Self {
        Self {
            range: HostRange { ptr, len },
            vm_addr,
        }
    }

    #[inline(always)]
    fn ptr(&self) -> *mut u8 {
        self.range.ptr.cast_mut()
    }

    /// Length of the range in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.range.len()
    }

    /// Whether the range is empty (a zero-length translation).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.range.is_empty()
    }

    /// The VM address the range was translated from.
    #[inline]
    pub fn vm_addr(&self) -> u64 {
        self.vm_addr
    }

    /// Copies `bytes` to the start of the range; `bytes` may overlap it.
    #[inline]
    pub fn write(&self, bytes: &[u8]) {
        let len = bytes.len().min(self.len());
        if len == 0 {
            return;
        }
        // SAFETY: the range was returned by the memory mapping for a Store access,
        // so it lies inside a live, writable region buffer that outlives the VM run.
        // `ptr::copy` is memmove, so overlap with `bytes` (also guest memory) is fine.
        unsafe { std::ptr::copy(bytes.as_ptr(), self.ptr(), len) }
    }

    /// Writes `bytes` at `offset` within the range (clamped to the range).
    #[inline]
    pub fn write_at(&self, offset: usize, bytes: &[u8]) {
        if offset >= self.len() {
            return;
        }
        let len = bytes.len().min(self.len() - offset);
        // SAFETY: as in `write`; `offset + len <= self.len()` keeps the copy in range.
        unsafe { std::ptr::copy(bytes.as_ptr(), self.ptr().add(offset), len) }
    }

    /// Copies `N` bytes of host memory (never guest memory, so no overlap) to the start of
    /// the range, as much of them as fits. The length is a constant, so when the range
    /// holds them all the copy is a few inline moves, not a call of `memmove` (whose
    /// vector loads of a just-built array stalled the cheap getters, by 1.8× with glibc's
    /// allocator, where the array and the guest stack alias 4 KiB apart).
    #[inline(always)]
    pub fn write_array<const N: usize>(&self, bytes: &[u8; N]) {
        if self.len() >= N {
            // SAFETY: as in `write`, and `N <= self.len()`; `bytes` is host memory, so
            // the two ranges are disjoint.
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr(), N) }
        } else {
            self.write(bytes)
        }
    }

    /// Writes `values` little-endian one after the other from the start of the range (as
    /// many bytes as fit). Stores only: building the bytes in a stack array first and
    /// copying them makes loads follow the guest stores, and when the array and the
    /// destination lie a multiple of 4 KiB apart (allocator-dependent) every call paid a
    /// 4K-aliasing stall.
    #[inline(always)]
    pub fn write_u64s<const N: usize>(&self, values: &[u64; N]) {
        if self.len() >= N * 8 {
            for (index, value) in values.iter().enumerate() {
                // SAFETY: as in `write`; `index * 8 + 8 <= N * 8 <= self.len()`.
                unsafe {
                    self.ptr()
                        .add(index * 8)
                        .cast::<[u8; 8]>()
                        .write_unaligned(value.to_le_bytes())
                }
            }
        } else {
            for (index, value) in values.iter().enumerate() {
                self.write_at(index * 8, &value.to_le_bytes());
            }
        }
    }

    /// Writes `value` little-endian at the start of the range (as much of it as fits).
    #[inline(always)]
    pub fn write_u64(&self, value: u64) {
        self.write_array(&value.to_le_bytes())
    }

    /// Sets every byte of the range to `value`.
    #[inline]
    pub fn fill(&self, value: u8) {
        if self.is_empty() {
            return;
        }
        // SAFETY: the whole range is writable guest memory (see `write`).
        unsafe { std::ptr::write_bytes(self.ptr(), value, self.len()) }
    }

    /// Reads the current bytes of the range into `buffer` (for read-modify-write).
    #[inline]
    pub fn read_into(&self, buffer: &mut [u8]) {
        let len = buffer.len().min(self.len());
        if len == 0 {
            return;
        }
        // SAFETY: the range is live guest memory; `buffer` is host memory we own, so the
        // two cannot overlap.
        unsafe { std::ptr::copy_nonoverlapping(self.ptr(), buffer.as_mut_ptr(), len) }
    }

    /// Reads a little-endian `u64` from the start of the range (bytes past its end read as
    /// zero).
    #[inline]
    pub fn read_u64(&self) -> u64 {
        let mut bytes = [0u8; 8];
        self.read_into(&mut bytes);
        u64::from_le_bytes(bytes)
    }

    /// Runs `f` on the range's current bytes. No write to guest memory may happen inside
    /// `f` (callers only compare or copy out).
    #[inline]
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        if self.is_empty() {
            return f(&[]);
        }
        // SAFETY: the range is live guest memory (see `write`); the shared slice exists only
        // for the duration of `f`, during which nothing writes guest memory.
        f(unsafe { std::slice::from_raw_parts(self.ptr(), self.len()) })
    }

    /// Narrows the range to its first `len` bytes (`len` ≤ the current length).
    #[inline]
    pub fn prefix(&self, len: usize) -> HostOut {
        HostOut::new(self.ptr(), len.min(self.len()), self.vm_addr)
    }

    /// Copies `len` bytes from `source` (guest memory, possibly overlapping) into the range.
    #[inline]
    pub fn copy_from(&self, source: HostRange) {
        let len = source.len.min(self.len());
        if len == 0 {
            return;
        }
        // SAFETY: both ranges were checked by the mapping; memmove semantics allow overlap.
        unsafe { std::ptr::copy(source.ptr, self.ptr(), len) }
    }

    /// The host address range, for overlap checks between outputs.
    #[inline]
    pub fn host_range(&self) -> std::ops::Range<usize> {
        self.range.host_range()
    }

    /// Views the range as a read-only host range.
    #[inline]
    pub fn as_range(&self) -> HostRange {
        self.range
    }
}

/// A checked, readable host range, compared or copied without forming references.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostRange {
    ptr: *const u8,
    len: usize,
}

impl HostRange {
    /// Length of the range in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the range is empty (a zero-length translation).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The host address range, for overlap checks.
    #[inline]
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

/// How a [`GuestMemory`] reaches the mapping.
#[derive(Clone, Copy)]
enum MappingRef<'a> {
    /// A fixed mapping (tests, harnesses): plain lookups.
    Shared(&'a MemoryMapping),
    /// The running VM's mapping, whose stack and heap regions grow on first use: lookups go
    /// through the access-violation handler, as the VM's own loads and stores do.
    Growable(NonNull<MemoryMapping>, PhantomData<&'a MemoryMapping>),
}

impl MappingRef<'_> {
    #[inline(always)]
    fn map(
        self,
        access: AccessType,
        vm_addr: u64,
        len: u64,
    ) -> StableResult<HostBuffer, EbpfError> {
        match self {
            MappingRef::Shared(mapping) => mapping.map(access, vm_addr, len),
            // SAFETY: the pointer comes from the `UnsafeCell` that owns the running VM's
            // mapping (`VmContext`); while a syscall runs the VM makes no access of its own,
            // and the `&mut` lives only for this call. The handler only lengthens a region
            // over the same host buffer, so host pointers handed out earlier stay valid.
            MappingRef::Growable(mapping, _) => unsafe {
                (*mapping.as_ptr()).map_with_access_violation_handler(access, vm_addr, len)
            },
        }
    }

    fn region_range(self, vm_addr: u64) -> Option<std::ops::Range<u64>> {
        let find = |mapping: &MemoryMapping| {
            mapping
                .find_region(vm_addr)
                .map(|(_, region)| region.vm_addr_range())
        };
        match self {
            MappingRef::Shared(mapping) => find(mapping),
            // SAFETY: as in `map`; a shared borrow only for this lookup.
            MappingRef::Growable(mapping, _) => find(unsafe { mapping.as_ref() }),
        }
    }
}

/// The memory a syscall sees: the mapping of the running VM and the alignment rule.
pub struct GuestMemory<'a> {
    mapping: MappingRef<'a>,
    check_aligned: bool,
    /// Where the running VM's context records the access violation a translation ran into.
    fault: Option<&'a RefCell<Option<MemoryFault>>>,
    /// The account data regions of the input (`virtual_address_space_adjustments`).
    data_regions: &'a [AccountDataRegion],
}

// Inlined: every guest pointer a syscall touches goes through here, and a call returns
// its result through memory (a store-forwarding stall at every use); the error is cold.
#[inline(always)]
fn map(
    mapping: MappingRef<'_>,
    access: AccessType,
    vm_addr: u64,
    len: u64,
) -> Result<(*mut u8, usize), TranslationError> {
    match mapping.map(access, vm_addr, len) {
        StableResult::Ok(buffer) => {
            let ptr = buffer.ptr();
            Ok((ptr as *mut u8, ptr.len()))
        }
        StableResult::Err(error) => Err(memory_error(error)),
    }
}

/// What a failed translation gives: the syscall error, with the access, address and length
/// of an access violation.
type TranslationError = (SyscallError, Option<(AccessType, u64, u64)>);

/// The syscall error of a failed translation, with the access of an access violation.
#[cold]
#[inline(never)]
fn memory_error(error: EbpfError) -> TranslationError {
    let violation = match error {
        EbpfError::AccessViolation(access, vm_addr, len, _) => Some((access, vm_addr, len)),
        _ => None,
    };
    (SyscallError::Memory(error.to_string()), violation)
}

impl<'a> GuestMemory<'a> {
    /// Memory over a fixed `mapping` (tests, harnesses); pointers must be aligned when
    /// `check_aligned`.
    pub fn new(mapping: &'a MemoryMapping, check_aligned: bool) -> Self {
        Self {
            mapping: MappingRef::Shared(mapping),
            check_aligned,
            fault: None,
            data_regions: &[],
        }
    }

    /// Memory over the running VM's mapping, owned by an `UnsafeCell` in the context.
    ///
    /// # Safety
    /// `mapping` must be valid for `'a` and not otherwise borrowed while this value is used.
    pub(crate) unsafe fn growable(
        mapping: NonNull<MemoryMapping>,
        check_aligned: bool,
        fault: &'a RefCell<Option<MemoryFault>>,
        data_regions: &'a [AccountDataRegion],
    ) -> Self {
        Self {
            mapping: MappingRef::Growable(mapping, PhantomData),
            check_aligned,
            fault: Some(fault),
            data_regions,
        }
    }

    /// This memory without the record of access violations: for reads the program did not
    /// make (a debugger's), which must not change how a failed run is reported.
    pub(crate) fn unrecorded(mut self) -> Self {
        self.fault = None;
        self
    }

    /// The memory-translation result of `map`, with an access violation recorded for the
    /// executor.
    #[inline(always)]
    fn map(
        &self,
        access: AccessType,
        vm_addr: u64,
        len: u64,
    ) -> Result<(*mut u8, usize), SyscallError> {
        map(self.mapping, access, vm_addr, len).map_err(|error| self.record(error))
    }

    #[cold]
    #[inline(never)]
    fn record(&self, (error, violation): TranslationError) -> SyscallError {
        if let (Some(fault), Some((access, vm_addr, len))) = (self.fault, violation) {
            *fault.borrow_mut() = Some(MemoryFault {
                access,
                vm_addr,
                len,
                message: error.to_string(),
            });
        }
        error
    }

    /// The data region of the account whose data starts at `vm_data_addr`
    /// (`virtual_address_space_adjustments`).
    fn data_region(&self, vm_data_addr: u64) -> Option<&'a AccountDataRegion> {
        let offset = vm_data_addr.checked_sub(MM_INPUT_START)?;
        self.data_regions
            .iter()
            .find(|region| region.offset as u64 == offset)
    }

    /// `len` bytes of an account's data in the input, whatever its region allows (Agave's
    /// `CallerAccount::get_serialized_data` under `virtual_address_space_adjustments`, which
    /// reaches the input through its first byte): the data must start at `vm_data_addr` and
    /// `len` lie within its reservation, or `InvalidRealloc`.
    pub fn account_data(&self, vm_data_addr: u64, len: u64) -> Result<HostOut, SyscallError> {
        let region = self
            .data_region(vm_data_addr)
            .ok_or(SyscallError::Instruction(InstructionError::MissingAccount))?;
        if len > region.reserved as u64 {
            return Err(SyscallError::Instruction(InstructionError::InvalidRealloc));
        }
        let (input, input_len) = self.map(AccessType::Store, MM_INPUT_START, 1)?;
        debug_assert!(input_len >= 1);
        if len == 0 {
            return Ok(HostOut::empty(vm_data_addr));
        }
        // SAFETY: the input is one buffer from `MM_INPUT_START`, whose first region starts
        // with it; the serializer reserved `region.reserved` bytes at `region.offset`.
        let ptr = unsafe { input.add(region.offset) };
        Ok(HostOut::new(ptr, len as usize, vm_data_addr))
    }

    /// Points the data region starting at `vm_data_addr` at the account's `len` bytes,
    /// writable and growable when `changeable`, read-only otherwise (Agave's
    /// `update_caller_account_region` with `modify_memory_region_of_account`, after a CPI).
    /// Nothing for an account without reserved address space; `MissingAccount` when no data
    /// region starts there; `InvalidRealloc` when `len` exceeds its reservation.
    pub fn set_account_data_region(
        &self,
        vm_data_addr: u64,
        len: usize,
        changeable: bool,
    ) -> Result<(), SyscallError> {
        let missing = SyscallError::Instruction(InstructionError::MissingAccount);
        let MappingRef::Growable(mapping, _) = self.mapping else {
            return Err(missing);
        };
        let data_region = self.data_region(vm_data_addr).ok_or(missing.clone())?;
        if data_region.reserved == 0 {
            return Ok(()); // no region of its own
        }
        if len > data_region.reserved {
            return Err(SyscallError::Instruction(InstructionError::InvalidRealloc));
        }
        // SAFETY: as in `MappingRef::map`: the running VM's mapping, borrowed only here.
        let mapping = unsafe { &mut *mapping.as_ptr() };
        let (index, region) = mapping.find_region(vm_data_addr).ok_or(missing.clone())?;
        if region.vm_addr_range().start != vm_data_addr {
            return Err(missing);
        }
        let mut region = region.clone();
        // SAFETY: the region points into the input buffer at the account's data, where the
        // serializer reserved `data_region.reserved` bytes, and `len` is within that; the
        // buffer outlives the mapping (the executor's contract).
        unsafe {
            let base = region.host_buffer().mutable().ptr_mut().cast::<u8>();
            let host = std::ptr::slice_from_raw_parts_mut(base, len);
            if changeable {
                region.redirect(host);
            } else {
                region.redirect(host.cast_const());
            }
        }
        region.access_violation_handler_payload = changeable
            .then(|| lazy::account_payload(data_region.index_in_transaction))
            .flatten();
        // SAFETY: as above.
        unsafe { mapping.replace_region(index, region) }
            .map_err(|error| SyscallError::Memory(error.to_string()))
    }

    /// Whether pointers must be aligned (false for deprecated-loader programs).
    #[inline]
    pub fn check_aligned(&self) -> bool {
        self.check_aligned
    }

    #[inline(always)]
    fn total_len(count: u64, elem_size: u64) -> Result<u64, SyscallError> {
        let total = count.saturating_mul(elem_size);
        if total > isize::MAX as u64 {
            return Err(SyscallError::InvalidLength);
        }
        Ok(total)
    }

    #[inline(always)]
    fn check_alignment(&self, ptr: *const u8, align: usize) -> Result<(), SyscallError> {
        if self.check_aligned && align > 1 && !(ptr as usize).is_multiple_of(align) {
            return Err(SyscallError::UnalignedPointer);
        }
        Ok(())
    }

    /// Translates `count` elements of `elem_size` bytes for reading. A zero count checks
    /// nothing at all, as Agave's `translate_slice` does.
    #[inline(always)]
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
        let (ptr, len) = self.map(AccessType::Load, vm_addr, total)?;
        self.check_alignment(ptr, align)?;
        // SAFETY: the mapping returned `len` readable bytes at `ptr` inside a region buffer
        // that lives as long as the mapping borrow `'a`. Writes during `'a` go only through
        // `HostOut` raw copies after callers have finished with their input slices.
        Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
    }

    /// Translates plain bytes for reading (no alignment).
    #[inline(always)]
    pub fn bytes(&self, vm_addr: u64, len: u64) -> Result<&'a [u8], SyscallError> {
        self.slice(vm_addr, len, 1, 1)
    }

    /// Translates one value of `N` bytes (`translate_type`) and returns a copy of it.
    #[inline(always)]
    pub fn read<const N: usize>(
        &self,
        vm_addr: u64,
        align: usize,
    ) -> Result<[u8; N], SyscallError> {
        let (ptr, _) = self.map(AccessType::Load, vm_addr, N as u64)?;
        self.check_alignment(ptr, align)?;
        let mut value = [0u8; N];
        // SAFETY: `N` readable bytes at `ptr` were just checked by the mapping; `value` is a
        // distinct host array.
        unsafe { std::ptr::copy_nonoverlapping(ptr, value.as_mut_ptr(), N) };
        Ok(value)
    }

    /// Reads a little-endian `u64` at `vm_addr` (8-aligned when alignment is checked).
    #[inline(always)]
    pub fn read_u64(&self, vm_addr: u64) -> Result<u64, SyscallError> {
        Ok(u64::from_le_bytes(self.read::<8>(vm_addr, 8)?))
    }

    /// Translates a range for reading without forming a reference (for copies that may
    /// overlap an output).
    #[inline(always)]
    pub fn range(&self, vm_addr: u64, len: u64) -> Result<HostRange, SyscallError> {
        if len == 0 {
            return Ok(HostRange {
                ptr: std::ptr::null(),
                len: 0,
            });
        }
        let (ptr, len) = self.map(AccessType::Load, vm_addr, len)?;
        Ok(HostRange { ptr, len })
    }

    /// Translates an output of `count` × `elem_size` bytes (Store access).
    #[inline(always)]
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
        let (ptr, len) = self.map(AccessType::Store, vm_addr, total)?;
        self.check_alignment(ptr, align)?;
        Ok(HostOut::new(ptr, len, vm_addr))
    }

    /// Translates one writable value of `size` bytes (`translate_type_mut`).
    #[inline(always)]
    pub fn output_type(
        &self,
        vm_addr: u64,
        size: u64,
        align: usize,
    ) -> Result<HostOut, SyscallError> {
        let (ptr, len) = self.map(AccessType::Store, vm_addr, size)?;
        self.check_alignment(ptr, align)?;
        Ok(HostOut::new(ptr, len, vm_addr))
    }

    /// Translates one writable value without an alignment check (Agave's
    /// `translate_type_mut_for_cpi(…, false)`, used for account-info length fields).
    #[inline(always)]
    pub fn output_unaligned(&self, vm_addr: u64, size: u64) -> Result<HostOut, SyscallError> {
        let (ptr, len) = self.map(AccessType::Store, vm_addr, size)?;
        Ok(HostOut::new(ptr, len, vm_addr))
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

    /// Walks `len` bytes at `vm_addr` region by region (see [`RegionChunks`]). Fails, with
    /// the access violation Agave 2.1 reports, when `vm_addr + len` overflows.
    pub fn region_chunks(
        &self,
        access: Access,
        vm_addr: u64,
        len: u64,
    ) -> Result<RegionChunks<'a>, SyscallError> {
        let access = AccessType::from(access);
        let end = vm_addr.checked_add(len).ok_or_else(|| {
            SyscallError::Memory(
                EbpfError::AccessViolation(access, vm_addr, len, "unknown").to_string(),
            )
        })?;
        Ok(RegionChunks {
            mapping: self.mapping,
            access,
            initial_vm_addr: vm_addr,
            len,
            start: vm_addr,
            end,
        })
    }
}

/// The kind of a guest access, for [`GuestMemory::region_chunks`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reading: any mapped region will do.
    Load,
    /// Writing: the region must be writable.
    Store,
}

impl From<Access> for AccessType {
    fn from(access: Access) -> Self {
        match access {
            Access::Load => AccessType::Load,
            Access::Store => AccessType::Store,
        }
    }
}

/// One piece of a guest range that lies inside a single mapped region (an item of
/// [`RegionChunks`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionChunk {
    /// VM address of the chunk's first byte.
    pub vm_addr: u64,
    /// Length in bytes; never 0.
    pub len: u64,
    /// VM start address of the region the chunk lies in.
    pub region_vm_addr: u64,
}

/// Walks a guest range region by region, from the front ([`Iterator::next`]) or from the
/// back ([`DoubleEndedIterator::next_back`]), as Agave 2.1's `MemoryChunkIterator` does for
/// the direct-mapping mem ops (`solana-bpf-loader-program 2.1, src/syscalls/mem_ops.rs`).
///
/// Each step looks up the region holding the next unvisited byte (the first one going
/// forward, the last one going backward), checks the access against it (a store needs a
/// writable region), and yields the part of the remaining range inside that region. A
/// failed lookup yields one error and ends the walk. Its error is the access violation
/// solana-sbpf reports for the byte that failed, but with the address and length of the
/// *whole* range, as Agave rewrites it.
///
/// A byte in a stack frame gap counts as unmapped (Agave walks regions only under direct
/// mapping, where the stack has no gaps).
///
/// Nothing is translated: callers translate each chunk ([`GuestMemory::range`],
/// [`GuestMemory::output`]) when they use it, so a failure further on leaves the effect of
/// the earlier chunks in place.
pub struct RegionChunks<'a> {
    mapping: MappingRef<'a>,
    access: AccessType,
    initial_vm_addr: u64,
    len: u64,
    start: u64,
    // Exclusive end of the part not yet visited.
    end: u64,
}

impl RegionChunks<'_> {
    /// The start and exclusive end of the region holding `vm_addr` (Agave 2.1's
    /// `MemoryMapping::region`, `solana_rbpf 0.8, src/memory_region.rs`: the region must
    /// contain the address and, for a store, be writable).
    fn region(&self, vm_addr: u64) -> Result<(u64, u64), SyscallError> {
        // A one-byte mapping succeeds exactly when a region holds `vm_addr` and allows
        // the access; on failure it gives solana-sbpf's access violation for that byte.
        let error = match self.mapping.map(self.access, vm_addr, 1) {
            StableResult::Ok(_) => match self.mapping.region_range(vm_addr) {
                Some(range) => {
                    return Ok((range.start, range.end));
                }
                // Only without address translation, which sbfvm never turns off.
                None => EbpfError::AccessViolation(self.access, vm_addr, 1, "unknown"),
            },
            StableResult::Err(error) => error,
        };
        Err(SyscallError::Memory(
            self.rewrite_violation(error).to_string(),
        ))
    }

    /// Agave's `MemoryChunkIterator::region` error: the violation's address and length
    /// become those of the whole range; its region name or stack frame stays.
    fn rewrite_violation(&self, error: EbpfError) -> EbpfError {
        match error {
            EbpfError::AccessViolation(access, _, _, name) => {
                EbpfError::AccessViolation(access, self.initial_vm_addr, self.len, name)
            }
            EbpfError::StackAccessViolation(access, _, _, frame) => {
                EbpfError::StackAccessViolation(access, self.initial_vm_addr, self.len, frame)
            }
            other => other,
        }
    }

    fn finish_with(&mut self, error: SyscallError) -> Option<Result<RegionChunk, SyscallError>> {
        self.start = self.end;
        Some(Err(error))
    }
}

impl Iterator for RegionChunks<'_> {
    type Item = Result<RegionChunk, SyscallError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.start == self.end {
            return None;
        }
        let (region_start, region_end) = match self.region(self.start) {
            Ok(region) => region,
            Err(error) => return self.finish_with(error),
        };
        let vm_addr = self.start;
        // The whole rest of the region, or the rest of the range if it ends inside it.
        let chunk_end = region_end.min(self.end);
        self.start = chunk_end;
        Some(Ok(RegionChunk {
            vm_addr,
            len: chunk_end - vm_addr,
            region_vm_addr: region_start,
        }))
    }
}

impl DoubleEndedIterator for RegionChunks<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.start == self.end {
            return None;
        }
        let (region_start, _) = match self.region(self.end - 1) {
            Ok(region) => region,
            Err(error) => return self.finish_with(error),
        };
        let chunk_start = region_start.max(self.start);
        let len = self.end - chunk_start;
        self.end = chunk_start;
        Some(Ok(RegionChunk {
            vm_addr: chunk_start,
            len,
            region_vm_addr: region_start,
        }))
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
        // 16-byte aligned buffers, as the executor's: the alignment checks below depend on
        // where the host bytes sit (a `Vec<u8>` may start anywhere, and under Miri does).
        let mut writable = AlignedBuffer::zeroed(64);
        let mut readonly = AlignedBuffer::zeroed(16);
        readonly.as_mut_slice().fill(7);
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
        let result = f(&mapping, &mut [], readonly.as_slice());
        drop(mapping);
        result
    }

    /// The constant-length writes (`write_array`, `write_u64s`, `write_u64`) store exactly
    /// what the plain `write` would: the whole value when the range holds it, and as much
    /// of it as fits when the range is shorter.
    #[test]
    fn constant_length_writes_match_the_plain_write() {
        with_mapping(|mapping, _, _| {
            let memory = GuestMemory::new(mapping, false);
            let bytes: [u8; 16] = std::array::from_fn(|index| index as u8 + 1);
            let values = [0x1122_3344_5566_7788u64, 0x99aa_bbcc_ddee_ff00];
            let value_bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            for len in [16u64, 11, 3, 0] {
                let at = |offset: u64| MM_INPUT_START + offset;
                memory.output(at(0), 64, 1, 1).unwrap().fill(0xee);
                let expected = |source: &[u8]| {
                    let mut expected = vec![0xee; 24];
                    expected[..len as usize].copy_from_slice(&source[..len as usize]);
                    expected
                };
                memory.output(at(0), len, 1, 1).unwrap().write_array(&bytes);
                assert_eq!(memory.bytes(at(0), 24).unwrap(), expected(&bytes), "{len}");
                memory
                    .output(at(32), len, 1, 1)
                    .unwrap()
                    .write_u64s(&values);
                let written = memory.bytes(at(32), 24).unwrap();
                assert_eq!(written, expected(&value_bytes), "{len}");
                let short = len.min(8);
                memory
                    .output(at(0), short, 1, 1)
                    .unwrap()
                    .write_u64(values[0]);
                assert_eq!(
                    memory.bytes(at(0), short).unwrap(),
                    &values[0].to_le_bytes()[..short as usize],
                );
            }
        });
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

    /// An unaligned mapping with input regions of 8 (writable), 4 (read-only) and 6
    /// (writable) bytes packed from `MM_INPUT_START`.
    fn with_input_regions<R>(f: impl FnOnce(&MemoryMapping) -> R) -> R {
        let mut first = vec![1u8; 8];
        let second = vec![2u8; 4];
        let mut third = vec![3u8; 6];
        let config = Config {
            aligned_memory_mapping: false,
            ..Config::default()
        };
        let regions = vec![
            MemoryRegion::new(&raw mut *first.as_mut_slice(), MM_INPUT_START),
            MemoryRegion::new(&raw const *second.as_slice(), MM_INPUT_START + 8),
            MemoryRegion::new(&raw mut *third.as_mut_slice(), MM_INPUT_START + 12),
        ];
        // SAFETY: the buffers outlive the mapping, which is dropped at the end of this call.
        let mapping = unsafe { MemoryMapping::new(regions, &config, SBPFVersion::V0).unwrap() };
        let result = f(&mapping);
        drop(mapping);
        result
    }

    fn chunk(vm_addr: u64, len: u64, region_vm_addr: u64) -> RegionChunk {
        RegionChunk {
            vm_addr,
            len,
            region_vm_addr,
        }
    }

    #[test]
    fn region_chunks_walk_both_ways() {
        with_input_regions(|mapping| {
            let memory = GuestMemory::new(mapping, true);
            let start = MM_INPUT_START;
            let forward: Vec<_> = memory
                .region_chunks(Access::Load, start + 6, 10)
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert_eq!(
                forward,
                [
                    chunk(start + 6, 2, start),
                    chunk(start + 8, 4, start + 8),
                    chunk(start + 12, 4, start + 12),
                ]
            );
            let backward: Vec<_> = memory
                .region_chunks(Access::Load, start + 6, 10)
                .unwrap()
                .rev()
                .map(Result::unwrap)
                .collect();
            assert_eq!(
                backward,
                [
                    chunk(start + 12, 4, start + 12),
                    chunk(start + 8, 4, start + 8),
                    chunk(start + 6, 2, start),
                ]
            );
            // Inside one region: one chunk; no bytes: no chunk.
            let mut one = memory.region_chunks(Access::Store, start + 1, 3).unwrap();
            assert_eq!(one.next().unwrap().unwrap(), chunk(start + 1, 3, start));
            assert!(one.next().is_none());
            assert!(memory
                .region_chunks(Access::Load, 0xdead, 0)
                .unwrap()
                .next()
                .is_none());
        });
    }

    #[test]
    fn region_chunks_fail_at_the_boundary_with_the_whole_range() {
        with_input_regions(|mapping| {
            let memory = GuestMemory::new(mapping, true);
            let start = MM_INPUT_START;
            // A store reaches the read-only region on the second step.
            let mut walk = memory.region_chunks(Access::Store, start + 4, 8).unwrap();
            assert_eq!(walk.next().unwrap().unwrap(), chunk(start + 4, 4, start));
            let Some(Err(SyscallError::Memory(text))) = walk.next() else {
                panic!("expected an access violation");
            };
            assert!(text.contains(&format!("{:#x}", start + 4)), "{text}");
            assert!(text.contains("writing 8 bytes"), "{text}");
            assert!(walk.next().is_none(), "the walk ends after an error");
            // Past the last region: going backwards fails on the first step.
            let mut walk = memory.region_chunks(Access::Load, start + 16, 4).unwrap();
            assert!(matches!(
                walk.next_back(),
                Some(Err(SyscallError::Memory(_)))
            ));
            // Going forwards, the mapped part comes first.
            let mut walk = memory.region_chunks(Access::Load, start + 16, 4).unwrap();
            assert_eq!(
                walk.next().unwrap().unwrap(),
                chunk(start + 16, 2, start + 12)
            );
            assert!(matches!(walk.next(), Some(Err(SyscallError::Memory(_)))));
            // An overflowing end fails before any lookup.
            assert!(matches!(
                memory.region_chunks(Access::Load, u64::MAX, 2),
                Err(SyscallError::Memory(_))
            ));
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
    /// A buffer of `len` zero bytes.
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

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the length is 0.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The buffer's `len` bytes.
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: `words` holds at least `len` initialized bytes (len <= 16 * words.len()),
        // u128 has no padding, and u8 has alignment 1.
        unsafe { std::slice::from_raw_parts(self.words.as_ptr().cast::<u8>(), self.len) }
    }

    /// The buffer's `len` bytes, mutably.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as in `as_slice`; the unique borrow of `self` makes the slice unique.
        unsafe { std::slice::from_raw_parts_mut(self.words.as_mut_ptr().cast::<u8>(), self.len) }
    }

    /// The buffer's start as a raw pointer, without creating a reference to its bytes: raw
    /// pointers taken this way (e.g. a region's and its growth handler's) do not invalidate
    /// each other, as pointers derived from two `as_mut_slice` borrows would under Stacked
    /// Borrows.
    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.words.as_mut_ptr().cast::<u8>()
    }
}

/// Lazily grown stack and heap regions.
///
/// Zeroing the whole 256 KiB stack and 32 KiB heap before every run dominated the cost of a
/// small instruction or a CPI. Instead each region starts short over its full-size, zeroed
/// pooled buffer and grows when the program (or a syscall) first reaches past its end,
/// through solana-sbpf's access-violation handler, which both the interpreter and the JIT
/// call before reporting a violation. What the program can observe is unchanged: every
/// byte it reaches reads as zero until written, and an access that is invalid for the
/// full-size region still fails with the same error. After the run only the grown extent
/// is zeroed, so a pooled buffer is entirely zero whenever it is handed out.
pub(crate) mod lazy {
    use std::cell::Cell;
    use std::ptr::NonNull;
    use std::rc::Rc;

    use sbfvm_runtime::transaction_context::TransactionContext;
    use solana_sbpf::ebpf::MM_INPUT_START;
    use solana_sbpf::memory_region::{AccessType, AccessViolationHandler, MemoryRegion};

    use super::{AccountDataRegion, AlignedBuffer};

    pub(crate) const STACK: u16 = 1;
    pub(crate) const HEAP: u16 = 2;
    /// The serialized input, mapped read-only until the first store (see [`input_region`]).
    pub(crate) const INPUT: u16 = 3;
    /// The data region of a changeable account (`virtual_address_space_adjustments`): this
    /// plus the account's index in the transaction.
    const ACCOUNT: u16 = 16;

    /// The payload of a changeable account's data region.
    pub(crate) fn account_payload(index_in_transaction: u16) -> Option<u16> {
        ACCOUNT.checked_add(index_in_transaction)
    }

    /// The input's regions under `virtual_address_space_adjustments` (Agave's
    /// `Serializer::push_region` and `modify_memory_region_of_account`): the bytes between
    /// accounts' data writable, each account's data a region of its own of its length,
    /// writable and growable up to its reservation when the program may change it,
    /// read-only otherwise.
    pub(crate) fn split_input_regions(
        input: &mut AlignedBuffer,
        len: usize,
        data_regions: &[AccountDataRegion],
        into: &mut Vec<MemoryRegion>,
    ) {
        assert!(len <= input.len());
        let base = input.as_mut_ptr();
        let mut start = 0;
        let push = |from: usize, to: usize, into: &mut Vec<MemoryRegion>| {
            assert!(from <= to && to <= len);
            // SAFETY: `from..to` lies within the buffer (checked above).
            let host = std::ptr::slice_from_raw_parts_mut(unsafe { base.add(from) }, to - from);
            into.push(MemoryRegion::new(host, MM_INPUT_START + from as u64));
        };
        for data in data_regions {
            push(start, data.offset, into);
            start = data.offset;
            if data.reserved == 0 {
                continue;
            }
            assert!(data.len <= data.reserved && data.offset + data.reserved <= len);
            // SAFETY: within the buffer (asserted above).
            let host =
                std::ptr::slice_from_raw_parts_mut(unsafe { base.add(data.offset) }, data.len);
            let vm_addr = MM_INPUT_START + data.offset as u64;
            let mut region = if data.changeable {
                MemoryRegion::new(host, vm_addr)
            } else {
                MemoryRegion::new(host.cast_const(), vm_addr)
            };
            if data.changeable {
                region.access_violation_handler_payload =
                    account_payload(data.index_in_transaction);
            }
            into.push(region);
            start = data.offset + data.reserved;
        }
        push(start, len, into);
    }

    /// One growable region: its buffer and how much of it is mapped (and so may be dirty).
    #[derive(Clone, Copy)]
    struct Grower {
        base: *mut u8,
        full_len: usize,
        /// Frame size for the v0 stack's gapped layout; 0 when contiguous.
        gap: u64,
    }

    /// The current extents of the stack and heap, and whether the input was written,
    /// shared with the handler.
    #[derive(Clone, Default)]
    pub(crate) struct Extents(Rc<[Cell<usize>; 3]>);

    impl Extents {
        /// Back to the initial extents, for the next run over the same buffers.
        pub(crate) fn reset(&self, stack: usize, heap: usize) {
            self.0[0].set(stack);
            self.0[1].set(heap);
            self.0[2].set(0);
        }
        /// Whether anything stored into the input region since the last reset.
        pub(crate) fn input_written(&self) -> bool {
            self.0[2].get() != 0
        }
        pub(crate) fn stack(&self) -> usize {
            self.0[0].get()
        }
        pub(crate) fn heap(&self) -> usize {
            self.0[1].get()
        }
    }

    /// A region over the first `initial` bytes of `buffer`, which must be zeroed and at
    /// least `initial` long.
    pub(crate) fn region(
        buffer: &mut AlignedBuffer,
        initial: usize,
        vm_addr: u64,
        gap: u64,
        payload: u16,
    ) -> MemoryRegion {
        assert!(initial <= buffer.len());
        let prefix = std::ptr::slice_from_raw_parts_mut(buffer.as_mut_ptr(), initial);
        let mut region = MemoryRegion::new_gapped(prefix, vm_addr, gap);
        region.access_violation_handler_payload = Some(payload);
        region
    }

    /// The input region over `input`, read-only until the first store into it, which the
    /// handler turns writable (and records): a run that never writes its input leaves the
    /// serialized bytes, the zeroed realloc reserves included, as they were, so the next
    /// serialization of the same layout into this buffer need not zero them again.
    pub(crate) fn input_region(input: &mut AlignedBuffer, vm_addr: u64) -> MemoryRegion {
        let host: *mut [u8] = &raw mut *input.as_mut_slice();
        let mut region = MemoryRegion::new(host.cast_const(), vm_addr);
        region.access_violation_handler_payload = Some(INPUT);
        region
    }

    /// The handler growing the stack (payload [`STACK`]) and heap ([`HEAP`]) regions and
    /// making the input region ([`INPUT`]) writable on its first store.
    ///
    /// # Safety
    /// The two buffers must stay alive, unmoved and at their full length for as long as the
    /// mapping that uses the handler.
    ///
    /// With `accounts`, it also grows changeable accounts' data regions as Agave's handler
    /// does under `virtual_address_space_adjustments` (`solana-transaction-context 4.4.0,
    /// src/transaction.rs`, `access_violation_handler`): a store within the account's
    /// reservation (the distance to the next region) beyond its data grows the account
    /// ([`TransactionContext::grow_account_for_store`]) and the region with it. Then the
    /// transaction context must outlive every use of the mapping as well, and no `&mut` to it
    /// may be live while the mapping is used.
    pub(crate) unsafe fn handler(
        stack: &mut AlignedBuffer,
        stack_initial: usize,
        stack_gap: u64,
        heap: &mut AlignedBuffer,
        heap_initial: usize,
        accounts: Option<NonNull<TransactionContext>>,
    ) -> (AccessViolationHandler, Extents) {
        let extents = Extents(Rc::new([
            Cell::new(stack_initial),
            Cell::new(heap_initial),
            Cell::new(0),
        ]));
        let growers = [
            Grower {
                base: stack.as_mut_ptr(),
                full_len: stack.len(),
                gap: stack_gap,
            },
            Grower {
                base: heap.as_mut_ptr(),
                full_len: heap.len(),
                gap: 0,
            },
        ];
        let shared = extents.clone();
        let handler = move |region: &mut MemoryRegion,
                            max_len: u64,
                            access: AccessType,
                            vm_addr: u64,
                            len: u64| {
            let index = match region.access_violation_handler_payload {
                Some(payload) if payload >= ACCOUNT => {
                    if let Some(accounts) = accounts {
                        // SAFETY: the caller's contract: the transaction context is alive
                        // and not mutably borrowed while the mapping is in use.
                        let accounts = unsafe { accounts.as_ref() };
                        grow_account(
                            accounts,
                            payload - ACCOUNT,
                            region,
                            max_len,
                            access,
                            vm_addr,
                            len,
                        );
                    }
                    return;
                }
                Some(STACK) => 0,
                Some(HEAP) => 1,
                Some(INPUT) => {
                    let range = region.vm_addr_range();
                    let inside = vm_addr >= range.start
                        && vm_addr.checked_add(len).is_some_and(|end| end <= range.end);
                    // Anything else keeps the error the full writable region would give.
                    if access == AccessType::Store && inside {
                        shared.0[2].set(1);
                        // SAFETY: `input_region` built this buffer from a mutable pointer
                        // to the input buffer, which the executor keeps alive and unmoved
                        // for the mapping's lifetime; only the permission changes.
                        unsafe {
                            let host = region.host_buffer().mutable();
                            region.redirect(host);
                        }
                    }
                    return;
                }
                _ => return,
            };
            let grower = growers[index];
            let start = region.vm_addr_range().start;
            let Some(offset) = vm_addr.checked_sub(start) else {
                return;
            };
            // The host offset the access starts at (the stack's frames are gapped in v0).
            let host_offset = match offset.checked_div(grower.gap) {
                None => offset,                        // contiguous
                Some(slot) if slot % 2 == 1 => return, // inside a gap: invalid whatever the length
                Some(slot) => (slot / 2) * grower.gap + offset % grower.gap,
            };
            let Some(needed) = host_offset.checked_add(len) else {
                return;
            };
            let current = shared.0[index].get();
            if needed as usize <= current {
                return; // not a matter of length: the original error stands
            }
            // Grow geometrically so a deepening program triggers few handler calls.
            let target = (needed as usize)
                .max(current.saturating_mul(2))
                .max(4096)
                .min(grower.full_len);
            shared.0[index].set(target);
            let host = std::ptr::slice_from_raw_parts_mut(grower.base, target);
            // SAFETY: `host` is a prefix of the region's own buffer, alive and unmoved for the
            // mapping's lifetime (the caller's contract); its bytes past the old length are
            // zero (pooled buffers are zero beyond their recorded extent), so the program sees
            // exactly what a full-size zeroed region would show.
            unsafe { region.redirect(host) };
        };
        (Box::new(handler), extents)
    }

    /// Agave's `access_violation_handler` for a changeable account's data region: loads and
    /// accesses beyond the reservation are left to fail; a store beyond the data grows the
    /// account and the region over the reserved bytes of the input.
    fn grow_account(
        accounts: &TransactionContext,
        index_in_transaction: u16,
        region: &mut MemoryRegion,
        max_len: u64,
        access: AccessType,
        vm_addr: u64,
        len: u64,
    ) {
        if access == AccessType::Load {
            return;
        }
        let requested = vm_addr
            .saturating_add(len)
            .saturating_sub(region.vm_addr_range().start);
        if requested > max_len || requested as usize <= region.len() {
            return;
        }
        let Some(new_len) = accounts.grow_account_for_store(index_in_transaction, max_len as usize)
        else {
            return;
        };
        // SAFETY: the region was built over the account's data in the input buffer, where
        // the serializer reserved `max_len` bytes (the distance to the next region), and
        // `new_len` does not exceed it; the buffer outlives the mapping.
        unsafe {
            let base = region.host_buffer().mutable().ptr_mut().cast::<u8>();
            region.redirect(std::ptr::slice_from_raw_parts_mut(base, new_len));
        }
    }
}
