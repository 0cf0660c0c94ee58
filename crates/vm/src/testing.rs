//! Test support (not part of the stable API): runs code against a [`VmContext`] whose guest
//! memory is a set of caller-owned buffers, so a syscall can be called directly on
//! hand-built memory without assembling and running a program.
//!
//! The mapping is the one the executor builds (aligned, the Agave 4.4 default): a read-only
//! region at `0x1_0000_0000`, then the stack (`0x2_0000_0000`, no frame gaps), the heap
//! (`0x3_0000_0000`) and the input (`0x4_0000_0000`), all writable. Every buffer is an
//! [`AlignedBuffer`], so host addresses are 16-aligned and VM-address alignment equals
//! host-address alignment, as it does for a real run.
//!
//! [`with_input_regions`] maps the input as several regions instead, with the unaligned
//! mapping of Agave's direct-mapping layout.

use std::ptr::NonNull;

use sbfvm_runtime::InvokeContext;
use solana_sbpf::{
    ebpf::{MM_BYTECODE_START, MM_HEAP_START, MM_INPUT_START, MM_STACK_START},
    memory_region::{MemoryMapping, MemoryRegion},
    program::SBPFVersion,
    vm::Config,
};

use crate::context::VmContext;
use crate::memory::AlignedBuffer;
use crate::serialization::{InputAbi, SerializedAccountMetadata};

/// The guest memory of a test: one buffer per region, zero-filled at creation.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct GuestBuffers {
    /// Read-only region at `0x1_0000_0000` (where an ELF's rodata and text live).
    pub rodata: AlignedBuffer,
    /// Writable region at `MM_STACK_START`.
    pub stack: AlignedBuffer,
    /// Writable region at `MM_HEAP_START`; its length is also the bump allocator's size.
    pub heap: AlignedBuffer,
    /// Writable region at `MM_INPUT_START`.
    pub input: AlignedBuffer,
}

impl GuestBuffers {
    /// Zero-filled buffers of the given lengths.
    pub fn new(rodata: usize, stack: usize, heap: usize, input: usize) -> Self {
        Self {
            rodata: AlignedBuffer::zeroed(rodata),
            stack: AlignedBuffer::zeroed(stack),
            heap: AlignedBuffer::zeroed(heap),
            input: AlignedBuffer::zeroed(input),
        }
    }

    /// The buffer mapped at `vm_addr` and the offset of `vm_addr` inside it, for setting up
    /// and inspecting memory by VM address. Panics when `vm_addr` is in no test region.
    pub fn locate(&mut self, vm_addr: u64) -> (&mut AlignedBuffer, usize) {
        let (buffer, start) = match vm_addr >> 32 {
            1 => (&mut self.rodata, MM_BYTECODE_START),
            2 => (&mut self.stack, MM_STACK_START),
            3 => (&mut self.heap, MM_HEAP_START),
            4 => (&mut self.input, MM_INPUT_START),
            _ => panic!("{vm_addr:#x} is not in a test region"),
        };
        (buffer, (vm_addr - start) as usize)
    }

    /// Copies `bytes` into guest memory at `vm_addr` (read-only regions included).
    pub fn write(&mut self, vm_addr: u64, bytes: &[u8]) {
        let (buffer, offset) = self.locate(vm_addr);
        buffer.as_mut_slice()[offset..offset + bytes.len()].copy_from_slice(bytes);
    }

    /// Reads `len` bytes of guest memory at `vm_addr`.
    pub fn read(&mut self, vm_addr: u64, len: usize) -> Vec<u8> {
        let (buffer, offset) = self.locate(vm_addr);
        buffer.as_slice()[offset..offset + len].to_vec()
    }
}

