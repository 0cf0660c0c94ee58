//! The words of the CPI structures as the SDKs lay them out in guest memory, for the CPI
//! tests and the fuzz target that write them by hand.

use sbfvm_runtime::Pubkey;
use sbfvm_vm::SerializedAccountMetadata;

/// A Rust `StableInstruction`: the metas and the data, each given as (address, length), as
/// `StableVec`s (address, capacity, length; the capacity is the length), then the program
/// id.
pub fn stable_instruction(
    (metas_addr, metas_len): (u64, u64),
    (data_addr, data_len): (u64, u64),
    program_id: &Pubkey,
) -> Vec<u8> {
    let mut bytes: Vec<u8> = [
        metas_addr, metas_len, metas_len, data_addr, data_len, data_len,
    ]
    .iter()
    .flat_map(|word| word.to_le_bytes())
    .collect();
    bytes.extend_from_slice(program_id.as_ref());
    bytes
}

/// The words of a `SolAccountInfo` before its flags, each pointer where the caller's
/// serialization put the account (`md`), `rent_epoch` last.
pub fn c_account_info_words(md: &SerializedAccountMetadata, rent_epoch: u64) -> [u64; 6] {
    [
        md.vm_key_addr,
        md.vm_lamports_addr,
        md.original_data_len as u64,
        md.vm_data_addr,
        md.vm_owner_addr,
        rent_epoch,
    ]
}

/// The `Rc<RefCell<…>>` boxes of a Rust `AccountInfo` (strong and weak counts, the
/// `RefCell` flag, then the value): the lamports pointer, and the data `{ptr, len}`, where
/// the caller's serialization put the account (`md`).
pub fn rust_account_info_boxes(md: &SerializedAccountMetadata) -> ([u64; 4], [u64; 5]) {
    (
        [1, 1, 0, md.vm_lamports_addr],
        [1, 1, 0, md.vm_data_addr, md.original_data_len as u64],
    )
}

/// The last word of an account info of either ABI: `is_signer`, `is_writable` and
/// `executable`, a byte each, then padding.
pub fn account_info_flags(is_signer: bool, is_writable: bool, executable: bool) -> u64 {
    u64::from(is_signer) | u64::from(is_writable) << 8 | u64::from(executable) << 16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_instruction_is_two_stable_vecs_then_the_program_id() {
        let program_id = Pubkey::new_from_array([7; 32]);
        let bytes = stable_instruction((0x10, 2), (0x20, 3), &program_id);
        let words: Vec<u64> = bytes[..48]
            .chunks_exact(8)
            .map(|word| u64::from_le_bytes(word.try_into().unwrap()))
            .collect();
        assert_eq!(words, [0x10, 2, 2, 0x20, 3, 3]);
        assert_eq!(&bytes[48..], program_id.as_ref());
    }

    #[test]
    fn account_info_flags_are_one_byte_each() {
        assert_eq!(
            account_info_flags(true, false, true).to_le_bytes(),
            [1, 0, 1, 0, 0, 0, 0, 0]
        );
        assert_eq!(
            account_info_flags(false, true, false).to_le_bytes(),
            [0, 1, 0, 0, 0, 0, 0, 0]
        );
    }
}
