//! The `cpi` target: `sol_invoke_signed_c` / `sol_invoke_signed_rust` from a caller whose
//! input is serialized exactly as the executor does it, with the CPI structures built the
//! way the SDKs lay them out and then corrupted by the fuzz input.
//!
//! The input chooses (in this order, see [`run`]): feature toggles and flags (ABI, caller
//! loader, split input regions), the caller's accounts (lamports, data length, owner,
//! executable, signer, writable, duplicates), the callee (the stub builtin, the System
//! program with a real System instruction, the caller itself, a loader, an account), its
//! metas, data, account infos and PDA signers, where each structure is placed (heap, stack,
//! the read-only region, or an account's realloc area in the input), up to 8 mutations
//! (any pointer or length of any structure, or a register, set to the address of another
//! structure, a region boundary, a serialized account field, an arbitrary value…), the
//! stub callee's behaviour, and how the input is split into (read-only or writable) regions
//! under the unaligned mapping.

use std::cell::OnceCell;

use sbfvm_runtime::{
    Account, FeatureSet, InstructionAccount, InstructionFrame, InvokeContext, Pubkey,
    ReadableAccount,
};
use sbfvm_test_support::{
    account_info_flags, c_account_info_words, rust_account_info_boxes, stable_instruction,
    FrameSetup, HarnessMemory, SyscallOutcome, HEAP_START, INPUT_START, RODATA_START, STACK_START,
};
use sbfvm_vm::serialization::serialize_parameters;
use sbfvm_vm::{AlignedBuffer, InputAbi, SerializedAccountMetadata};
use solana_sdk_ids::{bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable, system_program};

use crate::{account, caller_id, key, other_id, stub_id, Reader};

const RODATA_LEN: usize = 8 * 1024;
const STACK_LEN: usize = 8 * 4096;
/// Structures go in the first stack frame only (no frame gaps to account for).
const STACK_USED: usize = 4096;
const HEAP_LEN: usize = 32 * 1024;
const MAX_ACCOUNTS: u8 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Region {
    Rodata,
    Stack,
    Heap,
    Input,
}

impl Region {
    fn base(self) -> u64 {
        match self {
            Region::Rodata => RODATA_START,
            Region::Stack => STACK_START,
            Region::Heap => HEAP_START,
            Region::Input => INPUT_START,
        }
    }
}

/// A field the mutations may overwrite.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// A u64 in a region image at this offset.
    Word(Region, usize),
    /// A single byte (bool flags).
    Byte(Region, usize),
    /// r1..r5.
    Register(usize),
}

/// Region images and bump allocators.
struct Images {
    rodata: Vec<u8>,
    stack: Vec<u8>,
    heap: Vec<u8>,
    input: Vec<u8>,
    next: [usize; 4],
    /// Offsets in `input` available for structures: (start, end) of a realloc area.
    input_area: Option<(usize, usize)>,
    /// Every structure placed: its VM address and length.
    structures: Vec<(u64, usize)>,
    slots: Vec<Slot>,
}

impl Images {
    fn image(&mut self, region: Region) -> &mut Vec<u8> {
        match region {
            Region::Rodata => &mut self.rodata,
            Region::Stack => &mut self.stack,
            Region::Heap => &mut self.heap,
            Region::Input => &mut self.input,
        }
    }

    fn limit(&self, region: Region) -> usize {
        match region {
            Region::Rodata => RODATA_LEN,
            Region::Stack => STACK_USED,
            Region::Heap => HEAP_LEN,
            Region::Input => self.input_area.map_or(0, |(_, end)| end),
        }
    }

    /// Places `len` bytes aligned to `align` in `region`, falling back to the heap (and
    /// then to a fixed heap offset, overlapping earlier structures) when it is full.
    fn alloc(&mut self, region: Region, len: usize, align: usize) -> (Region, usize) {
        let index = region as usize;
        let mut start = self.next[index];
        if region == Region::Input {
            match self.input_area {
                Some((area_start, _)) => start = start.max(area_start),
                None => return self.alloc(Region::Heap, len, align),
            }
        }
        let offset = start.next_multiple_of(align);
        if offset + len <= self.limit(region) {
            self.next[index] = offset + len;
            self.structures.push((region.base() + offset as u64, len));
            return (region, offset);
        }
        if region != Region::Heap {
            return self.alloc(Region::Heap, len, align);
        }
        let offset = (len.min(HEAP_LEN) % 64).next_multiple_of(8);
        let offset = offset.min(HEAP_LEN.saturating_sub(len));
        (Region::Heap, offset)
    }

