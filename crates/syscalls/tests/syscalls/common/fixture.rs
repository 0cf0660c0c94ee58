//! The fixture of the single-syscall tests: a program running a top-level instruction,
//! with hand-built guest memory (`sbfvm_test_support`).

use sbfvm_runtime::{
    Account, FeatureSet, InstructionAccount, InstructionFrame, InvokeContext, Pubkey,
};
use sbfvm_test_support::{with_input_regions, with_vm_context, HarnessMemory, InputRegion};
use sbfvm_vm::{InputAbi, SerializedAccountMetadata, Syscall, SyscallError};

use super::{account, budget, call, input_abi, invoke_context, key, Guest};

/// An invoke context with one top-level instruction running plus guest memory.
pub(crate) struct Fixture {
    pub(crate) invoke_context: InvokeContext,
    pub(crate) memory: HarnessMemory,
    pub(crate) abi: InputAbi,
    pub(crate) program_id: Pubkey,
}

impl Guest for Fixture {
    fn buffers(&mut self) -> &mut HarnessMemory {
        &mut self.memory
    }
}

impl Fixture {
    /// A program of the upgradeable loader (aligned ABI).
    pub(crate) fn new() -> Self {
        Self::with_loader(solana_sdk_ids::bpf_loader_upgradeable::id())
    }

    /// A program of the deprecated loader (no alignment checks).
    pub(crate) fn deprecated() -> Self {
        Self::with_loader(solana_sdk_ids::bpf_loader_deprecated::id())
    }

    pub(crate) fn with_loader(loader: Pubkey) -> Self {
        let mut fixture =
            Self::with_programs(loader, 1, vec![InstructionFrame::new(0, vec![], vec![])]);
        fixture.push_top_level();
        fixture
    }

    /// `programs` program accounts (keys 0xA0, 0xA1, …; indices 0..programs), then two
    /// plain accounts (keys 1 and 2), and the given top-level frames (none started).
    pub(crate) fn with_programs(
        loader: Pubkey,
        programs: u8,
        top_level: Vec<InstructionFrame>,
    ) -> Self {
        let mut accounts: Vec<(Pubkey, Account)> = (0..programs)
            .map(|n| (key(0xA0 + n), account(1, vec![], loader, true)))
            .collect();
        for n in [1, 2] {
            accounts.push((key(n), account(10, vec![n; 4], key(0xA0), false)));
        }
        let invoke_context = invoke_context(
            accounts,
            top_level,
            budget(1_400_000),
            FeatureSet::mainnet(),
            vec![],
        );
        Self {
            invoke_context,
            memory: HarnessMemory::zeroed(256, 4096, 4096, 4096),
            abi: input_abi(&loader),
            program_id: key(0xA0),
        }
    }

    pub(crate) fn push_top_level(&mut self) {
        self.invoke_context.push(None).unwrap();
    }

    pub(crate) fn push_cpi(&mut self, program_index: u16, data: Vec<u8>) {
        let accounts = vec![InstructionAccount {
            index_in_transaction: 3,
            is_signer: false,
            is_writable: true,
        }];
        self.invoke_context
            .push(Some(InstructionFrame::new(program_index, accounts, data)))
            .unwrap();
    }

    pub(crate) fn pop(&mut self) {
        self.invoke_context.transaction_context.pop().unwrap();
    }

    /// Calls `S` and returns its result and the compute units it consumed.
    pub(crate) fn call<S: Syscall>(&mut self, args: [u64; 5]) -> (Result<u64, SyscallError>, u64) {
        let before = self.invoke_context.remaining();
        let result = with_vm_context(
            &mut self.invoke_context,
            &mut self.memory,
            self.abi,
            vec![],
            |context| call::<S>(context, args),
        );
        (result, before - self.invoke_context.remaining())
    }

    /// Replaces the feature set (mainnet by default).
    pub(crate) fn with_features(mut self, features: FeatureSet) -> Self {
        self.invoke_context.features = std::rc::Rc::new(features);
        self
    }

    /// Calls `S` with the input made of `input` (the unaligned, direct-mapping layout) and
    /// the given accounts metadata; returns its result and the compute units it consumed.
    pub(crate) fn call_regions<S: Syscall>(
        &mut self,
        input: &mut [InputRegion],
        accounts_metadata: Vec<SerializedAccountMetadata>,
        args: [u64; 5],
    ) -> (Result<u64, SyscallError>, u64) {
        let before = self.invoke_context.remaining();
        let result = with_input_regions(
            &mut self.invoke_context,
            &mut self.memory,
            input,
            self.abi,
            accounts_metadata,
            |context| call::<S>(context, args),
        );
        (result, before - self.invoke_context.remaining())
    }

    /// Calls several syscalls within one `VmContext` (one program run: the heap allocator
    /// keeps its state between them).
    pub(crate) fn session<S: Syscall>(
        &mut self,
        calls: &[[u64; 5]],
    ) -> Vec<Result<u64, SyscallError>> {
        with_vm_context(
            &mut self.invoke_context,
            &mut self.memory,
            self.abi,
            vec![],
            |context| {
                calls
                    .iter()
                    .map(|registers| call::<S>(context, *registers))
                    .collect()
            },
        )
    }

    pub(crate) fn set_remaining(&mut self, remaining: u64) {
        self.invoke_context.compute_meter.set_remaining(remaining);
    }

    pub(crate) fn logs(&self) -> Vec<String> {
        self.invoke_context.logs().to_vec()
    }

    pub(crate) fn last_log(&self) -> String {
        self.invoke_context
            .logs()
            .last()
            .map(str::to_owned)
            .unwrap_or_default()
    }

    /// Writes `{ptr, len}` descriptors at `at`.
    pub(crate) fn write_slices(&mut self, at: u64, slices: &[(u64, u64)]) {
        for (i, (ptr, len)) in slices.iter().enumerate() {
            self.write_u64(at + 16 * i as u64, *ptr);
            self.write_u64(at + 16 * i as u64 + 8, *len);
        }
    }

    pub(crate) fn set_return_data(&mut self, program_id: Pubkey, data: Vec<u8>) {
        self.invoke_context
            .transaction_context
            .set_return_data(program_id, data);
    }
}
