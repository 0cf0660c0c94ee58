//! Cross-program invocation: `sol_invoke_signed_c` and `sol_invoke_signed_rust`
//! (`solana-program-runtime 4.4.0, src/cpi.rs`; the compute costs of
//! `solana-program-runtime 4.4.0, src/execution_budget.rs`).
//!
//! Registers: r1 instruction, r2 account infos, r3 account info count, r4 signer seeds,
//! r5 signer seed count. Returns 0; every failure aborts the caller.
//!
//! CPI is written once, in named phases ([`Invoke`]), and the two ABIs implement [`CpiAbi`]
//! for what differs between them: the layouts, and the order in which an account info's
//! pointers are checked and translated ([`CpiAbi::translate_caller_account`]).
//! 1. `charge_invoke`: 946 CU (1,000 before SIMD-0339);
//! 2. [`translate_instruction`]: instruction, metas and data, the size limits, the
//!    per-byte charge, the bool bytes;
//! 3. [`translate_signers`]: PDA signers derived from the caller's program id (no charge);
//! 4. [`check_authorized_program`]: loaders, native loader and precompiles are refused;
//! 5. `prepare_next_cpi_instruction` (runtime): the callee frame and privilege checks, and
//!    with SIMD-0162 inactive the callee's executable flag (`AccountNotExecutable`); in that
//!    older configuration phase 5 runs before phase 4, as in Agave 2.1;
//! 6. [`translate_accounts`]: the account-info array, the info charge, every key, then per
//!    callee account the ABI's pointer checks ([`CpiAbi::translate_caller_account`]) and
//!    the data charge;
//! 7. [`update_callee_account`]: the caller's pending changes into the account;
//! 8. dispatch: `InvokeContext::process_instruction` (push, run, pop);
//! 9. [`update_caller_account`]: the callee's changes back into the caller's memory.
//!
//! # Older feature sets
//! * SIMD-0459 (`syscall_parameter_address_restrictions`) inactive selects the pre-4.4
//!   account-info rules ([`InfoRules::BeforeSimd0459`]): no pointer checks (unless
//!   the Dec-2024 `bpf_account_data_direct_mapping` key is active, as in Agave 2.1), the data
//!   charge inside the translation, no reservation check on the caller's data, phase 7 inside
//!   phase 6, and a relaxed realloc check in phase 9.
//! * SIMD-0162 inactive adds the callee's executable check to phase 5 and runs phase 5
//!   before phase 4 (Agave 2.1 `cpi_common`).

use std::marker::PhantomData;
use std::mem::{offset_of, size_of};

use sbfvm_runtime::pda::{create_program_address, MAX_SEEDS};
use sbfvm_runtime::transaction_context::{InstructionFrame, MAX_PERMITTED_DATA_INCREASE};
use sbfvm_runtime::{CpiAccountMeta, InstructionError, InvokeContext, ReadableAccount};
use sbfvm_vm::{
    GuestMemory, HostOut, SerializedAccountMetadata, Syscall, SyscallArguments, SyscallError,
    SyscallResult, VmContext,
};
use solana_pubkey::Pubkey;
use solana_sdk_ids::{
    bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable, ed25519_program, native_loader,
    secp256k1_program, secp256r1_program,
};

use crate::guest::{vm_slice, MM_INPUT_START, VM_SLICE_SIZE};

/// Largest CPI instruction data (`MAX_INSTRUCTION_DATA_LEN`).
pub const MAX_CPI_INSTRUCTION_DATA_LEN: usize = 10 * 1024;
/// Most account metas in a CPI instruction (`MAX_ACCOUNTS_PER_INSTRUCTION`).
pub const MAX_CPI_INSTRUCTION_ACCOUNTS: usize = 255;
/// Most account infos (SIMD-0339).
pub const MAX_CPI_ACCOUNT_INFOS: usize = 255;
/// Most PDA signers.
pub const MAX_SIGNERS: usize = 16;
/// Bytes charged per account info (SIMD-0339), for both ABIs.
pub const ACCOUNT_INFO_BYTE_SIZE: u64 = 80;
/// The Rust `AccountMeta` size, charged per meta for both ABIs.
pub const ACCOUNT_META_SIZE: u64 = 34;

/// Where an ABI keeps what the shared translation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbiLayout {
    /// The instruction struct: its size and where its metas and data are described.
    pub instruction: InstructionLayout,
    /// One account meta: its size, the meta array's alignment and its flags' offsets.
    pub account_meta: AccountMetaLayout,
    /// Size of one account info in the caller's array.
    pub account_info_size: u64,
    /// Offset of the key pointer in an account info.
    pub account_info_key_addr: usize,
}

/// The layout of an ABI from its `repr(C)` instruction, meta (with the meta array's
/// alignment) and account-info structs, whose fields have the usual names.
macro_rules! abi_layout {
    ($instruction:ty, $meta:ty, align $align:literal, $info:ty) => {
        AbiLayout {
            instruction: InstructionLayout {
                size: size_of::<$instruction>() as u64,
                accounts_addr: offset_of!($instruction, accounts_addr),
                accounts_len: offset_of!($instruction, accounts_len),
                data_addr: offset_of!($instruction, data_addr),
                data_len: offset_of!($instruction, data_len),
            },
            account_meta: AccountMetaLayout {
                size: size_of::<$meta>() as u64,
                align: $align,
                is_signer: offset_of!($meta, is_signer),
                is_writable: offset_of!($meta, is_writable),
            },
            account_info_size: size_of::<$info>() as u64,
            account_info_key_addr: offset_of!($info, key_addr),
        }
    };
}

/// Where an ABI's instruction struct keeps its fields: byte offsets, and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstructionLayout {
    /// Size of the struct in bytes, translated as one block (align 8).
    pub size: u64,
    /// Offset of the VM address of the account-meta array.
    pub accounts_addr: usize,
    /// Offset of the number of account metas.
    pub accounts_len: usize,
    /// Offset of the VM address of the instruction data.
    pub data_addr: usize,
    /// Offset of the instruction data's length in bytes.
    pub data_len: usize,
}

/// An ABI's account meta: its size, the alignment of the meta array, and where its two
/// flags are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountMetaLayout {
    /// Size of one meta in bytes, the stride of the meta array.
    pub size: u64,
    /// Alignment the meta array's VM address must have (C: 8; Rust: 1).
    pub align: usize,
    /// Offset of the `is_signer` byte (0 or 1; anything else is `InvalidArgument`).
    pub is_signer: usize,
    /// Offset of the `is_writable` byte (0 or 1; anything else is `InvalidArgument`).
    pub is_writable: usize,
}

