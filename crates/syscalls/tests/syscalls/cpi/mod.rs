//! CPI (`sol_invoke_signed_c`, `sol_invoke_signed_rust`) called directly on hand-built guest
//! memory and checked against Agave 4.4 (`solana-program-runtime 4.4.0`, `src/cpi.rs` and
//! `src/invoke_context.rs`): for every check of `cpi_common`, in Agave's order, the exact
//! error, the log line where Agave logs one, and the compute units charged up to the
//! failure.
//!
//! The caller is a program of the upgradeable loader (or of the deprecated loader, for the
//! unaligned ABI) running a top-level instruction over the accounts listed below. Its input
//! is serialized with `serialize_parameters`, as the executor does, and the CPI structures
//! (instruction, metas, data, account infos, Rc boxes, signer seeds) are written into its
//! heap. The callee is a builtin ("the stub") whose behaviour each test sets.

mod older_rules;
mod steps;
mod sync;

use std::cell::RefCell;
use std::rc::Rc;

use sbfvm_runtime::pda::{create_program_address, PdaError};
use sbfvm_runtime::{
    Account, AccountMeta, Builtin, CpiAccountMeta, FeatureSet, Instruction, InstructionAccount,
    InstructionError, InstructionFrame, InvokeContext, Pubkey,
};
use sbfvm_syscalls::cpi::{
    translate_accounts, CAbi, InvokeSignedC, InvokeSignedRust, RustAbi, TranslatedAccount,
};
use sbfvm_test_support::{
    account_info_flags, c_account_info_words, rust_account_info_boxes, stable_instruction,
    with_vm_context, HarnessMemory,
};
use sbfvm_vm::serialization::SerializedInput;
use sbfvm_vm::{InputAbi, SerializedAccountMetadata, SyscallError};
use solana_sdk_ids::{bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable, native_loader};

use crate::common::{
    account, budget, budget_exceeded, call, input_abi, invoke_context, is_access_violation, key,
    Guest, HEAP,
};

const RODATA_LEN: usize = 64 * 1024;
const STACK_LEN: usize = 4 * 1024;
const HEAP_LEN: usize = 128 * 1024;
const HEAP_END: u64 = HEAP + HEAP_LEN as u64;

/// `invoke_units` (SIMD-0339).
const INVOKE: u64 = 946;
/// What the stub builtin consumes when it runs.
const STUB_UNITS: u64 = 10;
const MAX_PERMITTED_DATA_INCREASE: u64 = 10 * 1024;

/// Declares consecutive `usize` constants, the first 0.
macro_rules! indices {
    ($first:ident $(, $rest:ident)*) => {
        indices!(@ 0; $first $(, $rest)*);
    };
    (@ $value:expr;) => {};
    (@ $value:expr; $name:ident $(, $rest:ident)*) => {
        const $name: usize = $value;
        indices!(@ $name + 1; $($rest),*);
    };
}

// Transaction accounts, in order. Indices 0..=9 are also the positions of the caller's
// instruction accounts, with these privileges:
// - A: owned by the caller, signer and writable, 10 bytes;
// - B: owned by the caller, writable, 20 bytes;
// - C: owned by `other()`, read-only, 5 bytes;
// - D: owned by the stub, writable, 300 bytes;
// - E: owned by the caller, writable, no data;
// - F: owned by `other()`, writable, 4 bytes;
// - G: owned by the stub, writable, no data;
// - P: executable, owned by bpf_loader, read-only, 1,000 bytes;
// - PDA: a PDA of the caller, owned by the caller, writable, not a signer;
// - STUB: the callee, a builtin (owned by the native loader), read-only;
// - CALLER: the calling program (not an instruction account);
// - X: in the transaction but not in the caller's instruction.
indices!(A, B, C, D, E, F, G, P, PDA, STUB, CALLER, X);

const WRITABLE: [usize; 7] = [A, B, D, E, F, G, PDA];

fn caller_id() -> Pubkey {
    key(0xA0)
}

fn stub_id() -> Pubkey {
    key(0xB0)
}

fn other() -> Pubkey {
    key(0xEE)
}

/// Seeds (`[b"vault", [bump]]`) of the first valid PDA of the caller, and the PDA.
fn caller_pda() -> (Pubkey, Vec<Vec<u8>>) {
    off_curve(vec![b"vault".to_vec()], &caller_id())
}

