//! Loads every `fixtures/*.so` with solana-sbpf 0.26.0 the way Agave does for execution
//! (SBPF v0..=v3, `reject_broken_elfs: false`, `optimize_rodata: false`, aligned memory
//! mapping, 4 KiB gapped stack frames), verifies it with `RequisiteVerifier`, and runs it on
//! hand-serialized inputs under both the interpreter and the JIT.
//!
//! The syscalls here are a minimal stand-in runtime: enough to see that each program calls
//! the right syscall with the right arguments (logs are recorded, return data kept, memory
//! syscalls done for real, hashes computed for real, PDAs computed without the curve check,
//! sysvars filled with fixed values; the CPI syscalls parse, check and record the call and
//! run no callee). It tests the fixtures, not the sbfvm runtime.
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

struct GuestContext {
    remaining: u64,
    mapping: Box<MemoryMapping>,
    logs: Vec<String>,
    return_data: Vec<u8>,
    /// The program that set `return_data` (this program, or the callee of the last CPI).
    return_data_program: [u8; 32],
    deprecated_loader: bool,
    /// What the stand-in CPI syscalls know about the caller's accounts.
    cpi_env: CpiEnv,
    /// Every CPI the stand-in syscalls accepted, in order.
    cpis: Vec<Cpi>,
}

impl ContextObject for GuestContext {
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
    // The CPI stand-in's errors, named after Agave's.
    InvalidArgument,
    InvalidPointer(&'static str),
    MissingAccount(String),
    PrivilegeEscalation(String),
    BadSeeds,
}

impl std::fmt::Display for TestSyscallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}
impl Error for TestSyscallError {}

fn map(
    ctx: &GuestContext,
    access: AccessType,
    addr: u64,
    len: u64,
) -> Result<*mut u8, Box<dyn Error>> {
    if len == 0 {
        return Ok(NonNull::dangling().as_ptr());
    }
    let buffer: Result<_, EbpfError> = ctx.mapping.map(access, addr, len).into();
    Ok(buffer?.ptr() as *mut u8)
}

fn read(ctx: &GuestContext, addr: u64, len: u64) -> Result<Vec<u8>, Box<dyn Error>> {
    let ptr = map(ctx, AccessType::Load, addr, len)?;
    Ok(unsafe { std::slice::from_raw_parts(ptr, len as usize) }.to_vec())
}

fn write(ctx: &GuestContext, addr: u64, bytes: &[u8]) -> Result<(), Box<dyn Error>> {
    let ptr = map(ctx, AccessType::Store, addr, bytes.len() as u64)?;
    unsafe { std::ptr::copy(bytes.as_ptr(), ptr, bytes.len()) };
    Ok(())
}

fn read_u64(ctx: &GuestContext, addr: u64) -> Result<u64, Box<dyn Error>> {
    Ok(u64::from_le_bytes(read(ctx, addr, 8)?.try_into().unwrap()))
}

/// Agave's `check_aligned`: for programs of every loader but the deprecated one, a typed
/// syscall argument must be aligned for its host type (else `UnalignedPointer`).
fn check_aligned(ctx: &GuestContext, addr: u64, align: u64) -> Result<(), Box<dyn Error>> {
    if !ctx.deprecated_loader && !addr.is_multiple_of(align) {
        return Err(Box::new(TestSyscallError::UnalignedPointer(addr, align)));
    }
    Ok(())
}

/// A `{addr, len}` array (SolBytes / SolSignerSeed) → the byte strings it points at.
fn read_slices(ctx: &GuestContext, addr: u64, n: u64) -> Result<Vec<Vec<u8>>, Box<dyn Error>> {
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
        _ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
    ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
        addr: u64,
        len: u64,
        _c: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        ctx.return_data = read(ctx, addr, len)?;
        ctx.return_data_program = PROGRAM_ID;
        Ok(0)
    }
);

declare_builtin_function!(
    SyscallGetReturnData,
    fn rust(
        ctx: &mut GuestContext,
        dst: u64,
        len: u64,
        program_id_dst: u64,
        _d: u64,
        _e: u64,
    ) -> Result<u64, Box<dyn Error>> {
        let data = ctx.return_data.clone();
        let n = (len as usize).min(data.len());
        if n > 0 {
            write(ctx, dst, &data[..n])?;
            let program = ctx.return_data_program;
            write(ctx, program_id_dst, &program)?;
        }
        Ok(data.len() as u64)
    }
);

