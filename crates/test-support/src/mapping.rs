//! The one mapper: every entry point of this crate maps its [`HarnessMemory`] through
//! [`with_mapping`], which holds the only `unsafe` code of the crate. The entry points differ
//! only in the [`Layout`] and in what replaces the memory's read-only or input regions.

use std::ptr::NonNull;

use sbfvm_runtime::{InvokeContext, Pubkey};
use sbfvm_vm::{AlignedBuffer, InputAbi, ProgramEnvironment, SerializedAccountMetadata, VmContext};
use solana_sbpf::{
    elf::Executable,
    error::EbpfError,
    memory_region::{MemoryMapping, MemoryRegion},
    program::SBPFVersion,
    vm::Config,
};

use crate::memory::{
    HarnessMemory, InputRegion, HEAP_START, INPUT_START, RODATA_START, STACK_START,
};

/// What the [`VmContext`] of a harness frame holds besides memory.
#[derive(Debug, Clone)]
pub struct FrameSetup {
    /// The program the frame runs as (log lines, CPI caller).
    pub program_id: Pubkey,
    /// `Aligned` checks pointer alignment in syscalls; `Unaligned` (deprecated loader) does not.
    pub abi: InputAbi,
    /// Where each instruction account sits in the input (used by CPI).
    pub accounts_metadata: Vec<SerializedAccountMetadata>,
}

impl FrameSetup {
    /// A frame of `program_id` with the aligned ABI and no serialized accounts (what raw
    /// program text runs as).
    pub fn aligned(program_id: Pubkey) -> Self {
        Self {
            program_id,
            abi: InputAbi::Aligned,
            accounts_metadata: Vec::new(),
        }
    }
}

/// How the regions are mapped.
pub(crate) struct Layout<'a> {
    /// solana-sbpf's VM configuration: `aligned_memory_mapping` picks the mapping (one
    /// region per 4 GiB slot, or regions packed); the stack frame size and call depth name
    /// the frame of a stack access violation.
    pub(crate) config: &'a Config,
    pub(crate) version: SBPFVersion,
    /// The stack's frame gap in bytes; 0 for a contiguous stack.
    pub(crate) stack_gap: u64,
}

impl<'a> Layout<'a> {
    /// The mapping `environment` gives a program of `version`: aligned unless it was built
    /// with `virtual_address_space_adjustments`, with stack frame gaps when both its
    /// configuration and `version` have them.
    pub(crate) fn of(environment: &'a ProgramEnvironment, version: SBPFVersion) -> Self {
        let config = environment.sbpf_loader().get_config();
        let stack_gap = if config.enable_stack_frame_gaps && version.stack_frame_gaps() {
            config.stack_frame_size as u64
        } else {
            0
        };
        Self {
            config,
            version,
            stack_gap,
        }
    }
}

/// What one mapping covers: the buffers of `memory`, with its input regions replaced by
/// `input` and its read-only region by the program region of `program` when given. All
/// borrowed for the whole run, so nothing else can touch them while they are mapped.
pub(crate) struct MappedMemory<'a> {
    pub(crate) memory: &'a mut HarnessMemory,
    pub(crate) input: Option<&'a mut [InputRegion]>,
    pub(crate) program: Option<&'a Executable<VmContext>>,
}

impl<'a> MappedMemory<'a> {
    /// The buffers of `memory` with its own read-only and input regions.
    pub(crate) fn own(memory: &'a mut HarnessMemory) -> Self {
        Self {
            memory,
            input: None,
            program: None,
        }
    }

