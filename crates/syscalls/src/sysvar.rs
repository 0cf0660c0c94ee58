//! Sysvar syscalls (`solana-syscalls 4.4.0, src/sysvar.rs`).
//!
//! Typed getters (`sol_get_clock_sysvar` and friends, [`GetFees`] included, r1 =
//! destination): charge
//! 100 + size of the struct; the two pointer checks below; translate the destination
//! (Store, aligned to the struct); copy the `repr(C)` bytes; return 0.
//!
//! `sol_get_sysvar(r1 id, r2 dst, r3 offset, r4 len)`: charge
//! 100 + ⌊32/250⌋ + max(⌊len/250⌋, 10); the same two pointer checks; translate the
//! destination (Store, `len` bytes; nothing when `len` is 0), *then* the 32-byte id (Load);
//! `offset + len` or `dst + len` overflowing → `InstructionError::ArithmeticOverflow`;
//! return 2 when the sysvar is not provided, 1 when `offset + len` exceeds its data,
//! else copy and return 0 (`SyscallGetSysvar`).
//!
//! The typed getters write the whole `repr(C)` struct, padding included (as zeros).
//!
//! # The pointer checks, and the feature that selects them
//!
//! Agave 4.4 makes two checks right after the charge, before any translation:
//!
//! 1. a deprecated-loader caller (no alignment checks) → `UnalignedPointer`;
//! 2. a destination at or above `MM_INPUT_START` → `InvalidPointer` (SIMD-0459).
//!
//! Agave 2.1 (the Dec-2024 conformance fixtures) has neither: it translates the destination
//! straight away, so a deprecated-loader caller succeeds (unaligned) and an input-region
//! destination is written, or is an access violation when unmapped.
//!
//! Check 2 is SIMD-0459's, gated on `syscall_parameter_address_restrictions` until Agave 4.4
//! deleted the gate. Check 1 never had a gate of its own: agave#12130 (April 2026) added it
//! unconditionally, with "no consensus impact" because the deprecated loader was retired
//! before any sysvar syscall was activated, to stop fuzzed deprecated-loader inputs from
//! making unaligned host stores. No feature matches it better, so both checks are selected
//! by [`FeatureSet::syscall_parameter_address_restrictions`]: active on mainnet (4.4
//! behaviour) and absent from every pre-2025 feature set, where the 2.1 behaviour applies.
//!
//! [`FeatureSet::syscall_parameter_address_restrictions`]:
//!     sbfvm_runtime::FeatureSet::syscall_parameter_address_restrictions

use std::marker::PhantomData;

use sbfvm_runtime::sysvars::{
    CLOCK_SIZE, EPOCH_REWARDS_SIZE, EPOCH_SCHEDULE_SIZE, FEES_SIZE, LAST_RESTART_SLOT_SIZE,
    RENT_SIZE,
};
use sbfvm_runtime::{InstructionError, Sysvars};
use sbfvm_vm::{HostOut, Syscall, SyscallError, SyscallResult, VmContext};
use solana_pubkey::Pubkey;

use crate::guest::MM_INPUT_START;
use crate::meter::charge;

/// The two pointer checks of Agave 4.4, made only under
/// `syscall_parameter_address_restrictions` (see the module docs).
fn check_destination(context: &VmContext, destination: u64) -> Result<(), SyscallError> {
    if !context
        .invoke_context()
        .features
        .syscall_parameter_address_restrictions()
    {
        return Ok(());
    }
    if !context.check_aligned() {
        return Err(SyscallError::UnalignedPointer);
    }
    if destination >= MM_INPUT_START {
        return Err(SyscallError::InvalidPointer);
    }
    Ok(())
}

/// A typed sysvar getter (`sol_get_clock_sysvar` and friends): the `repr(C)` bytes
/// [`TypedSysvar::write`] writes, `SIZE` long, into r1 (aligned to `ALIGN`).
pub struct GetTypedSysvar<T>(PhantomData<T>);

/// One sysvar a [`GetTypedSysvar`] copies out.
pub trait TypedSysvar: 'static {
    /// Size of its `repr(C)` struct, charged on top of the base cost.
    const SIZE: usize;
    /// Alignment of its `repr(C)` struct, which the destination must have.
    const ALIGN: usize;
    /// The `repr(C)` bytes of the sysvar in `sysvars`, `SIZE` of them (padding as zeros),
    /// written to `output` (`SIZE` bytes long). The bytes live on the stack and are copied
    /// with a constant length (`HostOut::write_array`): a call allocates nothing and calls
    /// no `memmove`.
    fn write(sysvars: &Sysvars, output: &HostOut);
}

impl<T: TypedSysvar> Syscall for GetTypedSysvar<T> {
    type Arguments = [u64; 1];
    fn call(context: &mut VmContext, [destination]: [u64; 1]) -> SyscallResult {
        let base = context.invoke_context().budget.sysvar_base_cost;
        charge(context, base.saturating_add(T::SIZE as u64))?;
        check_destination(context, destination)?;
        let output = context
            .memory()
            .output_type(destination, T::SIZE as u64, T::ALIGN)?;
        T::write(&context.invoke_context().sysvars, &output);
        Ok(0)
    }
}