    fn put(&mut self, region: Region, bytes: &[u8], align: usize) -> u64 {
        let (region, offset) = self.alloc(region, bytes.len(), align);
        let image = self.image(region);
        let end = (offset + bytes.len()).min(image.len());
        image[offset..end].copy_from_slice(&bytes[..end - offset]);
        region.base() + offset as u64
    }

    /// Writes u64 fields (and records each as a mutable slot).
    fn put_words(&mut self, region: Region, words: &[u64]) -> u64 {
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let addr = self.put(region, &bytes, 8);
        self.record_words(addr, words.len());
        addr
    }

    fn locate(addr: u64) -> Option<(Region, usize)> {
        let region = match addr >> 32 {
            1 => Region::Rodata,
            2 => Region::Stack,
            3 => Region::Heap,
            4 => Region::Input,
            _ => return None,
        };
        Some((region, (addr - region.base()) as usize))
    }

    fn record_words(&mut self, addr: u64, count: usize) {
        if let Some((region, offset)) = Self::locate(addr) {
            for i in 0..count {
                self.slots.push(Slot::Word(region, offset + 8 * i));
            }
        }
    }

    fn record_byte(&mut self, addr: u64) {
        if let Some((region, offset)) = Self::locate(addr) {
            self.slots.push(Slot::Byte(region, offset));
        }
    }

    fn read_word(&mut self, region: Region, offset: usize) -> u64 {
        let image = self.image(region);
        let mut bytes = [0u8; 8];
        if let Some(src) = image.get(offset..offset + 8) {
            bytes.copy_from_slice(src);
        }
        u64::from_le_bytes(bytes)
    }

    fn write_word(&mut self, region: Region, offset: usize, value: u64) {
        let image = self.image(region);
        if let Some(dst) = image.get_mut(offset..offset + 8) {
            dst.copy_from_slice(&value.to_le_bytes());
        }
    }
}

fn pda() -> (Pubkey, u8) {
    thread_local! {
        static PDA: OnceCell<(Pubkey, u8)> = const { OnceCell::new() };
    }
    PDA.with(|cell| {
        *cell.get_or_init(|| {
            sbfvm_runtime::pda::try_find_program_address(&[b"vault"], &caller_id())
                .expect("a PDA exists")
        })
    })
}

fn placement(r: &mut Reader) -> Region {
    match r.u8() % 8 {
        0 => Region::Stack,
        1 => Region::Rodata,
        2 => Region::Input,
        _ => Region::Heap,
    }
}

/// The choices of the first bytes of the input.
struct Config {
    toggles: u8,
    /// `sol_invoke_signed_rust` (else `sol_invoke_signed_c`).
    rust_abi: bool,
    /// The caller is owned by the deprecated loader (so its input is unaligned).
    deprecated_caller: bool,
    /// Split the input into several regions (under the unaligned mapping only).
    split_input: bool,
    cu: u64,
    unaligned_mapping: bool,
}

impl Config {
    fn decode(r: &mut Reader) -> (Self, FeatureSet) {
        let toggles = r.u8();
        let flags = r.u8();
        let cu = (u64::from(r.u16()) * 64).clamp(1, 1_400_000);
        let features = crate::features(toggles);
        let config = Self {
            toggles,
            rust_abi: flags & 1 != 0,
            deprecated_caller: flags & 2 != 0,
            split_input: flags & 4 != 0,
            cu,
            unaligned_mapping: features.virtual_address_space_adjustments(),
        };
        (config, features)
    }
}

/// The transaction around the caller's top-level instruction.
struct CallerAccounts {
    transaction_accounts: Vec<(Pubkey, Account)>,
    instruction_accounts: Vec<InstructionAccount>,
    /// Transaction index of the caller program.
    program_index: u16,
}

