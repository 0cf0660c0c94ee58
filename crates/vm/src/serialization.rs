//! Input serialization and deserialization: ABI v1 (aligned, bpf_loader and the upgradeable
//! loader) and ABI v0 (unaligned, bpf_loader_deprecated).
//!
//! The input is written into a caller-provided buffer from the pool, byte for byte, so no
//! stale bytes from an earlier run survive anywhere the program can read.
//!
//! Compared against Agave's (`solana-program-runtime 4.4.0, src/serialization.rs`) with
//! `account_data_direct_mapping` off. The bytes are the same with
//! `virtual_address_space_adjustments` on or off; on, each account's data becomes a memory
//! region of its own ([`SerializedInput::data_regions`]) and deserialization copies back only
//! the data of accounts the program may change. The gated variations are selected through
//! [`serialize_parameters_with_options`].

use sbfvm_runtime::transaction_context::{
    InstructionAccount, TransactionContext, MAX_PERMITTED_DATA_INCREASE,
};
use sbfvm_runtime::{AccountSharedData, InstructionError, Pubkey, ReadableAccount};
use solana_sbpf::ebpf::MM_INPUT_START;

pub use crate::memory::AccountDataRegion;
use crate::memory::AlignedBuffer;

/// Marks a non-duplicate account record.
pub const NON_DUP_MARKER: u8 = u8::MAX;
/// Alignment of account records and data in the aligned ABI.
pub const BPF_ALIGN_OF_U128: usize = 8;
const MAX_PERMITTED_DATA_LENGTH: usize = 10 * 1024 * 1024;

/// Where one instruction account lives in the serialized input (per position; duplicates
/// repeat their original's entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SerializedAccountMetadata {
    /// VM address of the account's record (its duplicate marker byte); the SIMD-0449
    /// account-pointer array holds these.
    pub vm_addr: u64,
    /// Data length when the input was serialized.
    pub original_data_len: usize,
    /// VM address of the account's key (32 bytes).
    pub vm_key_addr: u64,
    /// VM address of the account's owner (32 bytes).
    pub vm_owner_addr: u64,
    /// VM address of the account's lamports (a little-endian `u64`).
    pub vm_lamports_addr: u64,
    /// VM address of the first byte of the account's data.
    pub vm_data_addr: u64,
}

/// Which input ABI a loader uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputAbi {
    /// ABI v1: 8-aligned records with a 10 KiB realloc area after each account's data.
    Aligned,
    /// ABI v0 (bpf_loader_deprecated): packed records, no realloc area.
    Unaligned,
}

/// The result of serializing: metadata per instruction account and the offset of the
/// instruction data (r2 = `MM_INPUT_START` + that offset).
#[derive(Debug, Clone, Default)]
pub struct SerializedInput {
    /// Where each instruction account sits, by its position in the instruction.
    pub accounts: Vec<SerializedAccountMetadata>,
    /// Offset of the instruction data in the input, in bytes (right after its `u64`
    /// length).
    pub instruction_data_offset: usize,
    /// Offset of the SIMD-0449 account-pointer array, when it was appended.
    pub account_pointers_offset: Option<usize>,
    /// Length of the whole serialized input in bytes.
    pub len: usize,
    /// Whether the input was serialized with `virtual_address_space_adjustments`, which
    /// deserialization follows.
    pub virtual_address_space_adjustments: bool,
    /// Under `virtual_address_space_adjustments`, one entry per non-duplicate account, in
    /// input order; empty otherwise.
    pub data_regions: Vec<AccountDataRegion>,
}

/// Gated variations of the serialized input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SerializeOptions {
    /// SIMD-0449 (`direct_account_pointers_in_program_input`, inactive on mainnet): after
    /// the program id, pad to 8 and append one u64 per instruction account holding the VM
    /// address of its record (a duplicate repeats its original's). ABI v1 only; ABI v0
    /// ignores it, as Agave does.
    pub direct_account_pointers: bool,
    /// SIMD-0460 (`virtual_address_space_adjustments`, inactive on mainnet): describe each
    /// account's data as a region of its own ([`SerializedInput::data_regions`]).
    pub virtual_address_space_adjustments: bool,
}

fn align_padding(len: usize) -> usize {
    (BPF_ALIGN_OF_U128 - len % BPF_ALIGN_OF_U128) % BPF_ALIGN_OF_U128
}

/// Writes sequentially into a buffer sized in advance; every byte is written.
struct Writer<'a> {
    buffer: &'a mut [u8],
    offset: usize,
}