    /// The regions, in VM address order. Host pointers are taken with `as_mut_ptr`, which
    /// creates no reference to the bytes: a test may keep host ranges (`HostOut`) from one
    /// call and use them in the next, and a fresh `&mut` of a buffer would invalidate them
    /// (Stacked Borrows), as it would in the executor.
    fn regions(&mut self, stack_gap: u64) -> Vec<MemoryRegion> {
        let memory = &mut *self.memory;
        let input = match self.input.as_deref_mut() {
            Some(input) => input,
            None => &mut memory.input[..],
        };
        let host = |buffer: &mut AlignedBuffer| {
            std::ptr::slice_from_raw_parts_mut(buffer.as_mut_ptr(), buffer.len())
        };
        let mut regions = Vec::with_capacity(3 + input.len());
        regions.push(match self.program {
            Some(executable) => executable.get_ro_region(),
            None => MemoryRegion::new(host(&mut memory.rodata).cast_const(), RODATA_START),
        });
        regions.push(MemoryRegion::new_gapped(
            host(&mut memory.stack),
            STACK_START,
            stack_gap,
        ));
        regions.push(MemoryRegion::new(host(&mut memory.heap), HEAP_START));
        let mut vm_addr = INPUT_START;
        for region in input.iter_mut().filter(|region| !region.buffer.is_empty()) {
            let bytes = host(&mut region.buffer);
            regions.push(if region.writable {
                MemoryRegion::new(bytes, vm_addr)
            } else {
                MemoryRegion::new(bytes.cast_const(), vm_addr)
            });
            vm_addr = vm_addr.saturating_add(region.buffer.len() as u64);
        }
        regions
    }
}

/// Maps `mapped` as `layout` says and runs `f` with a [`VmContext`] over the mapping that
/// reaches `invoke_context` and runs as `frame`. Fails only when the regions cannot be
/// mapped (several input regions under the aligned mapping).
pub(crate) fn with_mapping<R>(
    invoke_context: &mut InvokeContext,
    mut mapped: MappedMemory<'_>,
    layout: &Layout<'_>,
    frame: FrameSetup,
    f: impl FnOnce(&mut VmContext) -> R,
) -> Result<R, EbpfError> {
    let heap_len = mapped.memory.heap.len() as u64;
    let regions = mapped.regions(layout.stack_gap);
    // SAFETY: every region points into a buffer that `mapped` borrows mutably (or into the
    // executable it borrows) for this whole call, so none is resized, freed or used through
    // another path while the mapping exists; the mapping is owned by `context` below, which
    // is dropped before this returns. Writable regions are plain bytes.
    let mapping = unsafe { MemoryMapping::new(regions, layout.config, layout.version) }?;
    // SAFETY: `invoke_context` is mutably borrowed for this whole call and reached only
    // through `context`, which is dropped before the borrow ends. `f` receives
    // `&mut VmContext` only, so it cannot keep a reference into the context past its return.
    let mut context = unsafe {
        VmContext::new(
            NonNull::from(&mut *invoke_context),
            mapping,
            heap_len,
            frame.accounts_metadata,
            frame.abi,
            frame.program_id,
        )
    };
    let result = f(&mut context);
    drop(context);
    Ok(result)
}

/// solana-sbpf's default configuration without stack frame gaps, with the given mapping.
fn gapless_config(aligned_memory_mapping: bool) -> Config {
    Config {
        aligned_memory_mapping,
        enable_stack_frame_gaps: false,
        ..Config::default()
    }
}

/// Runs `f` with a [`VmContext`] over `invoke_context` and `memory`, mapped as the executor
/// maps a program's memory by default (aligned, Agave 4.4), without stack frame gaps.
///
/// `abi` selects the alignment rule exactly as the executor does: [`InputAbi::Unaligned`]
/// (deprecated-loader programs) turns alignment checks off. The context's program id is the
/// current frame's program (or the default key when nothing is on the invoke stack), and its
/// accounts metadata is `accounts_metadata`. Panics when the memory has several input
/// regions (the aligned mapping has one slot for the input).
pub fn with_vm_context<R>(
    invoke_context: &mut InvokeContext,
    memory: &mut HarnessMemory,
    abi: InputAbi,
    accounts_metadata: Vec<SerializedAccountMetadata>,
    f: impl FnOnce(&mut VmContext) -> R,
) -> R {
    let mapped = MappedMemory::own(memory);
    run_test_frame(invoke_context, mapped, true, abi, accounts_metadata, f)
        .expect("test regions form a valid aligned mapping")
}

/// Like [`with_vm_context`], but with the *unaligned* mapping (Agave's direct-mapping
/// layout, no stack frame gaps) and the input made of `input`: each region mapped right
/// after the previous one from `0x4_0000_0000`, read-only unless marked writable. Empty
/// regions are skipped. The input regions of `memory` are not mapped.
pub fn with_input_regions<R>(
    invoke_context: &mut InvokeContext,
    memory: &mut HarnessMemory,
    input: &mut [InputRegion],
    abi: InputAbi,
    accounts_metadata: Vec<SerializedAccountMetadata>,
    f: impl FnOnce(&mut VmContext) -> R,
) -> R {
    let mapped = MappedMemory {
        memory,
        input: Some(input),
        program: None,
    };
    run_test_frame(invoke_context, mapped, false, abi, accounts_metadata, f)
        .expect("test regions form a valid unaligned mapping")
}