/// Guest layouts, `repr(C)` so the offsets the translators read are checked by the
/// compiler against the sizes of Agave's (`solana-program-runtime 4.4.0, src/cpi.rs`:
/// `SolInstruction`, `SolAccountMeta`, `SolAccountInfo`; the Rust ABI's from
/// `solana-stable-layout` and `solana-account-info`). Crate-private: the public face of a
/// layout is [`CpiAbi::LAYOUT`].
pub(crate) mod layout {
    use std::mem::{offset_of, size_of};

    use super::{AbiLayout, AccountMetaLayout, InstructionLayout};

    /// `SolInstruction` (C ABI).
    #[repr(C)]
    pub(crate) struct SolInstruction {
        pub(crate) program_id_addr: u64,
        pub(crate) accounts_addr: u64,
        pub(crate) accounts_len: u64,
        pub(crate) data_addr: u64,
        pub(crate) data_len: u64,
    }

    /// `SolAccountMeta` (C ABI): is_writable precedes is_signer.
    #[repr(C)]
    pub(crate) struct SolAccountMeta {
        pub(crate) pubkey_addr: u64,
        pub(crate) is_writable: u8,
        pub(crate) is_signer: u8,
    }

    /// `SolAccountInfo` (C ABI).
    #[repr(C)]
    pub(crate) struct SolAccountInfo {
        pub(crate) key_addr: u64,
        pub(crate) lamports_addr: u64,
        pub(crate) data_len: u64,
        pub(crate) data_addr: u64,
        pub(crate) owner_addr: u64,
        pub(crate) rent_epoch: u64,
        pub(crate) is_signer: u8,
        pub(crate) is_writable: u8,
        pub(crate) executable: u8,
    }

    /// `StableInstruction` (Rust ABI): two `StableVec`s and the program id.
    #[repr(C)]
    pub(crate) struct StableInstruction {
        pub(crate) accounts_addr: u64,
        pub(crate) accounts_cap: u64,
        pub(crate) accounts_len: u64,
        pub(crate) data_addr: u64,
        pub(crate) data_cap: u64,
        pub(crate) data_len: u64,
        pub(crate) program_id: [u8; 32],
    }

    /// `AccountMeta` (Rust ABI), byte-aligned.
    #[repr(C)]
    pub(crate) struct AccountMeta {
        pub(crate) pubkey: [u8; 32],
        pub(crate) is_signer: u8,
        pub(crate) is_writable: u8,
    }

    /// `AccountInfo` (Rust ABI): lamports and data are `Rc<RefCell<…>>` box pointers.
    #[repr(C)]
    pub(crate) struct AccountInfo {
        pub(crate) key_addr: u64,
        pub(crate) lamports_box_addr: u64,
        pub(crate) data_box_addr: u64,
        pub(crate) owner_addr: u64,
        pub(crate) unused: u64,
        pub(crate) is_signer: u8,
        pub(crate) is_writable: u8,
        pub(crate) executable: u8,
    }

    /// The C ABI's layout.
    pub(crate) const C_ABI: AbiLayout =
        abi_layout!(SolInstruction, SolAccountMeta, align 8, SolAccountInfo);
    /// The Rust ABI's layout.
    pub(crate) const RUST_ABI: AbiLayout =
        abi_layout!(StableInstruction, AccountMeta, align 1, AccountInfo);

    // Offsets inside the `Rc<RefCell<…>>` boxes: the strong count, the weak count and the
    // RefCell flag (8 bytes each), then the value.
    /// Offset of the `&mut u64` lamports pointer in the lamports box.
    pub(crate) const LAMPORTS_DATA_OFFSET: u64 = 24;
    /// Offset of the `&mut [u8]` data pointer in the data box.
    pub(crate) const DATA_DATA_OFFSET: u64 = 24;
    /// Offset of the `&mut [u8]` data length in the data box.
    pub(crate) const DATA_LEN_OFFSET: u64 = 32;
}

const _: () = {
    use layout::*;
    assert!(size_of::<SolInstruction>() == 40);
    assert!(size_of::<SolAccountMeta>() == 16);
    assert!(offset_of!(SolAccountMeta, is_writable) == 8);
    assert!(offset_of!(SolAccountMeta, is_signer) == 9);
    assert!(size_of::<SolAccountInfo>() == 56);
    assert!(offset_of!(SolAccountInfo, data_len) == 16);
    assert!(offset_of!(SolAccountInfo, data_addr) == 24);
    assert!(offset_of!(SolAccountInfo, owner_addr) == 32);
    assert!(size_of::<StableInstruction>() == 80);
    assert!(offset_of!(StableInstruction, program_id) == 48);
    assert!(size_of::<AccountMeta>() == 34);
    assert!(size_of::<AccountInfo>() == 48);
    assert!(offset_of!(AccountInfo, owner_addr) == 24);
};

fn u64_at(bytes: &[u8], offset: usize) -> u64 {
    u64::from_le_bytes(bytes[offset..offset + 8].try_into().expect("8 bytes"))
}

fn pubkey_at(bytes: &[u8], offset: usize) -> Pubkey {
    Pubkey::new_from_array(bytes[offset..offset + 32].try_into().expect("32 bytes"))
}

/// The callee instruction as the caller described it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslatedInstruction {
    /// The program to invoke (C: behind the instruction's `program_id_addr`; Rust: inline).
    pub program_id: Pubkey,
    /// The account metas, in the instruction's order.
    pub accounts: Vec<CpiAccountMeta>,
    /// The instruction data, copied out of guest memory.
    pub data: Vec<u8>,
}

/// Where one account lives in the caller's memory: checked, writable host ranges.
#[derive(Debug, Clone, Copy)]
pub struct CallerAccount {
    /// The caller's serialized lamports (8 bytes, align 8).
    pub lamports: HostOut,
    /// The caller's serialized owner (32 bytes).
    pub owner: HostOut,
    /// Data length when the caller was serialized.
    pub original_data_len: usize,
    /// The caller's data bytes, as long as the account info says.
    pub serialized_data: HostOut,
    /// VM address of the caller's data (the account info's data pointer).
    pub vm_data_addr: u64,
    /// The length field of the account info (C: `data_len`; Rust: data box + 32).
    pub ref_to_len_in_vm: HostOut,
}

/// What the two CPI ABIs do differently: their layouts, where the program id and a meta's
/// pubkey live, and how one account info is checked and translated. Everything else is
/// shared.
pub trait CpiAbi {
    /// Where this ABI's instruction, metas and account infos keep what the shared
    /// translation reads.
    const LAYOUT: AbiLayout;