/// The write methods return the VM address they wrote at, as Agave's `Serializer` does.
impl Writer<'_> {
    #[inline(always)]
    fn vm_addr(&self) -> u64 {
        MM_INPUT_START + self.offset as u64
    }
    #[inline(always)]
    fn bytes(&mut self, bytes: &[u8]) -> u64 {
        let vm_addr = self.vm_addr();
        self.buffer[self.offset..self.offset + bytes.len()].copy_from_slice(bytes);
        self.offset += bytes.len();
        vm_addr
    }
    #[inline(always)]
    fn u8(&mut self, value: u8) -> u64 {
        let vm_addr = self.vm_addr();
        self.buffer[self.offset] = value;
        self.offset += 1;
        vm_addr
    }
    #[inline(always)]
    fn u64(&mut self, value: u64) -> u64 {
        self.bytes(&value.to_le_bytes())
    }
    /// Leaves `len` bytes as they are (known to hold the zeros they should).
    fn skip(&mut self, len: usize) {
        assert!(self.offset + len <= self.buffer.len());
        self.offset += len;
    }
    fn zeros(&mut self, len: usize) {
        self.buffer[self.offset..self.offset + len].fill(0);
        self.offset += len;
    }
    fn offset(&self) -> usize {
        self.offset
    }
}

/// Size of the serialized input up to and including the program id, computed first so the
/// buffer is sized once.
fn serialized_size(context: &TransactionContext, abi: InputAbi) -> Result<usize, InstructionError> {
    let frame = context.current_frame()?;
    let mut size = 8;
    for (position, instruction_account) in frame.accounts.iter().enumerate() {
        if frame.duplicate_of(position).is_some() {
            size += if abi == InputAbi::Aligned { 8 } else { 1 };
            continue;
        }
        let data_len = context
            .borrow_account(instruction_account.index_in_transaction)?
            .data()
            .len();
        size += match abi {
            InputAbi::Aligned => {
                88 + data_len + MAX_PERMITTED_DATA_INCREASE + align_padding(data_len) + 8
            }
            InputAbi::Unaligned => 3 + 32 + 8 + 8 + data_len + 32 + 1 + 8,
        };
    }
    Ok(size + 8 + frame.data.len() + 32)
}

/// Serializes the current frame's accounts, instruction data and program id into
/// `buffer` (resized; its capacity is reused and every byte is overwritten), with every
/// gated variation off (the mainnet layout).
pub fn serialize_parameters(
    context: &TransactionContext,
    abi: InputAbi,
    buffer: &mut AlignedBuffer,
) -> Result<SerializedInput, InstructionError> {
    serialize_parameters_with_options(context, abi, SerializeOptions::default(), buffer)
}

/// [`serialize_parameters`] with the gated variations in `options` (Agave's
/// `serialize_parameters`, `solana-program-runtime 4.4.0, src/serialization.rs`, without
/// virtual address space adjustments).
pub fn serialize_parameters_with_options(
    context: &TransactionContext,
    abi: InputAbi,
    options: SerializeOptions,
    buffer: &mut AlignedBuffer,
) -> Result<SerializedInput, InstructionError> {
    let mut input = SerializedInput::default();
    serialize_parameters_into(context, abi, options, buffer, &mut input, None)?;
    Ok(input)
}

/// The realloc reserves known to be zero in a pooled input buffer: those the last
/// serialization wrote, as long as no run has stored into the buffer since (the executor
/// maps the input read-only until the first store and calls [`ZeroReserves::forget`]
/// then). Serializing the same layout again skips zeroing them; the result is the same
/// bytes, without rewriting 10 KiB of zeros per account.
#[derive(Debug, Default)]
pub struct ZeroReserves {
    /// `(offset, len)` in increasing offset order.
    ranges: Vec<(usize, usize)>,
    /// Capacity for the next layout's list.
    spare: Vec<(usize, usize)>,
}

impl ZeroReserves {
    /// The buffer may have been written anywhere: nothing is known to be zero.
    pub fn forget(&mut self) {
        self.ranges.clear();
    }
}