declare_builtin_function!(
    SyscallGetStackHeight,
    fn rust(
        _ctx: &mut GuestContext,
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

fn sysvar_getter(ctx: &mut GuestContext, out: u64, bytes: &[u8], align: u64) -> SyscallResult {
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        ctx: &mut GuestContext,
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
        _ctx: &mut GuestContext,
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

// ----------------------------------------------------------------------------------------
// Stand-in CPI (solana-program-runtime 4.4.0, `src/cpi.rs`). It parses the instruction, the
// signer seeds and the account infos exactly at the documented offsets, applies the checks
// that depend only on the caller (program among the caller's accounts, privilege
// escalation with PDA signers, account infos outside the input region, the first info of
// every non-executable callee account carrying the serialized key/owner/lamports/data
// addresses), records the call and returns 0. No callee runs. Two effects are emulated:
// System CreateAccount writes the new account's lamports, owner and length back into the
// caller (serialized fields and the info's length field), and the return data becomes
// (callee, CpiEnv::callee_return_data).
// ----------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Abi {
    C,
    Rust,
}

#[derive(Debug, Clone, PartialEq)]
struct Cpi {
    abi: Abi,
    program_id: [u8; 32],
    /// (pubkey, is_signer, is_writable), as passed (not deduplicated).
    metas: Vec<([u8; 32], bool, bool)>,
    data: Vec<u8>,
    infos: u64,
    /// The PDAs signed for (derived with the stand-in's curve-less PDA function).
    signers: Vec<[u8; 32]>,
}

/// One caller instruction account, as serialized.
#[derive(Clone)]
struct CallerAccount {
    key: [u8; 32],
    is_signer: bool,
    is_writable: bool,
    executable: bool,
    offsets: Offsets,
}

#[derive(Clone, Default)]
struct CpiEnv {
    accounts: Vec<CallerAccount>,
    /// What "the callee" leaves as return data after every CPI.
    callee_return_data: Vec<u8>,
    /// Skip the CreateAccount write-back (to see the caller's own checks fire).
    no_write_back: bool,
}

/// Where an account info's lamports / data / length live: direct for C, behind the Rc
/// boxes for Rust (dereferenced only for infos the runtime actually uses).
enum InfoFields {
    C {
        lamports: u64,
        data: u64,
        len_field: u64,
    },
    Rust {
        lamports_box: u64,
        data_box: u64,
    },
}

struct InfoView {
    key: [u8; 32],
    key_addr: u64,
    owner_addr: u64,
    fields: InfoFields,
}

fn key_at(ctx: &GuestContext, addr: u64) -> Result<[u8; 32], Box<dyn Error>> {
    Ok(read(ctx, addr, 32)?.try_into().unwrap())
}

fn flag(byte: u8) -> Result<bool, Box<dyn Error>> {
    match byte {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(Box::new(TestSyscallError::InvalidArgument)),
    }
}

fn invalid_pointer(what: &'static str) -> Box<dyn Error> {
    Box::new(TestSyscallError::InvalidPointer(what))
}

fn read_signers(ctx: &GuestContext, addr: u64, n: u64) -> Result<Vec<[u8; 32]>, Box<dyn Error>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    check_aligned(ctx, addr, 8)?;
    (0..n)
        .map(|i| {
            let entry = addr + 16 * i;
            let seeds = read_slices(ctx, read_u64(ctx, entry)?, read_u64(ctx, entry + 8)?)?;
            if seeds.len() > 16 || seeds.iter().any(|s| s.len() > 32) {
                return Err(Box::new(TestSyscallError::BadSeeds) as Box<dyn Error>);
            }
            Ok(fake_pda(&seeds, &PROGRAM_ID))
        })
        .collect()
}

/// Resolves an info's (lamports, data, length-field) addresses, with Agave's Rust checks.
fn info_addresses(ctx: &GuestContext, info: &InfoView) -> Result<(u64, u64, u64), Box<dyn Error>> {
    match info.fields {
        InfoFields::C {
            lamports,
            data,
            len_field,
        } => Ok((lamports, data, len_field)),
        InfoFields::Rust {
            lamports_box,
            data_box,
        } => {
            if lamports_box.saturating_add(24) >= ebpf::MM_INPUT_START {
                return Err(invalid_pointer("lamports box"));
            }
            check_aligned(ctx, lamports_box + 24, 8)?;
            let lamports = read_u64(ctx, lamports_box + 24)?;
            if data_box.saturating_add(24) >= ebpf::MM_INPUT_START {
                return Err(invalid_pointer("data box"));
            }
            check_aligned(ctx, data_box + 24, 8)?;
            let data = read_u64(ctx, data_box + 24)?;
            Ok((lamports, data, data_box + 32))
        }
    }
}

fn cpi_common(
    ctx: &mut GuestContext,
    mut cpi: Cpi,
    infos: Vec<InfoView>,
) -> Result<u64, Box<dyn Error>> {
    let env = ctx.cpi_env.clone();
    let caller = |key: &[u8; 32]| env.accounts.iter().find(|a| &a.key == key);
    // Step 5: deduplicate, then privileges, then the program among the caller's accounts.
    let mut dedup: Vec<([u8; 32], bool, bool)> = Vec::new();
    for &(key, signer, writable) in &cpi.metas {
        match dedup.iter_mut().find(|e| e.0 == key) {
            Some(e) => {
                e.1 |= signer;
                e.2 |= writable;
            }
            None => dedup.push((key, signer, writable)),
        }
    }
    for (key, signer, writable) in &dedup {
        let account = caller(key).ok_or_else(|| TestSyscallError::MissingAccount(hex(key)))?;
        if *writable && !account.is_writable {
            return Err(Box::new(TestSyscallError::PrivilegeEscalation(format!(
                "writable {}",
                hex(key)
            ))));
        }
        if *signer && !account.is_signer && !cpi.signers.contains(key) {
            return Err(Box::new(TestSyscallError::PrivilegeEscalation(format!(
                "signer {}",
                hex(key)
            ))));
        }
    }
    if caller(&cpi.program_id).is_none() {
        return Err(Box::new(TestSyscallError::MissingAccount(format!(
            "program {}",
            hex(&cpi.program_id)
        ))));
    }
    // Step 6: the first info of every non-executable callee account.
    let base = ebpf::MM_INPUT_START;
    let mut len_fields = Vec::new();
    for (key, _, _) in &dedup {
        let account = caller(key).unwrap();
        if account.executable {
            continue;
        }
        let info = infos
            .iter()
            .find(|i| &i.key == key)
            .ok_or_else(|| TestSyscallError::MissingAccount(format!("no info for {}", hex(key))))?;
        let o = account.offsets;
        if info.key_addr != base + o.key as u64 {
            return Err(invalid_pointer("key"));
        }
        if info.owner_addr != base + o.owner as u64 {
            return Err(invalid_pointer("owner"));
        }
        let (lamports, data, len_field) = info_addresses(ctx, info)?;
        if lamports != base + o.lamports as u64 {
            return Err(invalid_pointer("lamports"));
        }
        if data != base + o.data as u64 {
            return Err(invalid_pointer("data"));
        }
        if len_field >= base {
            return Err(invalid_pointer("data length field"));
        }
        // The runtime writes this field back: it must be writable memory.
        let len = read_u64(ctx, len_field)?;
        write(ctx, len_field, &len.to_le_bytes())?;
        len_fields.push((*key, len_field));
    }
    // Emulated System CreateAccount (tag 0): funder = meta 0, new account = meta 1.
    let d = &cpi.data;
    if cpi.program_id == [0; 32] && d.len() >= 52 && d[..4] == [0; 4] && !env.no_write_back {
        let lamports = u64::from_le_bytes(d[4..12].try_into().unwrap());
        let space = u64::from_le_bytes(d[12..20].try_into().unwrap());
        let (funder, new) = (cpi.metas[0].0, cpi.metas[1].0);
        let funder = caller(&funder).unwrap().offsets;
        let new_offsets = caller(&new).unwrap().offsets;
        let at = |off: usize| base + off as u64;
        let funder_lamports = read_u64(ctx, at(funder.lamports))?;
        write(
            ctx,
            at(funder.lamports),
            &(funder_lamports - lamports).to_le_bytes(),
        )?;
        write(ctx, at(new_offsets.lamports), &lamports.to_le_bytes())?;
        write(ctx, at(new_offsets.owner), &d[20..52])?;
        write(ctx, at(new_offsets.data_len), &space.to_le_bytes())?;
        if let Some((_, field)) = len_fields.iter().find(|(k, _)| *k == new) {
            write(ctx, *field, &space.to_le_bytes())?;
        }
    }
    ctx.return_data = env.callee_return_data.clone();
    ctx.return_data_program = cpi.program_id;
    cpi.infos = infos.len() as u64;
    ctx.cpis.push(cpi);
    Ok(0)
}

fn account_infos_outside_input(addr: u64, n: u64, stride: u64) -> Result<(), Box<dyn Error>> {
    if addr.saturating_add(n.saturating_mul(stride)) >= ebpf::MM_INPUT_START {
        return Err(invalid_pointer("account infos in the input region"));
    }
    Ok(())
}

declare_builtin_function!(
    SyscallInvokeSignedC,
    fn rust(
        ctx: &mut GuestContext,
        ix: u64,
        infos_addr: u64,
        n_infos: u64,
        seeds: u64,
        n_seeds: u64,
    ) -> Result<u64, Box<dyn Error>> {
        // SolInstruction (40 bytes): program_id*, metas*, metas_len, data*, data_len.
        check_aligned(ctx, ix, 8)?;
        let program_id = key_at(ctx, read_u64(ctx, ix)?)?;
        let (metas_addr, n_metas) = (read_u64(ctx, ix + 8)?, read_u64(ctx, ix + 16)?);
        let (data_addr, data_len) = (read_u64(ctx, ix + 24)?, read_u64(ctx, ix + 32)?);
        if n_metas > 0 {
            check_aligned(ctx, metas_addr, 8)?;
        }
        let mut metas = Vec::new();
        for i in 0..n_metas {
            // SolAccountMeta (16 bytes): pubkey*, is_writable, is_signer.
            let meta = metas_addr + 16 * i;
            let flags = read(ctx, meta + 8, 2)?;
            let (writable, signer) = (flag(flags[0])?, flag(flags[1])?);
            metas.push((key_at(ctx, read_u64(ctx, meta)?)?, signer, writable));
        }
        let data = read(ctx, data_addr, data_len)?;
        let signers = read_signers(ctx, seeds, n_seeds)?;
        account_infos_outside_input(infos_addr, n_infos, 56)?;
        check_aligned(ctx, infos_addr, 8)?;
        let mut infos = Vec::new();
        for i in 0..n_infos {
            // SolAccountInfo (56 bytes): key*, lamports*, data_len, data*, owner*, ...
            let info = infos_addr + 56 * i;
            let key_addr = read_u64(ctx, info)?;
            infos.push(InfoView {
                key: key_at(ctx, key_addr)?,
                key_addr,
                owner_addr: read_u64(ctx, info + 32)?,
                fields: InfoFields::C {
                    lamports: read_u64(ctx, info + 8)?,
                    data: read_u64(ctx, info + 24)?,
                    len_field: info + 16,
                },
            });
        }
        let cpi = Cpi {
            abi: Abi::C,
            program_id,
            metas,
            data,
            infos: 0,
            signers,
        };
        cpi_common(ctx, cpi, infos)
    }
);

declare_builtin_function!(
    SyscallInvokeSignedRust,
    fn rust(
        ctx: &mut GuestContext,
        ix: u64,
        infos_addr: u64,
        n_infos: u64,
        seeds: u64,
        n_seeds: u64,
    ) -> Result<u64, Box<dyn Error>> {
        // StableInstruction (80 bytes): accounts {ptr, cap, len}, data {ptr, cap, len},
        // program_id inline at 48.
        check_aligned(ctx, ix, 8)?;
        let (metas_addr, n_metas) = (read_u64(ctx, ix)?, read_u64(ctx, ix + 16)?);
        let (data_addr, data_len) = (read_u64(ctx, ix + 24)?, read_u64(ctx, ix + 40)?);
        let program_id = key_at(ctx, ix + 48)?;
        let mut metas = Vec::new();
        for i in 0..n_metas {
            // AccountMeta (34 bytes, align 1): pubkey[32], is_signer, is_writable.
            let meta = metas_addr + 34 * i;
            let flags = read(ctx, meta + 32, 2)?;
            let (signer, writable) = (flag(flags[0])?, flag(flags[1])?);
            metas.push((key_at(ctx, meta)?, signer, writable));
        }
        let data = read(ctx, data_addr, data_len)?;
        let signers = read_signers(ctx, seeds, n_seeds)?;
        account_infos_outside_input(infos_addr, n_infos, 48)?;
        check_aligned(ctx, infos_addr, 8)?;
        let mut infos = Vec::new();
        for i in 0..n_infos {
            // AccountInfo (48 bytes): key*, lamports Rc*, data Rc*, owner*, ...
            let info = infos_addr + 48 * i;
            let key_addr = read_u64(ctx, info)?;
            infos.push(InfoView {
                key: key_at(ctx, key_addr)?,
                key_addr,
                owner_addr: read_u64(ctx, info + 24)?,
                fields: InfoFields::Rust {
                    lamports_box: read_u64(ctx, info + 8)?,
                    data_box: read_u64(ctx, info + 16)?,
                },
            });
        }
        let cpi = Cpi {
            abi: Abi::Rust,
            program_id,
            metas,
            data,
            infos: 0,
            signers,
        };
        cpi_common(ctx, cpi, infos)
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
    "sol_curve_decompress",
    "sol_curve_pairing_map",
    "sol_alt_bn128_group_op",
    "sol_alt_bn128_compression",
    "sol_poseidon",
    "sol_secp256k1_recover",
    "sol_big_mod_exp",
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

fn loader() -> Arc<BuiltinProgram<GuestContext>> {
    loader_with(config(false))
}

fn loader_with(config: Config) -> Arc<BuiltinProgram<GuestContext>> {
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
            "sol_get_return_data" => loader.register_definition::<SyscallGetReturnData>(name),
            "sol_invoke_signed_c" => loader.register_definition::<SyscallInvokeSignedC>(name),
            "sol_invoke_signed_rust" => loader.register_definition::<SyscallInvokeSignedRust>(name),
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
// Input serialization (solana-program-runtime 4.4.0, `src/serialization.rs`).
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

#[derive(Clone)]
enum Entry {
    Account(Account),
    Duplicate(u8),
}

/// Where each non-duplicate account's fields landed in the serialized buffer.
#[derive(Debug, Clone, Copy)]
struct Offsets {
    key: usize,
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
                let key = buf.len();
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
                    key,
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
                let key = buf.len();
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
                    key,
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

fn load(name: &str) -> Executable<GuestContext> {
    let path = fixture_path(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (build the fixtures first: just programs)",
            path.display()
        )
    });
    let executable = Executable::<GuestContext>::from_elf(&bytes, loader())
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

struct FixtureRun {
    result: Result<u64, String>,
    logs: Vec<String>,
    return_data: Vec<u8>,
    input: Vec<u8>,
    instructions: u64,
    cpis: Vec<Cpi>,
}

fn run_mode(
    executable: &Executable<GuestContext>,
    input: &[u8],
    deprecated: bool,
    mode: ExecutionMode,
    cpi_env: &CpiEnv,
) -> FixtureRun {
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
    let mut ctx = GuestContext {
        remaining: 1_400_000,
        mapping: Box::new(mapping),
        logs: Vec::new(),
        return_data: Vec::new(),
        return_data_program: [0; 32],
        deprecated_loader: deprecated,
        cpi_env: cpi_env.clone(),
        cpis: Vec::new(),
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
    FixtureRun {
        result,
        logs: ctx.logs,
        return_data: ctx.return_data,
        input: input_mem.as_slice().to_vec(),
        instructions,
        cpis: ctx.cpis,
    }
}

/// Runs under the interpreter and (on x86_64) the JIT, and checks they agree.
fn run(executable: &Executable<GuestContext>, input: &[u8], deprecated: bool) -> FixtureRun {
    run_env(executable, input, deprecated, &CpiEnv::default())
}

fn run_env(
    executable: &Executable<GuestContext>,
    input: &[u8],
    deprecated: bool,
    env: &CpiEnv,
) -> FixtureRun {
    let interpreted = run_mode(
        executable,
        input,
        deprecated,
        ExecutionMode::Interpreted,
        env,
    );
    #[cfg(all(target_arch = "x86_64", not(target_os = "windows")))]
    {
        let jit = run_mode(executable, input, deprecated, ExecutionMode::Jit, env);
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
        assert_eq!(
            interpreted.cpis, jit.cpis,
            "interpreter and JIT disagree on the CPIs"
        );
    }
    interpreted
}

fn run_aligned(name: &str, entries: &[Entry], data: &[u8]) -> (FixtureRun, Vec<Offsets>) {
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
    "ata_shaped",
    "bench_cpi",
    "bench_large",
    "bench_syscalls",
    "compute",
    "crypto",
    "cpi_callee",
    "cpi_caller",
    "cpi_chain",
    "custom_error",
    "dwarf_cpi",
    "dwarf_loop",
    "hash_pda",
    "introspect",
    "log",
    "log_unaligned",
    "memops",
    "sysvars",
    "token_shaped",
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
        let executable = Executable::<GuestContext>::from_elf(&bytes, loader_with(config(true)))
            .unwrap_or_else(|e| panic!("{name}.so fails the deployment checks: {e:?}"));
        executable.verify::<RequisiteVerifier>().unwrap();
    }
}

#[test]
fn syscalls_are_imported_by_name() {
    // Without any registered syscall, the strict load must name the first unresolved import:
    // the calls are real R_BPF_64_32 relocations against dynamic symbols.
    let bytes = std::fs::read(fixture_path("log")).unwrap();
    let empty = Arc::new(BuiltinProgram::<GuestContext>::new_loader(config(true)));
    let error = Executable::<GuestContext>::from_elf(&bytes, empty)
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

/// The program built with DWARF: the data's bytes summed in a loop, "odd" logged for an odd
/// sum, the sum with sol_log_64_ for an even one; accounts are refused.
#[test]
fn dwarf_loop() {
    let (out, _) = run_aligned("dwarf_loop", &[], &[1, 2, 4]);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.logs, vec!["log: odd"]);
    let (out, _) = run_aligned("dwarf_loop", &[], &[1, 2, 3, 4]);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.logs, vec!["log64: 0xa 0x0 0x0 0x0 0x0"]);
    let (out, _) = run_aligned("dwarf_loop", &[], &[]);
    assert_eq!(out.logs, vec!["log64: 0x0 0x0 0x0 0x0 0x0"]);
    let (out, _) = run_aligned("dwarf_loop", &[program_account(0xB1)], &[1]);
    assert_eq!(out.result, Ok(2 << 32));
    assert!(out.logs.is_empty());
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

// ----------------------------------------------------------------------------------------
// CPI fixtures, against the stand-in CPI syscalls (no callee runs; see cpi_common).
// ----------------------------------------------------------------------------------------

fn cpi_env(entries: &[Entry], offsets: &[Offsets]) -> CpiEnv {
    let mut offsets = offsets.iter();
    let accounts = entries
        .iter()
        .filter_map(|entry| match entry {
            Entry::Account(a) => Some(CallerAccount {
                key: a.key,
                is_signer: a.is_signer,
                is_writable: a.is_writable,
                executable: a.executable,
                offsets: *offsets.next().unwrap(),
            }),
            Entry::Duplicate(_) => None,
        })
        .collect();
    CpiEnv {
        accounts,
        ..CpiEnv::default()
    }
}

fn run_cpi(
    name: &str,
    entries: &[Entry],
    data: &[u8],
    tweak: impl FnOnce(&mut CpiEnv),
) -> (FixtureRun, Vec<Offsets>) {
    let executable = load(name);
    let (input, offsets) = serialize_aligned(entries, data);
    let mut env = cpi_env(entries, &offsets);
    tweak(&mut env);
    (run_env(&executable, &input, false, &env), offsets)
}

fn program_account(key_byte: u8) -> Entry {
    let mut account = Account::new(key_byte, [0x02; 32], 1, vec![], false);
    account.executable = true;
    Entry::Account(account)
}

fn plain_account(
    key_byte: u8,
    lamports: u64,
    data: Vec<u8>,
    signer: bool,
    writable: bool,
) -> Entry {
    let mut account = Account::new(key_byte, [0x03; 32], lamports, data, writable);
    account.is_signer = signer;
    Entry::Account(account)
}

fn c_cpi(program: u8, metas: &[(u8, bool, bool)], data: &[u8], infos: u64) -> Cpi {
    Cpi {
        abi: Abi::C,
        program_id: [program; 32],
        metas: metas.iter().map(|&(k, s, w)| ([k; 32], s, w)).collect(),
        data: data.to_vec(),
        infos,
        signers: Vec::new(),
    }
}

const INVALID_INSTRUCTION_DATA: Result<u64, String> = Ok(3 << 32);
const NOT_ENOUGH_ACCOUNT_KEYS: Result<u64, String> = Ok(11 << 32);

fn assert_error(out: &FixtureRun, needle: &str) {
    let error = out.result.clone().unwrap_err();
    assert!(error.contains(needle), "{error}");
}

#[test]
fn cpi_chain() {
    // The program accounts are forced read-only non-signer even when received otherwise.
    let mut writable_program = Account::new(0xC1, [0x02; 32], 1, vec![], true);
    writable_program.executable = true;
    writable_program.is_signer = true;
    let entries = [
        program_account(0xB1),
        Entry::Account(writable_program),
        program_account(0xD1),
        program_account(0xE1),
        plain_account(0x50, 10, vec![1, 2], true, true),
        plain_account(0x51, 10, vec![], false, false),
    ];
    let metas = [
        (0xB1, false, false),
        (0xC1, false, false),
        (0xD1, false, false),
        (0xE1, false, false),
        (0x50, true, true),
        (0x51, false, false),
    ];
    let deepest = |e: &mut CpiEnv| e.callee_return_data = 5u64.to_le_bytes().to_vec();

    let (out, _) = run_cpi("cpi_chain", &entries, &[0, 4], deepest);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.cpis, vec![c_cpi(0xB1, &metas, &[1, 4], 6)]);
    assert_eq!(out.logs, vec!["log64: 0x0 0x1 0x4 0x5 0x0"]);

    let (out, _) = run_cpi("cpi_chain", &entries, &[2, 4, 0xff], deepest);
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.cpis, vec![c_cpi(0xD1, &metas, &[3, 4], 6)]);
    assert_eq!(out.logs, vec!["log64: 0x2 0x1 0x4 0x5 0x0"]);

    // Return data that is not 8 bytes: deepest_height 0.
    let (out, _) = run_cpi("cpi_chain", &entries, &[3, 4], |_| {});
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.logs, vec!["log64: 0x3 0x1 0x4 0x0 0x0"]);

    // The deepest link: no CPI, stack height (1 in this harness) as return data.
    let (out, _) = run_cpi("cpi_chain", &entries, &[4, 4], |_| {});
    assert_eq!(out.result, Ok(0));
    assert!(out.cpis.is_empty());
    assert_eq!(out.return_data, 1u64.to_le_bytes());
    assert_eq!(out.logs, vec!["log64: 0x4 0x1 0x4 0x1 0x0"]);
    let (out, _) = run_cpi("cpi_chain", &[], &[0, 0], |_| {});
    assert_eq!(out.result, Ok(0));

    let (out, _) = run_cpi("cpi_chain", &entries, &[0], |_| {});
    assert_eq!(out.result, INVALID_INSTRUCTION_DATA);
    let (out, _) = run_cpi("cpi_chain", &entries, &[5, 4], |_| {});
    assert_eq!(out.result, INVALID_INSTRUCTION_DATA);
    let (out, _) = run_cpi("cpi_chain", &entries, &[0, 17], |_| {});
    assert_eq!(out.result, INVALID_INSTRUCTION_DATA);
    let (out, _) = run_cpi("cpi_chain", &entries[..2], &[2, 4], |_| {});
    assert_eq!(out.result, NOT_ENOUGH_ACCOUNT_KEYS);
}

/// cpi_caller's usual accounts: callee program, a writable signer, a read-only account.
fn caller_entries() -> Vec<Entry> {
    vec![
        program_account(0xCA),
        plain_account(0x0A, 100, vec![1, 2, 3], true, true),
        plain_account(0x0B, 200, vec![], false, false),
    ]
}

const CALLER_METAS: [(u8, bool, bool); 2] = [(0x0A, true, true), (0x0B, false, false)];

fn pda_create_data(op: u8, bump: u8, lamports: u64, space: u64) -> Vec<u8> {
    let mut data = vec![op, bump];
    data.extend(lamports.to_le_bytes());
    data.extend(space.to_le_bytes());
    data
}

fn pda_entries(bump: u8) -> (Vec<Entry>, [u8; 32]) {
    let pda = fake_pda(&[b"vault".to_vec(), vec![bump]], &PROGRAM_ID);
    let mut system = Account::new(0, [0x02; 32], 1, vec![], false);
    system.executable = true;
    let mut funder = Account::new(0x0F, [0; 32], 1_000_000, vec![], true);
    funder.is_signer = true;
    let mut new = Account::new(0, [0; 32], 0, vec![], true);
    new.key = pda;
    let entries = vec![
        Entry::Account(system),
        Entry::Account(funder),
        Entry::Account(new),
    ];
    (entries, pda)
}

#[test]
fn dwarf_cpi() {
    // The program in account 0, invoked with the whole data, then its first half.
    let entries = [program_account(0xB1)];
    let (out, _) = run_cpi("dwarf_cpi", &entries, &[1, 2, 3, 4, 5], |_| {});
    assert_eq!(out.result, Ok(0));
    assert_eq!(
        out.cpis,
        vec![
            c_cpi(0xB1, &[], &[1, 2, 3, 4, 5], 1),
            c_cpi(0xB1, &[], &[1, 2], 1)
        ]
    );
    let (out, _) = run_cpi("dwarf_cpi", &[], &[1], |_| {});
    assert_eq!(out.result, NOT_ENOUGH_ACCOUNT_KEYS);
    assert!(out.cpis.is_empty());
}

#[test]
fn cpi_caller_invoke_variants() {
    let entries = caller_entries();
    // op 0: metas with the received privileges, data = rest, every account as an info.
    let (out, _) = run_cpi("cpi_caller", &entries, &[0, 7, 8, 9], |_| {});
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.cpis, vec![c_cpi(0xCA, &CALLER_METAS, &[7, 8, 9], 3)]);
    // Only the program account: no metas, empty data.
    let (out, _) = run_cpi("cpi_caller", &entries[..1], &[0], |_| {});
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.cpis, vec![c_cpi(0xCA, &[], &[], 1)]);

    // op 1 / op 2 escalate the first meta: fine for the writable signer, not for 0x0B.
    let (out, _) = run_cpi("cpi_caller", &entries, &[1, 5], |_| {});
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.cpis, vec![c_cpi(0xCA, &CALLER_METAS, &[5], 3)]);
    let read_only_first = [entries[0].clone(), entries[2].clone(), entries[1].clone()];
    let (out, _) = run_cpi("cpi_caller", &read_only_first, &[1], |_| {});
    assert_error(&out, "PrivilegeEscalation(\"writable 0b0b");
    let (out, _) = run_cpi("cpi_caller", &read_only_first, &[2], |_| {});
    assert_error(&out, "PrivilegeEscalation(\"signer 0b0b");

    // op 6: the key pointer of ka[1]'s info points at a stack copy.
    let (out, _) = run_cpi("cpi_caller", &entries, &[6], |_| {});
    assert_error(&out, "InvalidPointer(\"key\")");

    // op 8: op 0 through the Rust ABI, with Rc boxes.
    let (out, _) = run_cpi("cpi_caller", &entries, &[8, 7, 8, 9], |_| {});
    assert_eq!(out.result, Ok(0));
    let mut expected = c_cpi(0xCA, &CALLER_METAS, &[7, 8, 9], 3);
    expected.abi = Abi::Rust;
    assert_eq!(out.cpis, vec![expected]);

    // op 10: no-op. op 11: op 0 twice.
    let (out, _) = run_cpi("cpi_caller", &[], &[10], |_| {});
    assert_eq!(out.result, Ok(0));
    assert!(out.cpis.is_empty());
    let (out, _) = run_cpi("cpi_caller", &entries, &[11, 1], |_| {});
    assert_eq!(out.result, Ok(0));
    let once = c_cpi(0xCA, &CALLER_METAS, &[1], 3);
    assert_eq!(out.cpis, vec![once.clone(), once]);

    let (out, _) = run_cpi("cpi_caller", &entries, &[], |_| {});
    assert_eq!(out.result, INVALID_INSTRUCTION_DATA);
    let (out, _) = run_cpi("cpi_caller", &entries, &[12], |_| {});
    assert_eq!(out.result, INVALID_INSTRUCTION_DATA);
    let (out, _) = run_cpi("cpi_caller", &[], &[0], |_| {});
    assert_eq!(out.result, NOT_ENOUGH_ACCOUNT_KEYS);
    let (out, _) = run_cpi("cpi_caller", &entries[..1], &[1], |_| {});
    assert_eq!(out.result, NOT_ENOUGH_ACCOUNT_KEYS);
}

