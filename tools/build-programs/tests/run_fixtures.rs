//! Loads every `fixtures/*.so` with solana-sbpf 0.26.0 the way Agave does for execution
//! (SBPF v0..=v3, `reject_broken_elfs: false`, `optimize_rodata: false`, aligned memory
//! mapping, 4 KiB gapped stack frames), verifies it with `RequisiteVerifier`, and runs it on
//! hand-serialized inputs under both the interpreter and the JIT.
//!
//! The syscalls here are a minimal stand-in runtime: enough to see that each program calls
//! the right syscall with the right arguments (logs are recorded, return data kept, memory
//! syscalls done for real, hashes computed for real, PDAs computed without the curve check,
//! sysvars filled with fixed values). It tests the fixtures, not the sbfvm runtime.
//!
//! Run with `cargo test --manifest-path tools/build-programs/Cargo.toml` after building the
//! fixtures.

use std::error::Error;
use std::path::PathBuf;
use std::ptr::NonNull;
use std::sync::Arc;

use sha2::Digest as _;
use solana_sbpf::{
    aligned_memory::AlignedMemory,
    declare_builtin_function, ebpf,
    elf::Executable,
    error::{EbpfError, ProgramResult},
    memory_region::{AccessType, MemoryMapping, MemoryRegion},
    program::{BuiltinProgram, SBPFVersion},
    verifier::RequisiteVerifier,
    vm::{CallFrame, Config, ContextObject, EbpfVm, ExecutionMode},
};

type SyscallResult = Result<u64, Box<dyn Error>>;

// ----------------------------------------------------------------------------------------
// Context object: the state syscalls see.
// ----------------------------------------------------------------------------------------

struct Ctx {
    remaining: u64,
    mapping: Box<MemoryMapping>,
    logs: Vec<String>,
    return_data: Vec<u8>,
    deprecated_loader: bool,
}

impl ContextObject for Ctx {
    fn consume(&mut self, amount: u64) {
        self.remaining = self.remaining.saturating_sub(amount);
    }
    fn get_remaining(&self) -> u64 {
        self.remaining
    }
    fn active_mapping_ptr(&mut self) -> NonNull<MemoryMapping> {
        NonNull::from(&mut *self.mapping)
    }
}

#[derive(Debug)]
#[allow(dead_code)] // the fields are shown through Debug in failure messages
enum TestSyscallError {
    Abort,
    Panic(String, u64, u64),
    CopyOverlapping,
    UnalignedPointer(u64, u64),
    Unsupported(&'static str),
}

impl std::fmt::Display for TestSyscallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}
impl Error for TestSyscallError {}

fn map(ctx: &Ctx, access: AccessType, addr: u64, len: u64) -> Result<*mut u8, Box<dyn Error>> {
    if len == 0 {
        return Ok(NonNull::dangling().as_ptr());
    }
    let buffer: Result<_, EbpfError> = ctx.mapping.map(access, addr, len).into();
    Ok(buffer?.ptr() as *mut u8)
}

fn read(ctx: &Ctx, addr: u64, len: u64) -> Result<Vec<u8>, Box<dyn Error>> {
    let ptr = map(ctx, AccessType::Load, addr, len)?;
    Ok(unsafe { std::slice::from_raw_parts(ptr, len as usize) }.to_vec())
}

fn write(ctx: &Ctx, addr: u64, bytes: &[u8]) -> Result<(), Box<dyn Error>> {
    let ptr = map(ctx, AccessType::Store, addr, bytes.len() as u64)?;
    unsafe { std::ptr::copy(bytes.as_ptr(), ptr, bytes.len()) };
    Ok(())
}

fn read_u64(ctx: &Ctx, addr: u64) -> Result<u64, Box<dyn Error>> {
    Ok(u64::from_le_bytes(read(ctx, addr, 8)?.try_into().unwrap()))
}

/// Agave's `check_aligned`: for programs of every loader but the deprecated one, a typed
/// syscall argument must be aligned for its host type (else `UnalignedPointer`).
fn check_aligned(ctx: &Ctx, addr: u64, align: u64) -> Result<(), Box<dyn Error>> {
    if !ctx.deprecated_loader && !addr.is_multiple_of(align) {
        return Err(Box::new(TestSyscallError::UnalignedPointer(addr, align)));
    }
    Ok(())
}