/// [`serialize_parameters_with_options`] into `input`, whose vector's capacity is reused
/// (the executor keeps one per pooled buffer, so a CPI allocates nothing here). With
/// `reserves`, reserves it lists as zero are not zeroed again, and it is updated to the new
/// layout's reserves.
///
/// Agave's `serialize_parameters` with `serialize_parameters_for_abiv1` / `_for_abiv0`
/// (`solana-program-runtime 4.4.0, src/serialization.rs`), one account at a time in
/// `write_account_for_abiv1` and `write_account_for_abiv0`.
pub fn serialize_parameters_into(
    context: &TransactionContext,
    abi: InputAbi,
    options: SerializeOptions,
    buffer: &mut AlignedBuffer,
    input: &mut SerializedInput,
    reserves: Option<&mut ZeroReserves>,
) -> Result<(), InstructionError> {
    let mut reserves = ReserveTracker::start(reserves);
    input.accounts.clear();
    input.instruction_data_offset = 0;
    input.account_pointers_offset = None;
    input.len = 0;
    input.virtual_address_space_adjustments = options.virtual_address_space_adjustments;
    input.data_regions.clear();
    let frame = context.current_frame()?;
    if frame.accounts.len() > sbfvm_runtime::transaction_context::MAX_ACCOUNTS_PER_INSTRUCTION {
        return Err(InstructionError::MaxAccountsExceeded);
    }
    let program_id = *context.key_of(frame.program_account_index)?;
    let base_size = serialized_size(context, abi)?;
    let account_pointers = options.direct_account_pointers && abi == InputAbi::Aligned;
    let total_size = if account_pointers {
        base_size + align_padding(base_size) + 8 * frame.accounts.len()
    } else {
        base_size
    };
    buffer.resize_for_overwrite(total_size);
    let mut out = Writer {
        buffer: buffer.as_mut_slice(),
        offset: 0,
    };
    input.accounts.reserve(frame.accounts.len());
    out.u64(frame.accounts.len() as u64);
    for (position, instruction_account) in frame.accounts.iter().enumerate() {
        if let Some(first) = frame.duplicate_of(position) {
            out.u8(first as u8);
            if abi == InputAbi::Aligned {
                out.zeros(7);
            }
            input.accounts.push(input.accounts[first]);
            continue;
        }
        let changeable = options.virtual_address_space_adjustments
            && context
                .borrow_instruction_account(context.current_trace_index()?, position)?
                .can_data_be_changed()
                .is_ok();
        let account = context.borrow_account(instruction_account.index_in_transaction)?;
        let key = context.key_of(instruction_account.index_in_transaction)?;
        let metadata = match abi {
            InputAbi::Aligned => {
                write_account_for_abiv1(&mut out, instruction_account, key, &account, &mut reserves)
            }
            InputAbi::Unaligned => {
                write_account_for_abiv0(&mut out, instruction_account, key, &account)
            }
        };
        if options.virtual_address_space_adjustments {
            let len = metadata.original_data_len;
            let reserved = match abi {
                InputAbi::Aligned => len + MAX_PERMITTED_DATA_INCREASE,
                InputAbi::Unaligned => len,
            };
            input.data_regions.push(AccountDataRegion {
                offset: (metadata.vm_data_addr - MM_INPUT_START) as usize,
                len,
                reserved,
                index_in_transaction: instruction_account.index_in_transaction,
                changeable,
            });
        }
        input.accounts.push(metadata);
    }
    out.u64(frame.data.len() as u64);
    input.instruction_data_offset = out.offset();
    out.bytes(&frame.data);
    out.bytes(program_id.as_ref());
    if account_pointers {
        out.zeros(align_padding(out.offset()));
        input.account_pointers_offset = Some(out.offset());
        for metadata in &input.accounts {
            out.u64(metadata.vm_addr);
        }
    }
    input.len = out.offset();
    debug_assert_eq!(input.len, buffer.len());
    reserves.finish();
    Ok(())
}

/// One account's record in ABI v1: the `SerializeAccount::Account` arm of Agave's
/// `serialize_parameters_for_abiv1` (`solana-program-runtime 4.4.0, src/serialization.rs`)
/// with virtual address space adjustments off. The realloc reserve after the data goes
/// through `reserves`.
#[inline(always)]
fn write_account_for_abiv1(
    out: &mut Writer<'_>,
    instruction_account: &InstructionAccount,
    key: &Pubkey,
    account: &AccountSharedData,
    reserves: &mut ReserveTracker<'_>,
) -> SerializedAccountMetadata {
    let data_len = account.data().len();
    let mut metadata = SerializedAccountMetadata {
        vm_addr: out.u8(NON_DUP_MARKER),
        original_data_len: data_len,
        ..SerializedAccountMetadata::default()
    };
    out.u8(instruction_account.is_signer as u8);
    out.u8(instruction_account.is_writable as u8);
    out.u8(account.executable() as u8);
    out.zeros(4);
    metadata.vm_key_addr = out.bytes(key.as_ref());
    metadata.vm_owner_addr = out.bytes(account.owner().as_ref());
    metadata.vm_lamports_addr = out.u64(account.lamports());
    out.u64(data_len as u64);
    metadata.vm_data_addr = out.bytes(account.data());
    reserves.write(out, MAX_PERMITTED_DATA_INCREASE + align_padding(data_len));
    out.u64(u64::MAX); // rent_epoch, masked (SIMD-0267)
    metadata
}

/// One account's record in ABI v0: the `SerializeAccount::Account` arm of Agave's
/// `serialize_parameters_for_abiv0` (`solana-program-runtime 4.4.0, src/serialization.rs`)
/// with virtual address space adjustments off.
#[inline(always)]
fn write_account_for_abiv0(
    out: &mut Writer<'_>,
    instruction_account: &InstructionAccount,
    key: &Pubkey,
    account: &AccountSharedData,
) -> SerializedAccountMetadata {
    let mut metadata = SerializedAccountMetadata {
        vm_addr: out.u8(NON_DUP_MARKER),
        original_data_len: account.data().len(),
        ..SerializedAccountMetadata::default()
    };
    out.u8(instruction_account.is_signer as u8);
    out.u8(instruction_account.is_writable as u8);
    metadata.vm_key_addr = out.bytes(key.as_ref());
    metadata.vm_lamports_addr = out.u64(account.lamports());
    out.u64(account.data().len() as u64);
    metadata.vm_data_addr = out.bytes(account.data());
    metadata.vm_owner_addr = out.bytes(account.owner().as_ref());
    out.u8(account.executable() as u8);
    out.u64(u64::MAX); // rent_epoch, masked (SIMD-0267)
    metadata
}

