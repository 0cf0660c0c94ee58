//! `sol_compat_vm_interp_v1`: raw SBPF v0 text with stubbed syscalls, run once from
//! `entry_pc` with the meter at `cu_avail`. Mirrors the reference harness, solfuzz-agave
//! `270ca6d`, `src/vm_interp.rs`, where the Dec-2024 fixtures agree with it; where they do
//! not (the codes -2 and 18, the right-trimmed stack, r1..r10 in the effects), Firedancer's
//! harness of the same date (`src/flamenco/runtime/tests/fd_vm_test.c`) decides.

use std::rc::Rc;

use sbfvm_runtime::{FeatureSet, InvokeContext};
use sbfvm_syscalls::SYSCALL_NAMES;
use sbfvm_test_support::{
    pc_hash, run_program, stub_syscall_environment, symbol_hash, FrameSetup, HarnessMemory,
    RunOutcome, TextProgram, INPUT_START, STACK_START,
};
use sbfvm_vm::{ExecutionMode, LoadError, ProgramEnvironment};

use super::compare::{ErrorCode, Row, Value};
use super::errors::{vm_interp_code, vm_interp_label};
use super::harness::{HarnessResult, NoEffects, Options};
use super::proto;
use super::setup::{self, EffectsField, EnvironmentCache, VmFixture};

/// Verifier rejection.
const REJECTED: i64 = -2;
/// Budget exhausted.
const SIGCOST: i64 = 16;

/// The order vm_interp's effects are compared in, after `error`: the meter and where
/// execution stopped first, then registers, then memory.
const COMPARISON_ORDER: &[EffectsField] = &[
    EffectsField::CuAvail,
    EffectsField::Pc,
    EffectsField::FrameCount,
    EffectsField::R0,
    EffectsField::R1ToR10,
    EffectsField::Heap,
    EffectsField::Stack,
    EffectsField::InputDataRegions,
    EffectsField::Rodata,
    EffectsField::Log,
    EffectsField::Inputdata,
];

/// One run's effects with the error code (and its label) sbfvm produced.
type Produced = (proto::SyscallEffects, ErrorCode);

pub(super) fn run(
    bytes: &[u8],
    options: &Options,
    environments: &mut EnvironmentCache,
) -> HarnessResult {
    let fixture = VmFixture::decode(bytes)?;
    fixture.require_sbpf_v0()?;
    let features = setup::features(&fixture.instr);
    let direct_mapping = features.virtual_address_space_adjustments();
    let environment = environments.get_or_build("vm_interp", direct_mapping, || {
        stub_syscall_environment(setup::v0_options(direct_mapping, false), &SYSCALL_NAMES)
            .expect("the stub syscall environment builds")
    });
    let produce_in = |mode| produce(environment, &fixture, &features, mode);
    let produced = match options.mode {
        ExecutionMode::Interpreter => {
            produce_in(ExecutionMode::Interpreter).map(|produced| (produced, None))
        }
        ExecutionMode::Jit => {
            let jit = produce_in(ExecutionMode::Jit);
            let interpreted = produce_in(ExecutionMode::Interpreter);
            jit.and_then(|jit| interpreted.map(|interpreted| reconcile(jit, interpreted)))
        }
    };
    let ((got, got_error), disagreement) = produced.map_err(NoEffects::NoOutput)?;
    let expected = &fixture.expected;
    let expected_error = ErrorCode {
        kind: expected.error_kind,
        code: expected.error,
        label: vm_interp_label(expected.error).to_string(),
    };
    let errors = (expected_error, got_error);
    let mut rows = setup::syscall_effects_rows(expected, &got, errors, COMPARISON_ORDER);
    if let Some(text) = disagreement {
        let agree = Value::Text("agree".into());
        rows.push(Row::new("jit_vs_interpreter", agree, Value::Text(text)));
    }
    Ok(rows)
}

/// The JIT run's effects, with r1..r10 taken from the interpreter run when both succeeded
/// (compiled code does not hand registers back), and any remaining disagreement between the
/// two runs, described.
fn reconcile(jit: Produced, interpreted: Produced) -> (Produced, Option<String>) {
    let ((mut jit, jit_error), (interpreted, _)) = (jit, interpreted);
    if jit.error == 0 && interpreted.error == 0 {
        jit.set_r1_to_r10(interpreted.r1_to_r10());
    }
    let disagreement = (jit != interpreted).then(|| {
        format!(
            "jit error {} pc {} cu {}, interpreter error {} pc {} cu {}",
            jit.error,
            jit.pc,
            jit.cu_avail,
            interpreted.error,
            interpreted.pc,
            interpreted.cu_avail
        )
    });
    ((jit, jit_error), disagreement)
}