/// A `{addr, len}` array (SolBytes / SolSignerSeed) → the byte strings it points at.
fn read_slices(ctx: &Ctx, addr: u64, n: u64) -> Result<Vec<Vec<u8>>, Box<dyn Error>> {
    if n > 0 {
        check_aligned(ctx, addr, 8)?;
    }
    (0..n)
        .map(|i| {
            let entry = addr + 16 * i;
            let (ptr, len) = (read_u64(ctx, entry)?, read_u64(ctx, entry + 8)?);
            read(ctx, ptr, len)
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ----------------------------------------------------------------------------------------
// Syscalls.
// ----------------------------------------------------------------------------------------

declare_builtin_function!(
    SyscallAbort,
    fn rust(
        _ctx: &mut Ctx,
        _a: u64,
        _b: u64,
        _c: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        Err(Box::new(TestSyscallError::Abort))
    }
);

declare_builtin_function!(
    SyscallPanic,
    fn rust(
        ctx: &mut Ctx,
        file: u64,
        len: u64,
        line: u64,
        column: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        let file = String::from_utf8(read(ctx, file, len)?)?;
        Err(Box::new(TestSyscallError::Panic(file, line, column)))
    }
);

declare_builtin_function!(
    SyscallLog,
    fn rust(
        ctx: &mut Ctx,
        addr: u64,
        len: u64,
        _c: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        let message = String::from_utf8(read(ctx, addr, len)?)?;
        ctx.logs.push(format!("log: {message}"));
        Ok(0)
    }
);

declare_builtin_function!(
    SyscallLog64,
    fn rust(
        ctx: &mut Ctx,
        arg1: u64,
        arg2: u64,
        arg3: u64,
        arg4: u64,
        arg5: u64,
    ) -> Result<u64, Box<dyn Error>> {
        ctx.logs.push(format!(
            "log64: {arg1:#x} {arg2:#x} {arg3:#x} {arg4:#x} {arg5:#x}"
        ));
        Ok(0)
    }
);

declare_builtin_function!(
    SyscallLogComputeUnits,
    fn rust(
        ctx: &mut Ctx,
        _a: u64,
        _b: u64,
        _c: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        ctx.logs.push("compute units".into());
        Ok(0)
    }
);

declare_builtin_function!(
    SyscallLogPubkey,
    fn rust(
        ctx: &mut Ctx,
        addr: u64,
        _b: u64,
        _c: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        let key = read(ctx, addr, 32)?;
        ctx.logs.push(format!("pubkey: {}", hex(&key)));
        Ok(0)
    }
);

declare_builtin_function!(
    SyscallLogData,
    fn rust(
        ctx: &mut Ctx,
        addr: u64,
        n: u64,
        _c: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        let fields = read_slices(ctx, addr, n)?;
        let fields: Vec<String> = fields.iter().map(|f| hex(f)).collect();
        ctx.logs.push(format!("data: {}", fields.join(" ")));
        Ok(0)
    }
);

declare_builtin_function!(
    SyscallMemcpy,
    fn rust(
        ctx: &mut Ctx,
        dst: u64,
        src: u64,
        n: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        // Agave's check: the VM ranges must not overlap.
        if dst < src.saturating_add(n) && src < dst.saturating_add(n) {
            return Err(Box::new(TestSyscallError::CopyOverlapping));
        }
        let bytes = read(ctx, src, n)?;
        write(ctx, dst, &bytes)?;
        Ok(0)
    }
);

declare_builtin_function!(
    SyscallMemmove,
    fn rust(
        ctx: &mut Ctx,
        dst: u64,
        src: u64,
        n: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        let bytes = read(ctx, src, n)?;
        write(ctx, dst, &bytes)?;
        Ok(0)
    }
);

declare_builtin_function!(
    SyscallMemset,
    fn rust(
        ctx: &mut Ctx,
        dst: u64,
        c: u64,
        n: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        write(ctx, dst, &vec![c as u8; n as usize])?;
        Ok(0)
    }
);

declare_builtin_function!(
    SyscallMemcmp,
    fn rust(
        ctx: &mut Ctx,
        a: u64,
        b: u64,
        n: u64,
        result: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        let (a, b) = (read(ctx, a, n)?, read(ctx, b, n)?);
        let cmp = a
            .iter()
            .zip(&b)
            .find(|(x, y)| x != y)
            .map_or(0, |(x, y)| i32::from(*x) - i32::from(*y));
        check_aligned(ctx, result, 4)?;
        write(ctx, result, &cmp.to_le_bytes())?;
        Ok(0)
    }
);

fn hash_syscall(
    ctx: &mut Ctx,
    addr: u64,
    n: u64,
    out: u64,
    hash: fn(&[Vec<u8>]) -> [u8; 32],
) -> SyscallResult {
    let slices = read_slices(ctx, addr, n)?;
    write(ctx, out, &hash(&slices))?;
    Ok(0)
}

declare_builtin_function!(
    SyscallSha256,
    fn rust(
        ctx: &mut Ctx,
        addr: u64,
        n: u64,
        out: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        hash_syscall(ctx, addr, n, out, |s| {
            let mut h = sha2::Sha256::new();
            s.iter().for_each(|x| h.update(x));
            h.finalize().into()
        })
    }
);

declare_builtin_function!(
    SyscallKeccak256,
    fn rust(
        ctx: &mut Ctx,
        addr: u64,
        n: u64,
        out: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        hash_syscall(ctx, addr, n, out, |s| {
            let mut h = sha3::Keccak256::new();
            s.iter().for_each(|x| h.update(x));
            h.finalize().into()
        })
    }
);

declare_builtin_function!(
    SyscallBlake3,
    fn rust(
        ctx: &mut Ctx,
        addr: u64,
        n: u64,
        out: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        hash_syscall(ctx, addr, n, out, |s| {
            let mut h = blake3::Hasher::new();
            s.iter().for_each(|x| {
                h.update(x);
            });
            h.finalize().into()
        })
    }
);

/// sha256(seeds ++ program_id ++ "ProgramDerivedAddress"), without the off-curve check.
fn fake_pda(seeds: &[Vec<u8>], program_id: &[u8]) -> [u8; 32] {
    let mut h = sha2::Sha256::new();
    seeds.iter().for_each(|s| h.update(s));
    h.update(program_id);
    h.update(b"ProgramDerivedAddress");
    h.finalize().into()
}

declare_builtin_function!(
    SyscallCreateProgramAddress,
    fn rust(
        ctx: &mut Ctx,
        seeds: u64,
        n: u64,
        program_id: u64,
        out: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        let seeds = read_slices(ctx, seeds, n)?;
        let program_id = read(ctx, program_id, 32)?;
        write(ctx, out, &fake_pda(&seeds, &program_id))?;
        Ok(0)
    }
);

declare_builtin_function!(
    SyscallTryFindProgramAddress,
    fn rust(
        ctx: &mut Ctx,
        seeds: u64,
        n: u64,
        program_id: u64,
        out: u64,
        bump: u64,
    ) -> Result<u64, Box<dyn Error>> {
        let mut seeds = read_slices(ctx, seeds, n)?;
        let program_id = read(ctx, program_id, 32)?;
        seeds.push(vec![255]);
        write(ctx, out, &fake_pda(&seeds, &program_id))?;
        write(ctx, bump, &[255])?;
        Ok(0)
    }
);

declare_builtin_function!(
    SyscallSetReturnData,
    fn rust(
        ctx: &mut Ctx,
        addr: u64,
        len: u64,
        _c: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        ctx.return_data = read(ctx, addr, len)?;
        Ok(0)
    }
);

declare_builtin_function!(
    SyscallGetStackHeight,
    fn rust(
        _ctx: &mut Ctx,
        _a: u64,
        _b: u64,
        _c: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        Ok(1)
    }
);

/// Fixed sysvar contents, recognisable in the results.
const CLOCK: [u64; 5] = [1000, 1_700_000_000, 7, 8, 1_700_000_123];

fn clock_bytes() -> Vec<u8> {
    CLOCK.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn sysvar_getter(ctx: &mut Ctx, out: u64, bytes: &[u8], align: u64) -> SyscallResult {
    // Agave: deprecated-loader callers are refused, and so are destinations in the input region.
    if ctx.deprecated_loader || out >= ebpf::MM_INPUT_START {
        return Err(Box::new(TestSyscallError::Unsupported(
            "sysvar destination",
        )));
    }
    check_aligned(ctx, out, align)?;
    write(ctx, out, bytes)?;
    Ok(0)
}

declare_builtin_function!(
    SyscallGetClock,
    fn rust(
        ctx: &mut Ctx,
        out: u64,
        _b: u64,
        _c: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        sysvar_getter(ctx, out, &clock_bytes(), 8)
    }
);

declare_builtin_function!(
    SyscallGetRent,
    fn rust(
        ctx: &mut Ctx,
        out: u64,
        _b: u64,
        _c: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        let mut rent = Vec::new();
        rent.extend(3480u64.to_le_bytes());
        rent.extend(2.0f64.to_le_bytes());
        rent.push(50);
        rent.extend([0; 7]);
        sysvar_getter(ctx, out, &rent, 8)
    }
);

declare_builtin_function!(
    SyscallGetEpochSchedule,
    fn rust(
        ctx: &mut Ctx,
        out: u64,
        _b: u64,
        _c: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        let mut schedule = Vec::new();
        schedule.extend(432_000u64.to_le_bytes());
        schedule.extend(432_000u64.to_le_bytes());
        schedule.extend([0; 8]);
        schedule.extend(0u64.to_le_bytes());
        schedule.extend(0u64.to_le_bytes());
        sysvar_getter(ctx, out, &schedule, 8)
    }
);

declare_builtin_function!(
    SyscallGetEpochRewards,
    fn rust(
        ctx: &mut Ctx,
        out: u64,
        _b: u64,
        _c: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        let mut rewards = vec![0u8; 96];
        rewards[64..72].copy_from_slice(&777u64.to_le_bytes());
        sysvar_getter(ctx, out, &rewards, 16)
    }
);

declare_builtin_function!(
    SyscallGetLastRestartSlot,
    fn rust(
        ctx: &mut Ctx,
        out: u64,
        _b: u64,
        _c: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        sysvar_getter(ctx, out, &99u64.to_le_bytes(), 8)
    }
);

const CLOCK_ID: [u8; 32] = [
    0x06, 0xa7, 0xd5, 0x17, 0x18, 0xc7, 0x74, 0xc9, 0x28, 0x56, 0x63, 0x98, 0x69, 0x1d, 0x5e, 0xb6,
    0x8b, 0x5e, 0xb8, 0xa3, 0x9b, 0x4b, 0x6d, 0x5c, 0x73, 0x55, 0x5b, 0x21, 0x00, 0x00, 0x00, 0x00,
];

declare_builtin_function!(
    SyscallGetSysvar,
    fn rust(
        ctx: &mut Ctx,
        id: u64,
        out: u64,
        offset: u64,
        len: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        if read(ctx, id, 32)? != CLOCK_ID {
            return Ok(2);
        }
        let clock = clock_bytes();
        let Some(bytes) = clock.get(offset as usize..(offset + len) as usize) else {
            return Ok(1);
        };
        sysvar_getter(ctx, out, bytes, 1)
    }
);

declare_builtin_function!(
    SyscallUnexpected,
    fn rust(
        _ctx: &mut Ctx,
        _a: u64,
        _b: u64,
        _c: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        Err(Box::new(TestSyscallError::Unsupported(
            "syscall not implemented by this test",
        )))
    }
);

/// Every syscall sbfvm.h declares. Those without a real implementation here fail if called.
const DECLARED_SYSCALLS: &[&str] = &[
    "abort",
    "sol_panic_",
    "sol_log_",
    "sol_log_64_",
    "sol_log_compute_units_",
    "sol_log_pubkey",
    "sol_log_data",
    "sol_memcpy_",
    "sol_memmove_",
    "sol_memset_",
    "sol_memcmp_",
    "sol_alloc_free_",
    "sol_sha256",
    "sol_keccak256",
    "sol_blake3",
    "sol_create_program_address",
    "sol_try_find_program_address",
    "sol_set_return_data",
    "sol_get_return_data",
    "sol_get_stack_height",
    "sol_remaining_compute_units",
    "sol_get_processed_sibling_instruction",
    "sol_get_epoch_stake",
    "sol_get_clock_sysvar",
    "sol_get_rent_sysvar",
    "sol_get_epoch_schedule_sysvar",
    "sol_get_epoch_rewards_sysvar",
    "sol_get_last_restart_slot",
    "sol_get_sysvar",
    "sol_invoke_signed_c",
    "sol_invoke_signed_rust",
    "sol_curve_validate_point",
    "sol_curve_group_op",
    "sol_curve_multiscalar_mul",
];

/// Agave's execution-time VM configuration (`reject_broken_elfs` is true only at deployment).
fn config(reject_broken_elfs: bool) -> Config {
    Config {
        enabled_sbpf_versions: SBPFVersion::V0..=SBPFVersion::V3,
        reject_broken_elfs,
        optimize_rodata: false,
        aligned_memory_mapping: true,
        instruction_meter_checkpoint_distance: 10_000,
        ..Config::default()
    }
}

fn loader() -> Arc<BuiltinProgram<Ctx>> {
    loader_with(config(false))
}

fn loader_with(config: Config) -> Arc<BuiltinProgram<Ctx>> {
    let mut loader = BuiltinProgram::new_loader(config);
    for name in DECLARED_SYSCALLS {
        match *name {
            "abort" => loader.register_definition::<SyscallAbort>(name),
            "sol_panic_" => loader.register_definition::<SyscallPanic>(name),
            "sol_log_" => loader.register_definition::<SyscallLog>(name),
            "sol_log_64_" => loader.register_definition::<SyscallLog64>(name),
            "sol_log_compute_units_" => loader.register_definition::<SyscallLogComputeUnits>(name),
            "sol_log_pubkey" => loader.register_definition::<SyscallLogPubkey>(name),
            "sol_log_data" => loader.register_definition::<SyscallLogData>(name),
            "sol_memcpy_" => loader.register_definition::<SyscallMemcpy>(name),
            "sol_memmove_" => loader.register_definition::<SyscallMemmove>(name),
            "sol_memset_" => loader.register_definition::<SyscallMemset>(name),
            "sol_memcmp_" => loader.register_definition::<SyscallMemcmp>(name),
            "sol_sha256" => loader.register_definition::<SyscallSha256>(name),
            "sol_keccak256" => loader.register_definition::<SyscallKeccak256>(name),
            "sol_blake3" => loader.register_definition::<SyscallBlake3>(name),
            "sol_create_program_address" => {
                loader.register_definition::<SyscallCreateProgramAddress>(name)
            }
            "sol_try_find_program_address" => {
                loader.register_definition::<SyscallTryFindProgramAddress>(name)
            }
            "sol_set_return_data" => loader.register_definition::<SyscallSetReturnData>(name),
            "sol_get_stack_height" => loader.register_definition::<SyscallGetStackHeight>(name),
            "sol_get_clock_sysvar" => loader.register_definition::<SyscallGetClock>(name),
            "sol_get_rent_sysvar" => loader.register_definition::<SyscallGetRent>(name),
            "sol_get_epoch_schedule_sysvar" => {
                loader.register_definition::<SyscallGetEpochSchedule>(name)
            }
            "sol_get_epoch_rewards_sysvar" => {
                loader.register_definition::<SyscallGetEpochRewards>(name)
            }
            "sol_get_last_restart_slot" => {
                loader.register_definition::<SyscallGetLastRestartSlot>(name)
            }
            "sol_get_sysvar" => loader.register_definition::<SyscallGetSysvar>(name),
            _ => loader.register_definition::<SyscallUnexpected>(name),
        }
        .unwrap();
    }
    Arc::new(loader)
}

// ----------------------------------------------------------------------------------------
// Input serialization (agave-reference section 3.1).
// ----------------------------------------------------------------------------------------

#[derive(Clone)]
struct Account {
    key: [u8; 32],
    owner: [u8; 32],
    lamports: u64,
    data: Vec<u8>,
    is_signer: bool,
    is_writable: bool,
    executable: bool,
}

impl Account {
    fn new(key_byte: u8, owner: [u8; 32], lamports: u64, data: Vec<u8>, is_writable: bool) -> Self {
        Account {
            key: [key_byte; 32],
            owner,
            lamports,
            data,
            is_signer: false,
            is_writable,
            executable: false,
        }
    }
}

enum Entry {
    Account(Account),
    Duplicate(u8),
}

/// Where each non-duplicate account's fields landed in the serialized buffer.
#[derive(Debug, Clone, Copy)]
struct Offsets {
    owner: usize,
    lamports: usize,
    data_len: usize,
    data: usize,
}

const PROGRAM_ID: [u8; 32] = [0x77; 32];
const MAX_PERMITTED_DATA_INCREASE: usize = 10 * 1024;

fn serialize_aligned(entries: &[Entry], data: &[u8]) -> (Vec<u8>, Vec<Offsets>) {
    let mut buf = Vec::new();
    let mut offsets = Vec::new();
    buf.extend((entries.len() as u64).to_le_bytes());
    for entry in entries {
        match entry {
            Entry::Account(a) => {
                buf.extend([
                    0xff,
                    a.is_signer as u8,
                    a.is_writable as u8,
                    a.executable as u8,
                    0,
                    0,
                    0,
                    0,
                ]);
                buf.extend(a.key);
                let owner = buf.len();
                buf.extend(a.owner);
                let lamports = buf.len();
                buf.extend(a.lamports.to_le_bytes());
                let data_len = buf.len();
                buf.extend((a.data.len() as u64).to_le_bytes());
                let data_at = buf.len();
                buf.extend(&a.data);
                buf.resize(buf.len() + MAX_PERMITTED_DATA_INCREASE, 0);
                buf.resize(buf.len().next_multiple_of(8), 0);
                buf.extend(u64::MAX.to_le_bytes());
                offsets.push(Offsets {
                    owner,
                    lamports,
                    data_len,
                    data: data_at,
                });
            }
            Entry::Duplicate(index) => buf.extend([*index, 0, 0, 0, 0, 0, 0, 0]),
        }
    }
    buf.extend((data.len() as u64).to_le_bytes());
    buf.extend(data);
    buf.extend(PROGRAM_ID);
    (buf, offsets)
}

fn serialize_unaligned(entries: &[Entry], data: &[u8]) -> (Vec<u8>, Vec<Offsets>) {
    let mut buf = Vec::new();
    let mut offsets = Vec::new();
    buf.extend((entries.len() as u64).to_le_bytes());
    for entry in entries {
        match entry {
            Entry::Account(a) => {
                buf.extend([0xff, a.is_signer as u8, a.is_writable as u8]);
                buf.extend(a.key);
                let lamports = buf.len();
                buf.extend(a.lamports.to_le_bytes());
                let data_len = buf.len();
                buf.extend((a.data.len() as u64).to_le_bytes());
                let data_at = buf.len();
                buf.extend(&a.data);
                let owner = buf.len();
                buf.extend(a.owner);
                buf.push(a.executable as u8);
                buf.extend(u64::MAX.to_le_bytes());
                offsets.push(Offsets {
                    owner,
                    lamports,
                    data_len,
                    data: data_at,
                });
            }
            Entry::Duplicate(index) => buf.push(*index),
        }
    }
    buf.extend((data.len() as u64).to_le_bytes());
    buf.extend(data);
    buf.extend(PROGRAM_ID);
    (buf, offsets)
}

// ----------------------------------------------------------------------------------------
// Running a fixture.
// ----------------------------------------------------------------------------------------

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(format!("{name}.so"))
}

fn load(name: &str) -> Executable<Ctx> {
    let path = fixture_path(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (build the fixtures first: just programs)",
            path.display()
        )
    });
    let executable = Executable::<Ctx>::from_elf(&bytes, loader())
        .unwrap_or_else(|e| panic!("{name}.so does not load: {e:?}"));
    executable
        .verify::<RequisiteVerifier>()
        .unwrap_or_else(|e| panic!("{name}.so does not verify: {e:?}"));
    assert_eq!(executable.get_sbpf_version(), SBPFVersion::V0, "{name}.so");
    #[cfg(all(target_arch = "x86_64", not(target_os = "windows")))]
    executable
        .jit_compile()
        .unwrap_or_else(|e| panic!("{name}.so does not JIT-compile: {e:?}"));
    executable
}

struct Outcome {
    result: Result<u64, String>,
    logs: Vec<String>,
    return_data: Vec<u8>,
    input: Vec<u8>,
    instructions: u64,
}

fn run_mode(
    executable: &Executable<Ctx>,
    input: &[u8],
    deprecated: bool,
    mode: ExecutionMode,
) -> Outcome {
    let config = executable.get_config();
    let version = executable.get_sbpf_version();
    let mut stack = AlignedMemory::<{ ebpf::HOST_ALIGN }>::zero_filled(config.stack_size());
    let stack_len = stack.len();
    let mut heap = AlignedMemory::<{ ebpf::HOST_ALIGN }>::zero_filled(32 * 1024);
    let mut input_mem = AlignedMemory::<{ ebpf::HOST_ALIGN }>::from_slice(input);
    let stack_gap = if version.stack_frame_gaps() && config.enable_stack_frame_gaps {
        config.stack_frame_size as u64
    } else {
        0
    };
    let regions = vec![
        executable.get_ro_region(),
        MemoryRegion::new_gapped(&mut stack, ebpf::MM_STACK_START, stack_gap),
        MemoryRegion::new(&mut heap, ebpf::MM_HEAP_START),
        MemoryRegion::new(&mut input_mem, ebpf::MM_INPUT_START),
    ];
    let mapping = unsafe { MemoryMapping::new(regions, config, version) }.expect("memory mapping");
    let mut ctx = Ctx {
        remaining: 1_400_000,
        mapping: Box::new(mapping),
        logs: Vec::new(),
        return_data: Vec::new(),
        deprecated_loader: deprecated,
    };
    let loader = executable.get_loader().clone();
    let mut vm = EbpfVm::new(loader, version, &mut ctx, stack_len);
    vm.registers[1] = ebpf::MM_INPUT_START;
    let mut mode = mode;
    let mut call_frames = vec![CallFrame::default(); config.max_call_depth];
    let (instructions, result) = vm.execute_program(executable, &mut mode, &mut call_frames);
    drop(vm);
    let result = match result {
        ProgramResult::Ok(r0) => Ok(r0),
        ProgramResult::Err(e) => Err(format!("{e:?}")),
    };
    Outcome {
        result,
        logs: ctx.logs,
        return_data: ctx.return_data,
        input: input_mem.as_slice().to_vec(),
        instructions,
    }
}

/// Runs under the interpreter and (on x86_64) the JIT, and checks they agree.
fn run(executable: &Executable<Ctx>, input: &[u8], deprecated: bool) -> Outcome {
    let interpreted = run_mode(executable, input, deprecated, ExecutionMode::Interpreted);
    #[cfg(all(target_arch = "x86_64", not(target_os = "windows")))]
    {
        let jit = run_mode(executable, input, deprecated, ExecutionMode::Jit);
        assert_eq!(
            interpreted.result, jit.result,
            "interpreter and JIT disagree on the result"
        );
        assert_eq!(
            interpreted.logs, jit.logs,
            "interpreter and JIT disagree on the logs"
        );
        assert_eq!(interpreted.return_data, jit.return_data);
        assert_eq!(
            interpreted.input, jit.input,
            "interpreter and JIT disagree on the input buffer"
        );
        assert_eq!(
            interpreted.instructions, jit.instructions,
            "interpreter and JIT disagree on CUs"
        );
    }
    interpreted
}

fn run_aligned(name: &str, entries: &[Entry], data: &[u8]) -> (Outcome, Vec<Offsets>) {
    let executable = load(name);
    let (input, offsets) = serialize_aligned(entries, data);
    (run(&executable, &input, false), offsets)
}

fn u64_at(buf: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(buf[at..at + 8].try_into().unwrap())
}

fn custom(n: u32) -> Result<u64, String> {
    Ok(u64::from(n))
}

// ----------------------------------------------------------------------------------------
// Tests.
// ----------------------------------------------------------------------------------------

const FIXTURES: &[&str] = &[
    "account_data",
    "compute",
    "custom_error",
    "hash_pda",
    "log",
    "log_unaligned",
    "memops",
    "sysvars",
];

#[test]
fn every_fixture_loads_verifies_and_jit_compiles() {
    for name in FIXTURES {
        load(name);
    }
}

#[test]
fn every_fixture_passes_the_deployment_checks() {
    // At deployment Agave loads with reject_broken_elfs = true, which also requires every
    // imported syscall to be registered.
    for name in FIXTURES {
        let bytes = std::fs::read(fixture_path(name)).unwrap();
        let executable = Executable::<Ctx>::from_elf(&bytes, loader_with(config(true)))
            .unwrap_or_else(|e| panic!("{name}.so fails the deployment checks: {e:?}"));
        executable.verify::<RequisiteVerifier>().unwrap();
    }
}

#[test]
fn syscalls_are_imported_by_name() {
    // Without any registered syscall, the strict load must name the first unresolved import:
    // the calls are real R_BPF_64_32 relocations against dynamic symbols.
    let bytes = std::fs::read(fixture_path("log")).unwrap();
    let empty = Arc::new(BuiltinProgram::<Ctx>::new_loader(config(true)));
    let error = Executable::<Ctx>::from_elf(&bytes, empty)
        .err()
        .expect("must not load");
    assert!(
        format!("{error:?}").contains("UnresolvedSymbol(\"sol_log_\""),
        "{error:?}"
    );
}

fn expected_log_lines(data: &[u8]) -> Vec<String> {
    vec![
        "log: hello from sbfvm".to_string(),
        "log64: 0x1 0x2 0x3 0x4 0x5".to_string(),
        format!("pubkey: {}", hex(&PROGRAM_ID)),
        "compute units".to_string(),
        format!("data: {} {}", hex(b"abc"), hex(data)),
    ]
}

#[test]
fn log() {
    let owner = [1; 32];
    let entries = [
        Entry::Account(Account::new(1, owner, 10, vec![1, 2, 3], true)),
        Entry::Account(Account::new(2, owner, 20, vec![], false)),
        Entry::Duplicate(0),
    ];
    let (out, _) = run_aligned("log", &entries, &[9, 8, 7]);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.logs, expected_log_lines(&[9, 8, 7]));

    // No accounts, no data.
    let (out, _) = run_aligned("log", &[], &[]);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.logs, expected_log_lines(&[]));
}