    /// The callee's program id, given the instruction struct's bytes (C: behind a pointer,
    /// translated before the metas; Rust: inline).
    fn program_id(memory: &GuestMemory<'_>, instruction: &[u8]) -> Result<Pubkey, SyscallError>;

    /// The pubkey of one meta, once its flags are checked (C: behind a pointer; Rust:
    /// inline).
    fn meta_pubkey(memory: &GuestMemory<'_>, meta: &[u8]) -> Result<Pubkey, SyscallError>;

    /// The ABI's pointer checks and translations for one account info, in Agave's order
    /// for that ABI (the two differ, and so do their errors).
    fn translate_caller_account(
        memory: &GuestMemory<'_>,
        invoke_context: &mut InvokeContext,
        account_info: AccountInfoAt<'_>,
    ) -> Result<CallerAccount, SyscallError>;
}

/// One account info to translate, with what the caller's serialization recorded for the
/// account.
#[derive(Debug, Clone, Copy)]
pub struct AccountInfoAt<'a> {
    /// The info's VM address.
    pub vm_addr: u64,
    /// The info's bytes (`A::LAYOUT.account_info_size` of them).
    pub bytes: &'a [u8],
    /// What the caller's serialization recorded for the account: the addresses the pointer
    /// checks expect and the data length before the call.
    pub metadata: &'a SerializedAccountMetadata,
    /// The feature set's account-info rules.
    pub checks: InfoChecks,
}

/// The key pointer of an account info.
fn key_addr<A: CpiAbi>(info: &[u8]) -> u64 {
    u64_at(info, A::LAYOUT.account_info_key_addr)
}

/// Which generation of Agave's account-info rules applies, selected by SIMD-0459
/// (`syscall_parameter_address_restrictions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfoRules {
    /// SIMD-0459 active (Agave 4.4, `solana-program-runtime 4.4.0, src/cpi.rs`): the data
    /// is translated at the length in the account info's length field, within the
    /// caller's reservation, and charged after; every account is translated before any is
    /// synced; after the callee, growth past the reservation is `InvalidRealloc`.
    Simd0459,
    /// SIMD-0459 inactive: Agave before 4.4 (2.1 `CallerAccount::from_account_info` /
    /// `from_sol_account_info`, `translate_and_update_accounts`, `update_caller_account`).
    /// The per-account data charge comes inside the translation, before the data and its
    /// length are translated; the caller's data is translated at the length the account
    /// info gives, with no reservation check; `update_callee_account` runs inside the
    /// translation loop; and after the callee, `InvalidRealloc` needs a length change
    /// beyond the original length plus 10 KiB.
    BeforeSimd0459,
}

/// The account-info rules of a feature set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InfoChecks {
    /// Which generation of the translation and sync rules applies.
    pub rules: InfoRules,
    /// The pointer-equality and "below `MM_INPUT_START`" checks: SIMD-0459, or, in Agave 2.1,
    /// the Dec-2024 `bpf_account_data_direct_mapping` key.
    pub pointer_checks: bool,
}

impl InfoChecks {
    /// The rules of `invoke_context`'s feature set: SIMD-0459 active gives
    /// [`InfoRules::Simd0459`] with pointer checks; inactive, [`InfoRules::BeforeSimd0459`],
    /// with pointer checks only under the Dec-2024 `bpf_account_data_direct_mapping` key.
    pub fn of(invoke_context: &InvokeContext) -> Self {
        let features = &invoke_context.features;
        if features.syscall_parameter_address_restrictions() {
            Self {
                rules: InfoRules::Simd0459,
                pointer_checks: true,
            }
        } else {
            Self {
                rules: InfoRules::BeforeSimd0459,
                pointer_checks: features.bpf_account_data_direct_mapping_dec2024(),
            }
        }
    }

    fn before_simd_0459(self) -> bool {
        self.rules == InfoRules::BeforeSimd0459
    }

    /// Agave 2.1 with `bpf_account_data_direct_mapping` active.
    fn direct_mapping_2_1(self) -> bool {
        self.before_simd_0459() && self.pointer_checks
    }
}

/// The per-account data charge before SIMD-0459 (`len / cpi_bytes_per_unit`).
fn charge_data(invoke_context: &InvokeContext, len: u64) -> Result<(), SyscallError> {
    invoke_context
        .consume_checked(len / invoke_context.budget.cpi_bytes_per_unit)
        .map_err(SyscallError::Instruction)
}

/// Checks the instruction size limits (`check_instruction_size`).
fn check_instruction_size(
    invoke_context: &InvokeContext,
    num_accounts: usize,
    data_len: usize,
) -> Result<(), SyscallError> {
    if invoke_context.features.loosen_cpi_size_restriction() {
        if num_accounts > MAX_CPI_INSTRUCTION_ACCOUNTS {
            return Err(SyscallError::MaxInstructionAccountsExceeded {
                num_accounts: num_accounts as u64,
                max_accounts: MAX_CPI_INSTRUCTION_ACCOUNTS as u64,
            });
        }
        if data_len > MAX_CPI_INSTRUCTION_DATA_LEN {
            return Err(SyscallError::MaxInstructionDataLenExceeded {
                data_len: data_len as u64,
                max_data_len: MAX_CPI_INSTRUCTION_DATA_LEN as u64,
            });
        }
    } else {
        let size = num_accounts
            .saturating_mul(ACCOUNT_META_SIZE as usize)
            .saturating_add(data_len);
        let max = invoke_context.budget.max_cpi_instruction_size;
        if size > max {
            return Err(SyscallError::InstructionTooLarge(size, max));
        }
    }
    Ok(())
}

/// The per-byte charge for data and metas (none before SIMD-0339).
fn charge_instruction_bytes(
    invoke_context: &InvokeContext,
    num_accounts: u64,
    data_len: u64,
) -> Result<(), SyscallError> {
    if !invoke_context.features.increase_cpi_account_info_limit() {
        return Ok(());
    }
    let per_unit = invoke_context.budget.cpi_bytes_per_unit;
    let cost = (data_len / per_unit)
        .saturating_add(num_accounts.saturating_mul(ACCOUNT_META_SIZE) / per_unit);
    invoke_context
        .consume_checked(cost)
        .map_err(SyscallError::Instruction)
}

