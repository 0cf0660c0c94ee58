//! The `vm_exec` and `jit_diff` targets: arbitrary SBPF v0 text, verified and run from an
//! entry point with chosen registers, memory and (optionally) serialized input accounts,
//! with the real syscalls or with stubs.
//!
//! Input format ([`crate::Reader`]):
//! ```text
//! flags: u8     bit 0: real syscalls (else every Agave syscall is a stub returning 0)
//!               bit 1: register dump: every `exit` jumps to an epilogue that stores
//!                      r0..r10 at the start of the heap, so registers are compared
//!               bit 2: a `call imm` naming nothing registered is redirected to a
//!                      registered syscall (imm % count)
//!               bit 3: the input region is the serialization of fuzzed accounts (CPI
//!                      and account syscalls then work) instead of raw regions
//! toggles: u8   (crate::features)
//! cu: u32       compute units (at most MAX_CU)
//! entry_pc: u16
//! r0, r2..r9: 9 × u64   (r1 = input start, r10 = top of the first stack frame)
//! heap_len: u16, heap prefix: u16 len + bytes, stack prefix: u16 len + bytes
//! bit 3 set: accounts n u8 (% 5), each lamports u32, data_len u16 (% 512), owner u8, bits u8
//! bit 3 clear: input regions n u8 (% 4), each writable u8, u16 len + bytes
//! functions: n u8 (% 16), each pc u16
//! text: the rest (whole 8-byte slots, at most MAX_TEXT instructions)
//! ```

use sbfvm_runtime::{InstructionAccount, InstructionFrame, InvokeContext, Pubkey};
use sbfvm_test_support::{
    entry_registers, pc_hash, run_program, symbol_hash, FrameSetup, HarnessMemory, RunOutcome,
    TextProgram, HEAP_START,
};
use sbfvm_vm::{ExecutionMode, InputAbi, ProgramEnvironment, SerializedAccountMetadata};
use solana_sdk_ids::{bpf_loader_upgradeable, native_loader, system_program};

use crate::{account, caller_id, key, other_id, stub_id, Reader, Writer};

pub const MAX_CU: u64 = 100_000;
pub const MAX_TEXT: usize = 4096;
pub const STACK_LEN: usize = 16 * 4096;
pub const MAX_HEAP: usize = 32 * 1024;
const MAX_REGION: usize = 16 * 1024;
/// Bytes at the start of the heap the register dump writes.
const DUMP_LEN: usize = 88;

#[derive(Debug, Clone, Default)]
pub struct ProgramInput {
    pub flags: u8,
    pub toggles: u8,
    pub cu: u32,
    pub entry_pc: u16,
    pub registers: [u64; 9],
    pub heap_len: u16,
    pub heap_prefix: Vec<u8>,
    pub stack_prefix: Vec<u8>,
    /// (lamports, data_len, owner, bits) when flags bit 3 is set.
    pub accounts: Vec<(u32, u16, u8, u8)>,
    pub regions: Vec<(bool, Vec<u8>)>,
    pub functions: Vec<u16>,
    pub text: Vec<u8>,
}