#[test]
fn log_unaligned() {
    let executable = load("log_unaligned");
    let entries = [
        Entry::Account(Account::new(1, [3; 32], 10, vec![41, 5, 6], true)),
        Entry::Duplicate(0),
        Entry::Account(Account::new(2, [4; 32], 20, vec![1], false)),
    ];
    let (input, offsets) = serialize_unaligned(&entries, &[0xaa, 0xbb]);
    let out = run(&executable, &input, true);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.logs, expected_log_lines(&[0xaa, 0xbb]));
    // Byte 0 of account 0 incremented, nothing else changed.
    let mut expected = input.clone();
    expected[offsets[0].data] = 42;
    assert_eq!(out.input, expected);
}

#[test]
fn hash_pda() {
    let msg = b"hello";
    let with_op = |op: u8| [&[op][..], msg].concat();

    let (out, _) = run_aligned("hash_pda", &[], &with_op(0));
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.return_data, sha2::Sha256::digest(msg).to_vec());

    let (out, _) = run_aligned("hash_pda", &[], &with_op(1));
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.return_data, sha3::Keccak256::digest(msg).to_vec());

    let (out, _) = run_aligned("hash_pda", &[], &with_op(2));
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.return_data, blake3::hash(msg).as_bytes().to_vec());

    let (out, _) = run_aligned("hash_pda", &[], &with_op(3));
    assert_eq!(out.result, Ok(0));
    assert_eq!(
        out.return_data,
        fake_pda(&[b"vault".to_vec(), msg.to_vec()], &PROGRAM_ID).to_vec()
    );

    let (out, _) = run_aligned("hash_pda", &[], &[4]);
    assert_eq!(out.result, Ok(0));
    let mut expected = fake_pda(&[b"vault".to_vec(), vec![255]], &PROGRAM_ID).to_vec();
    expected.push(255);
    assert_eq!(out.return_data, expected);

    let (out, _) = run_aligned("hash_pda", &[], &[5]);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.logs, vec![format!("pubkey: {}", hex(&expected[..32]))]);
    assert!(out.return_data.is_empty());

    let (out, _) = run_aligned("hash_pda", &[], &[]);
    assert_eq!(out.result, Ok(3 << 32));
    let (out, _) = run_aligned("hash_pda", &[], &[6]);
    assert_eq!(out.result, Ok(3 << 32));
}