/// `prefix` plus the highest bump that gives an address off the curve.
fn off_curve(prefix: Vec<Vec<u8>>, program_id: &Pubkey) -> (Pubkey, Vec<Vec<u8>>) {
    for bump in (0..=u8::MAX).rev() {
        let mut seeds = prefix.clone();
        seeds.push(vec![bump]);
        let refs: Vec<&[u8]> = seeds.iter().map(Vec::as_slice).collect();
        if let Ok(address) = create_program_address(&refs, program_id) {
            return (address, seeds);
        }
    }
    panic!("no bump gives an address off the curve");
}

/// Seeds whose hash is a curve point (found by brute force).
fn on_curve_seeds(program_id: &Pubkey) -> Vec<Vec<u8>> {
    for n in 0..=u16::MAX {
        let seeds = vec![b"curve".to_vec(), n.to_le_bytes().to_vec()];
        let refs: Vec<&[u8]> = seeds.iter().map(Vec::as_slice).collect();
        if create_program_address(&refs, program_id) == Err(PdaError::InvalidSeeds) {
            return seeds;
        }
    }
    panic!("no seeds on the curve");
}

// ----- the stub callee -----

type StubFn = Rc<dyn Fn(&mut InvokeContext) -> Result<(), InstructionError>>;

thread_local! {
    static STUB_BEHAVIOUR: RefCell<Option<StubFn>> = const { RefCell::new(None) };
}

fn stub_entry(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    invoke_context.consume_checked(STUB_UNITS)?;
    let behaviour = STUB_BEHAVIOUR.with(|stub| stub.borrow().clone());
    match behaviour {
        Some(behaviour) => behaviour(invoke_context),
        None => Ok(()),
    }
}

/// One account as the callee sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    key: Pubkey,
    signer: bool,
    writable: bool,
    lamports: u64,
    data: Vec<u8>,
    owner: Pubkey,
}

fn callee_accounts(invoke_context: &InvokeContext) -> Vec<Seen> {
    let context = &invoke_context.transaction_context;
    let count = context.current_frame().unwrap().accounts.len();
    (0..count)
        .map(|position| {
            let account = context.borrow_current_account(position).unwrap();
            Seen {
                key: *account.key(),
                signer: account.is_signer(),
                writable: account.is_writable(),
                lamports: account.lamports(),
                data: account.data().to_vec(),
                owner: *account.owner(),
            }
        })
        .collect()
}

// ----- the two ABIs -----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Abi {
    C,
    Rust,
}
const ABIS: [Abi; 2] = [Abi::C, Abi::Rust];

impl Abi {
    fn info_size(self) -> u64 {
        match self {
            Abi::C => 56,
            Abi::Rust => 48,
        }
    }

    fn instruction_size(self) -> usize {
        match self {
            Abi::C => 40,
            Abi::Rust => 80,
        }
    }

    /// Offsets of accounts_addr, accounts_len, data_addr and data_len in the instruction.
    fn ix_offsets(self) -> [u64; 4] {
        match self {
            Abi::C => [8, 16, 24, 32],
            Abi::Rust => [0, 16, 24, 40],
        }
    }

    /// Offsets of is_signer and is_writable in one meta, and the meta size.
    fn meta_layout(self) -> (u64, u64, u64) {
        match self {
            Abi::C => (9, 8, 16),
            Abi::Rust => (32, 33, 34),
        }
    }
}

// ----- the fixture -----

impl Guest for Cpi {
    fn buffers(&mut self) -> &mut HarnessMemory {
        &mut self.mem
    }
}

/// A caller running a top-level instruction, its serialized input, and its heap.
struct Cpi {
    ic: InvokeContext,
    mem: HarnessMemory,
    input_abi: InputAbi,
    input: SerializedInput,
    heap_next: u64,
    log_mark: usize,
    pda_seeds: Vec<Vec<u8>>,
}

impl Cpi {
    /// A caller of the upgradeable loader (aligned ABI), mainnet features.
    fn new() -> Self {
        Self::build(bpf_loader_upgradeable::id(), FeatureSet::mainnet())
    }

    /// A caller of the deprecated loader (unaligned ABI v0, no realloc area).
    fn deprecated() -> Self {
        Self::build(bpf_loader_deprecated::id(), FeatureSet::mainnet())
    }