/// Phase 2, for both ABIs (`translate_instruction_c` / `translate_instruction_rust`): the
/// instruction struct, the program id, the metas, the data, the size limits, the per-byte
/// charge, then per meta its bool bytes and its pubkey. `accounts` is an empty vector whose
/// capacity is reused for the instruction's metas.
pub fn translate_instruction<A: CpiAbi>(
    memory: &GuestMemory<'_>,
    invoke_context: &InvokeContext,
    addr: u64,
    mut accounts: Vec<CpiAccountMeta>,
) -> Result<TranslatedInstruction, SyscallError> {
    let layout = A::LAYOUT.instruction;
    let instruction = memory.slice(addr, 1, layout.size, 8)?;
    let program_id = A::program_id(memory, instruction)?;
    let accounts_len = u64_at(instruction, layout.accounts_len);
    let meta = A::LAYOUT.account_meta;
    let accounts_addr = u64_at(instruction, layout.accounts_addr);
    let metas = memory.slice(accounts_addr, accounts_len, meta.size, meta.align)?;
    let data_len = u64_at(instruction, layout.data_len);
    let data = memory.bytes(u64_at(instruction, layout.data_addr), data_len)?;
    check_instruction_size(invoke_context, accounts_len as usize, data.len())?;
    charge_instruction_bytes(invoke_context, accounts_len, data.len() as u64)?;
    accounts.clear();
    accounts.reserve(accounts_len as usize);
    for bytes in metas.chunks_exact(meta.size as usize) {
        let (is_signer, is_writable) = (bytes[meta.is_signer], bytes[meta.is_writable]);
        if is_signer > 1 || is_writable > 1 {
            return Err(SyscallError::Instruction(InstructionError::InvalidArgument));
        }
        accounts.push(CpiAccountMeta {
            pubkey: A::meta_pubkey(memory, bytes)?,
            is_signer: is_signer == 1,
            is_writable: is_writable == 1,
        });
    }
    Ok(TranslatedInstruction {
        program_id,
        accounts,
        data: data.to_vec(),
    })
}

fn check_account_info_pointer(
    invoke_context: &mut InvokeContext,
    vm_addr: u64,
    expected: u64,
    field: &str,
) -> Result<(), SyscallError> {
    if vm_addr != expected {
        invoke_context.log(format!(
            "Invalid account info pointer `{field}': {vm_addr:#x} != {expected:#x}"
        ));
        return Err(SyscallError::InvalidPointer);
    }
    Ok(())
}

/// The first two pointer checks of both ABIs: the key's, then the owner's.
fn check_key_and_owner<A: CpiAbi>(
    invoke_context: &mut InvokeContext,
    info: &[u8],
    owner_addr: u64,
    metadata: &SerializedAccountMetadata,
) -> Result<(), SyscallError> {
    check_account_info_pointer(
        invoke_context,
        key_addr::<A>(info),
        metadata.vm_key_addr,
        "key",
    )?;
    check_account_info_pointer(invoke_context, owner_addr, metadata.vm_owner_addr, "owner")
}

/// `addr` must lie below the input region (a pointer the callee's accounts could overlap).
fn check_below_input(addr: u64) -> Result<(), SyscallError> {
    if addr >= MM_INPUT_START {
        return Err(SyscallError::InvalidPointer);
    }
    Ok(())
}

/// The caller's data bytes for `len` (`get_serialized_data`): more than the caller's
/// reservation is `InvalidRealloc`. Under `virtual_address_space_adjustments` the bytes are
/// reached whatever the account's data region allows (it may be read-only, or shorter).
fn serialized_data(
    memory: &GuestMemory<'_>,
    virtual_address_space_adjustments: bool,
    vm_data_addr: u64,
    original_data_len: usize,
    len: u64,
) -> Result<HostOut, SyscallError> {
    let reserved = if memory.check_aligned() {
        original_data_len.saturating_add(MAX_PERMITTED_DATA_INCREASE)
    } else {
        original_data_len
    };
    if len > reserved as u64 {
        return Err(SyscallError::Instruction(InstructionError::InvalidRealloc));
    }
    if virtual_address_space_adjustments {
        memory.account_data(vm_data_addr, len)
    } else {
        memory.output(vm_data_addr, len, 1, 1)
    }
}

/// Under SIMD-0459, the caller's data at the length its length field holds, within the
/// caller's reservation.
fn reserved_data(
    memory: &GuestMemory<'_>,
    invoke_context: &InvokeContext,
    vm_data_addr: u64,
    metadata: &SerializedAccountMetadata,
    len_field: &HostOut,
) -> Result<HostOut, SyscallError> {
    let len = len_field.read_u64();
    let adjustments = invoke_context.features.per_account_input_regions();
    serialized_data(
        memory,
        adjustments,
        vm_data_addr,
        metadata.original_data_len,
        len,
    )
}

impl CallerAccount {
    fn new(
        (lamports, owner): (HostOut, HostOut),
        metadata: &SerializedAccountMetadata,
        vm_data_addr: u64,
        serialized_data: HostOut,
        ref_to_len_in_vm: HostOut,
    ) -> Self {
        Self {
            lamports,
            owner,
            original_data_len: metadata.original_data_len,
            serialized_data,
            vm_data_addr,
            ref_to_len_in_vm,
        }
    }
}

/// The C ABI (`sol_invoke_signed_c`).
pub struct CAbi;

impl CpiAbi for CAbi {
    const LAYOUT: AbiLayout = layout::C_ABI;

    fn program_id(memory: &GuestMemory<'_>, instruction: &[u8]) -> Result<Pubkey, SyscallError> {
        let addr = u64_at(
            instruction,
            offset_of!(layout::SolInstruction, program_id_addr),
        );
        Ok(Pubkey::new_from_array(memory.read::<32>(addr, 1)?))
    }

    fn meta_pubkey(memory: &GuestMemory<'_>, meta: &[u8]) -> Result<Pubkey, SyscallError> {
        let addr = u64_at(meta, offset_of!(layout::SolAccountMeta, pubkey_addr));
        Ok(Pubkey::new_from_array(memory.read::<32>(addr, 1)?))
    }