/// Reads the caller's instruction accounts (1 to [`MAX_ACCOUNTS`], duplicates among them)
/// and adds the PDA, the stub, the System program and the caller program itself.
fn caller_accounts(r: &mut Reader, deprecated_caller: bool) -> CallerAccounts {
    let caller = caller_id();
    let (pda, _) = pda();
    let n = 1 + r.u8() % MAX_ACCOUNTS;
    let mut transaction_accounts = Vec::new();
    let mut instruction_accounts: Vec<InstructionAccount> = Vec::new();
    for i in 0..n {
        let lamports = u64::from(r.u32()) * 8;
        let data_len = (r.u16() % 1200) as usize;
        let owner = match r.u8() % 6 {
            0 | 5 => caller,
            1 => stub_id(),
            2 => other_id(),
            3 => system_program::id(),
            _ => bpf_loader::id(),
        };
        let bits = r.u8();
        let dup = r.u8();
        if bits & 8 != 0 && i > 0 {
            let original = instruction_accounts[(dup % i) as usize];
            instruction_accounts.push(InstructionAccount {
                is_signer: bits & 2 != 0 || original.is_signer,
                is_writable: bits & 4 != 0 || original.is_writable,
                ..original
            });
            // Keep transaction indices dense: a placeholder account nobody references.
            transaction_accounts.push((
                key(0x40 + i),
                account(0, vec![], system_program::id(), false),
            ));
            continue;
        }
        let fill = 0x11u8.wrapping_mul(i + 1);
        transaction_accounts.push((
            key(i + 1),
            account(lamports, vec![fill; data_len], owner, bits & 1 != 0),
        ));
        instruction_accounts.push(InstructionAccount {
            index_in_transaction: u16::from(i),
            is_signer: bits & 2 != 0,
            is_writable: bits & 4 != 0,
        });
    }
    let base = transaction_accounts.len() as u16;
    transaction_accounts.push((pda, account(5_000, vec![], caller, false)));
    transaction_accounts.push((
        stub_id(),
        account(1, vec![], solana_sdk_ids::native_loader::id(), true),
    ));
    transaction_accounts.push((
        system_program::id(),
        account(1, vec![], solana_sdk_ids::native_loader::id(), true),
    ));
    let caller_loader = if deprecated_caller {
        bpf_loader_deprecated::id()
    } else {
        bpf_loader_upgradeable::id()
    };
    transaction_accounts.push((caller, account(1, vec![], caller_loader, true)));
    for (offset, writable) in [(0u16, true), (1, false), (2, false)] {
        instruction_accounts.push(InstructionAccount {
            index_in_transaction: base + offset,
            is_signer: false,
            is_writable: writable,
        });
    }
    CallerAccounts {
        transaction_accounts,
        instruction_accounts,
        program_index: base + 3,
    }
}

/// The caller's frame: the invoke context with its top-level instruction pushed, and its
/// input serialized as the executor does it.
struct Caller {
    invoke_context: InvokeContext,
    instruction_accounts: Vec<InstructionAccount>,
    /// Keys of the transaction accounts.
    keys: Vec<Pubkey>,
    input_abi: InputAbi,
    metadata: Vec<SerializedAccountMetadata>,
}

impl Caller {
    /// The caller and its serialized input; `None` when the top-level instruction cannot be
    /// pushed or serialized.
    fn start(
        accounts: CallerAccounts,
        config: &Config,
        features: FeatureSet,
    ) -> Option<(Self, Vec<u8>)> {
        let CallerAccounts {
            transaction_accounts,
            instruction_accounts,
            program_index,
        } = accounts;
        let keys: Vec<Pubkey> = transaction_accounts.iter().map(|(k, _)| *k).collect();
        let mut invoke_context = crate::invoke_context(transaction_accounts, features, config.cu);
        invoke_context
            .transaction_context
            .configure_top_level(vec![InstructionFrame::new(
                program_index,
                instruction_accounts.clone(),
                vec![1, 2, 3],
            )]);
        invoke_context.push(None).ok()?;
        let input_abi = if config.deprecated_caller {
            InputAbi::Unaligned
        } else {
            InputAbi::Aligned
        };
        let mut buffer = AlignedBuffer::zeroed(0);
        let serialized =
            serialize_parameters(&invoke_context.transaction_context, input_abi, &mut buffer)
                .ok()?;
        let caller = Self {
            invoke_context,
            instruction_accounts,
            keys,
            input_abi,
            metadata: serialized.accounts,
        };
        Some((caller, buffer.as_slice().to_vec()))
    }