    fn build(loader: Pubkey, features: FeatureSet) -> Self {
        STUB_BEHAVIOUR.with(|stub| *stub.borrow_mut() = None);
        let (pda, pda_seeds) = caller_pda();
        let caller = caller_id();
        let accounts = vec![
            (key(1), account(1_000, vec![0x11; 10], caller, false)),
            (key(2), account(2_000, vec![0x22; 20], caller, false)),
            (key(3), account(3_000, vec![0x33; 5], other(), false)),
            (key(4), account(4_000, vec![0x44; 300], stub_id(), false)),
            (key(5), account(5_000, vec![], caller, false)),
            (key(6), account(6_000, vec![0x66; 4], other(), false)),
            (key(7), account(7_000, vec![], stub_id(), false)),
            (key(8), account(1, vec![0; 1_000], bpf_loader::id(), true)),
            (pda, account(8_000, vec![], caller, false)),
            (stub_id(), account(1, vec![], native_loader::id(), true)),
            (caller, account(1, vec![], loader, true)),
            (key(9), account(9_000, vec![], caller, false)),
        ];
        assert_eq!(accounts[CALLER].0, caller);
        let instruction_accounts = (0..=STUB)
            .map(|index| InstructionAccount {
                index_in_transaction: index as u16,
                is_signer: index == A,
                is_writable: WRITABLE.contains(&index),
            })
            .collect();
        let mut ic = invoke_context(
            accounts,
            vec![InstructionFrame::new(
                CALLER as u16,
                instruction_accounts,
                vec![],
            )],
            budget(1_400_000),
            features,
            vec![Builtin::new(stub_id(), "stub", |ic| Ok(stub_entry(ic)?))],
        );
        ic.push(None).unwrap();
        let input_abi = input_abi(&loader);
        let mut mem = HarnessMemory::zeroed(RODATA_LEN, STACK_LEN, HEAP_LEN, 0);
        let input = mem
            .serialize_input(&ic.transaction_context, input_abi)
            .expect("serialize the caller's input");
        Self {
            ic,
            mem,
            input_abi,
            input,
            heap_next: HEAP,
            log_mark: 0,
            pda_seeds,
        }
    }

    fn key(&self, index: usize) -> Pubkey {
        *self.ic.transaction_context.key_of(index as u16).unwrap()
    }

    fn w(&self, index: usize) -> AccountMeta {
        AccountMeta::new(self.key(index), false)
    }

    fn ro(&self, index: usize) -> AccountMeta {
        AccountMeta::new_readonly(self.key(index), false)
    }

    fn md(&self, position: usize) -> SerializedAccountMetadata {
        self.input.accounts[position]
    }

    fn account(&self, index: usize) -> Account {
        self.ic
            .transaction_context
            .borrow_account(index as u16)
            .unwrap()
            .clone()
            .into()
    }

    fn set_remaining(&mut self, remaining: u64) {
        self.ic.compute_meter.set_remaining(remaining);
    }

    /// Log lines since the previous call.
    fn new_logs(&mut self) -> Vec<String> {
        let logs: Vec<String> = self
            .ic
            .logs()
            .iter()
            .skip(self.log_mark)
            .map(str::to_owned)
            .collect();
        self.log_mark = self.ic.logs().len();
        logs
    }

    fn stub(
        &self,
        behaviour: impl Fn(&mut InvokeContext) -> Result<(), InstructionError> + 'static,
    ) {
        STUB_BEHAVIOUR.with(|stub| *stub.borrow_mut() = Some(Rc::new(behaviour)));
    }

    /// Makes the stub record the accounts it sees.
    fn record(&self) -> Rc<RefCell<Vec<Seen>>> {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let sink = Rc::clone(&seen);
        self.stub(move |ic| {
            *sink.borrow_mut() = callee_accounts(ic);
            Ok(())
        });
        seen
    }

    // ----- guest memory -----

    fn alloc(&mut self, len: usize, align: u64) -> u64 {
        let addr = self.heap_next.next_multiple_of(align);
        self.heap_next = addr + len as u64;
        assert!(self.heap_next <= HEAP_END, "test heap exhausted");
        addr
    }

    fn put(&mut self, bytes: &[u8], align: u64) -> u64 {
        let addr = self.alloc(bytes.len(), align);
        self.write(addr, bytes);
        addr
    }

    fn put_u64s(&mut self, values: &[u64]) -> u64 {
        self.put(&le_bytes(values), 8)
    }

    // ----- CPI structures -----