    /// Mirrors `solana-program-runtime 4.4.0, src/cpi.rs`,
    /// `CallerAccount::from_sol_account_info` (and Agave 2.1's before SIMD-0459).
    fn translate_caller_account(
        memory: &GuestMemory<'_>,
        invoke_context: &mut InvokeContext,
        account_info: AccountInfoAt<'_>,
    ) -> Result<CallerAccount, SyscallError> {
        use layout::SolAccountInfo as I;
        let (info_vm_addr, info) = (account_info.vm_addr, account_info.bytes);
        let (metadata, checks) = (account_info.metadata, account_info.checks);
        let lamports_addr = u64_at(info, offset_of!(I, lamports_addr));
        let data_addr = u64_at(info, offset_of!(I, data_addr));
        let owner_addr = u64_at(info, offset_of!(I, owner_addr));
        if checks.pointer_checks {
            check_key_and_owner::<Self>(invoke_context, info, owner_addr, metadata)?;
            let expected = metadata.vm_lamports_addr;
            check_account_info_pointer(invoke_context, lamports_addr, expected, "lamports")?;
            check_account_info_pointer(invoke_context, data_addr, metadata.vm_data_addr, "data")?;
        }
        let lamports = memory.output_type(lamports_addr, 8, 8)?;
        let owner = memory.output_type(owner_addr, 32, 1)?;
        // The length lives in the account info itself; an info array in read-only memory
        // fails here, as in Agave.
        let len_addr = info_vm_addr.saturating_add(offset_of!(I, data_len) as u64);
        let (data, len_field) = if checks.before_simd_0459() {
            // The data, at the info's length, is translated before the length field.
            let data_len = u64_at(info, offset_of!(I, data_len));
            charge_data(invoke_context, data_len)?;
            let data = memory.output(data_addr, data_len, 1, 1)?;
            (data, memory.output_unaligned(len_addr, 8)?)
        } else {
            check_below_input(len_addr)?;
            let len_field = memory.output_unaligned(len_addr, 8)?;
            (
                reserved_data(memory, invoke_context, data_addr, metadata, &len_field)?,
                len_field,
            )
        };
        let fields = (lamports, owner);
        Ok(CallerAccount::new(
            fields, metadata, data_addr, data, len_field,
        ))
    }
}

/// The Rust ABI (`sol_invoke_signed_rust`).
pub struct RustAbi;

impl CpiAbi for RustAbi {
    const LAYOUT: AbiLayout = layout::RUST_ABI;

    fn program_id(_: &GuestMemory<'_>, instruction: &[u8]) -> Result<Pubkey, SyscallError> {
        Ok(pubkey_at(
            instruction,
            offset_of!(layout::StableInstruction, program_id),
        ))
    }

    fn meta_pubkey(_: &GuestMemory<'_>, meta: &[u8]) -> Result<Pubkey, SyscallError> {
        Ok(pubkey_at(meta, offset_of!(layout::AccountMeta, pubkey)))
    }

    /// Mirrors `solana-program-runtime 4.4.0, src/cpi.rs`, `CallerAccount::from_account_info`
    /// (and Agave 2.1's before SIMD-0459).
    fn translate_caller_account(
        memory: &GuestMemory<'_>,
        invoke_context: &mut InvokeContext,
        account_info: AccountInfoAt<'_>,
    ) -> Result<CallerAccount, SyscallError> {
        use layout::AccountInfo as I;
        let info = account_info.bytes;
        let (metadata, checks) = (account_info.metadata, account_info.checks);
        let owner_addr = u64_at(info, offset_of!(I, owner_addr));
        if checks.pointer_checks {
            check_key_and_owner::<Self>(invoke_context, info, owner_addr, metadata)?;
        }
        // Lamports: the box holds a pointer to the serialized lamports, loaded before the
        // box's address is checked.
        let lamports_ref_addr = u64_at(info, offset_of!(I, lamports_box_addr))
            .wrapping_add(layout::LAMPORTS_DATA_OFFSET);
        let lamports_ptr = memory.read_u64(lamports_ref_addr)?;
        if checks.pointer_checks {
            check_below_input(lamports_ref_addr)?;
            let expected = metadata.vm_lamports_addr;
            check_account_info_pointer(invoke_context, lamports_ptr, expected, "lamports")?;
        }
        let lamports = memory.output_type(lamports_ptr, 8, 8)?;
        let owner = memory.output_type(owner_addr, 32, 1)?;
        // Data: the box holds {ptr, len} of the serialized data, checked before it is loaded.
        let data_box = u64_at(info, offset_of!(I, data_box_addr));
        let data_ref_addr = data_box.wrapping_add(layout::DATA_DATA_OFFSET);
        if checks.pointer_checks {
            check_below_input(data_ref_addr)?;
        }
        let (data_ptr, data_len) = vm_slice(&memory.read::<16>(data_ref_addr, 8)?);
        if checks.pointer_checks {
            check_account_info_pointer(invoke_context, data_ptr, metadata.vm_data_addr, "data")?;
        }
        if checks.before_simd_0459() {
            charge_data(invoke_context, data_len)?;
        }
        let len_addr = data_box.wrapping_add(layout::DATA_LEN_OFFSET);
        if checks.pointer_checks {
            check_below_input(len_addr)?;
        }
        // The length field is translated before the data (in both rule sets; the C ABI
        // before SIMD-0459 translates the data first).
        let len_field = memory.output_unaligned(len_addr, 8)?;
        let data = if checks.before_simd_0459() {
            memory.output(data_ptr, data_len, 1, 1)?
        } else {
            reserved_data(memory, invoke_context, data_ptr, metadata, &len_field)?
        };
        let fields = (lamports, owner);
        Ok(CallerAccount::new(
            fields, metadata, data_ptr, data, len_field,
        ))
    }
}

/// Phase 1: the base charge.
fn charge_invoke(invoke_context: &InvokeContext) -> Result<(), SyscallError> {
    let units = if invoke_context.features.increase_cpi_account_info_limit() {
        invoke_context.budget.invoke_units
    } else {
        1_000
    };
    invoke_context
        .consume_checked(units)
        .map_err(SyscallError::Instruction)
}