impl ProgramInput {
    pub fn decode(data: &[u8]) -> Self {
        let mut r = Reader::new(data);
        let flags = r.u8();
        let toggles = r.u8();
        let cu = r.u32();
        let entry_pc = r.u16();
        let mut registers = [0u64; 9];
        for register in &mut registers {
            *register = r.u64();
        }
        let heap_len = r.u16();
        let heap_prefix = r.bytes16(MAX_HEAP).to_vec();
        let stack_prefix = r.bytes16(STACK_LEN).to_vec();
        let mut accounts = Vec::new();
        let mut regions = Vec::new();
        if flags & 8 != 0 {
            for _ in 0..r.u8() % 5 {
                accounts.push((r.u32(), r.u16() % 512, r.u8(), r.u8()));
            }
        } else {
            for _ in 0..r.u8() % 4 {
                regions.push((r.bool(), r.bytes16(MAX_REGION).to_vec()));
            }
        }
        let functions = (0..r.u8() % 16).map(|_| r.u16()).collect();
        let rest = r.rest();
        let len = (rest.len() / 8).min(MAX_TEXT) * 8;
        Self {
            flags,
            toggles,
            cu,
            entry_pc,
            registers,
            heap_len,
            heap_prefix,
            stack_prefix,
            accounts,
            regions,
            functions,
            text: rest[..len].to_vec(),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.u8(self.flags)
            .u8(self.toggles)
            .u32(self.cu)
            .u16(self.entry_pc);
        for register in self.registers {
            w.u64(register);
        }
        w.u16(self.heap_len)
            .bytes16(&self.heap_prefix)
            .bytes16(&self.stack_prefix);
        if self.flags & 8 != 0 {
            w.u8(self.accounts.len().min(4) as u8);
            for &(lamports, len, owner, bits) in self.accounts.iter().take(4) {
                w.u32(lamports).u16(len).u8(owner).u8(bits);
            }
        } else {
            w.u8(self.regions.len().min(3) as u8);
            for (writable, bytes) in self.regions.iter().take(3) {
                w.u8(u8::from(*writable)).bytes16(bytes);
            }
        }
        w.u8(self.functions.len().min(15) as u8);
        for &pc in self.functions.iter().take(15) {
            w.u16(pc);
        }
        w.raw(&self.text);
        w.out
    }
}

fn insn(opcode: u8, dst: u8, src: u8, off: i16, imm: i32) -> [u8; 8] {
    let mut out = [0u8; 8];
    out[0] = opcode;
    out[1] = (src << 4) | (dst & 0x0f);
    out[2..4].copy_from_slice(&off.to_le_bytes());
    out[4..8].copy_from_slice(&imm.to_le_bytes());
    out
}

/// The epilogue every rewritten `exit` jumps to: stores r0..r10 at `HEAP_START` (r1 through
/// a spill slot at `[r10-8]`), restores r0 and r1, and exits.
fn dump_epilogue() -> Vec<u8> {
    const STXDW: u8 = 0x7b;
    const LDXDW: u8 = 0x79;
    let mut code = Vec::new();
    code.extend(insn(STXDW, 10, 1, -8, 0));
    code.extend(insn(0x18, 1, 0, 0, HEAP_START as u32 as i32));
    code.extend(insn(0, 0, 0, 0, (HEAP_START >> 32) as i32));
    code.extend(insn(STXDW, 1, 0, 0, 0));
    for reg in 2..=10u8 {
        code.extend(insn(STXDW, 1, reg, 8 * i16::from(reg), 0));
    }
    code.extend(insn(LDXDW, 0, 10, -8, 0));
    code.extend(insn(STXDW, 1, 0, 8, 0));
    code.extend(insn(LDXDW, 0, 1, 0, 0));
    code.extend(insn(LDXDW, 1, 10, -8, 0));
    code.extend(insn(0x95, 0, 0, 0, 0));
    code
}

/// The text as run: calls redirected and exits rewritten per `flags`.
pub fn prepare_text(
    input: &ProgramInput,
    environment: &ProgramEnvironment,
    functions: &[(u32, u64)],
) -> Vec<u8> {
    let mut text = input.text.clone();
    let count = text.len() / 8;
    let redirect = input.flags & 4 != 0;
    let dump = input.flags & 2 != 0;
    let names = crate::syscall_names(environment);
    let hashes: Vec<u32> = names.iter().map(|n| symbol_hash(n.as_bytes())).collect();
    let entry = symbol_hash(b"entrypoint");
    let epilogue_pc = count;
    let mut pc = 0;
    while pc < count {
        let slot = &mut text[pc * 8..pc * 8 + 8];
        match slot[0] {
            0x18 => {
                pc += 2;
                continue;
            }
            0x85 if redirect && slot[1] >> 4 == 0 => {
                let imm = u32::from_le_bytes(slot[4..8].try_into().unwrap());
                let known = imm == entry
                    || hashes.contains(&imm)
                    || functions.iter().any(|(k, _)| *k == imm);
                if !known && !hashes.is_empty() {
                    let target = hashes[imm as usize % hashes.len()];
                    slot[4..8].copy_from_slice(&target.to_le_bytes());
                }
            }
            0x95 if dump => {
                let off = (epilogue_pc - pc - 1) as i16;
                slot.copy_from_slice(&insn(0x05, 0, 0, off, 0));
            }
            _ => {}
        }
        pc += 1;
    }
    if dump {
        text.extend(dump_epilogue());
    }
    text
}

/// Everything observable after one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub result: Result<u64, String>,
    pub pc: u64,
    pub frame_count: u64,
    pub compute_units: u64,
    pub remaining: u64,
    pub stack: Vec<u8>,
    pub heap: Vec<u8>,
    pub regions: Vec<(u64, Vec<u8>, bool)>,
    pub logs: Vec<String>,
    pub return_data: (Pubkey, Vec<u8>),
    pub accounts: Vec<(Pubkey, sbfvm_runtime::AccountSharedData)>,
}