    /// `SolInstruction` or `StableInstruction` with its metas and data; returns its address.
    fn ix(&mut self, abi: Abi, ix: &Instruction) -> u64 {
        match abi {
            Abi::C => {
                let program_id_addr = self.put(ix.program_id.as_ref(), 1);
                let mut metas = Vec::new();
                for meta in &ix.accounts {
                    let pubkey_addr = self.put(meta.pubkey.as_ref(), 1);
                    metas.extend_from_slice(&pubkey_addr.to_le_bytes());
                    metas.extend_from_slice(&[meta.is_writable as u8, meta.is_signer as u8]);
                    metas.extend_from_slice(&[0; 6]);
                }
                let metas_addr = self.put(&metas, 8);
                let data_addr = self.put(&ix.data, 1);
                self.put_u64s(&[
                    program_id_addr,
                    metas_addr,
                    ix.accounts.len() as u64,
                    data_addr,
                    ix.data.len() as u64,
                ])
            }
            Abi::Rust => {
                let mut metas = Vec::new();
                for meta in &ix.accounts {
                    metas.extend_from_slice(meta.pubkey.as_ref());
                    metas.extend_from_slice(&[meta.is_signer as u8, meta.is_writable as u8]);
                }
                let metas = (self.put(&metas, 8), ix.accounts.len() as u64);
                let data = (self.put(&ix.data, 1), ix.data.len() as u64);
                self.put(&stable_instruction(metas, data, &ix.program_id), 8)
            }
        }
    }

    /// The account-info array for the caller's accounts at `positions`, every pointer
    /// as the SDK sets it; returns its address.
    fn infos(&mut self, abi: Abi, positions: &[usize]) -> u64 {
        let bytes = self.info_bytes(abi, positions);
        self.put(&bytes, 8)
    }

    fn info_bytes(&mut self, abi: Abi, positions: &[usize]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for &position in positions {
            let md = self.md(position);
            let account = self.account(position);
            let mut info: Vec<u64> = match abi {
                Abi::C => c_account_info_words(&md, u64::MAX).to_vec(),
                Abi::Rust => {
                    let (lamports_box, data_box) = rust_account_info_boxes(&md);
                    let lamports_box = self.put_u64s(&lamports_box);
                    let data_box = self.put_u64s(&data_box);
                    vec![md.vm_key_addr, lamports_box, data_box, md.vm_owner_addr, 0]
                }
            };
            info.push(account_info_flags(
                position == A,
                WRITABLE.contains(&position),
                account.executable,
            ));
            bytes.extend(info.iter().flat_map(|v| v.to_le_bytes()));
        }
        bytes
    }

    /// Address of info `i` of the array at `infos`.
    fn info_addr(abi: Abi, infos: u64, i: usize) -> u64 {
        infos + abi.info_size() * i as u64
    }

    /// Address of the length the CPI reads and writes back for info `i`
    /// (C: `SolAccountInfo.data_len`; Rust: data box + 32).
    fn info_len_addr(&mut self, abi: Abi, infos: u64, i: usize) -> u64 {
        let info = Self::info_addr(abi, infos, i);
        match abi {
            Abi::C => info + 16,
            Abi::Rust => self.read_u64(info + 16) + 32,
        }
    }

    /// Invokes the stub with `metas`, no data and no signers, with the account infos of
    /// `infos`.
    fn cpi_stub(
        &mut self,
        abi: Abi,
        metas: Vec<AccountMeta>,
        infos: &[usize],
    ) -> (Result<u64, SyscallError>, u64) {
        self.cpi(abi, &instruction(stub_id(), metas, vec![]), infos, &[])
    }

    /// Writes `lamports` where the caller's input holds the lamports of `position`.
    fn set_lamports(&mut self, position: usize, lamports: u64) {
        let addr = self.md(position).vm_lamports_addr;
        self.write_u64(addr, lamports);
    }

    /// An instruction to the stub with `metas` and `data`: its address.
    fn stub_ix(&mut self, abi: Abi, metas: Vec<AccountMeta>, data: Vec<u8>) -> u64 {
        self.ix(abi, &instruction(stub_id(), metas, data))
    }

    /// An instruction to the stub with B writable and no data, and B's account info:
    /// their addresses.
    fn stub_with_b(&mut self, abi: Abi) -> (u64, u64) {
        let ix_addr = self.stub_ix(abi, vec![self.w(B)], vec![]);
        (ix_addr, self.infos(abi, &[B]))
    }

    /// `signers` as `&[&[&[u8]]]`; returns (address, count).
    fn signers(&mut self, signers: &[Vec<Vec<u8>>]) -> (u64, u64) {
        let mut outer = Vec::new();
        for seeds in signers {
            let mut inner = Vec::new();
            for seed in seeds {
                inner.push(self.put(seed, 1));
                inner.push(seed.len() as u64);
            }
            outer.push(self.put_u64s(&inner));
            outer.push(seeds.len() as u64);
        }
        (self.put_u64s(&outer), signers.len() as u64)
    }