    /// The key of the instruction account at `position`.
    fn key_of(&self, position: usize) -> Pubkey {
        self.keys[self.instruction_accounts[position].index_in_transaction as usize]
    }

    /// Images of the caller's guest memory: empty read-only region, stack and heap, and its
    /// serialized input (with the first account's realloc area open to structures under the
    /// aligned ABI).
    fn images(&self, input: Vec<u8>) -> Images {
        let mut images = Images {
            rodata: vec![0; RODATA_LEN],
            stack: vec![0; STACK_USED],
            heap: vec![0; HEAP_LEN],
            input,
            next: [0; 4],
            input_area: None,
            structures: Vec::new(),
            slots: Vec::new(),
        };
        if self.input_abi == InputAbi::Aligned {
            // The realloc area of the first account: 10 KiB of zeros after its data.
            let md = self.metadata[0];
            let start = (md.vm_data_addr - INPUT_START) as usize + md.original_data_len;
            let end = (start + 10 * 1024).min(images.input.len());
            images.input_area = Some((start, end));
        }
        images
    }
}

/// A meta of the callee instruction: the caller's instruction account it names (`None`: an
/// unknown key), its key, signer and writable.
type Meta = (Option<usize>, Pubkey, bool, bool);

/// The instruction the caller invokes, with the account infos and signer seeds it passes.
struct Callee {
    program_id: Pubkey,
    metas: Vec<Meta>,
    data: Vec<u8>,
    /// Positions of the caller's instruction accounts passed as account infos.
    infos: Vec<usize>,
    /// Signer seeds of each PDA signer.
    signers: Vec<Vec<Vec<u8>>>,
}

impl Callee {
    fn decode(r: &mut Reader, caller: &Caller) -> Self {
        let n_instr = caller.instruction_accounts.len();
        let program_id = match r.u8() % 8 {
            0..=3 => stub_id(),
            4 => system_program::id(),
            5 => caller_id(),
            6 => bpf_loader_upgradeable::id(),
            _ => caller.key_of(r.u8() as usize % n_instr),
        };
        let meta_count = r.u8() % 9;
        let mut metas: Vec<Meta> = Vec::new();
        for _ in 0..meta_count {
            let pick = r.u8() as usize % (n_instr + 1);
            let bits = r.u8();
            let (position, pubkey) = if pick == n_instr {
                (None, key(0x77))
            } else {
                (Some(pick), caller.key_of(pick))
            };
            metas.push((position, pubkey, bits & 1 != 0, bits & 2 != 0));
        }
        let data: Vec<u8> = if program_id == system_program::id() && r.bool() {
            system_instruction(r)
        } else {
            r.bytes8().to_vec()
        };
        let info_count = r.u8() % 12;
        let infos: Vec<usize> = (0..info_count).map(|_| r.u8() as usize % n_instr).collect();
        let signer_count = r.u8() % 3;
        let (_, bump) = pda();
        let mut signers: Vec<Vec<Vec<u8>>> = Vec::new();
        for _ in 0..signer_count {
            if !r.u8().is_multiple_of(4) {
                signers.push(vec![b"vault".to_vec(), vec![bump]]);
            } else {
                let seeds = r.u8() % 4;
                signers.push((0..seeds).map(|_| r.bytes8().to_vec()).collect());
            }
        }
        Self {
            program_id,
            metas,
            data,
            infos,
            signers,
        }
    }
}

/// A System instruction: CreateAccount, Assign, Transfer or Allocate.
fn system_instruction(r: &mut Reader) -> Vec<u8> {
    let lamports = u64::from(r.u32());
    let space = u64::from(r.u16() % 2048);
    let owner = if r.bool() { caller_id() } else { stub_id() };
    let mut d = Vec::new();
    match r.u8() % 4 {
        0 => {
            d.extend_from_slice(&0u32.to_le_bytes());
            d.extend_from_slice(&lamports.to_le_bytes());
            d.extend_from_slice(&space.to_le_bytes());
            d.extend_from_slice(owner.as_ref());
        }
        1 => {
            d.extend_from_slice(&1u32.to_le_bytes());
            d.extend_from_slice(owner.as_ref());
        }
        2 => {
            d.extend_from_slice(&2u32.to_le_bytes());
            d.extend_from_slice(&lamports.to_le_bytes());
        }
        _ => {
            d.extend_from_slice(&8u32.to_le_bytes());
            d.extend_from_slice(&space.to_le_bytes());
        }
    }
    d
}