#[test]
fn cpi_caller_pda_create() {
    for op in [3u8, 9] {
        let abi = if op == 3 { Abi::C } else { Abi::Rust };
        let (entries, pda) = pda_entries(254);
        let data = pda_create_data(op, 254, 5000, 8);
        let (out, offs) = run_cpi("cpi_caller", &entries, &data, |_| {});
        assert_eq!(out.result, Ok(0), "op {op}");
        let mut ix_data = vec![0, 0, 0, 0];
        ix_data.extend(5000u64.to_le_bytes());
        ix_data.extend(8u64.to_le_bytes());
        ix_data.extend(PROGRAM_ID);
        assert_eq!(
            out.cpis,
            vec![Cpi {
                abi,
                program_id: [0; 32],
                metas: vec![([0x0F; 32], true, true), (pda, true, true)],
                data: ix_data,
                infos: 3,
                signers: vec![pda],
            }]
        );
        // The emulated write-back, then the caller's own CA FE.
        assert_eq!(u64_at(&out.input, offs[2].data_len), 8);
        assert_eq!(u64_at(&out.input, offs[2].lamports), 5000);
        assert_eq!(u64_at(&out.input, offs[1].lamports), 1_000_000 - 5000);
        assert_eq!(&out.input[offs[2].owner..offs[2].owner + 32], &PROGRAM_ID);
        assert_eq!(
            &out.input[offs[2].data..offs[2].data + 9],
            &[0xca, 0xfe, 0, 0, 0, 0, 0, 0, 0]
        );

        // space 1: no CA FE.
        let data = pda_create_data(op, 254, 5000, 1);
        let (out, offs) = run_cpi("cpi_caller", &entries, &data, |_| {});
        assert_eq!(out.result, Ok(0));
        assert_eq!(out.input[offs[2].data], 0);

        // Without the write-back the caller's first check fires.
        let data = pda_create_data(op, 254, 5000, 8);
        let (out, _) = run_cpi("cpi_caller", &entries, &data, |e| e.no_write_back = true);
        assert_eq!(out.result, custom(1001), "op {op}");

        // A wrong bump derives another address: the PDA's signer flag is an escalation.
        let data = pda_create_data(op, 253, 5000, 8);
        let (out, _) = run_cpi("cpi_caller", &entries, &data, |_| {});
        assert_error(&out, "PrivilegeEscalation(\"signer");

        let (out, _) = run_cpi("cpi_caller", &entries, &data[..17], |_| {});
        assert_eq!(out.result, INVALID_INSTRUCTION_DATA);
        let (out, _) = run_cpi("cpi_caller", &entries[..2], &data, |_| {});
        assert_eq!(out.result, NOT_ENOUGH_ACCOUNT_KEYS);
    }
}

