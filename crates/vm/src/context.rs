//! The context object solana-sbpf runs over: one per executing frame. It reaches the
//! runtime's invoke context (compute meter, accounts, logs) and owns the frame's memory
//! mapping, serialization metadata and heap allocator.

use std::cell::{RefCell, UnsafeCell};
use std::ptr::NonNull;

use sbfvm_runtime::{InvokeContext, Pubkey};
use solana_sbpf::{ebpf::MM_HEAP_START, memory_region::MemoryMapping, vm::ContextObject};

use crate::memory::{GuestMemory, MemoryFault};
use crate::serialization::{AccountDataRegion, InputAbi, SerializedAccountMetadata};

/// `sol_alloc_free_`'s bump allocator over the heap region (Agave's `BpfAllocator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BumpAllocator {
    len: u64,
    pos: u64,
}

impl BumpAllocator {
    /// An empty allocator over a heap of `len` bytes starting at `MM_HEAP_START`.
    pub fn new(len: u64) -> Self {
        Self { len, pos: 0 }
    }

    /// Returns the VM address of `size` bytes aligned to `align`, or `None` when full.
    pub fn alloc(&mut self, size: u64, align: u64) -> Option<u64> {
        let misalignment = self.pos % align;
        let padding = if misalignment == 0 {
            0
        } else {
            align - misalignment
        };
        if self.pos.saturating_add(padding).saturating_add(size) > self.len {
            return None;
        }
        self.pos = self.pos.saturating_add(padding);
        let address = MM_HEAP_START.saturating_add(self.pos);
        self.pos = self.pos.saturating_add(size);
        Some(address)
    }
}

/// Per-syscall counters for cost attribution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyscallUsage {
    /// How many times the syscall was called.
    pub calls: u64,
    /// Compute units the meter went down by across those calls (a CPI's include its
    /// callee's).
    pub compute_units: u64,
    /// Wall time spent inside those calls, in nanoseconds (a CPI's includes its callee),
    /// when the executor times syscalls (`SbfExecutor::set_syscall_timing`); else 0.
    pub nanos: u64,
}

/// The state the JIT's inline `sol_get_stack_height` reads and writes (`crate::jit_inline`):
/// machine code reaches it at fixed offsets, hence `repr(C)`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InlineStackHeight {
    /// The lowest value of the JIT's instruction-meter register at which a call is charged
    /// inline: the program's instruction count plus `cost`, so that the units left after
    /// the calling instruction (the register minus that instruction's pc, minus one) cover
    /// the charge whatever the pc. `u64::MAX` while not armed: every call takes the
    /// syscall itself.
    pub(crate) threshold: u64,
    /// What one call charges (`syscall_base_cost`).
    pub(crate) cost: u64,
    /// What a call returns: the stack height of this frame, fixed for its whole run.
    pub(crate) value: u64,
    /// Calls made inline and not yet added to `syscall_usage`.
    pub(crate) calls: u64,
}

impl InlineStackHeight {
    const DISARMED: Self = Self {
        threshold: u64::MAX,
        cost: 0,
        value: 0,
        calls: 0,
    };
}

/// The name of the syscall the JIT may run inline.
pub(crate) const STACK_HEIGHT_SYSCALL: &str = "sol_get_stack_height";