/// Where each structure goes.
struct Placements {
    instruction: Region,
    metas: Region,
    data: Region,
    infos: Region,
    boxes: Region,
    signers: Region,
}

impl Placements {
    fn decode(r: &mut Reader) -> Self {
        let [instruction, metas, data, infos, boxes, signers] = [(); 6].map(|_| placement(r));
        Self {
            instruction,
            metas,
            data,
            infos,
            boxes,
            signers,
        }
    }
}

/// Writes the CPI structures as the SDK of the chosen ABI lays them out and returns the
/// registers of the call (every one of r1..r5 a mutable slot).
fn lay_out(
    r: &mut Reader,
    images: &mut Images,
    caller: &Caller,
    callee: &Callee,
    rust_abi: bool,
) -> [u64; 11] {
    let at = Placements::decode(r);
    let data_addr = images.put(at.data, &callee.data, 1);
    let ix_addr = if rust_abi {
        write_instruction_rust(images, callee, &at, data_addr)
    } else {
        write_instruction_c(images, &caller.metadata, callee, &at, data_addr)
    };
    let infos_addr = write_account_infos(images, caller, &callee.infos, &at, rust_abi);
    let signers_addr = write_signers(images, &callee.signers, at.signers);
    let mut registers = [0u64; 11];
    registers[1] = ix_addr;
    registers[2] = infos_addr;
    registers[3] = callee.infos.len() as u64;
    registers[4] = signers_addr;
    registers[5] = callee.signers.len() as u64;
    registers[10] = STACK_START + 4096;
    for i in 0..5 {
        images.slots.push(Slot::Register(i + 1));
    }
    registers
}

/// `SolInstruction`, its `SolAccountMeta`s (keys of known accounts point into the
/// serialized input) and the program id; returns the instruction's address.
fn write_instruction_c(
    images: &mut Images,
    metadata: &[SerializedAccountMetadata],
    callee: &Callee,
    at: &Placements,
    data_addr: u64,
) -> u64 {
    let program_id_addr = images.put(at.data, callee.program_id.as_ref(), 1);
    let mut meta_words: Vec<(u64, u8, u8)> = Vec::new();
    for (position, pubkey, signer, writable) in &callee.metas {
        let pubkey_addr = match position {
            Some(p) => metadata[*p].vm_key_addr,
            None => images.put(at.data, pubkey.as_ref(), 1),
        };
        meta_words.push((pubkey_addr, u8::from(*writable), u8::from(*signer)));
    }
    let mut bytes = Vec::new();
    for (addr, w, s) in &meta_words {
        bytes.extend_from_slice(&addr.to_le_bytes());
        bytes.extend_from_slice(&[*w, *s, 0, 0, 0, 0, 0, 0]);
    }
    let metas_addr = images.put(at.metas, &bytes, 8);
    for i in 0..meta_words.len() as u64 {
        images.record_words(metas_addr + 16 * i, 1);
        images.record_byte(metas_addr + 16 * i + 8);
        images.record_byte(metas_addr + 16 * i + 9);
    }
    images.put_words(
        at.instruction,
        &[
            program_id_addr,
            metas_addr,
            callee.metas.len() as u64,
            data_addr,
            callee.data.len() as u64,
        ],
    )
}

/// `StableInstruction` (vectors of metas and data, then the program id) and its
/// `AccountMeta`s; returns the instruction's address.
fn write_instruction_rust(
    images: &mut Images,
    callee: &Callee,
    at: &Placements,
    data_addr: u64,
) -> u64 {
    let mut bytes = Vec::new();
    for (_, pubkey, signer, writable) in &callee.metas {
        bytes.extend_from_slice(pubkey.as_ref());
        bytes.extend_from_slice(&[u8::from(*signer), u8::from(*writable)]);
    }
    let metas_addr = images.put(at.metas, &bytes, 8);
    for i in 0..callee.metas.len() as u64 {
        images.record_byte(metas_addr + 34 * i + 32);
        images.record_byte(metas_addr + 34 * i + 33);
    }
    let words = stable_instruction(
        (metas_addr, callee.metas.len() as u64),
        (data_addr, callee.data.len() as u64),
        &callee.program_id,
    );
    let ix_addr = images.put(at.instruction, &words, 8);
    images.record_words(ix_addr, 6);
    ix_addr
}

