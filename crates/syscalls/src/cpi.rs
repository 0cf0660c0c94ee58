//! Cross-program invocation: `sol_invoke_signed_c` and `sol_invoke_signed_rust`
//! (agave-reference §1.3–1.4, §2, §3.3–3.4, §5.4).
//!
//! Registers: r1 instruction, r2 account infos, r3 account info count, r4 signer seeds,
//! r5 signer seed count. Returns 0; every failure aborts the caller.
//!
//! CPI is written once, in named phases, and the two ABIs implement [`CpiAbi`]:
//! 1. [`charge_invoke`]: 946 CU (1,000 before SIMD-0339);
//! 2. [`CpiAbi::translate_instruction`]: instruction, metas and data, the size limits, the
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
//!   account-info rules of agave-reference §3.7 ([`InfoChecks`]): no pointer checks (unless
//!   the Dec-2024 `bpf_account_data_direct_mapping` key is active, as in Agave 2.1), the data
//!   charge inside the translation, no reservation check on the caller's data, phase 7 inside
//!   phase 6, and a relaxed realloc check in phase 9.
//! * SIMD-0162 inactive adds the callee's executable check to phase 5 and runs phase 5
//!   before phase 4 (Agave 2.1 `cpi_common`).

use std::mem::{offset_of, size_of};

use sbfvm_runtime::pda::{create_program_address, MAX_SEEDS};
use sbfvm_runtime::transaction_context::{InstructionFrame, MAX_PERMITTED_DATA_INCREASE};
use sbfvm_runtime::{CpiAccountMeta, InstructionError, InvokeContext};
use sbfvm_vm::{GuestMemory, HostOut, SerializedAccountMetadata, Syscall, SyscallError, VmContext};
use solana_pubkey::Pubkey;
use solana_sdk_ids::{
    bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable, ed25519_program, native_loader,
    secp256k1_program, secp256r1_program,
};

use crate::{vm_slice, MM_INPUT_START, VM_SLICE_SIZE};

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

/// Guest layouts, `repr(C)` so the offsets the translators read are checked by the
/// compiler against the sizes in agave-reference §1.3–1.4.
pub mod layout {
    /// `SolInstruction` (C ABI).
    #[repr(C)]
    pub struct SolInstruction {
        pub program_id_addr: u64,
        pub accounts_addr: u64,
        pub accounts_len: u64,
        pub data_addr: u64,
        pub data_len: u64,
    }

    /// `SolAccountMeta` (C ABI): is_writable precedes is_signer.
    #[repr(C)]
    pub struct SolAccountMeta {
        pub pubkey_addr: u64,
        pub is_writable: u8,
        pub is_signer: u8,
    }

    /// `SolAccountInfo` (C ABI).
    #[repr(C)]
    pub struct SolAccountInfo {
        pub key_addr: u64,
        pub lamports_addr: u64,
        pub data_len: u64,
        pub data_addr: u64,
        pub owner_addr: u64,
        pub rent_epoch: u64,
        pub is_signer: u8,
        pub is_writable: u8,
        pub executable: u8,
    }

    /// `StableInstruction` (Rust ABI): two `StableVec`s and the program id.
    #[repr(C)]
    pub struct StableInstruction {
        pub accounts_addr: u64,
        pub accounts_cap: u64,
        pub accounts_len: u64,
        pub data_addr: u64,
        pub data_cap: u64,
        pub data_len: u64,
        pub program_id: [u8; 32],
    }

    /// `AccountMeta` (Rust ABI), byte-aligned.
    #[repr(C)]
    pub struct AccountMeta {
        pub pubkey: [u8; 32],
        pub is_signer: u8,
        pub is_writable: u8,
    }

    /// `AccountInfo` (Rust ABI): lamports and data are `Rc<RefCell<…>>` box pointers.
    #[repr(C)]
    pub struct AccountInfo {
        pub key_addr: u64,
        pub lamports_box_addr: u64,
        pub data_box_addr: u64,
        pub owner_addr: u64,
        pub unused: u64,
        pub is_signer: u8,
        pub is_writable: u8,
        pub executable: u8,
    }

    /// Offsets inside the Rc boxes: strong, weak, RefCell flag, then the value.
    pub const LAMPORTS_DATA_OFFSET: u64 = 24;
    pub const DATA_DATA_OFFSET: u64 = 24;
    pub const DATA_LEN_OFFSET: u64 = 32;
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
    pub program_id: Pubkey,
    pub accounts: Vec<CpiAccountMeta>,
    pub data: Vec<u8>,
}

/// Where one account lives in the caller's memory: checked, writable host ranges.
#[derive(Debug, Clone, Copy)]
pub struct CallerAccount {
    pub lamports: HostOut,
    pub owner: HostOut,
    /// Data length when the caller was serialized.
    pub original_data_len: usize,
    /// The caller's data bytes, as long as the account info says.
    pub serialized_data: HostOut,
    pub vm_data_addr: u64,
    /// The length field of the account info (C: `data_len`; Rust: data box + 32).
    pub ref_to_len_in_vm: HostOut,
}

