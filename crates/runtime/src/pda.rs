//! Program Derived Addresses (PDAs) and `create_with_seed`, computed exactly as Agave does
//! (`solana-address`: `create_program_address`, `try_find_program_address`,
//! `create_with_seed`, `bytes_are_curve_point`).
//!
//! Everything here is pure host-side math. The syscalls that expose it to programs do their
//! own charging and memory translation; their contracts, as Agave implements them in
//! `syscalls/src/lib.rs`, are:
//!
//! **`sol_create_program_address(r1 = seeds_addr, r2 = seeds_len, r3 = program_id_addr,
//! r4 = address_addr)`**
//! 1. Charge `create_program_address_units` (1,500).
//! 2. Translate the seed array: `seeds_len` × 16-byte `VmSlice` (`{ptr: u64, len: u64}`,
//!    Load, align 8 when alignment is checked). This happens *before* the count check, so a
//!    bad array pointer faults even when `seeds_len > 16`.
//! 3. `seeds_len > MAX_SEEDS` → abort `SyscallError::BadSeeds(MaxSeedLengthExceeded)`.
//! 4. For each seed in order: `len > MAX_SEED_LEN` → the same abort; otherwise translate its
//!    bytes (Load, align 1). Seed *i*'s length check runs after seed *i − 1* is translated.
//! 5. Translate the 32-byte program id (Load).
//! 6. [`create_program_address`]; on error (only `InvalidSeeds` is possible after step 4)
//!    → return 1. The output is neither translated nor written.
//! 7. Translate 32 bytes at `address_addr` (Store), write the address, return 0.
//!
//! **`sol_try_find_program_address(r1..r3 as above, r4 = address_addr, r5 = bump_seed_addr)`**
//! 1. Steps 1–5 above (one charge of 1,500, the same aborts).
//! 2. The bump loop — see [`find_program_address_attempts`], which mirrors it and reports how
//!    many extra 1,500 charges Agave makes. Every failed attempt is followed by a charge, and
//!    those charges all happen before the outputs are touched, so the caller may charge
//!    `1,500 × failed_attempts` in one go after the pure computation: `consume_checked`
//!    saturates the meter to 0 on failure, so one big charge and many small ones end in the
//!    same state and the same `ComputationalBudgetExceeded` abort (and nothing is written).
//! 3. Found: translate (Store) the 1-byte bump at `bump_seed_addr`, then the 32-byte address
//!    at `address_addr`; if the two host ranges overlap → abort `SyscallError::CopyOverlapping`.
//!    Write both, return 0.
//! 4. Not found → return 1, nothing written.
//!
//! Cost: `1,500 × (256 − bump)` on success, 384,000 when nothing is found.

use curve25519_dalek::edwards::CompressedEdwardsY;
use sha2::{Digest, Sha256};
use solana_instruction_error::InstructionError;
use solana_pubkey::Pubkey;

/// Maximum number of seeds (the bump counts as one).
pub const MAX_SEEDS: usize = 16;
/// Maximum length of one seed, in bytes.
pub const MAX_SEED_LEN: usize = 32;
/// Appended to every PDA hash input. `create_with_seed` refuses owners that end with it, so
/// its addresses cannot collide with PDAs.
pub const PDA_MARKER: &[u8; 21] = b"ProgramDerivedAddress";

/// Both the SDK and the syscall try bumps from this value down to 1 (255 attempts); bump 0 is
/// never tried.
const HIGHEST_BUMP: u8 = u8::MAX;

/// Why an address could not be derived. Mirrors `solana_address::AddressError`; the explicit
/// discriminants are its `u64` codes, which the System program surfaces as `Custom(code)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdaError {
    /// Too many seeds, or a seed longer than [`MAX_SEED_LEN`].
    MaxSeedLengthExceeded = 0,
    /// The derived hash is a valid Ed25519 point, so it is not a PDA.
    InvalidSeeds = 1,
    /// `create_with_seed` owner ends with [`PDA_MARKER`].
    IllegalOwner = 2,
}

