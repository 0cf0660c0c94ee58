//! The buffers behind a harness's guest memory, and access to them by VM address.

use sbfvm_runtime::{InstructionError, TransactionContext};
use sbfvm_vm::serialization::{serialize_parameters, SerializedInput};
use sbfvm_vm::{AlignedBuffer, InputAbi};
use solana_sbpf::ebpf::{MM_BYTECODE_START, MM_HEAP_START, MM_INPUT_START, MM_STACK_START};

/// Start of the read-only (program / rodata) region.
pub const RODATA_START: u64 = MM_BYTECODE_START;
/// Start of the stack region.
pub const STACK_START: u64 = MM_STACK_START;
/// Start of the heap region.
pub const HEAP_START: u64 = MM_HEAP_START;
/// Start of the input region(s).
pub const INPUT_START: u64 = MM_INPUT_START;

/// The guest memory of one test or harness run: one buffer per region, each 16-byte
/// aligned on the host. See the crate documentation for how it is mapped.
#[derive(Debug, Clone, Default)]
pub struct HarnessMemory {
    pub(crate) rodata: AlignedBuffer,
    pub(crate) stack: AlignedBuffer,
    pub(crate) heap: AlignedBuffer,
    /// Mapped back to back from `INPUT_START`; never empty ones (see `push_input_region`).
    pub(crate) input: Vec<InputRegion>,
}

/// One input region: its bytes and whether the program may write them.
#[derive(Debug, Clone)]
pub struct InputRegion {
    /// The region's bytes, 16-byte aligned on the host.
    pub buffer: AlignedBuffer,
    /// Whether the program may write the region.
    pub writable: bool,
}

impl InputRegion {
    /// A region holding `bytes`.
    pub fn new(bytes: &[u8], writable: bool) -> Self {
        Self {
            buffer: aligned_copy(bytes),
            writable,
        }
    }
}

/// One input region as mapped: its VM address, current bytes and writability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputRegionView<'a> {
    /// VM address of the region's first byte.
    pub vm_addr: u64,
    /// The region's current bytes.
    pub content: &'a [u8],
    /// Whether the region is mapped writable.
    pub writable: bool,
}

fn aligned_copy(bytes: &[u8]) -> AlignedBuffer {
    let mut buffer = AlignedBuffer::zeroed(bytes.len());
    buffer.as_mut_slice().copy_from_slice(bytes);
    buffer
}

/// Copies as much of `prefix` as fits to the start of `buffer`.
fn copy_prefix(buffer: &mut AlignedBuffer, prefix: &[u8]) {
    let len = prefix.len().min(buffer.len());
    buffer.as_mut_slice()[..len].copy_from_slice(&prefix[..len]);
}

impl HarnessMemory {
    /// Zero-filled stack and heap of the given lengths, a read-only region holding `rodata`,
    /// and no input region yet. `rodata` is ignored by [`run_program`](crate::run_program),
    /// which maps the program text there instead.
    pub fn new(rodata: &[u8], stack_len: usize, heap_len: usize) -> Self {
        Self {
            rodata: aligned_copy(rodata),
            stack: AlignedBuffer::zeroed(stack_len),
            heap: AlignedBuffer::zeroed(heap_len),
            input: Vec::new(),
        }
    }

    /// Zero-filled regions of the given lengths; the input is one writable region (none
    /// when `input_len` is 0).
    pub fn zeroed(rodata_len: usize, stack_len: usize, heap_len: usize, input_len: usize) -> Self {
        let input = (input_len > 0).then(|| InputRegion {
            buffer: AlignedBuffer::zeroed(input_len),
            writable: true,
        });
        Self {
            rodata: AlignedBuffer::zeroed(rodata_len),
            stack: AlignedBuffer::zeroed(stack_len),
            heap: AlignedBuffer::zeroed(heap_len),
            input: input.into_iter().collect(),
        }
    }

    /// Appends an input region right after the previous one. An empty region is skipped
    /// (it is neither mapped nor reported), as the conformance harnesses do.
    pub fn push_input_region(&mut self, content: &[u8], writable: bool) {
        if !content.is_empty() {
            self.input.push(InputRegion::new(content, writable));
        }
    }

    /// Makes the input one writable region holding the serialization of the current
    /// instruction of `context`, exactly as the executor lays it out.
    pub fn serialize_input(
        &mut self,
        context: &TransactionContext,
        abi: InputAbi,
    ) -> Result<SerializedInput, InstructionError> {
        let mut buffer = AlignedBuffer::default();
        let serialized = serialize_parameters(context, abi, &mut buffer)?;
        self.input = vec![InputRegion {
            buffer,
            writable: true,
        }];
        Ok(serialized)
    }

    /// Copies `stack_prefix` to the start of the stack and `heap_prefix` to the start of
    /// the heap, each truncated to its region (how fixtures and fuzz inputs give them).
    pub fn write_prefixes(&mut self, stack_prefix: &[u8], heap_prefix: &[u8]) {
        copy_prefix(&mut self.stack, stack_prefix);
        copy_prefix(&mut self.heap, heap_prefix);
    }

    /// Host bytes of the read-only region (mapped at `RODATA_START`).
    pub fn rodata(&self) -> &[u8] {
        self.rodata.as_slice()
    }

