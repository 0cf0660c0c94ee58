//! Hash syscalls `sol_sha256`, `sol_keccak256`, `sol_blake3`, `sol_sha512`
//! (`solana-syscalls 4.4.0, src/lib.rs`, `SyscallHash<H>`).
//!
//! Registers: r1 = array of 16-byte {ptr, len} slices, r2 = slice count, r3 = result (32
//! bytes; 64 for SHA-512). Order: slice count > 20,000 → `TooManySlices`, logged as
//! "`<Name>` Hashing `<n>` sequences in one syscall is over the limit 20000", before any
//! charge; charge 85; translate the result (Store); when the count is not 0, translate the
//! slice array (Load, align 8); for each slice translate its bytes, then charge
//! max(10, ⌊len/2⌋); write the digest; return 0.

use std::marker::PhantomData;

use sbfvm_vm::{Syscall, SyscallError, SyscallResult, VmContext};
use sha2::Digest;

use crate::guest::{vm_slice, VM_SLICE_SIZE};
use crate::meter::charge;

/// A hash function of a hash syscall (Agave's `HasherImpl`).
pub trait Hasher: Default {
    /// The name the over-the-limit log line gives it.
    const NAME: &'static str;
    /// Size of the digest, which is also the size of the translated result.
    const OUTPUT_LEN: u64;
    /// The digest, `OUTPUT_LEN` bytes.
    type Output: AsRef<[u8]>;
    /// Feeds the bytes of one slice.
    fn update(&mut self, bytes: &[u8]);
    /// The digest of every slice fed, in order.
    fn finish(self) -> Self::Output;
}

/// A [`Hasher`] over a RustCrypto `Digest`.
macro_rules! digest_hasher {
    ($hasher:ident, $digest:ty, $name:literal, $len:literal) => {
        #[doc = concat!("`", $name, "` over RustCrypto's digest.")]
        #[derive(Default)]
        pub struct $hasher($digest);
        impl Hasher for $hasher {
            const NAME: &'static str = $name;
            const OUTPUT_LEN: u64 = $len;
            type Output = [u8; $len];
            fn update(&mut self, bytes: &[u8]) {
                self.0.update(bytes);
            }
            fn finish(self) -> Self::Output {
                self.0.finalize().into()
            }
        }
    };
}

digest_hasher!(Sha256Hasher, sha2::Sha256, "Sha256", 32);
digest_hasher!(Keccak256Hasher, sha3::Keccak256, "Keccak256", 32);
digest_hasher!(Sha512Hasher, sha2::Sha512, "Sha512", 64);

/// `Blake3` over the `blake3` crate.
#[derive(Default)]
pub struct Blake3Hasher(blake3::Hasher);
impl Hasher for Blake3Hasher {
    const NAME: &'static str = "Blake3";
    const OUTPUT_LEN: u64 = 32;
    type Output = [u8; 32];
    fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    fn finish(self) -> Self::Output {
        *self.0.finalize().as_bytes()
    }
}

/// `sol_sha256`, `sol_keccak256`, `sol_blake3` and `sol_sha512`: one syscall over `H`
/// (Agave's `SyscallHash<H>`), contract in the module docs.
pub struct Hash<H>(PhantomData<H>);

/// `sol_sha256`.
pub type Sha256 = Hash<Sha256Hasher>;
/// `sol_keccak256`.
pub type Keccak256 = Hash<Keccak256Hasher>;
/// `sol_blake3` (registered only while `blake3_syscall_enabled` is active).
pub type Blake3 = Hash<Blake3Hasher>;
/// `sol_sha512` (SIMD-0512; registered only while `enable_sha512_syscall` is active).
pub type Sha512 = Hash<Sha512Hasher>;

impl<H: Hasher + 'static> Syscall for Hash<H> {
    type Arguments = [u64; 3];
    fn call(context: &mut VmContext, [vals, vals_len, result]: [u64; 3]) -> SyscallResult {
        let budget = &context.invoke_context().budget;
        let (max_slices, base_cost, byte_cost, min_cost) = (
            budget.sha256_max_slices,
            budget.sha256_base_cost,
            budget.sha256_byte_cost,
            budget.mem_op_base_cost,
        );
        if max_slices < vals_len {
            context.invoke_context_mut().log(format!(
                "{} Hashing {} sequences in one syscall is over the limit {}",
                H::NAME,
                vals_len,
                max_slices
            ));
            return Err(SyscallError::TooManySlices);
        }
        charge(context, base_cost)?;
        let output = context.memory().output(result, H::OUTPUT_LEN, 1, 1)?;
        let mut hasher = H::default();
        if vals_len > 0 {
            let slices: Vec<(u64, u64)> = context
                .memory()
                .slice(vals, vals_len, VM_SLICE_SIZE, 8)?
                .chunks_exact(16)
                .map(vm_slice)
                .collect();
            for (ptr, len) in slices {
                let memory = context.memory();
                let bytes = memory.bytes(ptr, len)?;
                let cost = min_cost.max(byte_cost.saturating_mul(len / 2));
                charge(context, cost)?;
                hasher.update(bytes);
            }
        }
        output.write(hasher.finish().as_ref());
        Ok(0)
    }
}