impl PdaError {
    /// The numeric code Agave's System program turns into `InstructionError::Custom`
    /// (its "incorrect but existing" `e as u64` conversion).
    pub fn code(self) -> u64 {
        self as u64
    }

    /// The instruction error a builtin's derivation fails with (`From<PubkeyError> for
    /// InstructionError`).
    pub fn instruction_error(self) -> InstructionError {
        match self {
            PdaError::MaxSeedLengthExceeded => InstructionError::MaxSeedLengthExceeded,
            PdaError::InvalidSeeds => InstructionError::InvalidSeeds,
            PdaError::IllegalOwner => InstructionError::IllegalOwner,
        }
    }
}

impl std::fmt::Display for PdaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Same wording as `AddressError`, so log lines match Agave's.
        f.write_str(match self {
            PdaError::MaxSeedLengthExceeded => {
                "Length of the seed is too long for address generation"
            }
            PdaError::InvalidSeeds => "Provided seeds do not result in a valid address",
            PdaError::IllegalOwner => "Provided owner is not allowed",
        })
    }
}

impl std::error::Error for PdaError {}

/// Whether 32 bytes decode to a point on the Ed25519 curve, exactly as
/// `CompressedEdwardsY::decompress().is_some()`: bit 255 is the sign of x, the low 255 bits
/// are y reduced mod p (so non-canonical y ≥ p is accepted), "negative zero" x is accepted,
/// and the only rejection is when (y² − 1)/(d·y² + 1) has no square root.
pub fn bytes_are_curve_point(bytes: &[u8; 32]) -> bool {
    CompressedEdwardsY(*bytes).decompress().is_some()
}

/// Checks the seed limits shared by every PDA derivation.
fn check_seed_limits(seeds: &[&[u8]]) -> Result<(), PdaError> {
    if seeds.len() > MAX_SEEDS || seeds.iter().any(|seed| seed.len() > MAX_SEED_LEN) {
        return Err(PdaError::MaxSeedLengthExceeded);
    }
    Ok(())
}

/// Derives the PDA for `seeds` under `program_id`:
/// SHA-256(seed₀ ‖ … ‖ seedₙ₋₁ ‖ program_id ‖ [`PDA_MARKER`]), rejected if it lies on the curve.
///
/// Errors: more than [`MAX_SEEDS`] seeds or any seed over [`MAX_SEED_LEN`] bytes →
/// `MaxSeedLengthExceeded`; hash on the curve → `InvalidSeeds`.
pub fn create_program_address(seeds: &[&[u8]], program_id: &Pubkey) -> Result<Pubkey, PdaError> {
    check_seed_limits(seeds)?;

    let mut hasher = Sha256::new();
    for seed in seeds {
        hasher.update(seed);
    }
    hasher.update(program_id.as_ref());
    hasher.update(PDA_MARKER);
    let hash: [u8; 32] = hasher.finalize().into();

    if bytes_are_curve_point(&hash) {
        return Err(PdaError::InvalidSeeds);
    }
    Ok(Pubkey::new_from_array(hash))
}

/// [`create_program_address`] with `[bump]` appended as one more seed (so it counts towards
/// [`MAX_SEEDS`]).
fn create_program_address_with_bump(
    seeds: &[&[u8]],
    bump: u8,
    program_id: &Pubkey,
) -> Result<Pubkey, PdaError> {
    let bump_seed = [bump];
    let mut seeds_with_bump = Vec::with_capacity(seeds.len() + 1);
    seeds_with_bump.extend_from_slice(seeds);
    seeds_with_bump.push(&bump_seed[..]);
    create_program_address(&seeds_with_bump, program_id)
}