#[test]
fn sysvars() {
    let (out, _) = run_aligned("sysvars", &[], &[]);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.return_data, clock_bytes());
    assert_eq!(
        out.logs,
        vec![
            format!(
                "log64: {:#x} {:#x} {:#x} {:#x} {:#x}",
                CLOCK[0], CLOCK[4], CLOCK[2], CLOCK[3], CLOCK[1]
            ),
            format!(
                "log64: {:#x} {:#x} {:#x} {:#x} {:#x}",
                3480, 50, 432_000, 777, 99
            ),
        ]
    );

    let (out, _) = run_aligned("sysvars", &[], &[1]);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.return_data, CLOCK[1].to_le_bytes().to_vec());

    let (out, _) = run_aligned("sysvars", &[], &[2]);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.return_data, 1u64.to_le_bytes().to_vec());

    let (out, _) = run_aligned("sysvars", &[], &[3]);
    assert_eq!(out.result, Ok(3 << 32));
}

#[test]
fn account_data() {
    let owned = |lamports: u64, data: Vec<u8>, writable: bool| {
        Entry::Account(Account::new(5, PROGRAM_ID, lamports, data, writable))
    };

    // op 0: write at offset 0.
    let (out, offs) = run_aligned(
        "account_data",
        &[owned(100, vec![0; 8], true)],
        &[0, 1, 2, 3],
    );
    assert_eq!(out.result, Ok(0));
    assert_eq!(
        &out.input[offs[0].data..offs[0].data + 8],
        &[1, 2, 3, 0, 0, 0, 0, 0]
    );
    let (out, _) = run_aligned(
        "account_data",
        &[owned(100, vec![0; 2], true)],
        &[0, 1, 2, 3],
    );
    assert_eq!(out.result, custom(4));
    let (out, _) = run_aligned("account_data", &[owned(100, vec![0; 8], false)], &[0, 1]);
    assert_eq!(out.result, custom(2));
    let foreign = Entry::Account(Account::new(5, [9; 32], 100, vec![0; 8], true));
    let (out, _) = run_aligned("account_data", &[foreign], &[0, 1]);
    assert_eq!(out.result, custom(3));
    // Unchecked variant writes to a read-only account anyway.
    let (out, offs) = run_aligned("account_data", &[owned(100, vec![0; 8], false)], &[0x80, 7]);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.input[offs[0].data], 7);

    // op 1: grow 3 -> 10 bytes, then shrink to 1.
    let mut grow = vec![1];
    grow.extend(10u64.to_le_bytes());
    let (out, offs) = run_aligned("account_data", &[owned(100, vec![1, 2, 3], true)], &grow);
    assert_eq!(out.result, Ok(0));
    assert_eq!(u64_at(&out.input, offs[0].data_len), 10);
    assert_eq!(
        &out.input[offs[0].data..offs[0].data + 11],
        &[1, 2, 3, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0]
    );
    let mut shrink = vec![1];
    shrink.extend(1u64.to_le_bytes());
    let (out, offs) = run_aligned("account_data", &[owned(100, vec![1, 2, 3], true)], &shrink);
    assert_eq!(out.result, Ok(0));
    assert_eq!(u64_at(&out.input, offs[0].data_len), 1);
    let mut too_big = vec![1];
    too_big.extend((3 + 10 * 1024 + 1u64).to_le_bytes());
    let (out, _) = run_aligned("account_data", &[owned(100, vec![1, 2, 3], true)], &too_big);
    assert_eq!(out.result, custom(5));
    // Unchecked: the length field is written, the fill stops at the end of the realloc area.
    too_big[0] = 0x81;
    let (out, offs) = run_aligned("account_data", &[owned(100, vec![1, 2, 3], true)], &too_big);
    assert_eq!(out.result, Ok(0));
    assert_eq!(u64_at(&out.input, offs[0].data_len), 3 + 10 * 1024 + 1);

    // op 2: move 30 lamports from account 0 to account 1.
    let mut transfer = vec![2];
    transfer.extend(30u64.to_le_bytes());
    let to = Entry::Account(Account::new(6, [8; 32], 5, vec![], true));
    let (out, offs) = run_aligned("account_data", &[owned(100, vec![], true), to], &transfer);
    assert_eq!(out.result, Ok(0));
    assert_eq!(u64_at(&out.input, offs[0].lamports), 70);
    assert_eq!(u64_at(&out.input, offs[1].lamports), 35);
    let to = Entry::Account(Account::new(6, [8; 32], 5, vec![], true));
    let (out, _) = run_aligned("account_data", &[owned(10, vec![], true), to], &transfer);
    assert_eq!(out.result, custom(6));
    let (out, _) = run_aligned("account_data", &[owned(100, vec![], true)], &transfer);
    assert_eq!(out.result, custom(1));

    // op 3: new owner.
    let mut assign = vec![3];
    assign.extend([0x42; 32]);
    let (out, offs) = run_aligned("account_data", &[owned(100, vec![], true)], &assign);
    assert_eq!(out.result, Ok(0));
    assert_eq!(&out.input[offs[0].owner..offs[0].owner + 32], &[0x42; 32]);

    // op 4: unchecked one-byte write, with and without an explicit value.
    let (out, offs) = run_aligned("account_data", &[owned(100, vec![5, 6], false)], &[4]);
    assert_eq!(out.result, Ok(0));
    assert_eq!(&out.input[offs[0].data..offs[0].data + 2], &[6, 6]);
    let (out, offs) = run_aligned("account_data", &[owned(100, vec![5, 6], false)], &[4, 0xee]);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.input[offs[0].data], 0xee);

    // A duplicate of account 0 in position 1 receives the same lamports pointer.
    let mut transfer_dup = vec![2];
    transfer_dup.extend(30u64.to_le_bytes());
    let (out, offs) = run_aligned(
        "account_data",
        &[owned(100, vec![], true), Entry::Duplicate(0)],
        &transfer_dup,
    );
    assert_eq!(out.result, Ok(0));
    assert_eq!(u64_at(&out.input, offs[0].lamports), 100);

    let (out, _) = run_aligned("account_data", &[], &[0]);
    assert_eq!(out.result, custom(1));
    let (out, _) = run_aligned("account_data", &[owned(100, vec![], true)], &[9]);
    assert_eq!(out.result, custom(7));
}