/// Phase 3: PDA signers from the caller's program id (`translate_signers`).
pub fn translate_signers(
    memory: &GuestMemory<'_>,
    program_id: &Pubkey,
    signers_addr: u64,
    signers_len: u64,
) -> Result<Vec<Pubkey>, SyscallError> {
    if signers_len == 0 {
        return Ok(Vec::new());
    }
    let signers = memory.slice(signers_addr, signers_len, VM_SLICE_SIZE, 8)?;
    if signers_len as usize > MAX_SIGNERS {
        return Err(SyscallError::TooManySigners);
    }
    let mut keys = Vec::with_capacity(signers_len as usize);
    for signer in signers.chunks_exact(16) {
        let (seeds_addr, seeds_len) = vm_slice(signer);
        let seed_slices = memory.slice(seeds_addr, seeds_len, VM_SLICE_SIZE, 8)?;
        if seeds_len as usize > MAX_SEEDS {
            return Err(SyscallError::Instruction(
                InstructionError::MaxSeedLengthExceeded,
            ));
        }
        let seeds = seed_slices
            .chunks_exact(16)
            .map(|seed| {
                let (addr, len) = vm_slice(seed);
                memory.bytes(addr, len)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let key = create_program_address(&seeds, program_id)
            .map_err(|error| SyscallError::BadSeeds(error.to_string()))?;
        keys.push(key);
    }
    Ok(keys)
}

/// Phase 4: programs that may not be invoked (`check_authorized_program`).
pub fn check_authorized_program(
    invoke_context: &InvokeContext,
    program_id: &Pubkey,
    data: &[u8],
) -> Result<(), SyscallError> {
    const UPGRADE: u8 = 3;
    const SET_AUTHORITY: u8 = 4;
    const CLOSE: u8 = 5;
    const SET_AUTHORITY_CHECKED: u8 = 7;
    let upgradeable_allowed = match data.first() {
        Some(&UPGRADE | &SET_AUTHORITY | &CLOSE) => true,
        Some(&SET_AUTHORITY_CHECKED) => invoke_context
            .features
            .enable_bpf_loader_set_authority_checked_ix(),
        _ => false,
    };
    let is_precompile = *program_id == ed25519_program::id()
        || *program_id == secp256k1_program::id()
        || (*program_id == secp256r1_program::id()
            && invoke_context.features.enable_secp256r1_precompile());
    if *program_id == native_loader::id()
        || *program_id == bpf_loader::id()
        || *program_id == bpf_loader_deprecated::id()
        || (*program_id == bpf_loader_upgradeable::id() && !upgradeable_allowed)
        || is_precompile
    {
        return Err(SyscallError::ProgramNotSupported(*program_id));
    }
    Ok(())
}

/// One callee account as the caller holds it.
#[derive(Debug, Clone, Copy)]
pub struct TranslatedAccount {
    /// Position of the account in the caller's instruction.
    pub index_in_caller: usize,
    /// Where the account lives in the caller's memory.
    pub caller_account: CallerAccount,
    /// Whether the callee may write it, so its changes flow back to the caller.
    pub update_caller: bool,
    /// Under `virtual_address_space_adjustments`, whether the caller's data region must
    /// follow the account after the callee: `update_caller`, or the caller changed the
    /// data length or the owner before the call.
    pub update_caller_region: bool,
}

/// The maximum number of account infos for the feature set.
fn max_account_infos(invoke_context: &InvokeContext) -> usize {
    if invoke_context.features.increase_cpi_account_info_limit() {
        MAX_CPI_ACCOUNT_INFOS
    } else if invoke_context.features.increase_tx_account_lock_limit() {
        128
    } else {
        64
    }
}

/// Phase 6: account infos (`translate_account_infos`, `translate_accounts_common`).
pub fn translate_accounts<A: CpiAbi>(
    memory: &GuestMemory<'_>,
    invoke_context: &mut InvokeContext,
    callee: &InstructionFrame,
    accounts_metadata: &[SerializedAccountMetadata],
    infos_addr: u64,
    infos_len: u64,
) -> Result<Vec<TranslatedAccount>, SyscallError> {
    let mut scratch = CpiScratch::default();
    translate_accounts_into::<A>(
        memory,
        invoke_context,
        callee,
        accounts_metadata,
        (infos_addr, infos_len),
        &mut scratch,
    )?;
    Ok(scratch.accounts)
}

/// Vectors a CPI needs while it runs, reused from CPI to CPI (see [`CpiScratch::take`]).
#[derive(Default)]
pub struct CpiScratch {
    /// The instruction's metas, between translation and frame preparation.
    metas: Vec<CpiAccountMeta>,
    /// The keys of the caller's account infos.
    keys: Vec<Pubkey>,
    /// The translated accounts, in callee order.
    pub accounts: Vec<TranslatedAccount>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Vec<CpiScratch>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl CpiScratch {
    /// A cleared scratch set from this thread's pool (nested CPIs each take their own).
    pub fn take() -> Self {
        let mut scratch = SCRATCH.with_borrow_mut(Vec::pop).unwrap_or_default();
        scratch.keys.clear();
        scratch.accounts.clear();
        scratch
    }

    /// Returns the vectors to the pool for the next CPI.
    pub fn give_back(self) {
        SCRATCH.with_borrow_mut(|pool| pool.push(self));
    }
}

/// [`translate_accounts`] into `scratch.accounts`.
pub fn translate_accounts_into<A: CpiAbi>(
    memory: &GuestMemory<'_>,
    invoke_context: &mut InvokeContext,
    callee: &InstructionFrame,
    accounts_metadata: &[SerializedAccountMetadata],
    (infos_addr, infos_len): (u64, u64),
    scratch: &mut CpiScratch,
) -> Result<(), SyscallError> {
    let checks = InfoChecks::of(invoke_context);
    if checks.pointer_checks
        && infos_addr.saturating_add(infos_len.saturating_mul(A::LAYOUT.account_info_size))
            >= MM_INPUT_START
    {
        return Err(SyscallError::InvalidPointer);
    }
    let infos = memory.slice(infos_addr, infos_len, A::LAYOUT.account_info_size, 8)?;
    let max_infos = max_account_infos(invoke_context);
    if invoke_context.features.loosen_cpi_size_restriction() {
        if infos_len as usize > max_infos {
            return Err(SyscallError::MaxInstructionAccountInfosExceeded {
                num_account_infos: infos_len,
                max_account_infos: max_infos as u64,
            });
        }
    } else if (infos_len as usize).saturating_mul(32)
        > invoke_context.budget.max_cpi_instruction_size
    {
        return Err(SyscallError::TooManyAccounts);
    }
    if invoke_context.features.increase_cpi_account_info_limit() {
        let cost = infos_len.saturating_mul(ACCOUNT_INFO_BYTE_SIZE)
            / invoke_context.budget.cpi_bytes_per_unit;
        invoke_context
            .consume_checked(cost)
            .map_err(SyscallError::Instruction)?;
    }
    let info_size = A::LAYOUT.account_info_size as usize;
    let info_at = |index: usize| &infos[index * info_size..(index + 1) * info_size];
    let CpiScratch { keys, accounts, .. } = scratch;
    for info in infos.chunks_exact(info_size) {
        keys.push(Pubkey::new_from_array(
            memory.read::<32>(key_addr::<A>(info), 1)?,
        ));
    }

    let per_unit = invoke_context.budget.cpi_bytes_per_unit;
    accounts.reserve(callee.accounts.len());
    for (position, callee_account) in callee.accounts.iter().enumerate() {
        if callee.duplicate_of(position).is_some() {
            continue;
        }
        let transaction_context = &invoke_context.transaction_context;
        let caller = transaction_context.current_frame()?;
        let index_in_caller = caller
            .position_of_transaction_account(callee_account.index_in_transaction)
            .ok_or(SyscallError::Instruction(InstructionError::MissingAccount))?;
        // Only read here (Agave borrows it as an instruction account; nothing else holds a
        // borrow while a CPI translates, so a plain borrow fails exactly when that would).
        let (executable, data_len) = {
            let account =
                transaction_context.borrow_account(callee_account.index_in_transaction)?;
            (account.executable(), account.data().len())
        };
        let key = *transaction_context.key_of(callee_account.index_in_transaction)?;
        if executable {
            invoke_context
                .consume_checked(data_len as u64 / per_unit)
                .map_err(SyscallError::Instruction)?;
            continue;
        }
        let Some(info_index) = keys.iter().position(|info_key| *info_key == key) else {
            invoke_context.log(format!("Instruction references an unknown account {key}"));
            return Err(SyscallError::Instruction(InstructionError::MissingAccount));
        };
        let Some(metadata) = accounts_metadata.get(index_in_caller) else {
            invoke_context.log(format!("Internal error: index mismatch for account {key}"));
            return Err(SyscallError::Instruction(InstructionError::MissingAccount));
        };
        let info = AccountInfoAt {
            vm_addr: infos_addr.saturating_add((info_index * info_size) as u64),
            bytes: info_at(info_index),
            metadata,
            checks,
        };
        let caller_account = A::translate_caller_account(memory, invoke_context, info)?;
        let mut account = TranslatedAccount {
            index_in_caller,
            caller_account,
            update_caller: callee_account.is_writable,
            update_caller_region: callee_account.is_writable,
        };
        if checks.before_simd_0459() {
            // Charged inside the translation; the caller's changes are synced right away.
            update_callee_account(memory, invoke_context, &mut account)?;
        } else {
            invoke_context
                .consume_checked(caller_account.ref_to_len_in_vm.read_u64() / per_unit)
                .map_err(SyscallError::Instruction)?;
        }
        accounts.push(account);
    }
    Ok(())
}

/// Phase 7: the caller's pending changes into the account (`update_callee_account`).
///
/// Under `virtual_address_space_adjustments`, a length change is applied on its own (the
/// bytes the caller dropped are zeroed in its input first) and marks the caller's data
/// region for update after the call, as an owner change does; the bytes are copied only
/// into an account the caller may change.
pub fn update_callee_account(
    memory: &GuestMemory<'_>,
    invoke_context: &InvokeContext,
    account: &mut TranslatedAccount,
) -> Result<(), SyscallError> {
    let transaction_context = &invoke_context.transaction_context;
    let trace_index = transaction_context.current_trace_index()?;
    let mut callee =
        transaction_context.borrow_instruction_account(trace_index, account.index_in_caller)?;
    let caller = &account.caller_account;
    let lamports = caller.lamports.read_u64();
    if callee.lamports() != lamports {
        callee.set_lamports(lamports)?;
    }
    if invoke_context.features.per_account_input_regions() {
        let prev_len = callee.data().len();
        let post_len = caller.ref_to_len_in_vm.read_u64() as usize;
        if prev_len != post_len {
            if post_len < prev_len {
                let previous = memory.account_data(caller.vm_data_addr, prev_len as u64)?;
                previous.write_at(post_len, &vec![0; prev_len - post_len]);
            }
            callee.set_data_length(post_len)?;
            account.update_caller_region = true;
        }
        if callee.can_data_be_changed().is_ok() {
            caller
                .serialized_data
                .with_bytes(|data| callee.set_data_from_slice(data))?;
        }
    } else {
        caller
            .serialized_data
            .with_bytes(|data| callee.update_data_if_changed(data))?;
    }
    let mut owner = [0u8; 32];
    caller.owner.read_into(&mut owner);
    if callee.owner().as_ref() != owner {
        callee.set_owner(&Pubkey::new_from_array(owner))?;
        account.update_caller_region = true;
    }
    Ok(())
}

/// After the callee, under `virtual_address_space_adjustments`: the caller's data region
/// of the account follows its length and whether the caller may still change it (Agave's
/// `update_caller_account_region`).
fn update_caller_region(
    memory: &GuestMemory<'_>,
    invoke_context: &InvokeContext,
    account: &TranslatedAccount,
) -> Result<(), SyscallError> {
    let transaction_context = &invoke_context.transaction_context;
    let trace_index = transaction_context.current_trace_index()?;
    let callee =
        transaction_context.borrow_instruction_account(trace_index, account.index_in_caller)?;
    memory.set_account_data_region(
        account.caller_account.vm_data_addr,
        callee.data().len(),
        callee.can_data_be_changed().is_ok(),
    )
}

/// Phase 9: the callee's changes back into the caller's memory (`update_caller_account`).
pub fn update_caller_account(
    memory: &GuestMemory<'_>,
    invoke_context: &mut InvokeContext,
    account: &mut TranslatedAccount,
) -> Result<(), SyscallError> {
    let (lamports, owner, post_len) = {
        let transaction_context = &invoke_context.transaction_context;
        let trace_index = transaction_context.current_trace_index()?;
        let callee =
            transaction_context.borrow_instruction_account(trace_index, account.index_in_caller)?;
        (callee.lamports(), *callee.owner(), callee.data().len())
    };
    let checks = InfoChecks::of(invoke_context);
    let caller = &mut account.caller_account;
    caller.lamports.write_u64(lamports);
    caller.owner.write(owner.as_ref());
    let prev_len = caller.ref_to_len_in_vm.read_u64() as usize;
    let max_increase = if checks.before_simd_0459() {
        // Agave 2.1: only a deprecated-loader caller under direct mapping has no room.
        if checks.direct_mapping_2_1() && !memory.check_aligned() {
            0
        } else {
            MAX_PERMITTED_DATA_INCREASE
        }
    } else if memory.check_aligned() {
        MAX_PERMITTED_DATA_INCREASE
    } else {
        0
    };
    let too_large = post_len > caller.original_data_len.saturating_add(max_increase);
    // Before SIMD-0459 only a length change is checked.
    if too_large && (!checks.before_simd_0459() || prev_len != post_len) {
        invoke_context.log(format!(
            "Account data size realloc limited to {max_increase} in inner instructions"
        ));
        return Err(SyscallError::Instruction(InstructionError::InvalidRealloc));
    }
    let adjustments = invoke_context.features.per_account_input_regions();
    if prev_len != post_len {
        if post_len < prev_len {
            // Zero the bytes the caller saw that the account no longer has.
            if adjustments {
                let previous = memory.account_data(caller.vm_data_addr, prev_len as u64)?;
                previous.write_at(post_len, &vec![0; prev_len - post_len]);
            } else {
                let tail = memory.output(
                    caller.vm_data_addr.saturating_add(post_len as u64),
                    (prev_len - post_len) as u64,
                    1,
                    1,
                )?;
                tail.fill(0);
            }
        }
        caller.serialized_data = if checks.before_simd_0459() {
            memory.output(caller.vm_data_addr, post_len as u64, 1, 1)?
        } else {
            serialized_data(
                memory,
                adjustments,
                caller.vm_data_addr,
                caller.original_data_len,
                post_len as u64,
            )?
        };
        caller.ref_to_len_in_vm.write_u64(post_len as u64);
        let align = if memory.check_aligned() { 8 } else { 1 };
        let serialized_len = memory.output_type(caller.vm_data_addr.saturating_sub(8), 8, align)?;
        serialized_len.write_u64(post_len as u64);
    }
    if caller.serialized_data.len() != post_len {
        return Err(SyscallError::Instruction(
            InstructionError::AccountDataTooSmall,
        ));
    }
    // Copied straight from the account, which no one else can borrow meanwhile.
    let transaction_context = &invoke_context.transaction_context;
    let trace_index = transaction_context.current_trace_index()?;
    let callee =
        transaction_context.borrow_instruction_account(trace_index, account.index_in_caller)?;
    caller.serialized_data.write(callee.data());
    Ok(())
}

/// The registers of a CPI syscall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvokeArguments {
    /// r1: VM address of the instruction (C: `SolInstruction`; Rust: `StableInstruction`).
    pub instruction_addr: u64,
    /// r2: VM address of the caller's account-info array.
    pub infos_addr: u64,
    /// r3: number of account infos.
    pub infos_len: u64,
    /// r4: VM address of the signers: 16-byte `{ptr, len}` slices, each of a PDA's seeds.
    pub signers_addr: u64,
    /// r5: number of signers.
    pub signers_len: u64,
}

impl SyscallArguments for InvokeArguments {
    #[inline(always)]
    fn from_registers(
        [instruction_addr, infos_addr, infos_len, signers_addr, signers_len]: [u64; 5],
    ) -> Self {
        Self {
            instruction_addr,
            infos_addr,
            infos_len,
            signers_addr,
            signers_len,
        }
    }
}

/// A CPI syscall of ABI `A`: the whole invocation, shared by both ABIs.
pub struct Invoke<A>(PhantomData<A>);

impl<A: CpiAbi + 'static> Syscall for Invoke<A> {
    type Arguments = InvokeArguments;
    fn call(context: &mut VmContext, arguments: InvokeArguments) -> SyscallResult {
        let InvokeArguments {
            instruction_addr,
            infos_addr,
            infos_len,
            signers_addr,
            signers_len,
        } = arguments;
        let metadata = std::mem::take(&mut context.accounts_metadata);
        let mut scratch = CpiScratch::take();
        let result = {
            let (memory, invoke_context) = context.split();
            invoke(
                &memory,
                invoke_context,
                translate_instruction::<A>,
                |memory, invoke_context, callee, scratch| {
                    translate_accounts_into::<A>(
                        memory,
                        invoke_context,
                        callee,
                        &metadata,
                        (infos_addr, infos_len),
                        scratch,
                    )
                },
                (instruction_addr, signers_addr, signers_len),
                &mut scratch,
            )
        };
        scratch.give_back();
        context.accounts_metadata = metadata;
        result
    }
}

type TranslateInstruction = fn(
    &GuestMemory<'_>,
    &InvokeContext,
    u64,
    Vec<CpiAccountMeta>,
) -> Result<TranslatedInstruction, SyscallError>;

fn invoke(
    memory: &GuestMemory<'_>,
    invoke_context: &mut InvokeContext,
    translate_instruction: TranslateInstruction,
    translate_accounts: impl FnOnce(
        &GuestMemory<'_>,
        &mut InvokeContext,
        &InstructionFrame,
        &mut CpiScratch,
    ) -> Result<(), SyscallError>,
    (instruction_addr, signers_addr, signers_len): (u64, u64, u64),
    scratch: &mut CpiScratch,
) -> Result<u64, SyscallError> {
    let started = invoke_context.phase_clock();
    charge_invoke(invoke_context)?;
    let metas = std::mem::take(&mut scratch.metas);
    let instruction = translate_instruction(memory, invoke_context, instruction_addr, metas)?;
    let caller_program_id = invoke_context.current_program_id()?;
    let signers = translate_signers(memory, &caller_program_id, signers_addr, signers_len)?;
    // Agave 4.4 checks the allow-list before building the callee frame; Agave 2.1
    // (`cpi_common`: `prepare_instruction`, then `check_authorized_program`) did the reverse.
    // The older order is selected with SIMD-0162 (`remove_accounts_executable_flag_checks`)
    // inactive, the era whose frame preparation still checked the callee's executable flag.
    let frame_before_allow_list = !invoke_context
        .features
        .remove_accounts_executable_flag_checks();
    if !frame_before_allow_list {
        check_authorized_program(invoke_context, &instruction.program_id, &instruction.data)?;
    }
    let callee = invoke_context.prepare_next_cpi_instruction(
        &instruction.program_id,
        &instruction.accounts,
        instruction.data,
        &signers,
    )?;
    if frame_before_allow_list {
        check_authorized_program(invoke_context, &instruction.program_id, &callee.data)?;
    }
    scratch.metas = instruction.accounts;
    translate_accounts(memory, invoke_context, &callee, scratch)?;
    let accounts = &mut scratch.accounts;
    invoke_context.add_phase_time(started, |times| &mut times.cpi_translate);
    let started = invoke_context.phase_clock();
    if !InfoChecks::of(invoke_context).before_simd_0459() {
        for account in accounts.iter_mut() {
            update_callee_account(memory, invoke_context, account)?;
        }
    }
    invoke_context.add_phase_time(started, |times| &mut times.cpi_update_callee);
    invoke_context.process_instruction(Some(callee))?;
    let started = invoke_context.phase_clock();
    for account in accounts.iter_mut().filter(|account| account.update_caller) {
        update_caller_account(memory, invoke_context, account)?;
    }
    if invoke_context.features.per_account_input_regions() {
        for account in accounts
            .iter()
            .filter(|account| account.update_caller_region)
        {
            update_caller_region(memory, invoke_context, account)?;
        }
    }
    invoke_context.add_phase_time(started, |times| &mut times.cpi_update_caller);
    if let Some(times) = invoke_context.phase_times.as_mut() {
        times.cpis += 1;
    }
    Ok(0)
}

/// `sol_invoke_signed_c(instruction, infos, infos_len, signers, signers_len)`.
pub type InvokeSignedC = Invoke<CAbi>;

/// `sol_invoke_signed_rust(instruction, infos, infos_len, signers, signers_len)`.
pub type InvokeSignedRust = Invoke<RustAbi>;