impl Observation {
    pub fn budget_exhausted(&self) -> bool {
        self.result
            .as_ref()
            .err()
            .is_some_and(|e| e.contains("ExceededMaxInstructions"))
    }
}

/// A prepared run: environment, text, functions, and how to build memory and context.
pub struct Prepared {
    pub input: ProgramInput,
    pub environment: std::rc::Rc<ProgramEnvironment>,
    pub text: Vec<u8>,
    pub functions: Vec<(u32, u64)>,
}

pub fn prepare(data: &[u8]) -> Option<Prepared> {
    let input = ProgramInput::decode(data);
    if input.text.is_empty() {
        return None;
    }
    let environment = crate::environment(input.toggles, input.flags & 1 == 0);
    let functions: Vec<(u32, u64)> = input
        .functions
        .iter()
        .map(|&pc| (pc_hash(u64::from(pc)), u64::from(pc)))
        .collect();
    let text = prepare_text(&input, &environment, &functions);
    Some(Prepared {
        input,
        environment,
        text,
        functions,
    })
}

/// Prepares `data` and runs it in the interpreter, then in `second`: `None` when there is no
/// text or the interpreter run does not happen (see [`run`]); the second run is `None` when
/// it does not happen (for the JIT, also when the program does not compile).
pub fn run_interpreter_then(
    data: &[u8],
    second: ExecutionMode,
) -> Option<(Observation, Option<Observation>)> {
    let prepared = prepare(data)?;
    let first = run(&prepared, ExecutionMode::Interpreter)?;
    Some((first, run(&prepared, second)))
}

/// The invoke context, guest memory and serialization metadata of one run.
type RunSetup = (InvokeContext, HarnessMemory, Vec<SerializedAccountMetadata>);

fn context_and_memory(input: &ProgramInput) -> RunSetup {
    let features = crate::features(input.toggles);
    let cu = u64::from(input.cu).min(MAX_CU);
    let caller = caller_id();
    let mut accounts = Vec::new();
    let mut instruction_accounts = Vec::new();
    if input.flags & 8 != 0 {
        for (i, &(lamports, len, owner, bits)) in input.accounts.iter().enumerate() {
            let owner = match owner % 4 {
                0 => caller,
                1 => stub_id(),
                2 => other_id(),
                _ => system_program::id(),
            };
            accounts.push((
                key(i as u8 + 1),
                account(
                    u64::from(lamports),
                    vec![i as u8; len as usize],
                    owner,
                    false,
                ),
            ));
            instruction_accounts.push(InstructionAccount {
                index_in_transaction: i as u16,
                is_signer: bits & 1 != 0,
                is_writable: bits & 2 != 0,
            });
        }
    }
    let base = accounts.len() as u16;
    accounts.push((stub_id(), account(1, vec![], native_loader::id(), true)));
    accounts.push((
        system_program::id(),
        account(1, vec![], native_loader::id(), true),
    ));
    accounts.push((
        caller,
        account(1, vec![], bpf_loader_upgradeable::id(), true),
    ));
    for offset in 0..2 {
        instruction_accounts.push(InstructionAccount {
            index_in_transaction: base + offset,
            is_signer: false,
            is_writable: false,
        });
    }
    let mut invoke_context = crate::invoke_context(accounts, features, cu);
    invoke_context
        .transaction_context
        .configure_top_level(vec![InstructionFrame::new(
            base + 2,
            instruction_accounts,
            vec![9; 3],
        )]);
    invoke_context.push(None).expect("push the top-level frame");

    let heap_len =
        (input.heap_len as usize).clamp(if input.flags & 2 != 0 { DUMP_LEN } else { 0 }, MAX_HEAP);
    let mut memory = HarnessMemory::new(&[], STACK_LEN, heap_len);
    memory.write_prefixes(&input.stack_prefix, &input.heap_prefix);
    let mut metadata = Vec::new();
    if input.flags & 8 != 0 {
        let serialized = memory
            .serialize_input(&invoke_context.transaction_context, InputAbi::Aligned)
            .expect("serialize fuzz accounts");
        metadata = serialized.accounts;
    } else {
        for (writable, bytes) in &input.regions {
            memory.push_input_region(bytes, *writable);
        }
    }
    (invoke_context, memory, metadata)
}