/// `typed_sysvar!(Getter(Sysvar): size, align n, bytes)` declares the [`TypedSysvar`]
/// `Sysvar` and its getter syscall `Getter`.
macro_rules! typed_sysvar {
    ($getter:ident($sysvar:ident): $size:expr, align $align:literal, $bytes:expr) => {
        #[doc = concat!("The ", stringify!($sysvar), " sysvar, as [`", stringify!($getter), "`] copies it.")]
        pub struct $sysvar;
        impl TypedSysvar for $sysvar {
            const SIZE: usize = $size;
            const ALIGN: usize = $align;
            #[inline(always)]
            fn write(sysvars: &Sysvars, output: &HostOut) {
                let bytes: fn(&Sysvars) -> [u8; $size] = $bytes;
                output.write_array(&bytes(sysvars));
            }
        }
        #[doc = concat!("The getter of the ", stringify!($sysvar), " sysvar.")]
        pub type $getter = GetTypedSysvar<$sysvar>;
    };
}

/// The Clock sysvar, as [`GetClock`] copies it: five 8-byte fields, stored straight into
/// the destination (the most called getter; see [`HostOut::write_u64s`]).
pub struct Clock;
impl TypedSysvar for Clock {
    const SIZE: usize = CLOCK_SIZE;
    const ALIGN: usize = 8;
    #[inline(always)]
    fn write(sysvars: &Sysvars, output: &HostOut) {
        output.write_u64s(&sysvars.clock_fields());
    }
}
/// The getter of the Clock sysvar.
pub type GetClock = GetTypedSysvar<Clock>;
typed_sysvar!(GetRent(Rent): RENT_SIZE, align 8, |s| s.rent.to_repr_c());
typed_sysvar!(GetEpochSchedule(EpochSchedule): EPOCH_SCHEDULE_SIZE, align 8, |s| {
    s.epoch_schedule_repr_c()
});
// EpochRewards holds a u128, so its alignment is 16.
typed_sysvar!(GetEpochRewards(EpochRewards): EPOCH_REWARDS_SIZE, align 16, |s| {
    s.epoch_rewards_repr_c()
});
typed_sysvar!(GetLastRestartSlot(LastRestartSlot): LAST_RESTART_SLOT_SIZE, align 8, |s| {
    s.last_restart_slot.to_le_bytes()
});

/// `sol_get_fees_sysvar(r1 = destination)`: the deprecated Fees sysvar, a `repr(C)`
/// `FeeCalculator` (one u64, lamports per signature), 8 bytes aligned to 8
/// (`solana-syscalls 4.4.0, src/sysvar.rs`, `SyscallGetFeesSysvar`). Registered only while
/// `disable_fees_sysvar` is inactive (it is active on mainnet).
///
/// The typed getters' order: charge 100 + 8 = 108; the two pointer checks of the module
/// docs; translate the destination (Store, 8 bytes, aligned to 8); then, as Agave reads the
/// sysvar cache only after translating, fail with `UnsupportedSysvar` when the Fees sysvar
/// is not provided ([`Sysvars::fees`] is `None`, the default: no Agave 4.4 bank keeps the
/// account); else write it and return 0.
pub struct GetFees;
impl Syscall for GetFees {
    type Arguments = [u64; 1];
    fn call(context: &mut VmContext, [destination]: [u64; 1]) -> SyscallResult {
        let base = context.invoke_context().budget.sysvar_base_cost;
        charge(context, base.saturating_add(FEES_SIZE as u64))?;
        check_destination(context, destination)?;
        let output = context
            .memory()
            .output_type(destination, FEES_SIZE as u64, 8)?;
        let Some(lamports_per_signature) = context.invoke_context().sysvars.fees else {
            return Err(SyscallError::Instruction(
                InstructionError::UnsupportedSysvar,
            ));
        };
        output.write(&lamports_per_signature.to_le_bytes());
        Ok(0)
    }
}

/// Return values of `sol_get_sysvar`.
const OFFSET_LENGTH_EXCEEDS_SYSVAR: u64 = 1;
const SYSVAR_NOT_FOUND: u64 = 2;

/// `sol_get_sysvar(id, dst, offset, len)`, contract in the module docs.
pub struct GetSysvar;
impl Syscall for GetSysvar {
    type Arguments = [u64; 4];
    fn call(context: &mut VmContext, [id, dst, offset, len]: [u64; 4]) -> SyscallResult {
        let budget = context.invoke_context().budget.clone();
        let cost = budget
            .sysvar_base_cost
            .saturating_add(32 / budget.cpi_bytes_per_unit)
            .saturating_add((len / budget.cpi_bytes_per_unit).max(budget.mem_op_base_cost));
        charge(context, cost)?;
        check_destination(context, dst)?;
        let memory = context.memory();
        // The destination is translated (Store) before the id is read (Agave's order).
        let output = memory.output(dst, len, 1, 1)?;
        let sysvar_id = Pubkey::new_from_array(memory.read::<32>(id, 1)?);
        let overflow = || SyscallError::Instruction(InstructionError::ArithmeticOverflow);
        let end = offset.checked_add(len).ok_or_else(overflow)?;
        dst.checked_add(len).ok_or_else(overflow)?;
        let sysvars = &context.invoke_context().sysvars;
        let owned;
        let data = match sysvars.account_data_ref(&sysvar_id) {
            Some(data) => data,
            None => {
                let Some(data) = sysvars.account_data(&sysvar_id) else {
                    return Ok(SYSVAR_NOT_FOUND);
                };
                owned = data;
                &owned
            }
        };
        let Some(window) = data.get(offset as usize..end as usize) else {
            return Ok(OFFSET_LENGTH_EXCEEDS_SYSVAR);
        };
        output.write(window);
        Ok(0)
    }
}
