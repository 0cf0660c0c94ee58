//! Syscalls called directly against hand-built guest memory (`sbfvm_test_support`), checked
//! against Agave 4.4 (`solana-syscalls` 4.4.0: `lib.rs`, `logging.rs`, `mem_ops.rs`,
//! `sysvar.rs`): return values, compute units, log lines, error variants and texts, and
//! the order in which pointers are checked.

use std::rc::Rc;
use std::sync::Arc;

use base64::Engine;
use sbfvm_runtime::features::ids;
use sbfvm_runtime::{
    Account, ComputeBudget, ExecutionFailure, FeatureSet, InstructionAccount, InstructionError,
    InstructionFrame, InvokeContext, ProgramExecutor, Pubkey, RentParams, Sysvars,
    TransactionContext,
};
use sbfvm_syscalls::{
    curve_syscalls, hashing, introspection, logging, mem_ops, pda, sysvar, MM_INPUT_START,
};
use sbfvm_test_support::{with_input_regions, with_vm_context, HarnessMemory, InputRegion};
use sbfvm_vm::{InputAbi, SerializedAccountMetadata, Syscall, SyscallError};
use sha2::Digest;

const RODATA: u64 = 0x1_0000_0000;
const STACK: u64 = 0x2_0000_0000;
const HEAP: u64 = 0x3_0000_0000;
const INPUT: u64 = MM_INPUT_START;

struct NoExecutor;
impl ProgramExecutor for NoExecutor {
    fn execute(&self, _: &mut InvokeContext) -> Result<(), ExecutionFailure> {
        Err(ExecutionFailure::program_failed(
            "no programs in syscall tests",
        ))
    }
}

/// An invoke context with one top-level instruction running plus guest memory.
struct Fixture {
    invoke_context: InvokeContext,
    memory: HarnessMemory,
    abi: InputAbi,
    program_id: Pubkey,
}

/// Keys of the transaction accounts `Fixture::with_programs` creates after the programs.
fn key(n: u8) -> Pubkey {
    Pubkey::new_from_array([n; 32])
}

impl Fixture {
    /// A program of the upgradeable loader (aligned ABI).
    fn new() -> Self {
        Self::with_loader(solana_sdk_ids::bpf_loader_upgradeable::id())
    }

    /// A program of the deprecated loader (no alignment checks).
    fn deprecated() -> Self {
        Self::with_loader(solana_sdk_ids::bpf_loader_deprecated::id())
    }

    fn with_loader(loader: Pubkey) -> Self {
        let mut fixture =
            Self::with_programs(loader, 1, vec![InstructionFrame::new(0, vec![], vec![])]);
        fixture.push_top_level();
        fixture
    }

    /// `programs` program accounts (keys 0xA0, 0xA1, …; indices 0..programs), then two
    /// plain accounts (keys 1 and 2), and the given top-level frames (none started).
    fn with_programs(loader: Pubkey, programs: u8, top_level: Vec<InstructionFrame>) -> Self {
        let mut accounts: Vec<(Pubkey, Account)> = (0..programs)
            .map(|n| {
                (
                    key(0xA0 + n),
                    Account {
                        lamports: 1,
                        data: vec![],
                        owner: loader,
                        executable: true,
                        rent_epoch: 0,
                    },
                )
            })
            .collect();
        for n in [1, 2] {
            accounts.push((
                key(n),
                Account {
                    lamports: 10,
                    data: vec![n; 4],
                    owner: key(0xA0),
                    executable: false,
                    rent_epoch: 0,
                },
            ));
        }
        let mut transaction_context =
            TransactionContext::new(accounts, RentParams::default(), 5, 64);
        transaction_context.configure_top_level(top_level);
        let budget = ComputeBudget {
            compute_unit_limit: 1_400_000,
            ..ComputeBudget::default()
        };
        let invoke_context = InvokeContext::new(
            transaction_context,
            budget,
            Arc::new(FeatureSet::mainnet()),
            Arc::new(Sysvars::default()),
            Rc::new(NoExecutor),
            sbfvm_runtime::builtins::BUILTINS.into(),
        );
        let abi = if loader == solana_sdk_ids::bpf_loader_deprecated::id() {
            InputAbi::Unaligned
        } else {
            InputAbi::Aligned
        };
        Self {
            invoke_context,
            memory: HarnessMemory::zeroed(256, 4096, 4096, 4096),
            abi,
            program_id: key(0xA0),
        }
    }

    fn push_top_level(&mut self) {
        self.invoke_context.push(None).unwrap();
    }

    fn push_cpi(&mut self, program_index: u16, data: Vec<u8>) {
        let accounts = vec![InstructionAccount {
            index_in_transaction: 3,
            is_signer: false,
            is_writable: true,
        }];
        self.invoke_context
            .push(Some(InstructionFrame::new(program_index, accounts, data)))
            .unwrap();
    }

    fn pop(&mut self) {
        self.invoke_context.transaction_context.pop().unwrap();
    }

    /// Calls `S` and returns its result and the compute units it consumed.
    fn call<S: Syscall>(&mut self, args: [u64; 5]) -> (Result<u64, SyscallError>, u64) {
        let before = self.invoke_context.remaining();
        let result = with_vm_context(
            &mut self.invoke_context,
            &mut self.memory,
            self.abi,
            vec![],
            |context| S::call(context, args[0], args[1], args[2], args[3], args[4]),
        );
        (result, before - self.invoke_context.remaining())
    }

    /// Replaces the feature set (mainnet by default).
    fn with_features(mut self, features: FeatureSet) -> Self {
        self.invoke_context.features = Arc::new(features);
        self
    }

    /// Calls `S` with the input made of `input` (the unaligned, direct-mapping layout) and
    /// the given accounts metadata; returns its result and the compute units it consumed.
    fn call_regions<S: Syscall>(
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
            |context| S::call(context, args[0], args[1], args[2], args[3], args[4]),
        );
        (result, before - self.invoke_context.remaining())
    }

    /// Calls several syscalls within one `VmContext` (one program run: the heap allocator
    /// keeps its state between them).
    fn session<S: Syscall>(&mut self, calls: &[[u64; 5]]) -> Vec<Result<u64, SyscallError>> {
        with_vm_context(
            &mut self.invoke_context,
            &mut self.memory,
            self.abi,
            vec![],
            |context| {
                calls
                    .iter()
                    .map(|a| S::call(context, a[0], a[1], a[2], a[3], a[4]))
                    .collect()
            },
        )
    }

    fn set_remaining(&mut self, remaining: u64) {
        self.invoke_context.compute_meter.set_remaining(remaining);
    }

    fn logs(&self) -> Vec<String> {
        self.invoke_context.logs().to_vec()
    }

    fn last_log(&self) -> String {
        self.invoke_context
            .logs()
            .last()
            .cloned()
            .unwrap_or_default()
    }

    fn write(&mut self, vm_addr: u64, bytes: &[u8]) {
        self.memory.write(vm_addr, bytes);
    }

    fn read(&mut self, vm_addr: u64, len: usize) -> Vec<u8> {
        self.memory.read(vm_addr, len)
    }

    fn write_u64(&mut self, vm_addr: u64, value: u64) {
        self.write(vm_addr, &value.to_le_bytes());
    }

    fn read_u64(&mut self, vm_addr: u64) -> u64 {
        u64::from_le_bytes(self.read(vm_addr, 8).try_into().unwrap())
    }

    /// Writes `{ptr, len}` descriptors at `at`.
    fn write_slices(&mut self, at: u64, slices: &[(u64, u64)]) {
        for (i, (ptr, len)) in slices.iter().enumerate() {
            self.write_u64(at + 16 * i as u64, *ptr);
            self.write_u64(at + 16 * i as u64 + 8, *len);
        }
    }

    fn set_return_data(&mut self, program_id: Pubkey, data: Vec<u8>) {
        self.invoke_context
            .transaction_context
            .set_return_data(program_id, data);
    }
}

