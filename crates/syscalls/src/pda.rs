//! `sol_create_program_address` and `sol_try_find_program_address` (`solana-syscalls 4.4.0,
//! src/lib.rs`, `SyscallCreateProgramAddress`, `SyscallTryFindProgramAddress`).
//!
//! `sol_create_program_address(r1 seeds, r2 n_seeds, r3 program_id, r4 result)`: charge
//! 1,500; translate the seed array (16-byte slices); more than 16 seeds or a seed over 32
//! bytes aborts `BadSeeds(MaxSeedLengthExceeded)`; translate the seeds and the program id;
//! an on-curve result returns 1 and writes nothing; otherwise translate and write the
//! 32-byte result, return 0.
//!
//! `sol_try_find_program_address(r1 seeds, r2 n_seeds, r3 program_id, r4 address, r5 bump)`:
//! the same charge and input checks; then bumps 255 down to 1: on success translate both
//! outputs (overlap-checked), write them and return 0; after each failure charge another
//! 1,500; return 1 when all fail.

use sbfvm_runtime::pda::{create_program_address, PdaError, MAX_SEEDS, MAX_SEED_LEN};
use sbfvm_vm::{
    check_outputs_disjoint, GuestMemory, Syscall, SyscallError, SyscallResult, VmContext,
};
use solana_pubkey::Pubkey;

use crate::guest::{vm_slice, VM_SLICE_SIZE};
use crate::meter::charge;

fn bad_seeds() -> SyscallError {
    SyscallError::BadSeeds(PdaError::MaxSeedLengthExceeded.to_string())
}

/// Agave's `translate_and_check_program_address_inputs`.
fn translate_inputs<'a>(
    memory: &GuestMemory<'a>,
    seeds_addr: u64,
    seeds_len: u64,
    program_id_addr: u64,
) -> Result<(Vec<&'a [u8]>, Pubkey), SyscallError> {
    let seed_slices = memory.slice(seeds_addr, seeds_len, VM_SLICE_SIZE, 8)?;
    if seeds_len as usize > MAX_SEEDS {
        return Err(bad_seeds());
    }
    let mut seeds = Vec::with_capacity(seeds_len as usize);
    for raw in seed_slices.chunks_exact(16) {
        let (ptr, len) = vm_slice(raw);
        if len > MAX_SEED_LEN as u64 {
            return Err(bad_seeds());
        }
        seeds.push(memory.bytes(ptr, len)?);
    }
    let program_id = Pubkey::new_from_array(memory.read::<32>(program_id_addr, 1)?);
    Ok((seeds, program_id))
}

/// `sol_create_program_address(seeds, n_seeds, program_id, result)`: charges 1,500; returns
/// 0 with the address written, or 1 when it is on the curve (contract in the module docs).
pub struct CreateProgramAddress;
impl Syscall for CreateProgramAddress {
    type Arguments = [u64; 4];
    fn call(context: &mut VmContext, registers: [u64; 4]) -> SyscallResult {
        let [seeds, seeds_len, program_id, result] = registers;
        charge(
            context,
            context.invoke_context().budget.create_program_address_units,
        )?;
        let memory = context.memory();
        let (seeds, program_id) = translate_inputs(&memory, seeds, seeds_len, program_id)?;
        let Ok(address) = create_program_address(&seeds, &program_id) else {
            return Ok(1);
        };
        drop(seeds);
        memory.output(result, 32, 1, 1)?.write(address.as_ref());
        Ok(0)
    }
}

/// `sol_try_find_program_address(seeds, n_seeds, program_id, address, bump)`: charges 1,500,
/// and 1,500 more after each bump that fails; returns 0 with the address and bump written,
/// or 1 when every bump fails (contract in the module docs).
pub struct TryFindProgramAddress;
impl Syscall for TryFindProgramAddress {
    type Arguments = [u64; 5];
    fn call(context: &mut VmContext, registers: [u64; 5]) -> SyscallResult {
        let [seeds, seeds_len, program_id, address, bump] = registers;
        let cost = context.invoke_context().budget.create_program_address_units;
        charge(context, cost)?;
        let memory = context.memory();
        let (seeds, program_id) = translate_inputs(&memory, seeds, seeds_len, program_id)?;
        // Seeds are copied so the loop can charge (which needs the context) between tries.
        let seeds: Vec<Vec<u8>> = seeds.into_iter().map(<[u8]>::to_vec).collect();
        let mut bump_seed = [u8::MAX];
        for _ in 0..u8::MAX {
            let mut with_bump: Vec<&[u8]> = seeds.iter().map(Vec::as_slice).collect();
            with_bump.push(&bump_seed);
            if let Ok(found) = create_program_address(&with_bump, &program_id) {
                let memory = context.memory();
                let bump_out = memory.output_type(bump, 1, 1)?;
                let address_out = memory.output(address, 32, 1, 1)?;
                check_outputs_disjoint(&[&bump_out, &address_out])?;
                bump_out.write(&bump_seed);
                address_out.write(found.as_ref());
                return Ok(0);
            }
            bump_seed[0] = bump_seed[0].saturating_sub(1);
            charge(context, cost)?;
        }
        Ok(1)
    }
}