/// Account infos, every pointer as the SDK sets it (under the Rust ABI, lamports and data
/// behind `Rc<RefCell<…>>` boxes); returns the address of the array.
fn write_account_infos(
    images: &mut Images,
    caller: &Caller,
    infos: &[usize],
    at: &Placements,
    rust_abi: bool,
) -> u64 {
    let mut info_bytes: Vec<u8> = Vec::new();
    for &position in infos {
        let md = caller.metadata[position];
        let instruction_account = caller.instruction_accounts[position];
        let executable = caller
            .invoke_context
            .transaction_context
            .borrow_account(instruction_account.index_in_transaction)
            .map(|a| a.executable())
            .unwrap_or(false);
        let flags = account_info_flags(
            instruction_account.is_signer,
            instruction_account.is_writable,
            executable,
        );
        let words: Vec<u64> = if !rust_abi {
            [&c_account_info_words(&md, u64::MAX)[..], &[flags]].concat()
        } else {
            let (lamports_box, data_box) = rust_account_info_boxes(&md);
            let lamports_box = images.put_words(at.boxes, &lamports_box);
            let data_box = images.put_words(at.boxes, &data_box);
            vec![
                md.vm_key_addr,
                lamports_box,
                data_box,
                md.vm_owner_addr,
                0,
                flags,
            ]
        };
        info_bytes.extend(words.iter().flat_map(|w| w.to_le_bytes()));
    }
    let infos_addr = images.put(at.infos, &info_bytes, 8);
    images.record_words(infos_addr, info_bytes.len() / 8);
    infos_addr
}

/// The signer seeds: an array of (seeds address, count), each seed a (bytes address,
/// length); returns the address of the outer array.
fn write_signers(images: &mut Images, signers: &[Vec<Vec<u8>>], region: Region) -> u64 {
    let mut outer = Vec::new();
    for seeds in signers {
        let mut inner = Vec::new();
        for seed in seeds {
            inner.push(images.put(region, seed, 1));
            inner.push(seed.len() as u64);
        }
        outer.push(images.put_words(region, &inner));
        outer.push(seeds.len() as u64);
    }
    images.put_words(region, &outer)
}

/// Up to 8 mutations, each overwriting one slot (a structure field or a register).
fn mutate(
    r: &mut Reader,
    images: &mut Images,
    registers: &mut [u64; 11],
    metadata: &[SerializedAccountMetadata],
) {
    let mutations = r.u8() % 9;
    for _ in 0..mutations {
        let slot_pick = r.u16() as usize;
        let kind = r.u8();
        let payload = r.u64();
        let slot = images.slots[slot_pick % images.slots.len()];
        let current = match slot {
            Slot::Word(region, offset) => images.read_word(region, offset),
            Slot::Byte(region, offset) => u64::from(images.image(region)[offset]),
            Slot::Register(i) => registers[i],
        };
        let value = mutation_value(images, metadata, kind, payload, current);
        match slot {
            Slot::Word(region, offset) => images.write_word(region, offset, value),
            Slot::Byte(region, offset) => images.image(region)[offset] = value as u8,
            Slot::Register(i) => registers[i] = value,
        }
    }
}