    /// Calls the syscall of `abi`; returns its result and the units it consumed.
    fn invoke(&mut self, abi: Abi, args: [u64; 5]) -> (Result<u64, SyscallError>, u64) {
        let before = self.ic.remaining();
        let metadata = self.input.accounts.clone();
        let result = with_vm_context(
            &mut self.ic,
            &mut self.mem,
            self.input_abi,
            metadata,
            |context| match abi {
                Abi::C => call::<InvokeSignedC>(context, args),
                Abi::Rust => call::<InvokeSignedRust>(context, args),
            },
        );
        (result, before - self.ic.remaining())
    }

    /// The call with `args` is an access violation after the base charge only.
    fn assert_access_violation_after_base_charge(&mut self, abi: Abi, args: [u64; 5]) {
        let (result, cu) = self.invoke(abi, args);
        assert!(is_access_violation(&result), "{abi:?}: {result:?}");
        assert_eq!(cu, INVOKE);
    }

    /// With only `units` left, the call with `args` fails on the meter and drains it.
    fn assert_drains_meter(&mut self, abi: Abi, args: [u64; 5], units: u64) {
        self.set_remaining(units);
        let (result, cu) = self.invoke(abi, args);
        assert_eq!(result, Err(budget_exceeded()), "{abi:?}");
        assert_eq!((cu, self.ic.remaining()), (units, 0));
    }

    /// Writes the instruction, the infos of `infos` and the signers, then invokes.
    fn cpi(
        &mut self,
        abi: Abi,
        ix: &Instruction,
        infos: &[usize],
        signers: &[Vec<Vec<u8>>],
    ) -> (Result<u64, SyscallError>, u64) {
        let ix_addr = self.ix(abi, ix);
        let infos_addr = self.infos(abi, infos);
        let (signers_addr, signers_len) = self.signers(signers);
        self.invoke(
            abi,
            [
                ix_addr,
                infos_addr,
                infos.len() as u64,
                signers_addr,
                signers_len,
            ],
        )
    }

    /// The callee frame and the translated accounts (phases 5–6 only).
    fn translate(
        &mut self,
        abi: Abi,
        ix: &Instruction,
        infos: &[usize],
    ) -> Result<(InstructionFrame, Vec<TranslatedAccount>), SyscallError> {
        let metas = cpi_metas(ix);
        let frame =
            self.ic
                .prepare_next_cpi_instruction(&ix.program_id, &metas, ix.data.clone(), &[])?;
        let infos_addr = self.infos(abi, infos);
        let metadata = self.input.accounts.clone();
        let accounts = with_vm_context(
            &mut self.ic,
            &mut self.mem,
            self.input_abi,
            metadata.clone(),
            |context| {
                let (memory, ic) = context.split();
                let n = infos.len() as u64;
                match abi {
                    Abi::C => {
                        translate_accounts::<CAbi>(&memory, ic, &frame, &metadata, infos_addr, n)
                    }
                    Abi::Rust => {
                        translate_accounts::<RustAbi>(&memory, ic, &frame, &metadata, infos_addr, n)
                    }
                }
            },
        )?;
        Ok((frame, accounts))
    }
}

fn cpi_metas(ix: &Instruction) -> Vec<CpiAccountMeta> {
    ix.accounts
        .iter()
        .map(|meta| CpiAccountMeta {
            pubkey: meta.pubkey,
            is_signer: meta.is_signer,
            is_writable: meta.is_writable,
        })
        .collect()
}

fn le_bytes(words: &[u64]) -> Vec<u8> {
    words.iter().flat_map(|word| word.to_le_bytes()).collect()
}

fn instruction(program_id: Pubkey, accounts: Vec<AccountMeta>, data: Vec<u8>) -> Instruction {
    Instruction {
        program_id,
        accounts,
        data,
    }
}

/// ⌊data/250⌋ + ⌊34·metas/250⌋: the instruction's byte charge.
fn ix_cost(metas: u64, data: u64) -> u64 {
    data / 250 + metas * 34 / 250
}

/// ⌊80·infos/250⌋: the account-info charge.
fn info_cost(infos: u64) -> u64 {
    infos * 80 / 250
}

fn invoke_logs(program_id: &Pubkey) -> Vec<String> {
    vec![
        format!("Program {program_id} invoke [2]"),
        format!("Program {program_id} success"),
    ]
}

/// `result` is the error `expected`, whose message is `text`.
fn assert_error(result: Result<u64, SyscallError>, expected: SyscallError, text: &str, abi: Abi) {
    assert_eq!(expected.to_string(), text);
    assert_eq!(result, Err(expected), "{abi:?}");
}

fn pointer_log(field: &str, got: u64, expected: u64) -> String {
    format!("Invalid account info pointer `{field}': {got:#x} != {expected:#x}")
}