/// Derives `seeds ‖ [bump]` for bump = 255, 254, …, 1 and returns the first valid PDA with its
/// bump, or `None`.
///
/// This is the off-chain SDK behaviour (`Address::try_find_program_address` on the host):
/// with [`MAX_SEEDS`] or more seeds there is no room for the bump, so it returns `None` at
/// once, and a seed longer than [`MAX_SEED_LEN`] stops the search after the first attempt.
/// The `sol_try_find_program_address` *syscall* differs: it charges 1,500 CU per failed
/// attempt and keeps going on any error. Its runtime implementation lives with the other
/// syscalls and should use [`find_program_address_attempts`] (or [`create_program_address`]
/// in its own loop), not this function.
pub fn try_find_program_address(seeds: &[&[u8]], program_id: &Pubkey) -> Option<(Pubkey, u8)> {
    if seeds.len() >= MAX_SEEDS {
        return None;
    }
    for bump in (1..=HIGHEST_BUMP).rev() {
        match create_program_address_with_bump(seeds, bump, program_id) {
            Ok(address) => return Some((address, bump)),
            Err(PdaError::InvalidSeeds) => continue,
            // Only an over-long seed gets here; no bump can fix it.
            Err(_) => return None,
        }
    }
    None
}

/// Runs the `sol_try_find_program_address` bump loop exactly as Agave does and returns the
/// result together with the number of failed attempts, which equals the number of *extra*
/// `create_program_address_units` (1,500) charges the syscall makes after its initial one.
///
/// Agave tries 255 bumps (255 down to 1, never 0); any error from `create_program_address`
/// counts as a failure, and every failure — including the last — is followed by a charge. So:
/// - found with bump `b` → `(Some((address, b)), 255 − b)`; total cost 1,500 × (256 − b);
/// - nothing found → `(None, 255)`; total cost 1,500 × 256 = 384,000.
///
/// With exactly 16 seeds every attempt has 17 seeds and fails with `MaxSeedLengthExceeded`,
/// giving `(None, 255)`. Precondition: the caller has already applied the syscall's input
/// checks (≤ 16 seeds, each ≤ 32 bytes), which abort *before* the loop; without them this
/// function would also report `(None, 255)`.
pub fn find_program_address_attempts(
    seeds: &[&[u8]],
    program_id: &Pubkey,
) -> (Option<(Pubkey, u8)>, u32) {
    let mut failed_attempts = 0;
    for bump in (1..=HIGHEST_BUMP).rev() {
        if let Ok(address) = create_program_address_with_bump(seeds, bump, program_id) {
            return (Some((address, bump)), failed_attempts);
        }
        failed_attempts += 1;
    }
    (None, failed_attempts)
}

/// `create_with_seed` for a UTF-8 seed, as carried by the System program's `*WithSeed`
/// instructions (Agave deserializes the seed as a `String`). The limit is on bytes, not chars.
pub fn create_with_seed(base: &Pubkey, seed: &str, owner: &Pubkey) -> Result<Pubkey, PdaError> {
    create_with_seed_bytes(base, seed.as_bytes(), owner)
}