/// The realloc reserves of one serialization against a [`ZeroReserves`]: a reserve the
/// last serialization left zero is skipped, and the new layout's reserves are recorded.
/// Until [`ReserveTracker::finish`], the `ZeroReserves` knows nothing, since a failed
/// serialization leaves the buffer half written.
struct ReserveTracker<'a> {
    reserves: Option<&'a mut ZeroReserves>,
    known_zero: Vec<(usize, usize)>,
    /// Index of the first entry of `known_zero` not below the next reserve.
    next_known: usize,
    new_zero: Vec<(usize, usize)>,
}

impl<'a> ReserveTracker<'a> {
    #[inline(always)]
    fn start(mut reserves: Option<&'a mut ZeroReserves>) -> Self {
        let mut known_zero = Vec::new();
        let mut new_zero = Vec::new();
        if let Some(reserves) = reserves.as_deref_mut() {
            known_zero = std::mem::take(&mut reserves.ranges);
            new_zero = std::mem::take(&mut reserves.spare);
            new_zero.clear();
        }
        Self {
            reserves,
            known_zero,
            next_known: 0,
            new_zero,
        }
    }

    /// Writes a reserve of `len` zero bytes at the writer's offset.
    #[inline(always)]
    fn write(&mut self, out: &mut Writer<'_>, len: usize) {
        let reserve = (out.offset(), len);
        while self
            .known_zero
            .get(self.next_known)
            .is_some_and(|&(offset, _)| offset < reserve.0)
        {
            self.next_known += 1;
        }
        if self.known_zero.get(self.next_known) == Some(&reserve) {
            out.skip(len);
        } else {
            out.zeros(len);
        }
        if self.reserves.is_some() {
            self.new_zero.push(reserve);
        }
    }

    /// The serialization succeeded: its reserves are the ones known to be zero.
    #[inline(always)]
    fn finish(self) {
        if let Some(reserves) = self.reserves {
            reserves.ranges = self.new_zero;
            reserves.spare = self.known_zero;
        }
    }
}

fn read_u64(buffer: &[u8], offset: usize) -> Result<u64, InstructionError> {
    slice(buffer, offset, 8).map(|bytes| u64::from_le_bytes(bytes.try_into().expect("8 bytes")))
}

/// Applies the program's changes in `buffer` back to the accounts after a successful run
/// (Agave's `deserialize_parameters_for_abiv1` / `_for_abiv0`, `solana-program-runtime
/// 4.4.0, src/serialization.rs`, without virtual address space adjustments).
///
/// Per non-duplicate account, in order; the first failure is the instruction's error:
/// - ABI v1: read the owner bytes; lamports (`set_lamports` if they differ); the length
///   field, where growth beyond 10 KiB or a length over 10 MiB → `InvalidRealloc`; the data
///   (`set_data_from_slice` when the account may be resized to that length, otherwise the
///   resize error unless the bytes are unchanged); finally the owner (`set_owner` if it
///   differs), so lamports and data change under the old owner.
/// - ABI v0: lamports, then the data at its original length. The owner is never read.
///
/// A field outside `buffer` → `InvalidArgument` (cannot happen for a buffer serialized by
/// this module). Key, flags and rent epoch are ignored.
pub fn deserialize_parameters(
    context: &TransactionContext,
    abi: InputAbi,
    buffer: &[u8],
    input: &SerializedInput,
) -> Result<(), InstructionError> {
    let trace_index = context.current_trace_index()?;
    let frame = context.current_frame()?;
    let mut start = 8usize; // number of accounts
    for (position, metadata) in input.accounts.iter().enumerate().take(frame.accounts.len()) {
        let duplicate = frame.duplicate_of(position).is_some();
        start += 1; // duplicate marker or position of the original
        match abi {
            InputAbi::Aligned if duplicate => start += 7, // padding
            InputAbi::Unaligned if duplicate => {}
            InputAbi::Aligned => {
                let pre_len = metadata.original_data_len;
                let mut account = context.borrow_instruction_account(trace_index, position)?;
                start += 1 + 1 + 1 + 4 + 32; // signer, writable, executable, padding, key
                let owner = slice(buffer, start, 32)?;
                start += 32;
                let lamports = read_u64(buffer, start)?;
                if account.lamports() != lamports {
                    account.set_lamports(lamports)?;
                }
                start += 8;
                let post_len = read_u64(buffer, start)? as usize;
                start += 8;
                if post_len.saturating_sub(pre_len) > MAX_PERMITTED_DATA_INCREASE
                    || post_len > MAX_PERMITTED_DATA_LENGTH
                {
                    return Err(InstructionError::InvalidRealloc);
                }
                deserialize_data(&mut account, input, slice(buffer, start, post_len)?)?;
                start += pre_len + MAX_PERMITTED_DATA_INCREASE + align_padding(pre_len);
                start += 8; // rent_epoch
                if account.owner().as_ref() != owner {
                    let owner = Pubkey::new_from_array(owner.try_into().expect("32 bytes"));
                    account.set_owner(&owner)?;
                }
            }
            InputAbi::Unaligned => {
                let pre_len = metadata.original_data_len;
                let mut account = context.borrow_instruction_account(trace_index, position)?;
                start += 1 + 1 + 32; // signer, writable, key
                let lamports = read_u64(buffer, start)?;
                if account.lamports() != lamports {
                    account.set_lamports(lamports)?;
                }
                start += 8 + 8; // lamports, data length
                deserialize_data(&mut account, input, slice(buffer, start, pre_len)?)?;
                start += pre_len + 32 + 1 + 8; // data, owner, executable, rent_epoch
            }
        }
    }
    Ok(())
}