fn is_access_violation(result: &Result<u64, SyscallError>) -> bool {
    matches!(result, Err(SyscallError::Memory(text)) if text.contains("ccess violation"))
}

// ----- control and logging -----

#[test]
fn abort_charges_nothing() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<logging::Abort>([0; 5]);
    assert_eq!((result, cu), (Err(SyscallError::Abort), 0));
    assert_eq!(SyscallError::Abort.to_string(), "SBF program panicked");
}

#[test]
fn panic_charges_len_then_reports_file_line_column() {
    let mut f = Fixture::new();
    f.write(HEAP, b"src/lib.rs");
    let (result, cu) = f.call::<logging::Panic>([HEAP, 10, 42, 7, 0]);
    assert_eq!(cu, 10);
    let error = result.unwrap_err();
    assert_eq!(error, SyscallError::Panic("src/lib.rs".into(), 42, 7));
    assert_eq!(
        error.to_string(),
        "SBF program Panicked in src/lib.rs at 42:7"
    );
    // Invalid UTF-8 in the file name: the string error, after the charge.
    f.write(HEAP, &[0xc3, 0x28]);
    let (result, cu) = f.call::<logging::Panic>([HEAP, 2, 1, 1, 0]);
    assert_eq!(cu, 2);
    assert!(matches!(result, Err(SyscallError::InvalidString(_))));
}