/// `create_with_seed` over raw seed bytes: SHA-256(base ‖ seed ‖ owner), with no curve check.
///
/// Errors: seed over [`MAX_SEED_LEN`] bytes → `MaxSeedLengthExceeded` (checked first); owner
/// whose last 21 bytes equal [`PDA_MARKER`] → `IllegalOwner`.
pub fn create_with_seed_bytes(
    base: &Pubkey,
    seed: &[u8],
    owner: &Pubkey,
) -> Result<Pubkey, PdaError> {
    if seed.len() > MAX_SEED_LEN {
        return Err(PdaError::MaxSeedLengthExceeded);
    }
    let owner_bytes = owner.as_ref();
    // Such an owner could make the hash input collide with a PDA derivation.
    if owner_bytes.ends_with(PDA_MARKER) {
        return Err(PdaError::IllegalOwner);
    }

    let hash: [u8; 32] = Sha256::new()
        .chain_update(base.as_ref())
        .chain_update(seed)
        .chain_update(owner_bytes)
        .finalize()
        .into();
    Ok(Pubkey::new_from_array(hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pubkey(base58: &str) -> Pubkey {
        base58.parse().expect("valid base58 pubkey")
    }

    /// Deterministic pseudo-random 32-byte values for cross-checks.
    fn sample_bytes(index: u32) -> [u8; 32] {
        Sha256::digest(index.to_le_bytes()).into()
    }

    fn upgradeable_loader() -> Pubkey {
        pubkey("BPFLoaderUpgradeab1e11111111111111111111111")
    }

    #[test]
    fn create_program_address_known_vectors() {
        // Vectors from solana-address's own test suite.
        let program_id = upgradeable_loader();
        let seed_pubkey = pubkey("SeedPubey1111111111111111111111111111111111");
        let cases: [(&[&[u8]], &str); 4] = [
            (&[b"", &[1]], "BwqrghZA2htAcqq8dzP1WDAhTXYTYWj7CHxF5j7TDBAe"),
            (
                &["☉".as_bytes(), &[0]],
                "13yWmRpaTR4r5nAktwLqMpRNr28tnVUZw26rTvPSSB19",
            ),
            (
                &[b"Talking", b"Squirrels"],
                "2fnQrngrQT4SeLcdToJAD96phoEjNL2man2kfRLCASVk",
            ),
            (
                &[seed_pubkey.as_ref(), &[1]],
                "976ymqVnfE32QFe6NfGDctSvVa36LWnvYxhU6G2232YL",
            ),
        ];
        for (seeds, expected) in cases {
            assert_eq!(
                create_program_address(seeds, &program_id),
                Ok(pubkey(expected))
            );
        }
    }

    #[test]
    fn create_program_address_matches_sdk() {
        let program_id = upgradeable_loader();
        let mut on_curve_rejections = 0;
        for index in 0..512 {
            let bytes = sample_bytes(index);
            let seeds: &[&[u8]] = &[b"seed", &bytes[..(index as usize % 33)]];
            let ours = create_program_address(seeds, &program_id);
            let sdk = Pubkey::create_program_address(seeds, &program_id);
            assert_eq!(ours.ok(), sdk.clone().ok(), "seed index {index}");
            if ours == Err(PdaError::InvalidSeeds) {
                assert!(sdk.is_err());
                on_curve_rejections += 1;
            }
        }
        // Roughly half of all hashes are curve points; make sure both branches ran.
        assert!((100..412).contains(&on_curve_rejections));
    }

    #[test]
    fn seed_limits() {
        let program_id = upgradeable_loader();
        let numbered: Vec<[u8; 1]> = (1..=17).map(|n| [n]).collect();
        let seventeen: Vec<&[u8]> = numbered.iter().map(|seed| seed.as_slice()).collect();
        let sixteen = &seventeen[..16];

        assert_eq!(
            create_program_address(&seventeen, &program_id),
            Err(PdaError::MaxSeedLengthExceeded)
        );
        assert!(create_program_address(sixteen, &program_id).is_ok());

        let long_seed = [127u8; MAX_SEED_LEN + 1];
        let max_seed = [0u8; MAX_SEED_LEN];
        assert_eq!(
            create_program_address(&[&long_seed], &program_id),
            Err(PdaError::MaxSeedLengthExceeded)
        );
        assert_eq!(
            create_program_address(&[b"short_seed", &long_seed], &program_id),
            Err(PdaError::MaxSeedLengthExceeded)
        );
        assert!(create_program_address(&[&max_seed], &program_id).is_ok());
    }

    #[test]
    fn curve_point_rule() {
        // Ed25519 basepoint, compressed: y = 4/5, x positive.
        let mut basepoint = [0x66u8; 32];
        basepoint[0] = 0x58;
        assert_eq!(
            basepoint,
            curve25519_dalek::constants::ED25519_BASEPOINT_COMPRESSED.to_bytes()
        );
        assert!(bytes_are_curve_point(&basepoint));

        // Identity (y = 1), and the same point with the x sign bit set ("negative zero").
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(bytes_are_curve_point(&identity));
        let mut negative_zero_identity = identity;
        negative_zero_identity[31] |= 0x80;
        assert!(bytes_are_curve_point(&negative_zero_identity));

        // y = p + 1 (non-canonical encoding of y = 1) is still accepted.
        let mut non_canonical_identity = [0xffu8; 32];
        non_canonical_identity[0] = 0xee;
        non_canonical_identity[31] = 0x7f;
        assert!(bytes_are_curve_point(&non_canonical_identity));

        // A y with no matching x (from solana-curve25519's tests), and a known PDA.
        let off_curve = [
            120, 140, 152, 233, 41, 227, 203, 27, 87, 115, 25, 251, 219, 5, 84, 148, 117, 38, 84,
            60, 87, 144, 161, 146, 42, 34, 91, 155, 158, 189, 121, 79,
        ];
        assert!(!bytes_are_curve_point(&off_curve));
        let pda = pubkey("2fnQrngrQT4SeLcdToJAD96phoEjNL2man2kfRLCASVk");
        assert!(!bytes_are_curve_point(&pda.to_bytes()));

        let mut on_curve = 0;
        for index in 0..1024 {
            let bytes = sample_bytes(index);
            let ours = bytes_are_curve_point(&bytes);
            assert_eq!(ours, solana_pubkey::bytes_are_curve_point(bytes));
            on_curve += usize::from(ours);
        }
        assert!((300..724).contains(&on_curve));
    }

    #[test]
    fn try_find_matches_sdk() {
        let program_id = upgradeable_loader();
        for index in 0..300u32 {
            let index_bytes = index.to_le_bytes();
            let seeds: &[&[u8]] = &[b"Lil'", b"Bits", &index_bytes];
            let found = try_find_program_address(seeds, &program_id);
            assert_eq!(found, Pubkey::try_find_program_address(seeds, &program_id));
            let (address, bump) = found.expect("some bump works");
            let bump_seed = [bump];
            let mut with_bump = seeds.to_vec();
            with_bump.push(&bump_seed);
            assert_eq!(create_program_address(&with_bump, &program_id), Ok(address));
        }
    }

    #[test]
    fn try_find_gives_up_like_the_sdk() {
        let program_id = upgradeable_loader();
        let numbered: Vec<[u8; 1]> = (0..16).map(|n| [n]).collect();
        let sixteen: Vec<&[u8]> = numbered.iter().map(|seed| seed.as_slice()).collect();
        assert_eq!(try_find_program_address(&sixteen, &program_id), None);
        assert_eq!(
            Pubkey::try_find_program_address(&sixteen, &program_id),
            None
        );

        let long_seed = [1u8; MAX_SEED_LEN + 1];
        assert_eq!(try_find_program_address(&[&long_seed], &program_id), None);
    }

    #[test]
    fn syscall_attempts_count_failed_bumps() {
        let program_id = upgradeable_loader();
        let mut saw_lower_bump = false;
        for index in 0..300u32 {
            let index_bytes = index.to_le_bytes();
            let seeds: &[&[u8]] = &[b"attempts", &index_bytes];
            let (found, failed) = find_program_address_attempts(seeds, &program_id);
            let (address, bump) = found.expect("some bump works");
            assert_eq!(
                Some((address, bump)),
                try_find_program_address(seeds, &program_id)
            );
            assert_eq!(failed, 255 - u32::from(bump));
            // Total syscall cost = 1,500 × (1 + failed) = 1,500 × (256 − bump).
            assert_eq!(1_500 * (1 + failed), 1_500 * (256 - u32::from(bump)));
            saw_lower_bump |= bump < 254;
        }
        assert!(
            saw_lower_bump,
            "expected some searches to need several bumps"
        );
    }

    #[test]
    fn syscall_attempts_with_sixteen_seeds_fail_every_bump() {
        let program_id = upgradeable_loader();
        let numbered: Vec<[u8; 1]> = (0..16).map(|n| [n]).collect();
        let sixteen: Vec<&[u8]> = numbered.iter().map(|seed| seed.as_slice()).collect();
        let (found, failed) = find_program_address_attempts(&sixteen, &program_id);
        assert_eq!(found, None);
        assert_eq!(failed, 255);
        assert_eq!(1_500 * (1 + failed), 384_000);
    }

    #[test]
    fn create_with_seed_known_vector_and_sdk() {
        assert_eq!(
            create_with_seed(
                &Pubkey::default(),
                "limber chicken: 4/45",
                &Pubkey::default()
            ),
            Ok(pubkey("9h1HyLCW5dZnBVap8C5egQ9Z6pHyjsh5MNy83iPqqRuq"))
        );

        let base = Pubkey::new_from_array(sample_bytes(1));
        let owner = Pubkey::new_from_array(sample_bytes(2));
        for seed in ["", "☉", "a seed of exactly 32 bytes......"] {
            assert_eq!(
                create_with_seed(&base, seed, &owner).ok(),
                Pubkey::create_with_seed(&base, seed, &owner).ok()
            );
        }
        // No curve check: the result need not be off-curve.
        let on_curve_results = (0..64u32)
            .filter(|index| {
                let seed = index.to_string();
                let address = create_with_seed(&base, &seed, &owner).unwrap();
                bytes_are_curve_point(&address.to_bytes())
            })
            .count();
        assert!(on_curve_results > 0);
    }

    #[test]
    fn create_with_seed_limits() {
        let base = Pubkey::new_from_array(sample_bytes(3));
        let owner = Pubkey::new_from_array(sample_bytes(4));
        assert!(create_with_seed(&base, &"x".repeat(MAX_SEED_LEN), &owner).is_ok());
        assert_eq!(
            create_with_seed(&base, &"x".repeat(MAX_SEED_LEN + 1), &owner),
            Err(PdaError::MaxSeedLengthExceeded)
        );
        // 8 four-byte chars = 32 bytes is fine; one more ASCII byte is not.
        let wide = "\u{10FFFF}".repeat(8);
        assert!(create_with_seed(&base, &wide, &owner).is_ok());
        assert_eq!(
            create_with_seed(&base, &format!("x{wide}"), &owner),
            Err(PdaError::MaxSeedLengthExceeded)
        );
        assert_eq!(
            create_with_seed_bytes(&base, &[0xff; 33], &owner),
            Err(PdaError::MaxSeedLengthExceeded)
        );
    }

    #[test]
    fn create_with_seed_rejects_pda_marker_owner() {
        let base = Pubkey::new_from_array(sample_bytes(5));
        let mut owner_bytes = [7u8; 32];
        owner_bytes[32 - PDA_MARKER.len()..].copy_from_slice(PDA_MARKER);
        let illegal_owner = Pubkey::new_from_array(owner_bytes);
        assert_eq!(
            create_with_seed(&base, "seed", &illegal_owner),
            Err(PdaError::IllegalOwner)
        );
        assert_eq!(
            Pubkey::create_with_seed(&base, "seed", &illegal_owner).ok(),
            None
        );
        // The seed-length check comes first.
        assert_eq!(
            create_with_seed(&base, &"x".repeat(33), &illegal_owner),
            Err(PdaError::MaxSeedLengthExceeded)
        );

        // A marker that is one byte short of the end is fine.
        let mut shifted = [7u8; 32];
        shifted[32 - PDA_MARKER.len() - 1..31].copy_from_slice(PDA_MARKER);
        assert!(create_with_seed(&base, "seed", &Pubkey::new_from_array(shifted)).is_ok());
    }

    #[test]
    fn error_codes_and_messages() {
        assert_eq!(PdaError::MaxSeedLengthExceeded.code(), 0);
        assert_eq!(PdaError::InvalidSeeds.code(), 1);
        assert_eq!(PdaError::IllegalOwner.code(), 2);
        assert_eq!(
            PdaError::InvalidSeeds.to_string(),
            "Provided seeds do not result in a valid address"
        );
    }
}