/// What one executing frame needs while its VM runs.
pub struct VmContext {
    invoke_context: NonNull<InvokeContext>,
    /// In a cell because the VM and syscalls both reach it through a pointer, and a
    /// syscall's lookup may lengthen the stack or heap region (see the executor).
    ///
    /// Held through a raw pointer to an allocation of its own: solana-sbpf's `EbpfVm::new`
    /// re-borrows the whole context after taking the mapping pointer, which under Stacked
    /// Borrows would invalidate a pointer into an inline field. Freed in `Drop`.
    memory_mapping: NonNull<UnsafeCell<MemoryMapping>>,
    /// Whether `memory_mapping` was allocated by `new` (freed on drop) or lent by the
    /// executor's frame pool (`with_mapping`), which reuses it run after run.
    owns_mapping: bool,
    /// `sol_alloc_free_`'s allocator over this frame's heap.
    pub allocator: BumpAllocator,
    /// Where each instruction account sits in this frame's input (used by CPI).
    pub accounts_metadata: Vec<SerializedAccountMetadata>,
    /// The account data regions of this frame's input under
    /// `virtual_address_space_adjustments` (empty otherwise), which CPI reaches and updates.
    pub data_regions: Vec<AccountDataRegion>,
    /// The last access violation a syscall's translation ran into.
    pub memory_fault: RefCell<Option<MemoryFault>>,
    /// The input ABI of the program's loader (unaligned for the deprecated loader).
    pub abi: InputAbi,
    /// The program this frame runs.
    pub program_id: Pubkey,
    check_aligned: bool,
    /// Syscall usage of this frame by name, in first-call order.
    pub syscall_usage: Vec<(&'static str, SyscallUsage)>,
    /// Index in `syscall_usage` of the syscall recorded last.
    last_syscall: usize,
    /// Whether each syscall's wall time is measured (two clock reads per call; off unless
    /// the executor asks, since the reads would distort what is being timed).
    pub time_syscalls: bool,
    /// Instructions in the running program's text, for arming the inline stack-height
    /// path; 0 (never armed) for a context that runs no compiled program.
    pub(crate) text_instructions: u64,
    /// See [`InlineStackHeight`].
    pub(crate) inline_stack_height: InlineStackHeight,
    /// Reused by syscalls that copy a guest string before logging it
    /// ([`VmContext::take_line_buffer`]).
    line_buffer: String,
}

impl VmContext {
    /// A context that owns `memory_mapping`, for a harness that maps guest memory of its
    /// own to call a syscall or run program text directly (the `sbfvm-test-support` crate).
    /// The executor lends its pooled mappings instead (`with_mapping`).
    ///
    /// # Safety
    /// `invoke_context` must stay valid, and must not be used through any other path, for
    /// as long as this context is used by a VM or a syscall (until it is dropped). Every
    /// region of `memory_mapping` must stay valid as its `MemoryMapping::new` contract
    /// requires for as long as the context exists.
    pub unsafe fn new(
        invoke_context: NonNull<InvokeContext>,
        memory_mapping: MemoryMapping,
        heap_len: u64,
        accounts_metadata: Vec<SerializedAccountMetadata>,
        abi: InputAbi,
        program_id: Pubkey,
    ) -> Self {
        let mapping = NonNull::from(Box::leak(Box::new(UnsafeCell::new(memory_mapping))));
        // SAFETY: the caller's contract covers `invoke_context`; the mapping was just leaked
        // for this context alone.
        let mut context = unsafe {
            Self::with_mapping(
                invoke_context,
                mapping,
                heap_len,
                accounts_metadata,
                abi,
                program_id,
            )
        };
        context.owns_mapping = true;
        context
    }

    /// A context over a mapping it does not own (the executor's pooled one).
    ///
    /// # Safety
    /// As [`VmContext::new`]; besides, `memory_mapping` must point to a live mapping that
    /// nothing else uses while this context exists.
    pub(crate) unsafe fn with_mapping(
        invoke_context: NonNull<InvokeContext>,
        memory_mapping: NonNull<UnsafeCell<MemoryMapping>>,
        heap_len: u64,
        accounts_metadata: Vec<SerializedAccountMetadata>,
        abi: InputAbi,
        program_id: Pubkey,
    ) -> Self {
        Self {
            invoke_context,
            memory_mapping,
            owns_mapping: false,
            allocator: BumpAllocator::new(heap_len),
            accounts_metadata,
            data_regions: Vec::new(),
            memory_fault: RefCell::new(None),
            abi,
            program_id,
            check_aligned: abi == InputAbi::Aligned,
            syscall_usage: Vec::new(),
            time_syscalls: false,
            last_syscall: 0,
            text_instructions: 0,
            inline_stack_height: InlineStackHeight::DISARMED,
            line_buffer: String::new(),
        }
    }

    /// An empty string to build a line in, with the capacity earlier lines left: a guest
    /// string is copied out of guest memory (which borrows this context) before the invoke
    /// context can log it. Hand it back with [`VmContext::give_line_buffer`].
    pub fn take_line_buffer(&mut self) -> String {
        std::mem::take(&mut self.line_buffer)
    }

    /// Keeps `buffer`'s capacity for the next [`VmContext::take_line_buffer`].
    pub fn give_line_buffer(&mut self, mut buffer: String) {
        buffer.clear();
        self.line_buffer = buffer;
    }

    /// This frame's syscall usage by name, in first-call order, the calls the JIT made
    /// inline included; leaves the context's record empty.
    pub fn take_syscall_usage(&mut self) -> Vec<(&'static str, SyscallUsage)> {
        let inline = std::mem::replace(&mut self.inline_stack_height.calls, 0);
        if inline > 0 {
            // Armed only once the first call recorded the entry.
            if let Some((_, usage)) = self
                .syscall_usage
                .iter_mut()
                .find(|(name, _)| *name == STACK_HEIGHT_SYSCALL)
            {
                usage.calls += inline;
                usage.compute_units += inline * self.inline_stack_height.cost;
            }
        }
        std::mem::take(&mut self.syscall_usage)
    }

    /// Lets the JIT charge and answer later `sol_get_stack_height` calls of this run
    /// inline, once the first call recorded its entry (so the usage keeps first-call
    /// order). Not while syscalls are timed: those calls must go through the clock reads.
    fn arm_inline_stack_height(&mut self) {
        if self.time_syscalls || self.text_instructions == 0 {
            return;
        }
        let invoke_context = self.invoke_context();
        let cost = invoke_context.budget.syscall_base_cost;
        let value = invoke_context.stack_height() as u64;
        self.inline_stack_height = InlineStackHeight {
            threshold: self.text_instructions.saturating_add(cost),
            cost,
            value,
            calls: 0,
        };
    }