/// Runs a prepared program once; `None` when it does not verify (or compile, for the JIT)
/// or its memory cannot be mapped.
pub fn run(prepared: &Prepared, mode: ExecutionMode) -> Option<Observation> {
    let input = &prepared.input;
    let jit = mode == ExecutionMode::Jit;
    let program = TextProgram::new(
        &prepared.environment,
        &prepared.text,
        u64::from(input.entry_pc),
        &prepared.functions,
        jit,
    )
    .ok()?;
    let (mut invoke_context, mut memory, metadata) = context_and_memory(input);
    let read_only = crate::ReadOnlyMemory::of(&memory);
    crate::STUB_OPS
        .with(|ops| *ops.borrow_mut() = input.heap_prefix.iter().take(16).copied().collect());
    let frame = FrameSetup {
        accounts_metadata: metadata,
        ..FrameSetup::aligned(caller_id())
    };
    let initial = invoke_context.remaining();
    let before_lamports = crate::total_lamports(&invoke_context);
    let outcome: RunOutcome = run_program(
        &prepared.environment,
        &program,
        &mut memory,
        &mut invoke_context,
        &frame,
        entry_registers(input.registers),
        mode,
    )
    .ok()?;
    let remaining = invoke_context.remaining();
    assert!(remaining <= initial, "the meter grew");
    assert_eq!(
        outcome.compute_units,
        initial - remaining,
        "compute units reported {} but the meter moved {}",
        outcome.compute_units,
        initial - remaining
    );
    // A successful run conserves lamports. A failed one need not leave them as they were:
    // a CPI first syncs the caller's own (possibly unbalanced) lamport writes into the
    // accounts and only then fails with UnbalancedInstruction, exactly as Agave does; the
    // transaction's rollback restores them (the robustness tests check that), and this
    // harness has no transaction around the run.
    if outcome.result.is_ok() {
        assert_eq!(
            crate::total_lamports(&invoke_context),
            before_lamports,
            "lamports changed in a successful run"
        );
    }
    read_only.assert_unchanged(&memory);
    let return_data = invoke_context.transaction_context.return_data();
    Some(Observation {
        result: outcome.result.map_err(|fault| format!("{fault:?}")),
        pc: outcome.pc,
        frame_count: outcome.frame_count,
        compute_units: outcome.compute_units,
        remaining,
        stack: memory.stack().to_vec(),
        heap: memory.heap().to_vec(),
        regions: memory
            .input_regions()
            .iter()
            .map(|view| (view.vm_addr, view.content.to_vec(), view.writable))
            .collect(),
        logs: invoke_context.logs().to_vec(),
        return_data: (return_data.program_id, return_data.data.clone()),
        accounts: invoke_context.transaction_context.accounts_snapshot(),
    })
}

/// The interpreter and the JIT must agree on everything observable. When the budget runs
/// out, the JIT stops at its next meter checkpoint, so only the result and the meter are
/// compared then.
pub fn assert_same(interpreter: &Observation, jit: &Observation) {
    assert_eq!(interpreter.result, jit.result, "result differs");
    assert_eq!(
        interpreter.remaining, jit.remaining,
        "remaining compute units differ"
    );
    if interpreter.budget_exhausted() {
        return;
    }
    assert_eq!(
        interpreter.compute_units, jit.compute_units,
        "compute units differ"
    );
    assert_eq!(interpreter.pc, jit.pc, "pc differs");
    assert_eq!(
        interpreter.frame_count, jit.frame_count,
        "frame count differs"
    );
    assert!(
        interpreter.heap == jit.heap,
        "heap differs (register dump included)"
    );
    assert!(interpreter.stack == jit.stack, "stack differs");
    assert!(interpreter.regions == jit.regions, "input regions differ");
    assert_eq!(interpreter.logs, jit.logs, "logs differ");
    assert_eq!(
        interpreter.return_data, jit.return_data,
        "return data differs"
    );
    assert_eq!(interpreter.accounts, jit.accounts, "accounts differ");
}