#[test]
fn cpi_caller_return_data_loop_transfer() {
    let entries = caller_entries();
    // op 4: the callee's return data comes back prefixed with 0xAA.
    let (out, _) = run_cpi("cpi_caller", &entries, &[4, 1, 3, 1, 2, 3], |e| {
        e.callee_return_data = vec![1, 2, 3]
    });
    assert_eq!(out.result, Ok(0));
    assert_eq!(
        out.cpis,
        vec![c_cpi(0xCA, &CALLER_METAS, &[1, 3, 1, 2, 3], 3)]
    );
    assert_eq!(out.return_data, vec![0xaa, 1, 2, 3]);
    assert_eq!(
        out.logs,
        vec![
            "log64: 0x3 0x3 0x0 0x0 0x0".to_string(),
            format!("pubkey: {}", hex(&[0xca; 32])),
        ]
    );
    let long: Vec<u8> = (0..100).collect();
    let (out, _) = run_cpi("cpi_caller", &entries, &[4], |e| {
        e.callee_return_data = long.clone()
    });
    assert_eq!(out.return_data, [&[0xaa][..], &long[..64]].concat());
    assert_eq!(out.logs[0], "log64: 0x64 0x40 0x0 0x0 0x0");
    let (out, _) = run_cpi("cpi_caller", &entries, &[4], |_| {});
    assert_eq!(out.return_data, vec![0xaa]);
    assert_eq!(out.logs, vec!["log64: 0x0 0x0 0x0 0x0 0x0"]);

    // op 5: N CPIs with empty data.
    let (out, _) = run_cpi("cpi_caller", &entries, &[5, 3, 0], |_| {});
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.cpis, vec![c_cpi(0xCA, &CALLER_METAS, &[], 3); 3]);
    let (out, _) = run_cpi("cpi_caller", &entries[..1], &[5, 0x2c, 0x01], |_| {});
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.cpis.len(), 300);
    let (out, _) = run_cpi("cpi_caller", &entries, &[5, 0, 0], |_| {});
    assert_eq!(out.result, Ok(0));
    assert!(out.cpis.is_empty());
    let (out, _) = run_cpi("cpi_caller", &entries, &[5, 1], |_| {});
    assert_eq!(out.result, INVALID_INSTRUCTION_DATA);

    // op 7: System Transfer with the received privileges.
    let mut system = Account::new(0, [0x02; 32], 1, vec![], false);
    system.executable = true;
    let transfer_entries = [
        Entry::Account(system),
        plain_account(0x0A, 100, vec![], true, true),
        plain_account(0x0B, 5, vec![], false, true),
        plain_account(0x0C, 5, vec![], false, true),
    ];
    let mut data = vec![7];
    data.extend(42u64.to_le_bytes());
    let (out, _) = run_cpi("cpi_caller", &transfer_entries, &data, |_| {});
    assert_eq!(out.result, Ok(0));
    let mut ix_data = vec![2, 0, 0, 0];
    ix_data.extend(42u64.to_le_bytes());
    assert_eq!(
        out.cpis,
        vec![c_cpi(
            0,
            &[(0x0A, true, true), (0x0B, false, true)],
            &ix_data,
            3
        )]
    );
    let (out, _) = run_cpi("cpi_caller", &transfer_entries, &data[..8], |_| {});
    assert_eq!(out.result, INVALID_INSTRUCTION_DATA);
}