/// [`with_mapping`] for the two test entry points: SBPF v0, no frame gaps, the current
/// program's frame.
fn run_test_frame<R>(
    invoke_context: &mut InvokeContext,
    mapped: MappedMemory<'_>,
    aligned_memory_mapping: bool,
    abi: InputAbi,
    accounts_metadata: Vec<SerializedAccountMetadata>,
    f: impl FnOnce(&mut VmContext) -> R,
) -> Result<R, EbpfError> {
    let config = gapless_config(aligned_memory_mapping);
    let layout = Layout {
        config: &config,
        version: SBPFVersion::V0,
        stack_gap: 0,
    };
    let frame = FrameSetup {
        program_id: invoke_context.current_program_id().unwrap_or_default(),
        abi,
        accounts_metadata,
    };
    with_mapping(invoke_context, mapped, &layout, frame, f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_invoke_context;
    use sbfvm_vm::memory::HostOut;

    /// A host range kept from one call is still valid in the next (the syscall tests rely
    /// on it; Miri checks it).
    #[test]
    fn host_ranges_survive_a_second_mapping() {
        let mut invoke_context = test_invoke_context(10);
        let mut memory = HarnessMemory::zeroed(8, 64, 64, 16);
        let out: HostOut = with_vm_context(
            &mut invoke_context,
            &mut memory,
            InputAbi::Aligned,
            Vec::new(),
            |context| context.memory().output(HEAP_START + 8, 8, 1, 8).unwrap(),
        );
        with_vm_context(
            &mut invoke_context,
            &mut memory,
            InputAbi::Aligned,
            Vec::new(),
            |context| {
                out.write_u64(0x0102_0304_0506_0708);
                let memory = context.memory();
                assert_eq!(
                    memory.read_u64(HEAP_START + 8).unwrap(),
                    0x0102_0304_0506_0708
                );
                // The read-only region refuses stores; the input takes them.
                assert!(memory.output(RODATA_START, 1, 1, 1).is_err());
                memory
                    .output(INPUT_START + 15, 1, 1, 1)
                    .unwrap()
                    .write(&[9]);
            },
        );
        assert_eq!(memory.read(INPUT_START + 15, 1), vec![9]);
        assert_eq!(memory.read(HEAP_START + 8, 1), vec![8]);
    }

    #[test]
    fn the_aligned_mapping_takes_one_input_region_the_unaligned_several() {
        let mut invoke_context = test_invoke_context(10);
        let mut memory = HarnessMemory::zeroed(0, 0, 0, 0);
        memory.push_input_region(&[1; 4], true);
        memory.push_input_region(&[2; 4], false);
        let mapped = MappedMemory::own(&mut memory);
        let result = run_test_frame(
            &mut invoke_context,
            mapped,
            true,
            InputAbi::Aligned,
            Vec::new(),
            |_| (),
        );
        assert!(matches!(result, Err(EbpfError::InvalidMemoryRegion(4))));
        let mut input = [
            InputRegion::new(&[1; 4], true),
            InputRegion::new(&[], true),
            InputRegion::new(&[2; 4], false),
        ];
        with_input_regions(
            &mut invoke_context,
            &mut memory,
            &mut input,
            InputAbi::Unaligned,
            Vec::new(),
            |context| {
                let memory = context.memory();
                assert_eq!(memory.bytes(INPUT_START + 2, 2).unwrap(), &[1, 1]);
                assert_eq!(memory.bytes(INPUT_START + 4, 4).unwrap(), &[2; 4]);
                // An access never spans two regions.
                assert!(memory.bytes(INPUT_START + 2, 4).is_err());
                assert!(memory.output(INPUT_START + 3, 1, 1, 1).is_ok());
                assert!(memory.output(INPUT_START + 4, 1, 1, 1).is_err());
            },
        );
    }
}