    /// Host stack bytes (frame `k` starts at host offset `k × stack_frame_size`).
    pub fn stack(&self) -> &[u8] {
        self.stack.as_slice()
    }

    /// Host stack bytes, mutably (laid out as in [`HarnessMemory::stack`]).
    pub fn stack_mut(&mut self) -> &mut [u8] {
        self.stack.as_mut_slice()
    }

    /// Host heap bytes (mapped at `HEAP_START`).
    pub fn heap(&self) -> &[u8] {
        self.heap.as_slice()
    }

    /// Host heap bytes, mutably.
    pub fn heap_mut(&mut self) -> &mut [u8] {
        self.heap.as_mut_slice()
    }

    /// The input regions, each with its VM address (cumulative from `INPUT_START`).
    pub fn input_regions(&self) -> Vec<InputRegionView<'_>> {
        let mut vm_addr = INPUT_START;
        self.input
            .iter()
            .map(|region| {
                let view = InputRegionView {
                    vm_addr,
                    content: region.buffer.as_slice(),
                    writable: region.writable,
                };
                vm_addr = vm_addr.saturating_add(region.buffer.len() as u64);
                view
            })
            .collect()
    }

    /// The bytes mapped from `vm_addr` to the end of its region (the stack as if it had
    /// no frame gaps). Panics when `vm_addr` is in no region of this memory.
    fn bytes_from(&mut self, vm_addr: u64) -> &mut [u8] {
        let (buffer, start) = match vm_addr >> 32 {
            1 => (&mut self.rodata, RODATA_START),
            2 => (&mut self.stack, STACK_START),
            3 => (&mut self.heap, HEAP_START),
            4 => {
                let mut start = INPUT_START;
                let last = self.input.len().saturating_sub(1);
                let region = self
                    .input
                    .iter_mut()
                    .enumerate()
                    .find_map(|(index, region)| {
                        let len = region.buffer.len() as u64;
                        let end = start + len;
                        // The end of the last region still locates it (a write of no bytes).
                        let inside = vm_addr < end || (index == last && vm_addr == end);
                        let found = (vm_addr >= start && inside).then_some(start);
                        start = end;
                        found.map(|start| (&mut region.buffer, start))
                    });
                region.unwrap_or_else(|| panic!("{vm_addr:#x} is in no input region"))
            }
            _ => panic!("{vm_addr:#x} is in no harness region"),
        };
        let offset = (vm_addr - start) as usize;
        &mut buffer.as_mut_slice()[offset..]
    }

    /// Copies `bytes` into guest memory at `vm_addr` (read-only regions included).
    pub fn write(&mut self, vm_addr: u64, bytes: &[u8]) {
        self.bytes_from(vm_addr)[..bytes.len()].copy_from_slice(bytes);
    }

    /// Reads `len` bytes of guest memory at `vm_addr`.
    pub fn read(&mut self, vm_addr: u64, len: usize) -> Vec<u8> {
        self.bytes_from(vm_addr)[..len].to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_regions_are_packed() {
        let mut memory = HarnessMemory::new(&[1, 2, 3], 16, 0);
        memory.push_input_region(&[1; 5], true);
        memory.push_input_region(&[], true);
        memory.push_input_region(&[2; 3], false);
        let views = memory.input_regions();
        assert_eq!(views.len(), 2);
        assert_eq!(views[0].vm_addr, INPUT_START);
        assert_eq!(views[1].vm_addr, INPUT_START + 5);
        assert!(!views[1].writable);
        assert_eq!(memory.rodata(), &[1, 2, 3]);
    }

    #[test]
    fn reads_and_writes_by_vm_address() {
        let mut memory = HarnessMemory::zeroed(4, 8, 8, 0);
        memory.push_input_region(&[1; 4], true);
        memory.push_input_region(&[2; 4], false);
        memory.write(RODATA_START + 1, &[7, 7]);
        memory.write(HEAP_START + 6, &[9, 9]);
        memory.write(INPUT_START + 4, &[5]);
        memory.write(INPUT_START + 8, &[]);
        assert_eq!(memory.rodata(), &[0, 7, 7, 0]);
        assert_eq!(memory.read(HEAP_START + 5, 3), vec![0, 9, 9]);
        assert_eq!(memory.read(INPUT_START + 3, 1), vec![1]);
        assert_eq!(memory.read(INPUT_START + 4, 4), vec![5, 2, 2, 2]);
    }

    #[test]
    fn prefixes_are_truncated_and_a_zeroed_input_is_one_region() {
        let mut memory = HarnessMemory::zeroed(0, 4, 2, 3);
        memory.write_prefixes(&[1, 2, 3, 4, 5], &[6]);
        assert_eq!(
            (memory.stack(), memory.heap()),
            (&[1, 2, 3, 4][..], &[6, 0][..])
        );
        let views = memory.input_regions();
        assert_eq!(views.len(), 1);
        assert_eq!(
            (views[0].content, views[0].writable),
            (&[0, 0, 0][..], true)
        );
        assert!(HarnessMemory::zeroed(0, 0, 0, 0).input_regions().is_empty());
    }

    #[test]
    #[should_panic(expected = "is in no input region")]
    fn an_address_past_the_input_panics() {
        HarnessMemory::zeroed(0, 0, 0, 4).read(INPUT_START + 5, 0);
    }
}