#[test]
fn cpi_callee() {
    let own = |data: Vec<u8>, lamports: u64| {
        Entry::Account(Account::new(0x0A, PROGRAM_ID, lamports, data, true))
    };
    for data in [&[][..], &[0], &[10]] {
        let (out, _) = run_cpi("cpi_callee", &[], data, |_| {});
        assert_eq!(out.result, Ok(0));
        assert!(out.cpis.is_empty() && out.logs.is_empty() && out.return_data.is_empty());
    }

    let (out, _) = run_cpi("cpi_callee", &[], &[1, 4, 5, 6], |_| {});
    assert_eq!(out.result, Ok(0));
    assert_eq!(out.return_data, vec![4, 5, 6]);

    let (out, _) = run_cpi("cpi_callee", &[], &[2, 0x2a, 0, 0, 0], |_| {});
    assert_eq!(out.result, custom(42));
    let (out, _) = run_cpi("cpi_callee", &[], &[2, 0, 0, 0, 0], |_| {});
    assert_eq!(out.result, Ok(1 << 32));
    let (out, _) = run_cpi("cpi_callee", &[], &[2, 1], |_| {});
    assert_eq!(out.result, INVALID_INSTRUCTION_DATA);

    // op 3: grow 3 -> 6 and shrink to 1.
    let mut grow = vec![3];
    grow.extend(6u64.to_le_bytes());
    let (out, offs) = run_cpi("cpi_callee", &[own(vec![1, 2, 3], 10)], &grow, |_| {});
    assert_eq!(out.result, Ok(0));
    assert_eq!(u64_at(&out.input, offs[0].data_len), 6);
    assert_eq!(
        &out.input[offs[0].data..offs[0].data + 7],
        &[1, 2, 3, 0xab, 0xab, 0xab, 0]
    );
    let mut shrink = vec![3];
    shrink.extend(1u64.to_le_bytes());
    let (out, offs) = run_cpi("cpi_callee", &[own(vec![1, 2, 3], 10)], &shrink, |_| {});
    assert_eq!(out.result, Ok(0));
    assert_eq!(u64_at(&out.input, offs[0].data_len), 1);
    let (out, _) = run_cpi("cpi_callee", &[], &grow, |_| {});
    assert_eq!(out.result, NOT_ENOUGH_ACCOUNT_KEYS);

    // op 4: write.
    let (out, offs) = run_cpi("cpi_callee", &[own(vec![0; 4], 10)], &[4, 9, 8], |_| {});
    assert_eq!(out.result, Ok(0));
    assert_eq!(&out.input[offs[0].data..offs[0].data + 4], &[9, 8, 0, 0]);
    let (out, _) = run_cpi("cpi_callee", &[own(vec![0; 1], 10)], &[4, 9, 8], |_| {});
    assert_eq!(out.result, Ok(5 << 32));

    // op 5: back into ka[0] with [10], metas ka[1..].
    let entries = [
        program_account(0xCA),
        plain_account(0x0B, 1, vec![], false, true),
    ];
    let (out, _) = run_cpi("cpi_callee", &entries, &[5], |_| {});
    assert_eq!(out.result, Ok(0));
    assert_eq!(
        out.cpis,
        vec![c_cpi(0xCA, &[(0x0B, false, true)], &[10], 2)]
    );

    // op 6: into its own id with [6, k - 1], every account as a meta.
    let entries = [
        program_account(0x77),
        plain_account(0x0B, 1, vec![], true, false),
    ];
    let (out, _) = run_cpi("cpi_callee", &entries, &[6, 3], |_| {});
    assert_eq!(out.result, Ok(0));
    assert_eq!(
        out.cpis,
        vec![c_cpi(
            0x77,
            &[(0x77, false, false), (0x0B, true, false)],
            &[6, 2],
            2
        )]
    );
    assert_eq!(out.logs, vec!["log64: 0x6 0x3 0x1 0x0 0x0"]);
    let (out, _) = run_cpi("cpi_callee", &entries, &[6, 0], |_| {});
    assert_eq!(out.result, Ok(0));
    assert!(out.cpis.is_empty());
    assert_eq!(out.logs, vec!["log64: 0x6 0x0 0x1 0x0 0x0"]);
    // Without its own program account the stand-in (like Agave) rejects the CPI.
    let (out, _) = run_cpi("cpi_callee", &entries[1..], &[6, 1], |_| {});
    assert_error(&out, "MissingAccount(\"program 7777");

    // op 7: move lamports.
    let mut move_lamports = vec![7];
    move_lamports.extend(30u64.to_le_bytes());
    let to = plain_account(0x0B, 5, vec![], false, true);
    let (out, offs) = run_cpi(
        "cpi_callee",
        &[own(vec![], 100), to.clone()],
        &move_lamports,
        |_| {},
    );
    assert_eq!(out.result, Ok(0));
    assert_eq!(u64_at(&out.input, offs[0].lamports), 70);
    assert_eq!(u64_at(&out.input, offs[1].lamports), 35);
    let (out, _) = run_cpi(
        "cpi_callee",
        &[own(vec![], 10), to.clone()],
        &move_lamports,
        |_| {},
    );
    assert_eq!(out.result, Ok(6 << 32));
    let (out, _) = run_cpi("cpi_callee", &[own(vec![], 100)], &move_lamports, |_| {});
    assert_eq!(out.result, NOT_ENOUGH_ACCOUNT_KEYS);

    let (out, _) = run_cpi("cpi_callee", &[], &[8], |_| {});
    assert_eq!(out.result, INVALID_INSTRUCTION_DATA);
}
