//! The guest ABI the syscalls share: where the input region starts and the `{ptr, len}`
//! slice descriptors programs pass.

/// Start of the input region; syscall destinations must lie below it (SIMD-0459).
pub const MM_INPUT_START: u64 = 0x4_0000_0000;
/// Size of a guest `{ptr: u64, len: u64}` slice descriptor.
pub const VM_SLICE_SIZE: u64 = 16;

/// Decodes a 16-byte `{ptr, len}` descriptor.
pub(crate) fn vm_slice(bytes: &[u8]) -> (u64, u64) {
    let ptr = u64::from_le_bytes(bytes[0..8].try_into().expect("8 bytes"));
    let len = u64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes"));
    (ptr, len)
}