#[test]
fn custom_error() {
    let (out, _) = run_aligned("custom_error", &[], &[0x2a, 0, 0, 0]);
    assert_eq!(out.result, custom(42));
    let (out, _) = run_aligned("custom_error", &[], &[0, 0, 0, 0, 0xff]);
    assert_eq!(out.result, Ok(0));
    let (out, _) = run_aligned("custom_error", &[], &[]);
    let error = out.result.unwrap_err();
    assert!(
        error.contains("Panic(\"custom_error.c\", 42, 7)"),
        "{error}"
    );
    let (out, _) = run_aligned("custom_error", &[], &[0xff]);
    assert!(out.result.unwrap_err().contains("Abort"));
    let (out, _) = run_aligned("custom_error", &[], &[0xfe]);
    let error = out.result.unwrap_err();
    assert!(error.contains("AccessViolation(Load, 0, 8"), "{error}");
    let (out, _) = run_aligned("custom_error", &[], &[1, 2]);
    assert_eq!(out.result, Ok(3 << 32));
}

fn xorshift_reference(n: u64, per_round: u64) -> u64 {
    let mut x = 0x9E3779B97F4A7C15u64;
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = x.wrapping_add(per_round);
    }
    x
}

#[test]
fn compute() {
    let data = |n: u64, mode: Option<u8>| {
        let mut d = n.to_le_bytes().to_vec();
        d.extend(mode);
        d
    };
    let (small, _) = run_aligned("compute", &[], &data(10, None));
    assert_eq!(small.result, Ok(0));
    assert_eq!(small.return_data, xorshift_reference(10, 0).to_le_bytes());
    let (big, _) = run_aligned("compute", &[], &data(1000, Some(0)));
    assert_eq!(big.result, Ok(0));
    assert_eq!(big.return_data, xorshift_reference(1000, 0).to_le_bytes());
    // Cost grows linearly with n.
    let per_round = (big.instructions - small.instructions) / 990;
    assert!(
        (5..=12).contains(&per_round),
        "{per_round} instructions per round"
    );

    // Stack-height mode: our stub returns 1 each call.
    let (out, _) = run_aligned("compute", &[], &data(50, Some(1)));
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.return_data, xorshift_reference(50, 1).to_le_bytes());

    let (out, _) = run_aligned("compute", &[], &data(3, Some(2)));
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.logs.len(), 3);
    assert_eq!(
        out.logs[2],
        format!("log64: 0x2 {:#x} 0x0 0x0 0x0", xorshift_reference(3, 0))
    );

    let (out, _) = run_aligned("compute", &[], &data(3, Some(3)));
    assert_eq!(out.result, Ok(3 << 32));
    let (out, _) = run_aligned("compute", &[], &[1, 2]);
    assert_eq!(out.result, Ok(3 << 32));
}