/// One run of the fixture's text in `mode`: set up memory, load the text, run it, collect
/// the effects. An error when the harness produces no output for the input.
fn produce(
    environment: &ProgramEnvironment,
    fixture: &VmFixture,
    features: &FeatureSet,
    mode: ExecutionMode,
) -> Result<Produced, String> {
    let (vm, instr) = (&fixture.vm, &fixture.instr);
    let mut memory = setup::memory(vm, fixture.invocation.as_ref())?;
    let Some((program, mode)) = load_text(environment, vm, mode)? else {
        let effects = proto::SyscallEffects {
            error: REJECTED,
            ..Default::default()
        };
        return Ok((
            effects,
            error_code(REJECTED, vm_interp_label(REJECTED).into()),
        ));
    };
    let mut invoke_context = setup::invoke_context(
        Vec::new(),
        setup::budget(instr.cu_avail),
        features.clone(),
        setup::sysvars(&[]),
        Rc::new(setup::NoPrograms),
        Vec::new(),
    );
    let outcome = execute_text(
        environment,
        &program,
        &mut memory,
        &mut invoke_context,
        fixture,
        mode,
    )?;
    Ok(collect_effects(&outcome, &memory, &invoke_context, vm))
}

/// The fixture's text, verified, and the mode it runs in: the JIT when asked and it can
/// compile the text, else the interpreter. `None` when the verifier (or the loader) rejects
/// the text.
fn load_text(
    environment: &ProgramEnvironment,
    vm: &proto::VmContext,
    mode: ExecutionMode,
) -> Result<Option<(TextProgram, ExecutionMode)>, String> {
    let interpreter_functions = functions(vm, ExecutionMode::Interpreter);
    // A `call` past the end of the text (Firedancer's SIGTEXT) has no JIT encoding: such a
    // program runs in the interpreter even in JIT mode, where the two would otherwise
    // differ only because the JIT cannot express the call.
    let jit = mode == ExecutionMode::Jit
        && functions(vm, ExecutionMode::Jit).len() == interpreter_functions.len();
    let load = |functions: &[(u32, u64)], jit| {
        TextProgram::new(environment, &vm.rodata, vm.entry_pc, functions, jit)
    };
    let mut loaded = load(&interpreter_functions, jit).map(|program| (program, jit));
    if jit && matches!(loaded, Err(LoadError::Jit(_))) {
        // The reference has no JIT: text the compiler cannot take runs interpreted.
        loaded = load(&interpreter_functions, false).map(|program| (program, false));
    }
    match loaded {
        Ok((program, true)) => Ok(Some((program, ExecutionMode::Jit))),
        Ok((program, false)) => Ok(Some((program, ExecutionMode::Interpreter))),
        Err(LoadError::Verifier(_) | LoadError::Elf(_) | LoadError::Jit(_)) => Ok(None),
        Err(other) => Err(other.to_string()),
    }
}

/// Runs the loaded text from its entry point with the fixture's registers, except r1 (the
/// input region) and r10 (the top of the first stack frame), which the VM sets.
fn execute_text(
    environment: &ProgramEnvironment,
    program: &TextProgram,
    memory: &mut HarnessMemory,
    invoke_context: &mut InvokeContext,
    fixture: &VmFixture,
    mode: ExecutionMode,
) -> Result<RunOutcome, String> {
    let frame = FrameSetup::aligned(setup::pubkey(&fixture.instr.program_id).unwrap_or_default());
    let mut registers = fixture.vm.r0_to_r10();
    registers[1] = INPUT_START;
    registers[10] = STACK_START + 4096;
    run_program(
        environment,
        program,
        memory,
        invoke_context,
        &frame,
        registers,
        mode,
    )
    .map_err(|error| error.to_string())
}