/// One account's data after the run (the data branch of Agave's `deserialize_parameters_for_abiv1`
/// / `_for_abiv0`): without virtual address space adjustments, the serialized bytes when the
/// account may take them, or the resize error unless they are unchanged; with them, the bytes
/// of an account the program may change, and otherwise only a length change (which fails).
fn deserialize_data(
    account: &mut sbfvm_runtime::transaction_context::BorrowedAccount<'_>,
    input: &SerializedInput,
    data: &[u8],
) -> Result<(), InstructionError> {
    if !input.virtual_address_space_adjustments {
        account.update_data_if_changed(data)
    } else if account.can_data_be_changed().is_ok() {
        account.set_data_from_slice(data)
    } else if account.data().len() != data.len() {
        account.set_data_length(data.len())
    } else {
        Ok(())
    }
}

fn slice(buffer: &[u8], start: usize, len: usize) -> Result<&[u8], InstructionError> {
    buffer
        .get(start..start.saturating_add(len))
        .ok_or(InstructionError::InvalidArgument)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sbfvm_runtime::transaction_context::{InstructionAccount, InstructionFrame};
    use sbfvm_runtime::{Account, Pubkey, RentParams};

    fn context(
        program: Pubkey,
        accounts: &[(Pubkey, Account)],
        positions: &[(u16, bool)],
    ) -> TransactionContext {
        let mut all = accounts.to_vec();
        all.push((
            program,
            Account {
                lamports: 1,
                data: vec![],
                owner: solana_sdk_ids::bpf_loader::id(),
                executable: true,
                rent_epoch: 0,
            },
        ));
        let program_index = (all.len() - 1) as u16;
        let mut context = TransactionContext::new(all, RentParams::default(), 5, 64);
        let instruction_accounts = positions
            .iter()
            .map(|(index, writable)| InstructionAccount {
                index_in_transaction: *index,
                is_signer: false,
                is_writable: *writable,
            })
            .collect();
        context.configure_top_level(vec![InstructionFrame::new(
            program_index,
            instruction_accounts,
            vec![9, 8, 7],
        )]);
        context.push(None).unwrap();
        context
    }

    fn sample_accounts(program: Pubkey) -> Vec<(Pubkey, Account)> {
        vec![
            (
                Pubkey::new_unique(),
                Account {
                    lamports: 5,
                    data: vec![1, 2, 3],
                    owner: program,
                    executable: false,
                    rent_epoch: 0,
                },
            ),
            (
                Pubkey::new_unique(),
                Account {
                    lamports: 6,
                    data: vec![],
                    owner: Pubkey::new_unique(),
                    executable: true,
                    rent_epoch: 0,
                },
            ),
        ]
    }

    /// A fresh program id, its [`sample_accounts`], and their context with the instruction
    /// accounts at `positions`.
    fn sample_context(
        positions: &[(u16, bool)],
    ) -> (Pubkey, Vec<(Pubkey, Account)>, TransactionContext) {
        let program = Pubkey::new_unique();
        let accounts = sample_accounts(program);
        let context = context(program, &accounts, positions);
        (program, accounts, context)
    }

    /// The input of `context`'s current instruction in `abi`, and its layout.
    fn serialize(context: &TransactionContext, abi: InputAbi) -> (AlignedBuffer, SerializedInput) {
        let mut buffer = AlignedBuffer::default();
        let input = serialize_parameters(context, abi, &mut buffer).unwrap();
        (buffer, input)
    }

    /// The reserves a tracker lists as zero are left as they are (so the executor must
    /// `forget` them after any store into the input); forgotten ones are zeroed again, and
    /// a different layout never reuses an old range.
    #[test]
    fn known_zero_reserves_are_skipped_until_forgotten() {
        let (program, accounts, original) = sample_context(&[(0, true), (1, false)]);
        let mut buffer = AlignedBuffer::default();
        let mut input = SerializedInput::default();
        let mut reserves = ZeroReserves::default();
        let options = SerializeOptions::default();
        let serialize = |buffer: &mut AlignedBuffer,
                         input: &mut SerializedInput,
                         reserves: &mut ZeroReserves| {
            serialize_parameters_into(
                &original,
                InputAbi::Aligned,
                options,
                buffer,
                input,
                Some(reserves),
            )
            .unwrap();
        };
        serialize(&mut buffer, &mut input, &mut reserves);
        let fresh = buffer.as_slice().to_vec();
        let reserve_start = input.accounts[0].vm_data_addr as usize - MM_INPUT_START as usize + 3;
        assert_eq!(reserves.ranges[0].0, reserve_start);
        // A "program" scribbles into the first reserve without the executor noticing.
        buffer.as_mut_slice()[reserve_start + 100] = 0xEE;
        serialize(&mut buffer, &mut input, &mut reserves);
        assert_eq!(buffer.as_slice()[reserve_start + 100], 0xEE, "skipped");
        // Noticed: everything is zeroed again, byte for byte the fresh serialization.
        reserves.forget();
        serialize(&mut buffer, &mut input, &mut reserves);
        assert_eq!(buffer.as_slice(), &fresh[..]);
        // Another layout (the first account one byte longer) zeroes its own reserves.
        let mut longer = accounts.clone();
        longer[0].1.data.push(4);
        let other = context(program, &longer, &[(0, true), (1, false)]);
        buffer.as_mut_slice()[reserve_start + 200] = 0xEE;
        serialize_parameters_into(
            &other,
            InputAbi::Aligned,
            options,
            &mut buffer,
            &mut input,
            Some(&mut reserves),
        )
        .unwrap();
        let mut reference = AlignedBuffer::default();
        serialize_parameters(&other, InputAbi::Aligned, &mut reference).unwrap();
        assert_eq!(buffer.as_slice(), reference.as_slice());
    }

    #[test]
    fn aligned_layout_matches_agave() {
        let (program, accounts, context) = sample_context(&[(0, true), (1, false), (0, true)]);
        let (buffer, input) = serialize(&context, InputAbi::Aligned);
        assert_eq!(read_u64(buffer.as_slice(), 0).unwrap(), 3);
        assert_eq!(buffer.as_slice()[8], NON_DUP_MARKER);
        assert_eq!(&buffer.as_slice()[16..48], accounts[0].0.as_ref());
        assert_eq!(input.accounts[0].vm_key_addr, MM_INPUT_START + 16);
        assert_eq!(input.accounts[0].vm_data_addr, MM_INPUT_START + 8 + 88);
        // Record 1: 88 header + 3 data + 10240 + 5 pad + 8 rent epoch.
        let second = 8 + 88 + 3 + 10_240 + 5 + 8;
        assert_eq!(buffer.as_slice()[second], NON_DUP_MARKER);
        assert_eq!(buffer.as_slice()[second + 3], 1, "executable flag");
        let third = second + 88 + 10_240 + 8;
        assert_eq!(
            &buffer.as_slice()[third..third + 8],
            &[0, 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(input.accounts[2], input.accounts[0]);
        assert_eq!(read_u64(buffer.as_slice(), third + 8).unwrap(), 3);
        assert_eq!(
            &buffer.as_slice()[input.instruction_data_offset..input.instruction_data_offset + 3],
            &[9, 8, 7]
        );
        assert_eq!(
            &buffer.as_slice()[input.len - 32..input.len],
            program.as_ref()
        );
    }

    #[test]
    fn round_trip_applies_changes_in_both_abis() {
        for abi in [InputAbi::Aligned, InputAbi::Unaligned] {
            let program = Pubkey::new_unique();
            let mut accounts = sample_accounts(program);
            accounts[1].1.owner = program;
            accounts[1].1.lamports = 0;
            let context = context(program, &accounts, &[(0, true), (1, true)]);
            let mut buffer = AlignedBuffer::default();
            let input = serialize_parameters(&context, abi, &mut buffer).unwrap();
            // Unchanged input deserializes to unchanged accounts.
            deserialize_parameters(&context, abi, buffer.as_slice(), &input).unwrap();
            assert_eq!(
                context.accounts_snapshot()[0].1,
                accounts[0].1.clone().into()
            );
            // Move 2 lamports and change a data byte.
            let offset = (input.accounts[0].vm_lamports_addr - MM_INPUT_START) as usize;
            buffer.as_mut_slice()[offset..offset + 8].copy_from_slice(&3u64.to_le_bytes());
            let offset = (input.accounts[1].vm_lamports_addr - MM_INPUT_START) as usize;
            buffer.as_mut_slice()[offset..offset + 8].copy_from_slice(&2u64.to_le_bytes());
            let data = (input.accounts[0].vm_data_addr - MM_INPUT_START) as usize;
            buffer.as_mut_slice()[data] = 42;
            deserialize_parameters(&context, abi, buffer.as_slice(), &input).unwrap();
            let after = context.accounts_snapshot();
            assert_eq!(after[0].1.lamports(), 3);
            assert_eq!(after[1].1.lamports(), 2);
            assert_eq!(after[0].1.data(), vec![42, 2, 3]);
        }
    }

    #[test]
    fn aligned_realloc_and_limits() {
        let (_, _, context) = sample_context(&[(0, true)]);
        let (mut buffer, input) = serialize(&context, InputAbi::Aligned);
        let len_offset = (input.accounts[0].vm_data_addr - MM_INPUT_START) as usize - 8;
        buffer.as_mut_slice()[len_offset..len_offset + 8].copy_from_slice(&5u64.to_le_bytes());
        deserialize_parameters(&context, InputAbi::Aligned, buffer.as_slice(), &input).unwrap();
        assert_eq!(context.accounts_snapshot()[0].1.data(), vec![1, 2, 3, 0, 0]);
        buffer.as_mut_slice()[len_offset..len_offset + 8]
            .copy_from_slice(&(3u64 + 10_241).to_le_bytes());
        assert_eq!(
            deserialize_parameters(&context, InputAbi::Aligned, buffer.as_slice(), &input),
            Err(InstructionError::InvalidRealloc)
        );
    }

    #[test]
    fn unaligned_owner_is_not_read_back() {
        let (program, _, context) = sample_context(&[(0, true)]);
        let (mut buffer, input) = serialize(&context, InputAbi::Unaligned);
        let owner = (input.accounts[0].vm_owner_addr - MM_INPUT_START) as usize;
        buffer.as_mut_slice()[owner] ^= 0xff;
        deserialize_parameters(&context, InputAbi::Unaligned, buffer.as_slice(), &input).unwrap();
        assert_eq!(*context.accounts_snapshot()[0].1.owner(), program);
    }

    #[test]
    fn unaligned_layout_matches_agave() {
        let (program, accounts, context) = sample_context(&[(0, true), (1, false), (0, true)]);
        let (buffer, input) = serialize(&context, InputAbi::Unaligned);
        let bytes = buffer.as_slice();
        assert_eq!(read_u64(bytes, 0).unwrap(), 3);
        // Record 0 at 8: marker, signer, writable, key, lamports, len, data, owner, exec, epoch.
        assert_eq!(&bytes[8..11], &[NON_DUP_MARKER, 0, 1]);
        assert_eq!(&bytes[11..43], accounts[0].0.as_ref());
        assert_eq!(read_u64(bytes, 43).unwrap(), 5);
        assert_eq!(read_u64(bytes, 51).unwrap(), 3);
        assert_eq!(&bytes[59..62], &[1, 2, 3]);
        assert_eq!(&bytes[62..94], program.as_ref());
        assert_eq!(bytes[94], 0, "executable");
        assert_eq!(read_u64(bytes, 95).unwrap(), u64::MAX, "rent epoch");
        let metadata = input.accounts[0];
        assert_eq!(metadata.vm_addr, MM_INPUT_START + 8);
        assert_eq!(metadata.vm_key_addr, MM_INPUT_START + 11);
        assert_eq!(metadata.vm_lamports_addr, MM_INPUT_START + 43);
        assert_eq!(metadata.vm_data_addr, MM_INPUT_START + 59);
        assert_eq!(metadata.vm_owner_addr, MM_INPUT_START + 62);
        // Record 1 (92 bytes, no data), then the duplicate: one byte, no padding.
        let second = 103;
        assert_eq!(&bytes[second..second + 3], &[NON_DUP_MARKER, 0, 0]);
        assert_eq!(bytes[second + 83], 1, "executable");
        let third = second + 92;
        assert_eq!(bytes[third], 0, "duplicate of position 0");
        assert_eq!(input.accounts[2], input.accounts[0]);
        assert_eq!(read_u64(bytes, third + 1).unwrap(), 3);
        assert_eq!(input.instruction_data_offset, third + 9);
        assert_eq!(&bytes[third + 9..third + 12], &[9, 8, 7]);
        assert_eq!(&bytes[third + 12..third + 44], program.as_ref());
        assert_eq!(input.len, third + 44);
        assert_eq!(buffer.len(), input.len);
        assert_eq!(input.account_pointers_offset, None);
    }

    #[test]
    fn account_pointer_array_is_appended_only_when_enabled_and_only_for_abi_v1() {
        let (_, _, context) = sample_context(&[(0, true), (1, false), (0, true)]);
        let options = SerializeOptions {
            direct_account_pointers: true,
            ..SerializeOptions::default()
        };
        let mut plain = AlignedBuffer::default();
        let base = serialize_parameters(&context, InputAbi::Aligned, &mut plain).unwrap();
        let mut buffer = AlignedBuffer::default();
        let input =
            serialize_parameters_with_options(&context, InputAbi::Aligned, options, &mut buffer)
                .unwrap();
        // Everything before the array is unchanged.
        assert_eq!(&buffer.as_slice()[..base.len], plain.as_slice());
        assert_eq!(input.instruction_data_offset, base.instruction_data_offset);
        // base.len = … + 3 data bytes + 32: not a multiple of 8, so the array is padded.
        assert_ne!(base.len % 8, 0);
        let array = input.account_pointers_offset.unwrap();
        assert_eq!(array, base.len + align_padding(base.len));
        assert!(buffer.as_slice()[base.len..array].iter().all(|b| *b == 0));
        assert_eq!(input.len, array + 3 * 8);
        assert_eq!(buffer.len(), input.len);
        let second = 8 + 88 + 3 + 10_240 + 5 + 8;
        let pointers: Vec<u64> = (0..3)
            .map(|i| read_u64(buffer.as_slice(), array + 8 * i).unwrap())
            .collect();
        assert_eq!(
            pointers,
            vec![
                MM_INPUT_START + 8,
                MM_INPUT_START + second as u64,
                MM_INPUT_START + 8
            ]
        );
        // ABI v0 ignores the option.
        let mut v0 = AlignedBuffer::default();
        let mut v0_with = AlignedBuffer::default();
        let a = serialize_parameters(&context, InputAbi::Unaligned, &mut v0).unwrap();
        let b =
            serialize_parameters_with_options(&context, InputAbi::Unaligned, options, &mut v0_with)
                .unwrap();
        assert_eq!(v0.as_slice(), v0_with.as_slice());
        assert_eq!((a.len, b.account_pointers_offset), (b.len, None));
    }

    #[test]
    fn aligned_owner_is_applied_after_data() {
        // Data change and owner change in one run: the data is written under the old owner
        // (the program's), then the owner moves. Reversed, the data write would fail.
        let program = Pubkey::new_unique();
        let new_owner = Pubkey::new_unique();
        let mut accounts = sample_accounts(program);
        accounts[0].1.data = vec![7, 7];
        let context = context(program, &accounts, &[(0, true)]);
        let mut buffer = AlignedBuffer::default();
        let input = serialize_parameters(&context, InputAbi::Aligned, &mut buffer).unwrap();
        let data = (input.accounts[0].vm_data_addr - MM_INPUT_START) as usize;
        buffer.as_mut_slice()[data..data + 2].fill(0);
        let owner = (input.accounts[0].vm_owner_addr - MM_INPUT_START) as usize;
        buffer.as_mut_slice()[owner..owner + 32].copy_from_slice(new_owner.as_ref());
        deserialize_parameters(&context, InputAbi::Aligned, buffer.as_slice(), &input).unwrap();
        let after = &context.accounts_snapshot()[0].1;
        assert_eq!(
            (after.data().to_vec(), *after.owner()),
            (vec![0, 0], new_owner)
        );
    }

    #[test]
    fn aligned_error_order_and_unchanged_readonly_data() {
        // Account 1 is read-only (and not owned by the program).
        let (_, _, context) = sample_context(&[(0, true), (1, false)]);
        let (mut buffer, input) = serialize(&context, InputAbi::Aligned);
        // Unchanged read-only data is accepted.
        deserialize_parameters(&context, InputAbi::Aligned, buffer.as_slice(), &input).unwrap();
        // A read-only lamport change fails before its (also invalid) realloc is looked at.
        let lamports = (input.accounts[1].vm_lamports_addr - MM_INPUT_START) as usize;
        buffer.as_mut_slice()[lamports..lamports + 8].copy_from_slice(&7u64.to_le_bytes());
        let len_field = lamports + 8;
        buffer.as_mut_slice()[len_field..len_field + 8].copy_from_slice(&(10_241u64).to_le_bytes());
        assert_eq!(
            deserialize_parameters(&context, InputAbi::Aligned, buffer.as_slice(), &input),
            Err(InstructionError::ReadonlyLamportChange)
        );
        // Lamports restored: now the realloc check fires.
        buffer.as_mut_slice()[lamports..lamports + 8].copy_from_slice(&6u64.to_le_bytes());
        assert_eq!(
            deserialize_parameters(&context, InputAbi::Aligned, buffer.as_slice(), &input),
            Err(InstructionError::InvalidRealloc)
        );
        // Growing a read-only account within the limit: the resize error, since bytes differ.
        buffer.as_mut_slice()[len_field..len_field + 8].copy_from_slice(&1u64.to_le_bytes());
        assert_eq!(
            deserialize_parameters(&context, InputAbi::Aligned, buffer.as_slice(), &input),
            Err(InstructionError::ReadonlyDataModified)
        );
        // ABI v0 applies a data change of the writable account at its original length.
        let mut v0 = AlignedBuffer::default();
        let input = serialize_parameters(&context, InputAbi::Unaligned, &mut v0).unwrap();
        let data = (input.accounts[0].vm_data_addr - MM_INPUT_START) as usize;
        v0.as_mut_slice()[data] = 99;
        deserialize_parameters(&context, InputAbi::Unaligned, v0.as_slice(), &input).unwrap();
        assert_eq!(context.accounts_snapshot()[0].1.data(), vec![99, 2, 3]);
    }
}