/// The value a mutation of `kind` writes over `current`: near a structure, near a region
/// boundary, near a serialized account field, the payload, `current` nudged, near
/// `u64::MAX`, a small value, or zero.
fn mutation_value(
    images: &Images,
    metadata: &[SerializedAccountMetadata],
    kind: u8,
    payload: u64,
    current: u64,
) -> u64 {
    let delta = i64::from(payload as u8 as i8);
    match kind % 8 {
        0 => {
            let (addr, len) = images.structures[(payload >> 8) as usize % images.structures.len()];
            addr.wrapping_add((delta.rem_euclid(len.max(1) as i64 + 8)) as u64)
        }
        1 => {
            let region = [Region::Rodata, Region::Stack, Region::Heap, Region::Input]
                [(payload >> 8) as usize % 4];
            let len = match region {
                Region::Rodata => RODATA_LEN,
                Region::Stack => STACK_LEN,
                Region::Heap => HEAP_LEN,
                Region::Input => images.input.len(),
            } as u64;
            let edge = if payload & 0x1_0000 != 0 { len } else { 0 };
            region.base().wrapping_add(edge).wrapping_add_signed(delta)
        }
        2 => {
            let md = metadata[(payload >> 8) as usize % metadata.len()];
            let field = [
                md.vm_key_addr,
                md.vm_owner_addr,
                md.vm_lamports_addr,
                md.vm_data_addr,
            ][(payload >> 16) as usize % 4];
            field.wrapping_add_signed(delta % 16)
        }
        3 => payload,
        4 => current.wrapping_add_signed(delta),
        5 => u64::MAX - (payload & 0xff),
        6 => payload & 0xff,
        _ => 0,
    }
}

/// Maps the images: read-only region, stack and heap, and the input as one writable region
/// or (with `split`) cut into regions the input makes read-only or writable.
fn guest_memory(r: &mut Reader, images: &Images, split: bool) -> HarnessMemory {
    let mut memory = HarnessMemory::new(&images.rodata, STACK_LEN, HEAP_LEN);
    memory.write_prefixes(&images.stack, &images.heap);
    if split {
        let mut cuts: Vec<(usize, bool)> = (0..r.u8() % 4)
            .map(|_| (r.u16() as usize % images.input.len().max(1), r.bool()))
            .collect();
        cuts.sort_unstable();
        let mut start = 0;
        let mut writable = r.bool();
        for (cut, next_writable) in cuts {
            if cut > start {
                memory.push_input_region(&images.input[start..cut], writable);
                start = cut;
            }
            writable = next_writable;
        }
        memory.push_input_region(&images.input[start..], writable);
    } else {
        memory.push_input_region(&images.input, true);
    }
    memory
}

/// Calls the CPI syscall of the chosen ABI and checks what a successful CPI keeps: it
/// returns 0, lamports are conserved and the callee's frame is popped (the last two as
/// [`DirectCall::run_checked`](crate::DirectCall::run_checked) checks every CPI).
fn call_and_check(config: &Config, caller: Caller, memory: HarnessMemory, registers: [u64; 11]) {
    let Caller {
        invoke_context,
        input_abi,
        metadata,
        ..
    } = caller;
    let name = if config.rust_abi {
        "sol_invoke_signed_rust"
    } else {
        "sol_invoke_signed_c"
    };
    let environment = crate::environment(config.toggles, false);
    let mut call = crate::DirectCall {
        memory,
        invoke_context,
        frame: FrameSetup {
            program_id: caller_id(),
            abi: input_abi,
            accounts_metadata: metadata,
        },
        registers,
    };
    let Some(outcome) = call.run_checked(&environment, name) else {
        return;
    };
    if crate::debug() {
        eprintln!("cpi {name}: {outcome:?}");
    }
    if let SyscallOutcome::Returned(r0) = outcome {
        assert_eq!(r0, 0, "a CPI returns 0 or fails");
    }
}

/// Runs one CPI input: decodes the configuration and the caller's accounts, serializes the
/// caller's input, decodes the callee instruction, lays the structures out in guest memory,
/// applies the mutations and the stub's ops, maps the memory, and calls the syscall.
pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let (config, features) = Config::decode(&mut r);
    let accounts = caller_accounts(&mut r, config.deprecated_caller);
    let Some((caller, input)) = Caller::start(accounts, &config, features) else {
        return;
    };
    let mut images = caller.images(input);
    let callee = Callee::decode(&mut r, &caller);
    let mut registers = lay_out(&mut r, &mut images, &caller, &callee, config.rust_abi);
    mutate(&mut r, &mut images, &mut registers, &caller.metadata);
    crate::STUB_OPS.with(|ops| *ops.borrow_mut() = r.bytes8().to_vec());
    let memory = guest_memory(
        &mut r,
        &images,
        config.unaligned_mapping && config.split_input,
    );
    call_and_check(&config, caller, memory, registers);
}