#[test]
fn memops() {
    let expected: Vec<u8> = [
        &[0xef, 0xff, 0xff, 0xff][..],
        &[0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    ]
    .concat();
    let (out, _) = run_aligned("memops", &[], &[]);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.return_data, expected);

    // With a writable account, the sample is also copied into its data.
    let account = Entry::Account(Account::new(5, PROGRAM_ID, 1, vec![0x55; 20], true));
    let (out, offs) = run_aligned("memops", &[account], &[0]);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.return_data, expected);
    assert_eq!(
        &out.input[offs[0].data..offs[0].data + 20],
        &[&expected[4..], &[0x55; 4][..]].concat()[..]
    );

    // A read-only account is left alone.
    let account = Entry::Account(Account::new(5, PROGRAM_ID, 1, vec![0x55; 20], false));
    let (out, offs) = run_aligned("memops", &[account], &[0]);
    assert_eq!(out.result, Ok(0));
    assert_eq!(&out.input[offs[0].data..offs[0].data + 20], &[0x55; 20]);

    let (out, _) = run_aligned("memops", &[], &[1]);
    assert!(out.result.unwrap_err().contains("CopyOverlapping"));
    let (out, _) = run_aligned("memops", &[], &[2]);
    assert_eq!(out.result, Ok(3 << 32));
}