/// The effects of a run: only the error, meter and call depth when the budget ran out,
/// everything else otherwise (registers on success only).
fn collect_effects(
    outcome: &RunOutcome,
    memory: &HarnessMemory,
    invoke_context: &InvokeContext,
    vm: &proto::VmContext,
) -> Produced {
    let (error, label) = match &outcome.result {
        Ok(_) => (0, "ok".to_string()),
        Err(fault) => {
            let (error, label) = vm_interp_code(fault);
            (error, format!("{label} ({fault:?})"))
        }
    };
    let mut effects = proto::SyscallEffects {
        error,
        cu_avail: invoke_context.remaining(),
        frame_count: outcome.frame_count,
        ..Default::default()
    };
    if error != SIGCOST {
        effects.pc = outcome.pc;
        effects.heap = memory.heap().to_vec();
        effects.stack = setup::trim_trailing_zeros(memory.stack()).to_vec();
        effects.rodata = vm.rodata.clone();
        effects.input_data_regions = setup::regions_of(memory);
        if let Ok(r0) = outcome.result {
            effects.r0 = r0;
            if let Some(registers) = outcome.registers {
                effects.set_r1_to_r10(registers[1..].try_into().expect("ten registers"));
            }
        }
    }
    (effects, error_code(error, label))
}

fn error_code(error: i64, label: String) -> ErrorCode {
    ErrorCode {
        kind: 0,
        code: error,
        label,
    }
}

/// Inverse of [`pc_hash`] for pcs below 2^32: murmur3_32 of an 8-byte key whose upper
/// half is zero is a bijection on the lower half.
pub(super) fn pc_hash_inverse(hash: u32) -> u64 {
    fn inverse(a: u32) -> u32 {
        let mut x = a;
        for _ in 0..5 {
            x = x.wrapping_mul(2u32.wrapping_sub(a.wrapping_mul(x)));
        }
        x
    }
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    const E: u32 = 0xe654_6b64;
    let mut h = hash;
    h ^= h >> 16;
    h = h.wrapping_mul(inverse(0xc2b2_ae35));
    h ^= (h >> 13) ^ (h >> 26);
    h = h.wrapping_mul(inverse(0x85eb_ca6b));
    h ^= h >> 16;
    h ^= 8;
    for _ in 0..2 {
        h = h.wrapping_sub(E).wrapping_mul(inverse(5));
        h = h.rotate_right(13);
    }
    let mut k = h.wrapping_mul(inverse(C2));
    k = k.rotate_right(15);
    k = k.wrapping_mul(inverse(C1));
    u64::from(k)
}

/// Internal functions: the whitelisted pcs and, for the interpreter, every `call imm`
/// target whose hash names a pc past the end of the text (Firedancer's SIGTEXT rule in
/// `fd_vm_test.c`: the call pushes a frame, then fails outside the text). The JIT cannot
/// compile calls outside the text, so in JIT mode those calls stay unresolved (SIGILL).
fn functions(vm: &proto::VmContext, mode: ExecutionMode) -> Vec<(u32, u64)> {
    let mut functions = Vec::new();
    for (byte_index, byte) in vm.call_whitelist.iter().enumerate() {
        for bit in 0..8 {
            if byte & (1 << bit) != 0 {
                let pc = (byte_index * 8 + bit) as u64;
                functions.push((pc_hash(pc), pc));
            }
        }
    }
    if mode == ExecutionMode::Jit {
        return functions;
    }
    let text_count = (vm.rodata.len() / 8) as u64;
    let entry_key = symbol_hash(b"entrypoint");
    for instruction in vm.rodata.chunks_exact(8) {
        const CALL_IMM: u8 = 0x85;
        if instruction[0] != CALL_IMM {
            continue;
        }
        let key = u32::from_le_bytes(instruction[4..8].try_into().expect("4 bytes"));
        if key == entry_key
            || functions.iter().any(|(k, _)| *k == key)
            || SYSCALL_NAMES
                .iter()
                .any(|name| symbol_hash(name.as_bytes()) == key)
        {
            continue;
        }
        let pc = pc_hash_inverse(key);
        // A hash naming exactly `text_count` is SIGILL in the fixtures (ix_85_d88dbe22…),
        // one naming a pc past it SIGTEXT (ix_85_11ffdd77…).
        if pc > text_count {
            functions.push((key, pc));
        }
    }
    functions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pc_hash_inverse_round_trips() {
        for pc in [0u64, 1, 7, 1234, 65_535, 1 << 20, u32::MAX as u64] {
            assert_eq!(pc_hash_inverse(pc_hash(pc)), pc);
        }
    }
}