/// Builds a [`VmContext`] over `invoke_context` and `buffers` and runs `f` with it.
///
/// `abi` selects the alignment rule exactly as the executor does: [`InputAbi::Unaligned`]
/// (deprecated-loader programs) turns alignment checks off. The context's program id is the
/// current frame's program (or the default key when nothing is on the invoke stack), and its
/// accounts metadata is `accounts_metadata`.
#[doc(hidden)]
pub fn with_vm_context<R>(
    invoke_context: &mut InvokeContext,
    buffers: &mut GuestBuffers,
    abi: InputAbi,
    accounts_metadata: Vec<SerializedAccountMetadata>,
    f: impl FnOnce(&mut VmContext) -> R,
) -> R {
    let config = Config {
        aligned_memory_mapping: true,
        enable_stack_frame_gaps: false,
        ..Config::default()
    };
    // Raw slices from `as_mut_ptr`, which creates no reference: a test may keep host
    // ranges (`HostOut`) from one call and use them in the next, and a fresh `&mut` of the
    // buffers would invalidate them (Stacked Borrows), as it would in the executor.
    let raw = |buffer: &mut AlignedBuffer| {
        std::ptr::slice_from_raw_parts_mut(buffer.as_mut_ptr(), buffer.len())
    };
    let regions = vec![
        MemoryRegion::new(raw(&mut buffers.rodata).cast_const(), MM_BYTECODE_START),
        MemoryRegion::new(raw(&mut buffers.stack), MM_STACK_START),
        MemoryRegion::new(raw(&mut buffers.heap), MM_HEAP_START),
        MemoryRegion::new(raw(&mut buffers.input), MM_INPUT_START),
    ];
    // SAFETY: the four buffers are mutably borrowed for this whole call and are neither
    // resized nor touched through any other path while the mapping exists; the mapping is
    // owned by `context`, which is dropped before this function returns.
    let mapping = unsafe { MemoryMapping::new(regions, &config, SBPFVersion::V0) }
        .expect("test regions form a valid aligned mapping");
    let program_id = invoke_context.current_program_id().unwrap_or_default();
    let heap_len = buffers.heap.len() as u64;
    // SAFETY: `invoke_context` is mutably borrowed for this whole call, so nothing else can
    // use it while `context` (which reaches it only through this pointer) exists; `context`
    // is dropped before the borrow ends. `f` receives `&mut VmContext` only, so it cannot
    // keep a reference into the context past its return.
    let mut context = unsafe {
        VmContext::new(
            NonNull::from(&mut *invoke_context),
            mapping,
            heap_len,
            accounts_metadata,
            abi,
            program_id,
        )
    };
    let result = f(&mut context);
    drop(context);
    result
}

/// One input region for [`with_input_regions`]: its bytes and whether it is writable.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct InputRegion {
    pub buffer: AlignedBuffer,
    pub writable: bool,
}

impl InputRegion {
    /// A region holding `bytes`.
    pub fn new(bytes: &[u8], writable: bool) -> Self {
        let mut buffer = AlignedBuffer::zeroed(bytes.len());
        buffer.as_mut_slice().copy_from_slice(bytes);
        Self { buffer, writable }
    }
}

/// Like [`with_vm_context`], but with the *unaligned* mapping (Agave's direct-mapping
/// layout, no stack frame gaps) and the input made of `input`: each region mapped right
/// after the previous one from `0x4_0000_0000`, read-only unless marked writable. Empty
/// regions are skipped. `buffers.input` is not mapped.
#[doc(hidden)]
pub fn with_input_regions<R>(
    invoke_context: &mut InvokeContext,
    buffers: &mut GuestBuffers,
    input: &mut [InputRegion],
    abi: InputAbi,
    accounts_metadata: Vec<SerializedAccountMetadata>,
    f: impl FnOnce(&mut VmContext) -> R,
) -> R {
    let config = Config {
        aligned_memory_mapping: false,
        enable_stack_frame_gaps: false,
        ..Config::default()
    };
    let mut regions = vec![
        MemoryRegion::new(&raw const *buffers.rodata.as_slice(), MM_BYTECODE_START),
        MemoryRegion::new(&raw mut *buffers.stack.as_mut_slice(), MM_STACK_START),
        MemoryRegion::new(&raw mut *buffers.heap.as_mut_slice(), MM_HEAP_START),
    ];
    let mut vm_addr = MM_INPUT_START;
    for region in input.iter_mut().filter(|region| !region.buffer.is_empty()) {
        let len = region.buffer.len() as u64;
        regions.push(if region.writable {
            MemoryRegion::new(&raw mut *region.buffer.as_mut_slice(), vm_addr)
        } else {
            MemoryRegion::new(&raw const *region.buffer.as_slice(), vm_addr)
        });
        vm_addr += len;
    }
    // SAFETY: every region points into `buffers` or `input`, both mutably borrowed for this
    // whole call and neither resized nor touched through any other path while the mapping
    // exists; the mapping is owned by `context`, which is dropped before this returns.
    let mapping = unsafe { MemoryMapping::new(regions, &config, SBPFVersion::V0) }
        .expect("test regions form a valid unaligned mapping");
    let program_id = invoke_context.current_program_id().unwrap_or_default();
    let heap_len = buffers.heap.len() as u64;
    // SAFETY: as in `with_vm_context`: `invoke_context` is mutably borrowed for this whole
    // call and reached only through `context`, which is dropped before the borrow ends.
    let mut context = unsafe {
        VmContext::new(
            NonNull::from(&mut *invoke_context),
            mapping,
            heap_len,
            accounts_metadata,
            abi,
            program_id,
        )
    };
    let result = f(&mut context);
    drop(context);
    result
}