    /// The runtime's invoke context of the executing instruction.
    pub fn invoke_context(&self) -> &InvokeContext {
        // SAFETY: guaranteed valid for the run by the contract of `new`; the executor does
        // not touch the invoke context while the VM (and so this context) is running.
        unsafe { self.invoke_context.as_ref() }
    }

    /// The runtime's invoke context, mutably (to charge compute units, log, run a CPI).
    pub fn invoke_context_mut(&mut self) -> &mut InvokeContext {
        // SAFETY: as in `invoke_context`; `&mut self` makes this the only live borrow.
        unsafe { self.invoke_context.as_mut() }
    }

    /// Guest memory of this frame.
    pub fn memory(&self) -> GuestMemory<'_> {
        // SAFETY: the cell owns the mapping for as long as `self`; the VM does not touch it
        // while a syscall (the only user of this) runs.
        unsafe {
            GuestMemory::growable(
                self.mapping_ptr(),
                self.check_aligned,
                &self.memory_fault,
                &self.data_regions,
            )
        }
    }

    fn mapping_ptr(&self) -> NonNull<MemoryMapping> {
        // SAFETY: the allocation lives until `Drop` (see the field).
        let cell = unsafe { self.memory_mapping.as_ref() };
        NonNull::new(cell.get()).expect("UnsafeCell pointers are not null")
    }

    /// Guest memory and the invoke context at once (CPI reads memory while it runs the
    /// callee through the invoke context).
    pub fn split(&mut self) -> (GuestMemory<'_>, &mut InvokeContext) {
        // SAFETY: the invoke context is a separate object reached through a pointer (see
        // `new`), so it does not alias the mapping borrowed for `GuestMemory`.
        let invoke_context = unsafe { self.invoke_context.as_mut() };
        // SAFETY: as in `memory`.
        let memory = unsafe {
            GuestMemory::growable(
                self.mapping_ptr(),
                self.check_aligned,
                &self.memory_fault,
                &self.data_regions,
            )
        };
        (memory, invoke_context)
    }

    /// Whether pointers must be aligned (false for deprecated-loader programs).
    pub fn check_aligned(&self) -> bool {
        self.check_aligned
    }

    #[inline]
    pub(crate) fn record_syscall(&mut self, name: &'static str, compute_units: u64, nanos: u64) {
        // A program usually calls one syscall in a loop: try the last one first, by the
        // address of its `&'static str` name.
        if let Some((last, usage)) = self.syscall_usage.get_mut(self.last_syscall) {
            if std::ptr::eq(*last, name) {
                usage.calls += 1;
                usage.compute_units += compute_units;
                usage.nanos += nanos;
                return;
            }
        }
        self.record_syscall_slow(name, compute_units, nanos);
    }

    #[cold]
    #[inline(never)]
    fn record_syscall_slow(&mut self, name: &'static str, compute_units: u64, nanos: u64) {
        // Compare addresses first, text second (one name may have several copies).
        match self
            .syscall_usage
            .iter_mut()
            .position(|(n, _)| std::ptr::eq(*n, name) || *n == name)
        {
            Some(position) => {
                let usage = &mut self.syscall_usage[position].1;
                usage.calls += 1;
                usage.compute_units += compute_units;
                usage.nanos += nanos;
                self.last_syscall = position;
            }
            None => {
                if name == STACK_HEIGHT_SYSCALL {
                    self.arm_inline_stack_height();
                }
                self.last_syscall = self.syscall_usage.len();
                self.syscall_usage.push((
                    name,
                    SyscallUsage {
                        calls: 1,
                        compute_units,
                        nanos,
                    },
                ));
            }
        }
    }
}

impl Drop for VmContext {
    fn drop(&mut self) {
        if self.owns_mapping {
            // SAFETY: an owned pointer came from `Box::leak` in `new` and is freed only
            // here; the VM that used it is gone before its context is dropped.
            drop(unsafe { Box::from_raw(self.memory_mapping.as_ptr()) });
        }
    }
}

impl ContextObject for VmContext {
    fn consume(&mut self, amount: u64) {
        self.invoke_context().consume(amount)
    }

    fn get_remaining(&self) -> u64 {
        self.invoke_context().remaining()
    }

    fn active_mapping_ptr(&mut self) -> NonNull<MemoryMapping> {
        self.mapping_ptr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bump_allocator_aligns_and_fills() {
        let mut allocator = BumpAllocator::new(32);
        assert_eq!(allocator.alloc(3, 8), Some(MM_HEAP_START));
        assert_eq!(allocator.alloc(8, 8), Some(MM_HEAP_START + 8));
        assert_eq!(allocator.alloc(17, 8), None);
        assert_eq!(allocator.alloc(16, 8), Some(MM_HEAP_START + 16));
        assert_eq!(allocator.alloc(1, 1), None);
    }
}