/// The two CPI ABIs.
pub trait CpiAbi {
    const SYSCALL: &'static str;
    /// Size of one account info in the caller's array.
    const ACCOUNT_INFO_SIZE: u64;

    /// `metas` is an empty vector whose capacity is reused for the instruction's metas.
    fn translate_instruction(
        memory: &GuestMemory<'_>,
        invoke_context: &InvokeContext,
        addr: u64,
        metas: Vec<CpiAccountMeta>,
    ) -> Result<TranslatedInstruction, SyscallError>;

    /// The key pointer of an account info.
    fn key_addr(info: &[u8]) -> u64;

    /// The ABI's pointer checks and translations for one account info.
    fn translate_caller_account(
        memory: &GuestMemory<'_>,
        invoke_context: &mut InvokeContext,
        info_vm_addr: u64,
        info: &[u8],
        metadata: &SerializedAccountMetadata,
        checks: InfoChecks,
    ) -> Result<CallerAccount, SyscallError>;
}

/// Which account-info rules apply (agave-reference §3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InfoChecks {
    /// SIMD-0459 `syscall_parameter_address_restrictions` inactive: Agave before 4.4 (2.1
    /// `CallerAccount::from_account_info` / `from_sol_account_info`,
    /// `translate_and_update_accounts`, `update_caller_account`). The per-account data charge
    /// comes inside the translation, before the data and its length are translated; the
    /// caller's data is translated at the length the account info gives, with no
    /// reservation check; `update_callee_account` runs inside the translation loop; and after
    /// the callee, `InvalidRealloc` needs a length change beyond the original length plus
    /// 10 KiB.
    pub legacy: bool,
    /// The pointer-equality and "below `MM_INPUT_START`" checks: SIMD-0459, or, in Agave 2.1,
    /// the Dec-2024 `bpf_account_data_direct_mapping` key.
    pub pointers: bool,
}

impl InfoChecks {
    pub fn of(invoke_context: &InvokeContext) -> Self {
        let features = &invoke_context.features;
        let legacy = !features.syscall_parameter_address_restrictions();
        Self {
            legacy,
            pointers: !legacy || features.bpf_account_data_direct_mapping_dec2024(),
        }
    }

    /// Agave 2.1 with `bpf_account_data_direct_mapping` active.
    fn direct_mapping_2_1(self) -> bool {
        self.legacy && self.pointers
    }
}

/// The legacy per-account data charge (`len / cpi_bytes_per_unit`).
fn charge_data(invoke_context: &InvokeContext, len: u64) -> Result<(), SyscallError> {
    invoke_context
        .consume_checked(len / invoke_context.budget.cpi_bytes_per_unit)
        .map_err(SyscallError::Instruction)
}

/// Checks the instruction size limits (agave-reference §2 step 2.4).
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

/// The caller's data bytes for `len` (`get_serialized_data`): more than the caller's
/// reservation is `InvalidRealloc`.
fn serialized_data(
    memory: &GuestMemory<'_>,
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
    memory.output(vm_data_addr, len, 1, 1)
}

/// The C ABI (`sol_invoke_signed_c`).
pub struct CAbi;

impl CpiAbi for CAbi {
    const SYSCALL: &'static str = "sol_invoke_signed_c";
    const ACCOUNT_INFO_SIZE: u64 = size_of::<layout::SolAccountInfo>() as u64;