#[test]
fn log_charges_max_of_base_and_len() {
    let mut f = Fixture::new();
    f.write(HEAP, b"hello");
    let (result, cu) = f.call::<logging::Log>([HEAP, 5, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert_eq!(f.last_log(), "Program log: hello");
    f.write(HEAP, &[b'x'; 300]);
    let (result, cu) = f.call::<logging::Log>([HEAP, 300, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 300));
    // Zero length: no translation at all (a bogus pointer is fine), an empty message.
    let (result, cu) = f.call::<logging::Log>([0xdead, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert_eq!(f.last_log(), "Program log: ");
}

#[test]
fn log_invalid_utf8_error_text() {
    let mut f = Fixture::new();
    f.write(HEAP, &[b'h', 0xff, b'i']);
    let logs_before = f.logs().len();
    let (result, cu) = f.call::<logging::Log>([HEAP, 3, 0, 0, 0]);
    assert_eq!(cu, 100, "charged before the string is checked");
    let error = result.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid utf-8 sequence of 1 bytes from index 1: [104, 255, 105]"
    );
    assert_eq!(f.logs().len(), logs_before, "nothing logged");
    // A truncated sequence has the other std message.
    f.write(HEAP, &[b'a', 0xe2, 0x82]);
    let (result, _) = f.call::<logging::Log>([HEAP, 3, 0, 0, 0]);
    assert_eq!(
        result.unwrap_err().to_string(),
        "incomplete utf-8 byte sequence from index 1: [97, 226, 130]"
    );
}

#[test]
fn log_out_of_bounds_is_an_access_violation_after_the_charge() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<logging::Log>([HEAP + 4090, 10, 0, 0, 0]);
    assert_eq!(cu, 100);
    assert!(is_access_violation(&result), "{result:?}");
    // Not enough units: the meter drains and nothing is translated.
    f.set_remaining(99);
    let (result, cu) = f.call::<logging::Log>([0xdead, 5, 0, 0, 0]);
    assert_eq!(
        result,
        Err(SyscallError::Instruction(
            InstructionError::ComputationalBudgetExceeded
        ))
    );
    assert_eq!((cu, f.invoke_context.remaining()), (99, 0));
}

#[test]
fn log_64_and_compute_units_lines() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<logging::Log64>([1, 0x20, 0, 0xdead_beef, u64::MAX]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert_eq!(
        f.last_log(),
        "Program log: 0x1, 0x20, 0x0, 0xdeadbeef, 0xffffffffffffffff"
    );
    f.set_remaining(1_000);
    let (result, cu) = f.call::<logging::LogComputeUnits>([0; 5]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert_eq!(f.last_log(), "Program consumption: 900 units remaining");
}

#[test]
fn log_pubkey_reads_32_bytes_unaligned() {
    let mut f = Fixture::new();
    let pubkey = Pubkey::new_unique();
    f.write(HEAP + 3, pubkey.as_ref());
    let (result, cu) = f.call::<logging::LogPubkey>([HEAP + 3, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert_eq!(f.last_log(), format!("Program log: {pubkey}"));
    let (result, cu) = f.call::<logging::LogPubkey>([HEAP + 4090, 0, 0, 0, 0]);
    assert_eq!(cu, 100);
    assert!(is_access_violation(&result));
}

#[test]
fn log_data_charges_base_per_field_and_bytes() {
    let mut f = Fixture::new();
    f.write(HEAP + 64, b"abc");
    f.write(HEAP + 128, &[7u8; 300]);
    f.write_slices(HEAP, &[(HEAP + 64, 3), (HEAP + 128, 300), (0xdead, 0)]);
    let (result, cu) = f.call::<logging::LogData>([HEAP, 3, 0, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(cu, 100 + 3 * 100 + 303);
    let b64 = base64::engine::general_purpose::STANDARD;
    assert_eq!(
        f.last_log(),
        format!(
            "Program data: {} {} ",
            b64.encode(b"abc"),
            b64.encode([7u8; 300])
        )
    );
    // No fields: 100 and an empty data line.
    let (result, cu) = f.call::<logging::LogData>([0xdead, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert_eq!(f.last_log(), "Program data: ");
}

#[test]
fn log_data_charges_fields_before_translating_them() {
    let mut f = Fixture::new();
    // The second field points nowhere: all three charges happen, then the fault.
    f.write_slices(HEAP, &[(HEAP + 64, 8), (0x9_0000_0000, 40)]);
    let (result, cu) = f.call::<logging::LogData>([HEAP, 2, 0, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(cu, 100 + 200 + 48);
}

#[test]
fn log_data_field_array_must_be_8_aligned_unless_deprecated() {
    let mut f = Fixture::new();
    f.write_slices(HEAP + 4, &[(HEAP + 64, 1)]);
    let (result, cu) = f.call::<logging::LogData>([HEAP + 4, 1, 0, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 100));
    let mut f = Fixture::deprecated();
    f.write_slices(HEAP + 4, &[(HEAP + 64, 1)]);
    let (result, cu) = f.call::<logging::LogData>([HEAP + 4, 1, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 201));
}

// ----- memory operations -----

#[test]
fn mem_ops_charge_max_of_10_and_n_over_250() {
    let mut f = Fixture::new();
    f.write(HEAP, &[5u8; 1000]);
    let (result, cu) = f.call::<mem_ops::Memcpy>([HEAP + 2000, HEAP, 1000, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 10)); // ⌊1000/250⌋ = 4 < 10
    assert_eq!(f.read(HEAP + 2000, 1000), vec![5u8; 1000]);
    let (result, cu) = f.call::<mem_ops::Memmove>([HEAP, HEAP + 1000, 2750, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 11));
    let (result, cu) = f.call::<mem_ops::Memset>([HEAP, 0x1ff, 3000, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 12));
    assert_eq!(f.read(HEAP, 3000), vec![0xff; 3000], "low byte of r2");
    let (result, cu) = f.call::<mem_ops::Memcmp>([HEAP, HEAP + 1, 4000, STACK, 0]);
    assert_eq!((result, cu), (Ok(0), 16));
}

#[test]
fn memcpy_rejects_overlap_after_charging_memmove_allows_it() {
    let mut f = Fixture::new();
    f.write(HEAP, &[1, 2, 3, 4, 5, 6, 7, 8]);
    let (result, cu) = f.call::<mem_ops::Memcpy>([HEAP + 2, HEAP, 4, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::CopyOverlapping), 10));
    assert_eq!(
        SyscallError::CopyOverlapping.to_string(),
        "Overlapping copy"
    );
    // Adjacent ranges do not overlap; the check is on VM addresses and needs no mapping.
    let (result, _) = f.call::<mem_ops::Memcpy>([HEAP + 4, HEAP, 4, 0, 0]);
    assert_eq!(result, Ok(0));
    let (result, _) = f.call::<mem_ops::Memcpy>([0x9_0000_0000, 0x9_0000_0004, 5, 0, 0]);
    assert_eq!(result, Err(SyscallError::CopyOverlapping));
    f.write(HEAP, &[1, 2, 3, 4, 5, 6, 7, 8]);
    let (result, _) = f.call::<mem_ops::Memmove>([HEAP + 2, HEAP, 4, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(f.read(HEAP, 8), vec![1, 2, 1, 2, 3, 4, 7, 8]);
}

#[test]
fn memmove_translates_destination_before_source() {
    let mut f = Fixture::new();
    // Both bad: the destination (a Store into read-only memory) is reported.
    let (result, _) = f.call::<mem_ops::Memmove>([RODATA, 0x9_0000_0000, 4, 0, 0]);
    let Err(SyscallError::Memory(text)) = result else {
        panic!("{result:?}")
    };
    assert!(text.contains("0x100000000"), "{text}");
    // Zero length translates nothing.
    let (result, cu) = f.call::<mem_ops::Memmove>([RODATA, 0x9_0000_0000, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 10));
    let (result, _) = f.call::<mem_ops::Memset>([RODATA, 0, 1, 0, 0]);
    assert!(is_access_violation(&result));
}

#[test]
fn memcmp_result_and_alignment() {
    let mut f = Fixture::new();
    f.write(HEAP, b"abcd");
    f.write(HEAP + 16, b"abzd");
    let (result, _) = f.call::<mem_ops::Memcmp>([HEAP, HEAP + 16, 4, STACK, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(
        f.read(STACK, 4),
        (i32::from(b'c') - i32::from(b'z')).to_le_bytes()
    );
    let (result, _) = f.call::<mem_ops::Memcmp>([HEAP + 16, HEAP, 4, STACK, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(f.read(STACK, 4), 23i32.to_le_bytes());
    let (result, _) = f.call::<mem_ops::Memcmp>([HEAP, HEAP, 4, STACK, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(f.read(STACK, 4), 0i32.to_le_bytes());
    // The i32 result must be 4-aligned, except for deprecated-loader programs.
    let (result, cu) = f.call::<mem_ops::Memcmp>([HEAP, HEAP + 16, 4, STACK + 2, 0]);
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 10));
    let mut f = Fixture::deprecated();
    f.write(HEAP, b"b");
    let (result, _) = f.call::<mem_ops::Memcmp>([HEAP, HEAP + 16, 1, STACK + 2, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(f.read(STACK + 2, 4), 98i32.to_le_bytes());
}

#[test]
fn memcmp_translates_inputs_before_the_result() {
    let mut f = Fixture::new();
    // Unaligned result and an unmapped input: the input fault comes first.
    let (result, _) = f.call::<mem_ops::Memcmp>([0x9_0000_0000, HEAP, 4, STACK + 1, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    // With n = 0 the inputs are not translated but the result still is.
    let (result, cu) = f.call::<mem_ops::Memcmp>([0xdead, 0xbeef, 0, STACK + 1, 0]);
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 10));
}

// ----- memory operations under Agave 2.1 direct mapping -----

/// The Dec-2024 conformance feature set's direct-mapping key alone: Agave 2.1's
/// region-by-region mem ops.
fn dec2024_direct_mapping() -> FeatureSet {
    FeatureSet::from_ids([ids::BPF_ACCOUNT_DATA_DIRECT_MAPPING])
}

fn regions(layout: &[(&[u8], bool)]) -> Vec<InputRegion> {
    layout
        .iter()
        .map(|(bytes, writable)| InputRegion::new(bytes, *writable))
        .collect()
}

fn contents(input: &[InputRegion]) -> Vec<Vec<u8>> {
    input
        .iter()
        .map(|region| region.buffer.as_slice().to_vec())
        .collect()
}

#[test]
fn direct_mapping_mem_ops_span_adjacent_regions() {
    let mut f = Fixture::new().with_features(dec2024_direct_mapping());
    let mut input = regions(&[(&[0; 8], true), (&[0; 8], true)]);
    f.write(HEAP, &(1..=16).collect::<Vec<u8>>());
    let (result, cu) =
        f.call_regions::<mem_ops::Memcpy>(&mut input, vec![], [INPUT, HEAP, 16, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 10));
    assert_eq!(
        contents(&input),
        [(1..=8).collect::<Vec<u8>>(), (9..=16).collect()]
    );
    let (result, _) =
        f.call_regions::<mem_ops::Memcmp>(&mut input, vec![], [INPUT, HEAP, 16, STACK, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(f.read(STACK, 4), 0i32.to_le_bytes());
    let (result, _) =
        f.call_regions::<mem_ops::Memset>(&mut input, vec![], [INPUT + 4, 0xab, 8, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(
        contents(&input),
        [
            vec![1, 2, 3, 4, 0xab, 0xab, 0xab, 0xab],
            vec![0xab, 0xab, 0xab, 0xab, 13, 14, 15, 16]
        ]
    );

    // Agave 4.4 (mainnet features): an operand must lie in one region; nothing is written.
    let mut f = Fixture::new();
    let mut input = regions(&[(&[0; 8], true), (&[0; 8], true)]);
    f.write(HEAP, &[7; 16]);
    let (result, _) =
        f.call_regions::<mem_ops::Memcpy>(&mut input, vec![], [INPUT, HEAP, 16, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(contents(&input), [vec![0; 8], vec![0; 8]]);
    // The 4.4 direct-mapping features do not select the 2.1 paths either.
    let mut features = FeatureSet::mainnet();
    features.activate(ids::ACCOUNT_DATA_DIRECT_MAPPING);
    features.activate(ids::VIRTUAL_ADDRESS_SPACE_ADJUSTMENTS);
    let mut f = Fixture::new().with_features(features);
    let (result, _) = f.call_regions::<mem_ops::Memset>(&mut input, vec![], [INPUT, 1, 16, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(contents(&input), [vec![0; 8], vec![0; 8]]);
}

#[test]
fn direct_mapping_memset_writes_up_to_the_failing_region() {
    let mut f = Fixture::new().with_features(dec2024_direct_mapping());
    let mut input = regions(&[(&[1; 8], true), (&[2; 4], false), (&[3; 6], true)]);
    let (result, cu) =
        f.call_regions::<mem_ops::Memset>(&mut input, vec![], [INPUT + 4, 0, 12, 0, 0]);
    assert_eq!(cu, 10);
    let Err(SyscallError::Memory(text)) = &result else {
        panic!("{result:?}")
    };
    // The violation names the whole operand, not the byte that failed.
    assert!(
        text.contains("0x400000004") && text.contains("12 bytes"),
        "{text}"
    );
    assert_eq!(
        contents(&input),
        [vec![1, 1, 1, 1, 0, 0, 0, 0], vec![2; 4], vec![3; 6]]
    );
}

#[test]
fn direct_mapping_memcpy_copies_chunks_before_a_fault() {
    let mut f = Fixture::new().with_features(dec2024_direct_mapping());
    let mut input = regions(&[(&[1; 8], true), (&[2; 4], false), (&[3; 6], true)]);
    // The source runs off the end of the input after 4 bytes.
    let (result, _) =
        f.call_regions::<mem_ops::Memcpy>(&mut input, vec![], [HEAP, INPUT + 14, 8, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(f.read(HEAP, 8), [3, 3, 3, 3, 0, 0, 0, 0]);
    // Source and destination chunks of different lengths are paired piece by piece.
    let (result, _) =
        f.call_regions::<mem_ops::Memcpy>(&mut input, vec![], [INPUT + 12, INPUT + 2, 6, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(contents(&input)[2], [1, 1, 1, 1, 1, 1]);
    let (result, _) =
        f.call_regions::<mem_ops::Memcpy>(&mut input, vec![], [INPUT, INPUT + 6, 6, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(contents(&input)[0], [1, 1, 2, 2, 2, 2, 1, 1]);
}

#[test]
fn direct_mapping_memmove_runs_backwards_when_dst_is_above_src() {
    let start: Vec<u8> = (0..12).collect();
    let layout = |bytes: &[u8]| {
        regions(&[
            (&bytes[0..3], true),
            (&bytes[3..8], true),
            (&bytes[8..12], true),
        ])
    };
    for (dst, src, n) in [(2, 0, 9), (0, 3, 8), (1, 6, 5), (4, 4, 8), (7, 0, 5)] {
        let mut f = Fixture::new().with_features(dec2024_direct_mapping());
        let mut input = layout(&start);
        let (result, _) = f.call_regions::<mem_ops::Memmove>(
            &mut input,
            vec![],
            [INPUT + dst, INPUT + src, n, 0, 0],
        );
        assert_eq!(result, Ok(0));
        let mut expected = start.clone();
        expected.copy_within(src as usize..(src + n) as usize, dst as usize);
        assert_eq!(
            contents(&input).concat(),
            expected,
            "memmove({dst}, {src}, {n})"
        );
    }
    // Backwards, the last piece is looked up first: a read-only end of the destination
    // fails before anything is written (forwards, 4 bytes would have been).
    let mut f = Fixture::new().with_features(dec2024_direct_mapping());
    let mut input = regions(&[(&start[..8], true), (&start[8..], false)]);
    let (result, _) =
        f.call_regions::<mem_ops::Memmove>(&mut input, vec![], [INPUT + 4, INPUT, 8, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(contents(&input).concat(), start);
    let (result, _) =
        f.call_regions::<mem_ops::Memmove>(&mut input, vec![], [INPUT + 4, HEAP, 8, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(contents(&input)[0], [0, 1, 2, 3, 0, 0, 0, 0]);
}

#[test]
fn direct_mapping_memcmp_translates_the_result_first_and_stops_at_a_difference() {
    let mut f = Fixture::new().with_features(dec2024_direct_mapping());
    let mut input = regions(&[(b"abcd", true)]);
    f.write(HEAP, b"abzdefgh");
    // The operand runs past the input, but the difference comes first.
    let (result, _) =
        f.call_regions::<mem_ops::Memcmp>(&mut input, vec![], [INPUT, HEAP, 8, STACK, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(
        f.read(STACK, 4),
        (i32::from(b'c') - i32::from(b'z')).to_le_bytes()
    );
    // No difference before the end of the input: the access violation, nothing written.
    f.write(HEAP, b"abcdefgh");
    f.write(STACK, &[9; 4]);
    let (result, _) =
        f.call_regions::<mem_ops::Memcmp>(&mut input, vec![], [INPUT, HEAP, 8, STACK, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(f.read(STACK, 4), [9; 4]);
    // The result is translated before the inputs (the contiguous path does the opposite).
    let (result, cu) = f.call_regions::<mem_ops::Memcmp>(
        &mut input,
        vec![],
        [0x9_0000_0000, HEAP, 4, STACK + 1, 0],
    );
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 10));
}

#[test]
fn direct_mapping_walks_may_not_cross_the_account_data_boundary() {
    let mut f = Fixture::new().with_features(dec2024_direct_mapping());
    let mut input = regions(&[(&[1; 8], true), (&[2; 4], true), (&[3; 6], true)]);
    // The second region is an account's data, the third its realloc area.
    let account = SerializedAccountMetadata {
        vm_data_addr: INPUT + 8,
        original_data_len: 4,
        ..SerializedAccountMetadata::default()
    };
    let (result, _) =
        f.call_regions::<mem_ops::Memset>(&mut input, vec![account], [INPUT + 4, 0, 8, 0, 0]);
    assert_eq!(result, Err(SyscallError::InvalidLength));
    assert_eq!(contents(&input)[0], [1, 1, 1, 1, 0, 0, 0, 0]);
    assert_eq!(contents(&input)[1], [2; 4]);
    // Data and realloc area are both account regions.
    let (result, _) =
        f.call_regions::<mem_ops::Memset>(&mut input, vec![account], [INPUT + 8, 5, 10, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(contents(&input)[1..], [vec![5; 4], vec![5; 6]]);
    // Backwards (an overlapping memmove) the same rule applies.
    let (result, _) = f.call_regions::<mem_ops::Memmove>(
        &mut input,
        vec![account],
        [INPUT + 6, INPUT + 4, 8, 0, 0],
    );
    assert_eq!(result, Err(SyscallError::InvalidLength));
}

// ----- hashing -----

#[test]
fn sha256_and_keccak_charge_base_and_half_bytes_per_slice() {
    let mut f = Fixture::new();
    f.write(HEAP + 256, &[1u8; 500]);
    f.write(HEAP + 1024, b"ab");
    f.write_slices(HEAP, &[(HEAP + 256, 500), (HEAP + 1024, 2), (0xdead, 0)]);
    let (result, cu) = f.call::<hashing::Sha256>([HEAP, 3, STACK, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(cu, 85 + 250 + 10 + 10);
    let mut expected = sha2::Sha256::new();
    expected.update([1u8; 500]);
    expected.update(b"ab");
    assert_eq!(f.read(STACK, 32), expected.finalize().to_vec());

    let (result, cu) = f.call::<hashing::Keccak256>([HEAP, 3, STACK + 64, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 355));
    let mut expected = sha3::Keccak256::new();
    expected.update([1u8; 500]);
    expected.update(b"ab");
    assert_eq!(f.read(STACK + 64, 32), expected.finalize().to_vec());

    // No slices: the base charge and the digest of nothing; the array is not translated.
    let (result, cu) = f.call::<hashing::Sha256>([0xdead, 0, STACK, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 85));
    assert_eq!(f.read(STACK, 32), sha2::Sha256::digest(b"").to_vec());
}

#[test]
fn sha512_and_blake3_digests() {
    let mut f = Fixture::new();
    f.write(HEAP + 256, b"hello");
    f.write_slices(HEAP, &[(HEAP + 256, 5)]);
    let (result, cu) = f.call::<hashing::Sha512>([HEAP, 1, STACK, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 95));
    assert_eq!(f.read(STACK, 64), sha2::Sha512::digest(b"hello").to_vec());
    // The 64-byte result must fit: 32 writable bytes are not enough.
    let (result, cu) = f.call::<hashing::Sha512>([HEAP, 1, STACK + 4096 - 32, 0, 0]);
    assert_eq!(cu, 85);
    assert!(is_access_violation(&result));
    let (result, _) = f.call::<hashing::Blake3>([HEAP, 1, STACK + 128, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(
        f.read(STACK + 128, 32),
        blake3::hash(b"hello").as_bytes().to_vec()
    );
}

#[test]
fn hash_too_many_slices_logs_and_charges_nothing() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<hashing::Sha256>([0xdead, 20_001, 0xbeef, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::TooManySlices), 0));
    assert_eq!(
        f.last_log(),
        "Sha256 Hashing 20001 sequences in one syscall is over the limit 20000"
    );
    assert_eq!(
        SyscallError::TooManySlices.to_string(),
        "Hashing too many sequences"
    );
    let (result, _) = f.call::<hashing::Keccak256>([0xdead, u64::MAX, 0xbeef, 0, 0]);
    assert_eq!(result, Err(SyscallError::TooManySlices));
    assert_eq!(
        f.last_log(),
        format!(
            "Keccak256 Hashing {} sequences in one syscall is over the limit 20000",
            u64::MAX
        )
    );
    // Exactly at the limit is allowed (and then faults on the bogus array).
    let (result, cu) = f.call::<hashing::Sha256>([0xdead, 20_000, STACK, 0, 0]);
    assert!(is_access_violation(&result));
    assert_eq!(cu, 85);
}

#[test]
fn hash_translates_result_before_slices_and_charges_each_slice_after_translating_it() {
    let mut f = Fixture::new();
    // Bad result and bad array: the result is reported (read-only region).
    let (result, cu) = f.call::<hashing::Sha256>([0xdead, 1, RODATA, 0, 0]);
    let Err(SyscallError::Memory(text)) = &result else {
        panic!("{result:?}")
    };
    assert!(text.contains("0x100000000"), "{text}");
    assert_eq!(cu, 85);
    // Second slice unmapped: only the first slice was charged.
    f.write_slices(HEAP, &[(HEAP + 256, 100), (0x9_0000_0000, 100)]);
    let (result, cu) = f.call::<hashing::Sha256>([HEAP, 2, STACK, 0, 0]);
    assert!(is_access_violation(&result));
    assert_eq!(cu, 85 + 50);
    // The slice array must be 8-aligned.
    let (result, _) = f.call::<hashing::Sha256>([HEAP + 4, 1, STACK, 0, 0]);
    assert_eq!(result, Err(SyscallError::UnalignedPointer));
}

// ----- program derived addresses -----

#[test]
fn create_program_address_charges_1500_and_writes_the_address() {
    let mut f = Fixture::new();
    let program = Pubkey::new_unique();
    f.write(HEAP + 256, b"seed");
    f.write(HEAP + 512, program.as_ref());
    f.write_slices(HEAP, &[(HEAP + 256, 4)]);
    let (result, cu) = f.call::<pda::CreateProgramAddress>([HEAP, 1, HEAP + 512, STACK, 0]);
    assert_eq!(cu, 1_500);
    let expected = sbfvm_runtime::pda::create_program_address(&[b"seed"], &program);
    match expected {
        Ok(address) => {
            assert_eq!(result, Ok(0));
            assert_eq!(f.read(STACK, 32), address.as_ref());
        }
        Err(_) => assert_eq!(result, Ok(1)),
    }
}

#[test]
fn create_program_address_seed_limits() {
    let mut f = Fixture::new();
    f.write_slices(HEAP, &[(HEAP + 1024, 1); 17]);
    let (result, cu) = f.call::<pda::CreateProgramAddress>([HEAP, 17, HEAP + 512, STACK, 0]);
    assert_eq!(cu, 1_500);
    let error = result.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Could not create program address with signer seeds: \
         Length of the seed is too long for address generation"
    );
    // The seed array is translated before the count check.
    let (result, _) = f.call::<pda::CreateProgramAddress>([0xdead, 17, HEAP + 512, STACK, 0]);
    assert!(is_access_violation(&result));
    // A seed over 32 bytes aborts even if a later seed is unmapped; an earlier unmapped
    // seed faults first.
    f.write_slices(HEAP, &[(HEAP + 1024, 33), (0x9_0000_0000, 1)]);
    let (result, _) = f.call::<pda::CreateProgramAddress>([HEAP, 2, HEAP + 512, STACK, 0]);
    assert!(matches!(result, Err(SyscallError::BadSeeds(_))));
    f.write_slices(HEAP, &[(0x9_0000_0000, 1), (HEAP + 1024, 33)]);
    let (result, _) = f.call::<pda::CreateProgramAddress>([HEAP, 2, HEAP + 512, STACK, 0]);
    assert!(is_access_violation(&result));
}

#[test]
fn try_find_program_address_charges_1500_per_attempt() {
    let mut f = Fixture::new();
    let program = Pubkey::new_unique();
    f.write(HEAP + 512, program.as_ref());
    // Try a few seeds so that at least one needs more than one bump.
    let mut saw_retry = false;
    for n in 0u8..32 {
        f.write(HEAP + 256, &[n]);
        f.write_slices(HEAP, &[(HEAP + 256, 1)]);
        let (result, cu) =
            f.call::<pda::TryFindProgramAddress>([HEAP, 1, HEAP + 512, STACK, STACK + 64]);
        let (address, bump) =
            sbfvm_runtime::pda::try_find_program_address(&[&[n]], &program).unwrap();
        assert_eq!(result, Ok(0));
        assert_eq!(cu, 1_500 * (256 - u64::from(bump)));
        assert_eq!(f.read(STACK, 32), address.as_ref());
        assert_eq!(f.read(STACK + 64, 1), vec![bump]);
        saw_retry |= bump < 255;
    }
    assert!(saw_retry);
}

#[test]
fn try_find_program_address_with_16_seeds_fails_every_bump() {
    let mut f = Fixture::new();
    f.write_slices(HEAP, &[(HEAP + 1024, 1); 16]);
    let (result, cu) =
        f.call::<pda::TryFindProgramAddress>([HEAP, 16, HEAP + 512, STACK, STACK + 64]);
    assert_eq!((result, cu), (Ok(1), 1_500 * 256));
    // Out of units in the loop: the meter drains.
    f.set_remaining(10_000);
    let (result, cu) =
        f.call::<pda::TryFindProgramAddress>([HEAP, 16, HEAP + 512, STACK, STACK + 64]);
    assert_eq!(
        result,
        Err(SyscallError::Instruction(
            InstructionError::ComputationalBudgetExceeded
        ))
    );
    assert_eq!(cu, 10_000);
}

#[test]
fn try_find_program_address_outputs_must_not_overlap() {
    let mut f = Fixture::new();
    f.write(HEAP + 512, Pubkey::new_unique().as_ref());
    f.write_slices(HEAP, &[(HEAP + 256, 0)]);
    // Bump byte inside the address.
    let (result, cu) =
        f.call::<pda::TryFindProgramAddress>([HEAP, 1, HEAP + 512, STACK, STACK + 31]);
    assert_eq!(result, Err(SyscallError::CopyOverlapping));
    assert!(cu >= 1_500 && cu % 1_500 == 0);
    assert_eq!(f.read(STACK, 32), vec![0; 32], "nothing written");
    // Right after the address is fine.
    let (result, _) =
        f.call::<pda::TryFindProgramAddress>([HEAP, 1, HEAP + 512, STACK, STACK + 32]);
    assert_eq!(result, Ok(0));
    // The bump output is translated first: both unmapped → the bump's address is reported.
    let (result, _) =
        f.call::<pda::TryFindProgramAddress>([HEAP, 1, HEAP + 512, 0x9_0000_0000, 0x8_0000_0000]);
    let Err(SyscallError::Memory(text)) = &result else {
        panic!("{result:?}")
    };
    assert!(text.contains("0x800000000"), "{text}");
}

// ----- sysvars -----

#[test]
fn typed_sysvar_getters_charge_100_plus_size_and_copy_repr_c() {
    let mut f = Fixture::new();
    let sysvars = Sysvars::default();
    let (result, cu) = f.call::<sysvar::GetClock>([STACK, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 140));
    assert_eq!(f.read(STACK, 40), sysvars.clock_repr_c().to_vec());
    let (result, cu) = f.call::<sysvar::GetEpochSchedule>([STACK, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 140));
    assert_eq!(f.read(STACK, 40), sysvars.epoch_schedule_repr_c().to_vec());
    f.write(STACK, &[0xee; 24]);
    let (result, cu) = f.call::<sysvar::GetRent>([STACK, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 124));
    assert_eq!(f.read(STACK, 24), sysvars.rent.to_repr_c().to_vec());
    assert_eq!(f.read(STACK + 17, 7), vec![0; 7], "padding is zeroed");
    let (result, cu) = f.call::<sysvar::GetEpochRewards>([STACK, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 196));
    assert_eq!(f.read(STACK, 96), sysvars.epoch_rewards_repr_c().to_vec());
    let (result, cu) = f.call::<sysvar::GetLastRestartSlot>([STACK, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 108));
}

#[test]
fn typed_sysvar_getters_alignment_and_pointer_checks() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<sysvar::GetClock>([STACK + 4, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 140));
    // EpochRewards is 16-aligned.
    let (result, _) = f.call::<sysvar::GetEpochRewards>([STACK + 8, 0, 0, 0, 0]);
    assert_eq!(result, Err(SyscallError::UnalignedPointer));
    // SIMD-0459: destinations in the input region are rejected after the charge.
    let (result, cu) = f.call::<sysvar::GetRent>([INPUT, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::InvalidPointer), 124));
    assert_eq!(SyscallError::InvalidPointer.to_string(), "Invalid pointer");
    let (result, _) = f.call::<sysvar::GetRent>([INPUT - 1, 0, 0, 0, 0]);
    assert!(matches!(result, Err(SyscallError::Memory(_))));
    // Deprecated-loader programs always get UnalignedPointer, even for a valid pointer.
    let mut f = Fixture::deprecated();
    let (result, cu) = f.call::<sysvar::GetClock>([STACK, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 140));
}

#[test]
fn get_sysvar_return_codes_and_charges() {
    let mut f = Fixture::new();
    let clock_id = solana_sdk_ids::sysvar::clock::id();
    f.write(HEAP, clock_id.as_ref());
    let data = Sysvars::default()
        .account_data(&clock_id)
        .expect("clock is provided");
    // 0: copied.
    let (result, cu) = f.call::<sysvar::GetSysvar>([HEAP, STACK, 8, 16, 0]);
    assert_eq!((result, cu), (Ok(0), 110));
    assert_eq!(f.read(STACK, 16), data[8..24].to_vec());
    // 1: offset + length beyond the data; nothing written.
    f.write(STACK, &[0xaa; 8]);
    let (result, cu) = f.call::<sysvar::GetSysvar>([HEAP, STACK, 33, 8, 0]);
    assert_eq!((result, cu), (Ok(1), 110));
    assert_eq!(f.read(STACK, 8), vec![0xaa; 8]);
    // 2: unknown sysvar.
    f.write(HEAP + 64, Pubkey::new_unique().as_ref());
    let (result, _) = f.call::<sysvar::GetSysvar>([HEAP + 64, STACK, 0, 8, 0]);
    assert_eq!(result, Ok(2));
    // The charge: 100 + ⌊32/250⌋ + max(⌊len/250⌋, 10).
    let (result, cu) = f.call::<sysvar::GetSysvar>([HEAP, STACK, 0, 3000, 0]);
    assert_eq!((result, cu), (Ok(1), 112));
}

#[test]
fn get_sysvar_pointer_checks_in_agave_order() {
    let mut f = Fixture::new();
    f.write(HEAP, solana_sdk_ids::sysvar::clock::id().as_ref());
    // Destination in the input region: InvalidPointer after the charge.
    let (result, cu) = f.call::<sysvar::GetSysvar>([HEAP, INPUT, 0, 8, 0]);
    assert_eq!((result, cu), (Err(SyscallError::InvalidPointer), 110));
    let (result, _) = f.call::<sysvar::GetSysvar>([HEAP, u64::MAX, 0, 0, 0]);
    assert_eq!(result, Err(SyscallError::InvalidPointer));
    // Bad destination and bad id: the destination (Store into read-only) is reported.
    let (result, _) = f.call::<sysvar::GetSysvar>([0x9_0000_0000, RODATA, 0, 8, 0]);
    let Err(SyscallError::Memory(text)) = &result else {
        panic!("{result:?}")
    };
    assert!(text.contains("0x100000000"), "{text}");
    // Zero length translates no destination; the id still is.
    let (result, _) = f.call::<sysvar::GetSysvar>([0x9_0000_0000, RODATA, 0, 0, 0]);
    let Err(SyscallError::Memory(text)) = &result else {
        panic!("{result:?}")
    };
    assert!(text.contains("0x900000000"), "{text}");
    // offset + length overflowing is an instruction error.
    let (result, _) = f.call::<sysvar::GetSysvar>([HEAP, STACK, u64::MAX, 1, 0]);
    assert_eq!(
        result,
        Err(SyscallError::Instruction(
            InstructionError::ArithmeticOverflow
        ))
    );
    // Deprecated loader: UnalignedPointer whatever the arguments.
    let mut f = Fixture::deprecated();
    let (result, cu) = f.call::<sysvar::GetSysvar>([0, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 110));
}

#[test]
fn sysvar_pointer_checks_need_syscall_parameter_address_restrictions() {
    // Agave 2.1 (no SIMD-0459): a deprecated-loader caller is served, unaligned.
    let mut f = Fixture::deprecated().with_features(FeatureSet::none());
    let (result, cu) = f.call::<sysvar::GetClock>([STACK + 4, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 140));
    assert_eq!(
        f.read(STACK + 4, 40),
        Sysvars::default().clock_repr_c().to_vec()
    );
    let clock_id = solana_sdk_ids::sysvar::clock::id();
    f.write(HEAP + 1, clock_id.as_ref());
    let (result, cu) = f.call::<sysvar::GetSysvar>([HEAP + 1, STACK + 3, 0, 8, 0]);
    assert_eq!((result, cu), (Ok(0), 110));
    // A destination in the input region is written like any other.
    let mut f = Fixture::new().with_features(FeatureSet::none());
    let (result, _) = f.call::<sysvar::GetLastRestartSlot>([INPUT + 8, 0, 0, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(f.read_u64(INPUT + 8), Sysvars::default().last_restart_slot);
    f.write(HEAP, clock_id.as_ref());
    let (result, _) = f.call::<sysvar::GetSysvar>([HEAP, INPUT, 0, 8, 0]);
    assert_eq!(result, Ok(0));
    // …and one past the mapped memory is an access violation, not InvalidPointer.
    let (result, cu) = f.call::<sysvar::GetRent>([0x9_0000_0000, 0, 0, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(cu, 124);
    // Alignment is still checked for other loaders.
    let (result, _) = f.call::<sysvar::GetClock>([STACK + 4, 0, 0, 0, 0]);
    assert_eq!(result, Err(SyscallError::UnalignedPointer));
}

// ----- return data -----

#[test]
fn set_return_data_charges_before_the_size_check() {
    let mut f = Fixture::new();
    f.write(HEAP, &[3u8; 600]);
    let (result, cu) = f.call::<introspection::SetReturnData>([HEAP, 600, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 102));
    let stored = f.invoke_context.transaction_context.return_data().clone();
    assert_eq!(
        (stored.program_id, stored.data),
        (f.program_id, vec![3u8; 600])
    );
    let (result, cu) = f.call::<introspection::SetReturnData>([HEAP, 1025, 0, 0, 0]);
    assert_eq!(cu, 104);
    let error = result.unwrap_err();
    assert_eq!(error, SyscallError::ReturnDataTooLarge(1025, 1024));
    assert_eq!(error.to_string(), "Return data too large (1025 > 1024)");
    // Empty: no translation, clears the data.
    let (result, cu) = f.call::<introspection::SetReturnData>([0xdead, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert!(f
        .invoke_context
        .transaction_context
        .return_data()
        .data
        .is_empty());
}

#[test]
fn get_return_data_returns_the_full_length_and_charges_copied_bytes() {
    let mut f = Fixture::new();
    let setter = Pubkey::new_unique();
    f.set_return_data(setter, (0..=255u8).cycle().take(300).collect());
    let (result, cu) = f.call::<introspection::GetReturnData>([HEAP, 10, STACK, 0, 0]);
    assert_eq!((result, cu), (Ok(300), 100)); // ⌊(10 + 32)/250⌋ = 0
    assert_eq!(f.read(HEAP, 10), (0..10).collect::<Vec<u8>>());
    assert_eq!(f.read(STACK, 32), setter.as_ref());
    let (result, cu) = f.call::<introspection::GetReturnData>([HEAP, 1000, STACK, 0, 0]);
    assert_eq!((result, cu), (Ok(300), 101)); // ⌊(300 + 32)/250⌋ = 1
                                              // len 0: only the base charge, nothing translated.
    let (result, cu) = f.call::<introspection::GetReturnData>([0xdead, 0, 0xbeef, 0, 0]);
    assert_eq!((result, cu), (Ok(300), 100));
    // Empty return data: the program id is not written.
    f.set_return_data(setter, vec![]);
    f.write(STACK + 64, &[0x11; 32]);
    let (result, cu) = f.call::<introspection::GetReturnData>([HEAP, 10, STACK + 64, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert_eq!(f.read(STACK + 64, 32), vec![0x11; 32]);
}

#[test]
fn get_return_data_outputs_must_not_overlap() {
    let mut f = Fixture::new();
    f.set_return_data(Pubkey::new_unique(), vec![9; 40]);
    let (result, cu) = f.call::<introspection::GetReturnData>([HEAP, 40, HEAP + 39, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::CopyOverlapping), 100));
    assert_eq!(f.read(HEAP, 40), vec![0; 40], "nothing written");
    let (result, _) = f.call::<introspection::GetReturnData>([HEAP, 40, HEAP + 40, 0, 0]);
    assert_eq!(result, Ok(40));
    // Data destination faults before the program id destination is looked at.
    let (result, _) =
        f.call::<introspection::GetReturnData>([0x9_0000_0000, 40, 0x8_0000_0000, 0, 0]);
    let Err(SyscallError::Memory(text)) = &result else {
        panic!("{result:?}")
    };
    assert!(text.contains("0x900000000"), "{text}");
}

// ----- stack height, compute units, allocator, epoch stake -----

#[test]
fn stack_height_and_remaining_compute_units() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<introspection::GetStackHeight>([0; 5]);
    assert_eq!((result, cu), (Ok(1), 100));
    f.set_remaining(1_000);
    let (result, cu) = f.call::<introspection::RemainingComputeUnits>([0; 5]);
    assert_eq!((result, cu), (Ok(900), 100));
}

#[test]
fn alloc_free_is_free_and_aligns_to_8_unless_deprecated() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<introspection::AllocFree>([3, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(HEAP), 0));
    let results = f.session::<introspection::AllocFree>(&[
        [3, 0, 0, 0, 0],
        [8, 0, 0, 0, 0],
        // Free is a no-op returning 0.
        [8, HEAP, 0, 0, 0],
        // Sizes Layout rejects, and allocations that do not fit, return 0.
        [u64::MAX, 0, 0, 0, 0],
        [4096, 0, 0, 0, 0],
        [4096 - 16, 0, 0, 0, 0],
        [1, 0, 0, 0, 0],
    ]);
    assert_eq!(
        results,
        vec![
            Ok(HEAP),
            Ok(HEAP + 8),
            Ok(0),
            Ok(0),
            Ok(0),
            Ok(HEAP + 16),
            Ok(0)
        ]
    );
    let mut f = Fixture::deprecated();
    let results = f.session::<introspection::AllocFree>(&[[3, 0, 0, 0, 0], [8, 0, 0, 0, 0]]);
    assert_eq!(results, vec![Ok(HEAP), Ok(HEAP + 3)]);
}

#[test]
fn epoch_stake_charges() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<introspection::GetEpochStake>([0; 5]);
    assert_eq!((result, cu), (Ok(0), 100));
    let (result, cu) = f.call::<introspection::GetEpochStake>([HEAP + 1, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 110));
    let (result, cu) = f.call::<introspection::GetEpochStake>([0x9_0000_0000, 0, 0, 0, 0]);
    assert_eq!(cu, 110);
    assert!(is_access_violation(&result));
}

// ----- processed sibling instructions -----

/// Writes a {data_len, accounts_len} header at `meta`.
fn write_header(f: &mut Fixture, meta: u64, data_len: u64, accounts_len: u64) {
    f.write_u64(meta, data_len);
    f.write_u64(meta + 8, accounts_len);
}

#[test]
fn sibling_lookup_among_top_level_instructions() {
    let loader = solana_sdk_ids::bpf_loader_upgradeable::id();
    let accounts = |signer: bool| {
        vec![InstructionAccount {
            index_in_transaction: 3,
            is_signer: signer,
            is_writable: true,
        }]
    };
    let frames = vec![
        InstructionFrame::new(0, accounts(false), vec![1]),
        InstructionFrame::new(1, accounts(true), vec![2, 2]),
        InstructionFrame::new(0, vec![], vec![3, 3, 3]),
        InstructionFrame::new(1, vec![], vec![4]),
    ];
    let mut f = Fixture::with_programs(loader, 2, frames);
    for _ in 0..2 {
        f.push_top_level();
        f.pop();
    }
    f.push_top_level(); // the third instruction runs; the fourth has not started
    let meta = STACK;
    // Index 0: the second instruction. Wrong sizes → the header is corrected, returns 1.
    let (result, cu) = f.call::<introspection::GetProcessedSiblingInstruction>([
        0,
        meta,
        STACK + 64,
        STACK + 128,
        STACK + 256,
    ]);
    assert_eq!((result, cu), (Ok(1), 100));
    assert_eq!((f.read_u64(meta), f.read_u64(meta + 8)), (2, 1));
    assert_eq!(f.read(STACK + 64, 32), vec![0; 32], "nothing else written");
    // Right sizes → program id, data and the 34-byte AccountMeta are written.
    let (result, _) = f.call::<introspection::GetProcessedSiblingInstruction>([
        0,
        meta,
        STACK + 64,
        STACK + 128,
        STACK + 256,
    ]);
    assert_eq!(result, Ok(1));
    assert_eq!(f.read(STACK + 64, 32), key(0xA1).as_ref());
    assert_eq!(f.read(STACK + 128, 2), vec![2, 2]);
    let mut meta_bytes = key(2).as_ref().to_vec(); // transaction account 3
    meta_bytes.extend_from_slice(&[1, 1]);
    assert_eq!(f.read(STACK + 256, 34), meta_bytes);
    // Index 1: the first instruction.
    write_header(&mut f, meta, 1, 1);
    let (result, _) = f.call::<introspection::GetProcessedSiblingInstruction>([
        1,
        meta,
        STACK + 64,
        STACK + 128,
        STACK + 256,
    ]);
    assert_eq!(result, Ok(1));
    assert_eq!(f.read(STACK + 64, 32), key(0xA0).as_ref());
    assert_eq!(f.read(STACK + 128, 1), vec![1]);
    assert_eq!(f.read(STACK + 256 + 32, 2), vec![0, 1]);
    // Index 2 does not exist (the current one and later ones are not siblings).
    let (result, cu) =
        f.call::<introspection::GetProcessedSiblingInstruction>([2, 0xdead, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 100));
    let (result, _) =
        f.call::<introspection::GetProcessedSiblingInstruction>([u64::MAX, 0xdead, 0, 0, 0]);
    assert_eq!(result, Ok(0));
}

#[test]
fn sibling_lookup_among_cpis_of_the_same_caller() {
    let loader = solana_sdk_ids::bpf_loader_upgradeable::id();
    let frames = vec![
        InstructionFrame::new(0, vec![], vec![0]),
        InstructionFrame::new(0, vec![], vec![0]),
    ];
    let mut f = Fixture::with_programs(loader, 4, frames);
    // First top-level instruction with one CPI: not a sibling of anything below.
    f.push_top_level();
    f.push_cpi(1, vec![0xf0]);
    f.pop();
    f.pop();
    // Second top-level instruction: CPI A (which itself calls C), then CPI B.
    f.push_top_level();
    f.push_cpi(1, vec![0xa]);
    f.push_cpi(2, vec![0xc]);
    f.pop();
    f.pop();
    f.push_cpi(3, vec![0xb]);
    let meta = STACK;
    let fetch = |f: &mut Fixture, index: u64, accounts_len: u64| {
        write_header(f, meta, 1, accounts_len);
        let result = f.call::<introspection::GetProcessedSiblingInstruction>([
            index,
            meta,
            STACK + 64,
            STACK + 128,
            STACK + 256,
        ]);
        (result.0, f.read(STACK + 128, 1))
    };
    // From B: index 0 is A (same caller); C has another caller; the first instruction's
    // CPI has another caller too.
    assert_eq!(fetch(&mut f, 0, 1), (Ok(1), vec![0xa]));
    assert_eq!(fetch(&mut f, 1, 1).0, Ok(0));
    // From C (pushed again under B): its caller is B, which has no earlier CPI.
    f.push_cpi(2, vec![0xd]);
    assert_eq!(fetch(&mut f, 0, 1).0, Ok(0));
    f.pop();
    // From the top-level instruction itself: the first top-level instruction.
    f.pop();
    f.write(STACK + 128, &[0xff]);
    assert_eq!(fetch(&mut f, 0, 0), (Ok(1), vec![0]));
}

#[test]
fn sibling_outputs_alignment_and_overlap() {
    let loader = solana_sdk_ids::bpf_loader_upgradeable::id();
    let account = vec![InstructionAccount {
        index_in_transaction: 3,
        is_signer: false,
        is_writable: false,
    }];
    let frames = vec![
        InstructionFrame::new(0, account, vec![5; 4]),
        InstructionFrame::new(0, vec![], vec![]),
    ];
    let mut f = Fixture::with_programs(loader, 1, frames);
    f.push_top_level();
    f.pop();
    f.push_top_level();
    // The header is 8-aligned.
    let (result, cu) = f.call::<introspection::GetProcessedSiblingInstruction>([
        0,
        STACK + 4,
        STACK + 64,
        STACK + 128,
        STACK + 256,
    ]);
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 100));
    // Data overlapping the program id.
    write_header(&mut f, STACK, 4, 1);
    let (result, _) = f.call::<introspection::GetProcessedSiblingInstruction>([
        0,
        STACK,
        STACK + 64,
        STACK + 90,
        STACK + 256,
    ]);
    assert_eq!(result, Err(SyscallError::CopyOverlapping));
    // Accounts overlapping the header.
    let (result, _) = f.call::<introspection::GetProcessedSiblingInstruction>([
        0,
        STACK,
        STACK + 64,
        STACK + 128,
        STACK + 8,
    ]);
    assert_eq!(result, Err(SyscallError::CopyOverlapping));
    // Deprecated loader: an unaligned header is fine.
    let frames = vec![
        InstructionFrame::new(0, vec![], vec![]),
        InstructionFrame::new(0, vec![], vec![]),
    ];
    let mut f = Fixture::with_programs(solana_sdk_ids::bpf_loader_deprecated::id(), 1, frames);
    f.push_top_level();
    f.pop();
    f.push_top_level();
    write_header(&mut f, STACK + 4, 0, 0);
    let (result, _) = f.call::<introspection::GetProcessedSiblingInstruction>([
        0,
        STACK + 4,
        STACK + 64,
        0xdead,
        0xbeef,
    ]);
    assert_eq!(result, Ok(1));
    assert_eq!(f.read(STACK + 64, 32), key(0xA0).as_ref());
}

// ----- curve25519 -----

#[test]
fn curve_syscalls_charge_their_constants() {
    let mut f = Fixture::new();
    let basepoint = curve25519_dalek::constants::ED25519_BASEPOINT_COMPRESSED.to_bytes();
    let ristretto = curve25519_dalek::constants::RISTRETTO_BASEPOINT_COMPRESSED.to_bytes();
    f.write(HEAP, &basepoint);
    f.write(HEAP + 32, &ristretto);
    let (result, cu) = f.call::<curve_syscalls::CurveValidatePoint>([0, HEAP, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 159));
    let (result, cu) = f.call::<curve_syscalls::CurveValidatePoint>([1, HEAP + 32, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 169));
    let (result, cu) = f.call::<curve_syscalls::CurveGroupOp>([0, 0, HEAP, HEAP, STACK]);
    assert_eq!((result, cu), (Ok(0), 473));
    let (result, cu) = f.call::<curve_syscalls::CurveGroupOp>([1, 1, HEAP + 32, HEAP + 32, STACK]);
    assert_eq!((result, cu), (Ok(0), 519));
    // Invalid curve with abort_on_invalid_curve active (mainnet): no charge.
    let (result, cu) = f.call::<curve_syscalls::CurveValidatePoint>([2, HEAP, 0, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::InvalidAttribute), 0));
    // MSM: the length check precedes everything.
    let (result, cu) = f.call::<curve_syscalls::CurveMultiscalarMul>([7, 0, 0, 513, 0]);
    assert_eq!((result, cu), (Err(SyscallError::InvalidLength), 0));
    let (result, cu) = f.call::<curve_syscalls::CurveMultiscalarMul>([0, 0xdead, 0xbeef, 0, STACK]);
    assert_eq!((result, cu), (Ok(0), 2_273));
    f.write(HEAP + 64, &[0; 32]);
    f.write(HEAP + 96, &[0; 32]);
    f.write(HEAP + 64, &[1]);
    f.write(HEAP + 128, &basepoint);
    f.write(HEAP + 160, &basepoint);
    let (result, cu) =
        f.call::<curve_syscalls::CurveMultiscalarMul>([0, HEAP + 64, HEAP + 128, 2, STACK]);
    assert_eq!((result, cu), (Ok(0), 2_273 + 758));
    assert_eq!(f.read(STACK, 32), basepoint.to_vec(), "1·B + 0·B");
}