    fn translate_instruction(
        memory: &GuestMemory<'_>,
        invoke_context: &InvokeContext,
        addr: u64,
        mut accounts: Vec<CpiAccountMeta>,
    ) -> Result<TranslatedInstruction, SyscallError> {
        use layout::SolInstruction as I;
        let instruction = memory.read::<{ size_of::<I>() }>(addr, 8)?;
        let program_id_addr = u64_at(&instruction, offset_of!(I, program_id_addr));
        let accounts_addr = u64_at(&instruction, offset_of!(I, accounts_addr));
        let accounts_len = u64_at(&instruction, offset_of!(I, accounts_len));
        let data_addr = u64_at(&instruction, offset_of!(I, data_addr));
        let data_len = u64_at(&instruction, offset_of!(I, data_len));
        let program_id = Pubkey::new_from_array(memory.read::<32>(program_id_addr, 1)?);
        let meta_size = size_of::<layout::SolAccountMeta>() as u64;
        let metas = memory.slice(accounts_addr, accounts_len, meta_size, 8)?;
        let data = memory.bytes(data_addr, data_len)?;
        check_instruction_size(invoke_context, accounts_len as usize, data.len())?;
        charge_instruction_bytes(invoke_context, accounts_len, data.len() as u64)?;
        accounts.clear();
        accounts.reserve(accounts_len as usize);
        for meta in metas.chunks_exact(meta_size as usize) {
            let is_writable = meta[offset_of!(layout::SolAccountMeta, is_writable)];
            let is_signer = meta[offset_of!(layout::SolAccountMeta, is_signer)];
            if is_signer > 1 || is_writable > 1 {
                return Err(SyscallError::Instruction(InstructionError::InvalidArgument));
            }
            let pubkey_addr = u64_at(meta, offset_of!(layout::SolAccountMeta, pubkey_addr));
            accounts.push(CpiAccountMeta {
                pubkey: Pubkey::new_from_array(memory.read::<32>(pubkey_addr, 1)?),
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

    fn key_addr(info: &[u8]) -> u64 {
        u64_at(info, offset_of!(layout::SolAccountInfo, key_addr))
    }

    fn translate_caller_account(
        memory: &GuestMemory<'_>,
        invoke_context: &mut InvokeContext,
        info_vm_addr: u64,
        info: &[u8],
        metadata: &SerializedAccountMetadata,
        checks: InfoChecks,
    ) -> Result<CallerAccount, SyscallError> {
        use layout::SolAccountInfo as A;
        let lamports_addr = u64_at(info, offset_of!(A, lamports_addr));
        let data_addr = u64_at(info, offset_of!(A, data_addr));
        let owner_addr = u64_at(info, offset_of!(A, owner_addr));
        if checks.pointers {
            check_account_info_pointer(
                invoke_context,
                Self::key_addr(info),
                metadata.vm_key_addr,
                "key",
            )?;
            check_account_info_pointer(
                invoke_context,
                owner_addr,
                metadata.vm_owner_addr,
                "owner",
            )?;
            check_account_info_pointer(
                invoke_context,
                lamports_addr,
                metadata.vm_lamports_addr,
                "lamports",
            )?;
            check_account_info_pointer(invoke_context, data_addr, metadata.vm_data_addr, "data")?;
        }
        let lamports = memory.output_type(lamports_addr, 8, 8)?;
        let owner = memory.output_type(owner_addr, 32, 1)?;
        // The length lives in the account info itself; an info array in read-only memory
        // fails here, as in Agave.
        let len_addr = info_vm_addr.saturating_add(offset_of!(A, data_len) as u64);
        if checks.legacy {
            let data_len = u64_at(info, offset_of!(A, data_len));
            charge_data(invoke_context, data_len)?;
            let serialized_data = memory.output(data_addr, data_len, 1, 1)?;
            let ref_to_len_in_vm = memory.output_unaligned(len_addr, 8)?;
            return Ok(CallerAccount {
                lamports,
                owner,
                original_data_len: metadata.original_data_len,
                serialized_data,
                vm_data_addr: data_addr,
                ref_to_len_in_vm,
            });
        }
        if len_addr >= MM_INPUT_START {
            return Err(SyscallError::InvalidPointer);
        }
        let ref_to_len_in_vm = memory.output_unaligned(len_addr, 8)?;
        let serialized_data = serialized_data(
            memory,
            data_addr,
            metadata.original_data_len,
            ref_to_len_in_vm.read_u64(),
        )?;
        Ok(CallerAccount {
            lamports,
            owner,
            original_data_len: metadata.original_data_len,
            serialized_data,
            vm_data_addr: data_addr,
            ref_to_len_in_vm,
        })
    }
}

/// The Rust ABI (`sol_invoke_signed_rust`).
pub struct RustAbi;

impl CpiAbi for RustAbi {
    const SYSCALL: &'static str = "sol_invoke_signed_rust";
    const ACCOUNT_INFO_SIZE: u64 = size_of::<layout::AccountInfo>() as u64;

    fn translate_instruction(
        memory: &GuestMemory<'_>,
        invoke_context: &InvokeContext,
        addr: u64,
        mut accounts: Vec<CpiAccountMeta>,
    ) -> Result<TranslatedInstruction, SyscallError> {
        use layout::StableInstruction as I;
        let instruction = memory.read::<{ size_of::<I>() }>(addr, 8)?;
        let accounts_addr = u64_at(&instruction, offset_of!(I, accounts_addr));
        let accounts_len = u64_at(&instruction, offset_of!(I, accounts_len));
        let data_addr = u64_at(&instruction, offset_of!(I, data_addr));
        let data_len = u64_at(&instruction, offset_of!(I, data_len));
        let program_id = pubkey_at(&instruction, offset_of!(I, program_id));
        let meta_size = size_of::<layout::AccountMeta>() as u64;
        let metas = memory.slice(accounts_addr, accounts_len, meta_size, 1)?;
        let data = memory.bytes(data_addr, data_len)?;
        check_instruction_size(invoke_context, accounts_len as usize, data.len())?;
        charge_instruction_bytes(invoke_context, accounts_len, data.len() as u64)?;
        accounts.clear();
        accounts.reserve(accounts_len as usize);
        for meta in metas.chunks_exact(meta_size as usize) {
            let is_signer = meta[offset_of!(layout::AccountMeta, is_signer)];
            let is_writable = meta[offset_of!(layout::AccountMeta, is_writable)];
            if is_signer > 1 || is_writable > 1 {
                return Err(SyscallError::Instruction(InstructionError::InvalidArgument));
            }
            accounts.push(CpiAccountMeta {
                pubkey: pubkey_at(meta, offset_of!(layout::AccountMeta, pubkey)),
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

    fn key_addr(info: &[u8]) -> u64 {
        u64_at(info, offset_of!(layout::AccountInfo, key_addr))
    }

    fn translate_caller_account(
        memory: &GuestMemory<'_>,
        invoke_context: &mut InvokeContext,
        _info_vm_addr: u64,
        info: &[u8],
        metadata: &SerializedAccountMetadata,
        checks: InfoChecks,
    ) -> Result<CallerAccount, SyscallError> {
        use layout::AccountInfo as A;
        let owner_addr = u64_at(info, offset_of!(A, owner_addr));
        if checks.pointers {
            check_account_info_pointer(
                invoke_context,
                Self::key_addr(info),
                metadata.vm_key_addr,
                "key",
            )?;
            check_account_info_pointer(
                invoke_context,
                owner_addr,
                metadata.vm_owner_addr,
                "owner",
            )?;
        }
        // Lamports: the box holds a pointer to the serialized lamports.
        let lamports_ref_addr = u64_at(info, offset_of!(A, lamports_box_addr))
            .wrapping_add(layout::LAMPORTS_DATA_OFFSET);
        let lamports_ptr = memory.read_u64(lamports_ref_addr)?;
        if checks.pointers {
            if lamports_ref_addr >= MM_INPUT_START {
                return Err(SyscallError::InvalidPointer);
            }
            check_account_info_pointer(
                invoke_context,
                lamports_ptr,
                metadata.vm_lamports_addr,
                "lamports",
            )?;
        }
        let lamports = memory.output_type(lamports_ptr, 8, 8)?;
        let owner = memory.output_type(owner_addr, 32, 1)?;
        // Data: the box holds {ptr, len} of the serialized data.
        let data_box = u64_at(info, offset_of!(A, data_box_addr));
        let data_ref_addr = data_box.wrapping_add(layout::DATA_DATA_OFFSET);
        if checks.pointers && data_ref_addr >= MM_INPUT_START {
            return Err(SyscallError::InvalidPointer);
        }
        let (data_ptr, data_len) = vm_slice(&memory.read::<16>(data_ref_addr, 8)?);
        if checks.pointers {
            check_account_info_pointer(invoke_context, data_ptr, metadata.vm_data_addr, "data")?;
        }
        if checks.legacy {
            charge_data(invoke_context, data_len)?;
        }
        let len_addr = data_box.wrapping_add(layout::DATA_LEN_OFFSET);
        if checks.pointers && len_addr >= MM_INPUT_START {
            return Err(SyscallError::InvalidPointer);
        }
        let ref_to_len_in_vm = memory.output_unaligned(len_addr, 8)?;
        if checks.legacy {
            return Ok(CallerAccount {
                lamports,
                owner,
                original_data_len: metadata.original_data_len,
                serialized_data: memory.output(data_ptr, data_len, 1, 1)?,
                vm_data_addr: data_ptr,
                ref_to_len_in_vm,
            });
        }
        let serialized_data = serialized_data(
            memory,
            data_ptr,
            metadata.original_data_len,
            ref_to_len_in_vm.read_u64(),
        )?;
        Ok(CallerAccount {
            lamports,
            owner,
            original_data_len: metadata.original_data_len,
            serialized_data,
            vm_data_addr: data_ptr,
            ref_to_len_in_vm,
        })
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

/// Phase 3: PDA signers from the caller's program id (agave-reference §2 step 3).
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

/// Phase 4: programs that may not be invoked (agave-reference §2 step 4).
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
    pub caller_account: CallerAccount,
    /// Whether the callee may write it, so its changes flow back to the caller.
    pub update_caller: bool,
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

/// Phase 6: account infos (agave-reference §2 step 6).
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
    if checks.pointers
        && infos_addr.saturating_add(infos_len.saturating_mul(A::ACCOUNT_INFO_SIZE))
            >= MM_INPUT_START
    {
        return Err(SyscallError::InvalidPointer);
    }
    let infos = memory.slice(infos_addr, infos_len, A::ACCOUNT_INFO_SIZE, 8)?;
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
    let info_size = A::ACCOUNT_INFO_SIZE as usize;
    let info_at = |index: usize| &infos[index * info_size..(index + 1) * info_size];
    let CpiScratch { keys, accounts, .. } = scratch;
    for info in infos.chunks_exact(info_size) {
        keys.push(Pubkey::new_from_array(
            memory.read::<32>(A::key_addr(info), 1)?,
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
            (account.executable, account.data.len())
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
        let info_vm_addr = infos_addr.saturating_add((info_index * info_size) as u64);
        let caller_account = A::translate_caller_account(
            memory,
            invoke_context,
            info_vm_addr,
            info_at(info_index),
            metadata,
            checks,
        )?;
        let account = TranslatedAccount {
            index_in_caller,
            caller_account,
            update_caller: callee_account.is_writable,
        };
        if checks.legacy {
            // Charged inside the translation; the caller's changes are synced right away.
            update_callee_account(invoke_context, &account)?;
        } else {
            invoke_context
                .consume_checked(caller_account.ref_to_len_in_vm.read_u64() / per_unit)
                .map_err(SyscallError::Instruction)?;
        }
        accounts.push(account);
    }
    Ok(())
}

/// Phase 7: the caller's pending changes into the account (agave-reference §3.3).
pub fn update_callee_account(
    invoke_context: &InvokeContext,
    account: &TranslatedAccount,
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
    caller
        .serialized_data
        .with_bytes(|data| callee.update_data_if_changed(data))?;
    let mut owner = [0u8; 32];
    caller.owner.read_into(&mut owner);
    if callee.owner().as_ref() != owner {
        callee.set_owner(&Pubkey::new_from_array(owner))?;
    }
    Ok(())
}

/// Phase 9: the callee's changes back into the caller's memory (agave-reference §3.4).
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
    let max_increase = if checks.legacy {
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
    if too_large && (!checks.legacy || prev_len != post_len) {
        invoke_context.log(format!(
            "Account data size realloc limited to {max_increase} in inner instructions"
        ));
        return Err(SyscallError::Instruction(InstructionError::InvalidRealloc));
    }
    if prev_len != post_len {
        if post_len < prev_len {
            // Zero the bytes the caller saw that the account no longer has.
            let tail = memory.output(
                caller.vm_data_addr.saturating_add(post_len as u64),
                (prev_len - post_len) as u64,
                1,
                1,
            )?;
            tail.fill(0);
        }
        caller.serialized_data = if checks.legacy {
            memory.output(caller.vm_data_addr, post_len as u64, 1, 1)?
        } else {
            serialized_data(
                memory,
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

/// The whole invocation, shared by both ABIs.
fn cpi_common<A: CpiAbi>(
    context: &mut VmContext,
    instruction_addr: u64,
    infos_addr: u64,
    infos_len: u64,
    signers_addr: u64,
    signers_len: u64,
) -> Result<u64, SyscallError> {
    let metadata = std::mem::take(&mut context.accounts_metadata);
    let mut scratch = CpiScratch::take();
    let result = {
        let (memory, invoke_context) = context.split();
        invoke(
            &memory,
            invoke_context,
            A::translate_instruction,
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
    // The older order is selected with SIMD-0162 inactive, the era whose frame
    // preparation still checked the callee's executable flag.
    let legacy_order = !invoke_context
        .features
        .remove_accounts_executable_flag_checks();
    if !legacy_order {
        check_authorized_program(invoke_context, &instruction.program_id, &instruction.data)?;
    }
    let callee = invoke_context.prepare_next_cpi_instruction(
        &instruction.program_id,
        &instruction.accounts,
        instruction.data,
        &signers,
    )?;
    if legacy_order {
        check_authorized_program(invoke_context, &instruction.program_id, &callee.data)?;
    }
    scratch.metas = instruction.accounts;
    translate_accounts(memory, invoke_context, &callee, scratch)?;
    let accounts = &mut scratch.accounts;
    invoke_context.add_phase_time(started, |times| &mut times.cpi_translate);
    let started = invoke_context.phase_clock();
    if !InfoChecks::of(invoke_context).legacy {
        for account in accounts.iter() {
            update_callee_account(invoke_context, account)?;
        }
    }
    invoke_context.add_phase_time(started, |times| &mut times.cpi_update_callee);
    invoke_context.process_instruction(Some(callee))?;
    let started = invoke_context.phase_clock();
    for account in accounts.iter_mut().filter(|account| account.update_caller) {
        update_caller_account(memory, invoke_context, account)?;
    }
    invoke_context.add_phase_time(started, |times| &mut times.cpi_update_caller);
    if let Some(times) = invoke_context.phase_times.as_mut() {
        times.cpis += 1;
    }
    Ok(0)
}

pub struct InvokeSignedC;
impl Syscall for InvokeSignedC {
    fn call(
        context: &mut VmContext,
        instruction: u64,
        infos: u64,
        infos_len: u64,
        signers: u64,
        signers_len: u64,
    ) -> Result<u64, SyscallError> {
        cpi_common::<CAbi>(context, instruction, infos, infos_len, signers, signers_len)
    }
}

pub struct InvokeSignedRust;
impl Syscall for InvokeSignedRust {
    fn call(
        context: &mut VmContext,
        instruction: u64,
        infos: u64,
        infos_len: u64,
        signers: u64,
        signers_len: u64,
    ) -> Result<u64, SyscallError> {
        cpi_common::<RustAbi>(context, instruction, infos, infos_len, signers, signers_len)
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;
    use std::sync::Arc;

    use sbfvm_runtime::features::ids;
    use sbfvm_runtime::{
        Account, Builtin, ComputeBudget, ExecutionFailure, FeatureSet, InstructionAccount,
        ProgramExecutor, RentParams, Sysvars, TransactionContext,
    };
    use sbfvm_test_support::{with_vm_context, HarnessMemory};
    use sbfvm_vm::InputAbi;

    use super::*;

    const HEAP: u64 = 0x3_0000_0000;

    struct NoPrograms;
    impl ProgramExecutor for NoPrograms {
        fn execute(&self, _: &mut InvokeContext) -> Result<(), ExecutionFailure> {
            Err(ExecutionFailure::program_failed("no programs here"))
        }
    }

    /// `sol_invoke_signed_c` to `callee` with no metas, data, infos or signers, from a
    /// program whose only instruction account is a **non-executable** BPFLoader2 account.
    fn invoke_c(callee: Pubkey, simd_0162: bool) -> (Result<u64, SyscallError>, Vec<String>) {
        let caller = Pubkey::new_unique();
        let account = |owner: Pubkey, executable: bool| Account {
            lamports: 1,
            data: vec![],
            owner,
            executable,
            rent_epoch: 0,
        };
        let accounts = vec![
            (caller, account(bpf_loader_upgradeable::id(), true)),
            (bpf_loader::id(), account(native_loader::id(), false)),
        ];
        let mut transaction_context =
            TransactionContext::new(accounts, RentParams::default(), 5, 64);
        transaction_context.configure_top_level(vec![InstructionFrame::new(
            0,
            vec![InstructionAccount {
                index_in_transaction: 1,
                is_signer: false,
                is_writable: false,
            }],
            vec![],
        )]);
        let mut features = FeatureSet::mainnet();
        if !simd_0162 {
            features.deactivate(&ids::REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS);
        }
        let mut invoke_context = InvokeContext::new(
            transaction_context,
            ComputeBudget::default(),
            Arc::new(features),
            Arc::new(Sysvars::default()),
            Rc::new(NoPrograms),
            sbfvm_runtime::builtins::BUILTINS.into(),
        );
        invoke_context.push(None).unwrap();
        // SolInstruction { program_id_addr, accounts_addr, 0, data_addr, 0 }, then the id.
        let mut buffers = HarnessMemory::zeroed(8, 4096, 4096, 8);
        let id_addr = HEAP + 64;
        let mut instruction = Vec::new();
        for field in [id_addr, HEAP + 128, 0, HEAP + 128, 0] {
            instruction.extend_from_slice(&field.to_le_bytes());
        }
        buffers.write(HEAP, &instruction);
        buffers.write(id_addr, callee.as_ref());
        let result = with_vm_context(
            &mut invoke_context,
            &mut buffers,
            InputAbi::Aligned,
            Vec::new(),
            |context| InvokeSignedC::call(context, HEAP, HEAP + 256, 0, 0, 0),
        );
        (result, invoke_context.logs().to_vec())
    }

    #[test]
    fn frame_checks_precede_the_allow_list_before_simd_0162() {
        // Agave 4.4: the allow-list first.
        let (result, _) = invoke_c(bpf_loader::id(), true);
        assert!(matches!(
            result,
            Err(SyscallError::ProgramNotSupported(id)) if id == bpf_loader::id()
        ));
        let (result, _) = invoke_c(native_loader::id(), true);
        assert!(matches!(result, Err(SyscallError::ProgramNotSupported(_))));
        // Agave 2.1: the callee frame first, with its executable check.
        let (result, logs) = invoke_c(bpf_loader::id(), false);
        assert!(matches!(
            result,
            Err(SyscallError::Instruction(
                InstructionError::AccountNotExecutable
            ))
        ));
        assert_eq!(
            logs,
            [format!("Account {} is not executable", bpf_loader::id())]
        );
        let (result, logs) = invoke_c(native_loader::id(), false);
        assert!(matches!(
            result,
            Err(SyscallError::Instruction(InstructionError::MissingAccount))
        ));
        assert_eq!(logs, [format!("Unknown program {}", native_loader::id())]);
    }

    // ----- the account-info rules before SIMD-0459 (agave-reference §3.7) -----

    const STUB: u8 = 0xC0;
    const X: u8 = 0x11;
    const Y: u8 = 0x22;
    const INFOS: u64 = HEAP + 512;
    const X_DATA: u64 = HEAP + 4096;
    const Y_DATA: u64 = HEAP + 16 * 4096;
    const UNMAPPED: u64 = 0x5_0000_0000;

    fn key(n: u8) -> Pubkey {
        Pubkey::new_from_array([n; 32])
    }

    thread_local! {
        /// Bytes the stub appends to its first account.
        static GROW: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    fn stub(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
        invoke_context.consume_checked(1)?;
        let grow = GROW.with(|grow| grow.get());
        if grow > 0 {
            let mut account = invoke_context
                .transaction_context
                .borrow_current_account(0)?;
            let len = account.data().len();
            account.set_data_length(len + grow)?;
        }
        Ok(())
    }

    /// One account as the caller's `SolAccountInfo` describes it.
    #[derive(Clone, Copy)]
    struct Info {
        /// The account's owner (the caller when `None`), in the account and in the view.
        owner: Option<Pubkey>,
        lamports: u64,
        lamports_addr: u64,
        data_addr: u64,
        data_len: u64,
    }

    /// The VM addresses of one account's serialized fields.
    fn lamports_addr(n: u8) -> u64 {
        HEAP + 1024 + 8 * u64::from(n & 1)
    }
    fn owner_addr(n: u8) -> u64 {
        HEAP + 1088 + 32 * u64::from(n & 1)
    }
    fn key_addr(n: u8) -> u64 {
        HEAP + 192 + 32 * u64::from(n & 1)
    }

    struct Outcome {
        result: Result<u64, SyscallError>,
        consumed: u64,
        logs: Vec<String>,
    }

    /// `sol_invoke_signed_c` from a caller owning X (writable) and Y (read-only) to the
    /// builtin stub with metas [X writable, Y read-only]. `metadata` is what the caller's
    /// serialization recorded for X and Y: their real addresses ("exact") or all zero, as
    /// the reference CPI harness has it.
    fn invoke_with_infos(
        simd_0459: bool,
        exact_metadata: bool,
        original_data_len: usize,
        infos: [Info; 2],
        data_lens: [usize; 2],
    ) -> Outcome {
        invoke_from(
            bpf_loader_upgradeable::id(),
            simd_0459,
            exact_metadata,
            original_data_len,
            infos,
            data_lens,
        )
    }

    /// [`invoke_with_infos`] from a program of `loader`.
    fn invoke_from(
        loader: Pubkey,
        simd_0459: bool,
        exact_metadata: bool,
        original_data_len: usize,
        infos: [Info; 2],
        data_lens: [usize; 2],
    ) -> Outcome {
        let caller = key(0xA0);
        let account = |lamports, owner: Pubkey, executable: bool, len: usize| Account {
            lamports,
            data: vec![0; len],
            owner,
            executable,
            rent_epoch: 0,
        };
        let accounts = vec![
            (caller, account(1, loader, true, 0)),
            (key(STUB), account(1, native_loader::id(), true, 0)),
            (
                key(X),
                account(100, infos[0].owner.unwrap_or(caller), false, data_lens[0]),
            ),
            (
                key(Y),
                account(100, infos[1].owner.unwrap_or(caller), false, data_lens[1]),
            ),
        ];
        let mut transaction_context =
            TransactionContext::new(accounts, RentParams::default(), 5, 64);
        let instruction_account = |index, is_writable| InstructionAccount {
            index_in_transaction: index,
            is_signer: false,
            is_writable,
        };
        transaction_context.configure_top_level(vec![InstructionFrame::new(
            0,
            vec![
                instruction_account(2, true),
                instruction_account(3, false),
                instruction_account(1, false),
            ],
            vec![],
        )]);
        let mut features = FeatureSet::mainnet();
        if !simd_0459 {
            features.deactivate(&ids::SYSCALL_PARAMETER_ADDRESS_RESTRICTIONS);
        }
        let mut invoke_context = InvokeContext::new(
            transaction_context,
            ComputeBudget::default(),
            Arc::new(features),
            Arc::new(Sysvars::default()),
            Rc::new(NoPrograms),
            vec![Builtin::new(key(STUB), "stub", |ic| Ok(stub(ic)?))].into(),
        );
        invoke_context.push(None).unwrap();

        let mut buffers = HarnessMemory::zeroed(8, 4096, 32 * 4096, 8);
        let mut instruction = Vec::new();
        for field in [HEAP + 64, HEAP + 128, 2, HEAP + 128, 0] {
            instruction.extend_from_slice(&field.to_le_bytes());
        }
        buffers.write(HEAP, &instruction);
        buffers.write(HEAP + 64, key(STUB).as_ref());
        let mut metas = Vec::new();
        let mut infos_bytes = Vec::new();
        let mut metadata = Vec::new();
        for (n, writable, info) in [(X, 1u8, infos[0]), (Y, 0u8, infos[1])] {
            metas.extend_from_slice(&key_addr(n).to_le_bytes());
            metas.extend_from_slice(&[writable, 0, 0, 0, 0, 0, 0, 0]);
            buffers.write(key_addr(n), key(n).as_ref());
            buffers.write(owner_addr(n), info.owner.unwrap_or(caller).as_ref());
            if info.lamports_addr >> 32 == 3 {
                buffers.write(info.lamports_addr, &info.lamports.to_le_bytes());
            }
            for field in [
                key_addr(n),
                info.lamports_addr,
                info.data_len,
                info.data_addr,
                owner_addr(n),
                0,
            ] {
                infos_bytes.extend_from_slice(&field.to_le_bytes());
            }
            infos_bytes.extend_from_slice(&[0, writable, 0, 0, 0, 0, 0, 0]);
            metadata.push(if exact_metadata {
                SerializedAccountMetadata {
                    vm_addr: 0,
                    original_data_len,
                    vm_key_addr: key_addr(n),
                    vm_owner_addr: owner_addr(n),
                    vm_lamports_addr: info.lamports_addr,
                    vm_data_addr: info.data_addr,
                }
            } else {
                SerializedAccountMetadata {
                    original_data_len,
                    ..SerializedAccountMetadata::default()
                }
            });
        }
        metadata.push(SerializedAccountMetadata::default());
        buffers.write(HEAP + 128, &metas);
        buffers.write(INFOS, &infos_bytes);
        let before = invoke_context.remaining();
        let abi = if loader == bpf_loader_deprecated::id() {
            InputAbi::Unaligned
        } else {
            InputAbi::Aligned
        };
        let result = with_vm_context(
            &mut invoke_context,
            &mut buffers,
            abi,
            metadata,
            |context| InvokeSignedC::call(context, HEAP, INFOS, 2, 0, 0),
        );
        Outcome {
            result,
            consumed: before - invoke_context.remaining(),
            logs: invoke_context.logs().to_vec(),
        }
    }

    fn info(n: u8, data_addr: u64, data_len: u64) -> Info {
        Info {
            owner: None,
            lamports: 100,
            lamports_addr: lamports_addr(n),
            data_addr,
            data_len,
        }
    }

    #[test]
    fn pointer_checks_come_with_simd_0459() {
        let infos = [info(X, X_DATA, 4), info(Y, Y_DATA, 4)];
        // The reference harness's all-zero metadata.
        let outcome = invoke_with_infos(true, false, 0, infos, [4, 4]);
        assert!(matches!(outcome.result, Err(SyscallError::InvalidPointer)));
        assert_eq!(
            outcome.logs,
            [format!(
                "Invalid account info pointer `key': {:#x} != 0x0",
                key_addr(X)
            )]
        );
        let outcome = invoke_with_infos(false, false, 0, infos, [4, 4]);
        assert_eq!(outcome.result.unwrap(), 0);
    }

    #[test]
    fn before_simd_0459_each_account_is_synced_as_it_is_translated() {
        // The caller spent lamports of X, which another program owns (a sync error), and
        // Y's lamports are unmapped (a translation error).
        let mut x = info(X, X_DATA, 4);
        x.owner = Some(key(0xEE));
        x.lamports = 99;
        let mut y = info(Y, Y_DATA, 4);
        y.lamports_addr = UNMAPPED;
        // Agave 4.4 translates every info before syncing any: the access violation wins.
        let outcome = invoke_with_infos(true, true, 4, [x, y], [4, 4]);
        assert!(matches!(outcome.result, Err(SyscallError::Memory(_))));
        // Before SIMD-0459 X is synced before Y is translated.
        let outcome = invoke_with_infos(false, true, 4, [x, y], [4, 4]);
        assert!(matches!(
            outcome.result,
            Err(SyscallError::Instruction(
                InstructionError::ExternalAccountLamportSpend
            ))
        ));
    }

    #[test]
    fn before_simd_0459_the_data_charge_precedes_the_data_translation() {
        // 2,500 bytes of data at an unmapped address: 10 CU of data charge.
        let infos = [info(X, UNMAPPED, 2500), info(Y, Y_DATA, 4)];
        let now = invoke_with_infos(true, true, 2500, infos, [2500, 4]);
        let legacy = invoke_with_infos(false, true, 2500, infos, [2500, 4]);
        assert!(matches!(now.result, Err(SyscallError::Memory(_))));
        assert!(matches!(legacy.result, Err(SyscallError::Memory(_))));
        assert_eq!(legacy.consumed, now.consumed + 10);
    }

    #[test]
    fn before_simd_0459_the_caller_data_has_no_reservation_check() {
        // The harness records an original length of 0; the info says 10,241 bytes, more
        // than 0 + 10 KiB, unchanged by the callee.
        let infos = [info(X, X_DATA, 10_241), info(Y, Y_DATA, 4)];
        let now = invoke_with_infos(true, true, 0, infos, [10_241, 4]);
        assert!(matches!(
            now.result,
            Err(SyscallError::Instruction(InstructionError::InvalidRealloc))
        ));
        let legacy = invoke_with_infos(false, true, 0, infos, [10_241, 4]);
        assert_eq!(legacy.result.unwrap(), 0);
    }

    #[test]
    fn before_simd_0459_a_deprecated_caller_sees_growth_up_to_10_kib() {
        // The stub owns X and grows it by 8 bytes; the caller is a deprecated-loader program,
        // which has no realloc area.
        let mut x = info(X, X_DATA, 4);
        x.owner = Some(key(STUB));
        let infos = [x, info(Y, Y_DATA, 4)];
        GROW.with(|grow| grow.set(8));
        let now = invoke_from(bpf_loader_deprecated::id(), true, true, 4, infos, [4, 4]);
        let legacy = invoke_from(bpf_loader_deprecated::id(), false, true, 4, infos, [4, 4]);
        GROW.with(|grow| grow.set(0));
        assert!(matches!(
            now.result,
            Err(SyscallError::Instruction(InstructionError::InvalidRealloc))
        ));
        assert_eq!(
            now.logs.last().unwrap(),
            "Account data size realloc limited to 0 in inner instructions"
        );
        assert_eq!(legacy.result.unwrap(), 0);
    }
}
