//! `sol_compat_vm_interp_v1` (conformance-format §5.1): raw SBPF v0 text with stubbed
//! syscalls, run once from `entry_pc` with the meter at `cu_avail`.

use std::rc::Rc;

use prost::Message;
use sbfvm_syscalls::SYSCALL_NAMES;
use sbfvm_test_support::{
    entry_registers, pc_hash, run_program, stub_syscall_environment, symbol_hash, FrameSetup,
    RunOutcome, TextProgram,
};
use sbfvm_vm::{ExecutionMode, LoadError, ProgramEnvironment};

use super::compare::{ErrorCode, Row, Value};
use super::errors::{vm_interp_code, vm_interp_label};
use super::proto;
use super::setup::{self, Caches, EffectsOrder};
use super::{Options, Outcome};

/// Verifier rejection.
const REJECTED: i64 = -2;
/// Budget exhausted.
const SIGCOST: i64 = 16;

pub(super) fn run(bytes: &[u8], options: &Options, caches: &mut Caches) -> Outcome {
    let fixture = match proto::SyscallFixture::decode(bytes) {
        Ok(fixture) => fixture,
        Err(error) => return Outcome::Skip(format!("undecodable SyscallFixture: {error}")),
    };
    let input = fixture.input.unwrap_or_default();
    let vm = input.vm_ctx.unwrap_or_default();
    let instr = input.instr_ctx.unwrap_or_default();
    let expected = fixture.output.unwrap_or_default();
    if vm.sbpf_version != 0 {
        return Outcome::Skip(format!(
            "sbpf_version {} (only SBPF v0 fixtures are run)",
            vm.sbpf_version
        ));
    }
    let features = setup::features(&instr);
    let direct_mapping = features.virtual_address_space_adjustments();
    let environment = caches.vm_interp.entry(direct_mapping).or_insert_with(|| {
        stub_syscall_environment(setup::v0_options(direct_mapping, false), &SYSCALL_NAMES)
            .expect("the stub syscall environment builds")
    });
    let produced = match options.mode {
        ExecutionMode::Interpreter => produce(
            environment,
            &vm,
            &input.syscall_invocation,
            &instr,
            &features,
            false,
        )
        .map(|(effects, error)| (effects, error, None)),
        ExecutionMode::Jit => {
            let jit = produce(
                environment,
                &vm,
                &input.syscall_invocation,
                &instr,
                &features,
                true,
            );
            let interpreted = produce(
                environment,
                &vm,
                &input.syscall_invocation,
                &instr,
                &features,
                false,
            );
            match (jit, interpreted) {
                (Ok((mut jit, error)), Ok((interpreted, _))) => {
                    // Compiled code does not hand registers back: take r1..r10 from the
                    // interpreter when both runs agree on everything else.
                    let mut disagreement = None;
                    if jit.error == 0 && interpreted.error == 0 {
                        jit.r1 = interpreted.r1;
                        jit.r2 = interpreted.r2;
                        jit.r3 = interpreted.r3;
                        jit.r4 = interpreted.r4;
                        jit.r5 = interpreted.r5;
                        jit.r6 = interpreted.r6;
                        jit.r7 = interpreted.r7;
                        jit.r8 = interpreted.r8;
                        jit.r9 = interpreted.r9;
                        jit.r10 = interpreted.r10;
                    }
                    if jit != interpreted {
                        disagreement = Some(format!(
                            "jit error {} pc {} cu {}, interpreter error {} pc {} cu {}",
                            jit.error,
                            jit.pc,
                            jit.cu_avail,
                            interpreted.error,
                            interpreted.pc,
                            interpreted.cu_avail
                        ));
                    }
                    Ok((jit, error, disagreement))
                }
                (Err(reason), _) | (_, Err(reason)) => Err(reason),
            }
        }
    };
    match produced {
        Ok((got, got_error, disagreement)) => {
            let mut rows =
                setup::syscall_effects_rows(&expected, &got, got_error, EffectsOrder::VmInterp);
            if let Some(text) = disagreement {
                rows.push(Row::new(
                    "jit_vs_interpreter",
                    Value::Text("agree".into()),
                    Value::Text(text),
                ));
            }
            Outcome::Compared(rows)
        }
        Err(reason) => no_output(reason),
    }
}

/// The harness produced nothing (the reference would have rejected the input).
pub(super) fn no_output(reason: String) -> Outcome {
    Outcome::Compared(vec![Row::new(
        "output",
        Value::Text("effects".into()),
        Value::Text(format!("no output ({reason})")),
    )])
}

fn code(error: i64) -> ErrorCode {
    ErrorCode {
        kind: 0,
        code: error,
        label: vm_interp_label(error).to_string(),
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
/// target whose hash names a pc past the end of the text (Firedancer's SIGTEXT rule,
/// §5.1 step 3: the call pushes a frame, then fails outside the text). The JIT cannot
/// compile calls outside the text, so in JIT mode those calls stay unresolved (SIGILL).
fn functions(vm: &proto::VmContext, jit: bool) -> Vec<(u32, u64)> {
    let mut functions = Vec::new();
    for (byte_index, byte) in vm.call_whitelist.iter().enumerate() {
        for bit in 0..8 {
            if byte & (1 << bit) != 0 {
                let pc = (byte_index * 8 + bit) as u64;
                functions.push((pc_hash(pc), pc));
            }
        }
    }
    if jit {
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

fn produce(
    environment: &ProgramEnvironment,
    vm: &proto::VmContext,
    invocation: &Option<proto::SyscallInvocation>,
    instr: &proto::InstrContext,
    features: &sbfvm_runtime::FeatureSet,
    jit: bool,
) -> Result<(proto::SyscallEffects, ErrorCode), String> {
    let Some(mut memory) = setup::memory(vm, invocation.as_ref()) else {
        return Err(format!("heap_max {} is above 256 KiB", vm.heap_max));
    };
    // A `call` past the end of the text (Firedancer's SIGTEXT) has no JIT encoding: such
    // a program runs in the interpreter even in JIT mode, where the two would otherwise
    // differ only because the JIT cannot express the call.
    let jit = jit && functions(vm, true).len() == functions(vm, false).len();
    let mut jit = jit;
    let mut loaded = TextProgram::new(
        environment,
        &vm.rodata,
        vm.entry_pc,
        &functions(vm, jit),
        jit,
    );
    if jit && matches!(loaded, Err(LoadError::Jit(_))) {
        // The reference has no JIT: text the compiler cannot take runs interpreted.
        jit = false;
        loaded = TextProgram::new(
            environment,
            &vm.rodata,
            vm.entry_pc,
            &functions(vm, false),
            false,
        );
    }
    let program = match loaded {
        Ok(program) => program,
        Err(LoadError::Verifier(_) | LoadError::Elf(_) | LoadError::Jit(_)) => {
            let effects = proto::SyscallEffects {
                error: REJECTED,
                ..Default::default()
            };
            return Ok((effects, code(REJECTED)));
        }
        Err(other) => return Err(other.to_string()),
    };
    let mut invoke_context = setup::invoke_context(
        Vec::new(),
        setup::budget(instr.cu_avail),
        features.clone(),
        setup::sysvars(&[]),
        Rc::new(setup::NoPrograms),
        Vec::new(),
    );
    let program_id = setup::pubkey(&instr.program_id).unwrap_or_default();
    let registers = [
        vm.r0, vm.r2, vm.r3, vm.r4, vm.r5, vm.r6, vm.r7, vm.r8, vm.r9,
    ];
    let mode = if jit {
        ExecutionMode::Jit
    } else {
        ExecutionMode::Interpreter
    };
    let outcome: RunOutcome = run_program(
        environment,
        &program,
        &mut memory,
        &mut invoke_context,
        &FrameSetup::aligned(program_id),
        entry_registers(registers),
        mode,
    )
    .map_err(|error| error.to_string())?;
    let remaining = invoke_context.remaining();
    let (error, label) = match &outcome.result {
        Ok(_) => (0, "ok"),
        Err(fault) => vm_interp_code(fault),
    };
    let got_code = ErrorCode {
        kind: 0,
        code: error,
        label: match &outcome.result {
            Err(fault) => format!("{label} ({fault:?})"),
            Ok(_) => label.to_string(),
        },
    };
    if error == SIGCOST {
        let effects = proto::SyscallEffects {
            error,
            cu_avail: remaining,
            frame_count: outcome.frame_count,
            ..Default::default()
        };
        return Ok((effects, got_code));
    }
    let mut effects = proto::SyscallEffects {
        error,
        cu_avail: remaining,
        frame_count: outcome.frame_count,
        pc: outcome.pc,
        heap: memory.heap().to_vec(),
        stack: setup::trim_trailing_zeros(memory.stack()).to_vec(),
        rodata: vm.rodata.clone(),
        input_data_regions: setup::regions_of(&memory),
        ..Default::default()
    };
    if let Ok(r0) = outcome.result {
        effects.r0 = r0;
        if let Some(registers) = outcome.registers {
            effects.r1 = registers[1];
            effects.r2 = registers[2];
            effects.r3 = registers[3];
            effects.r4 = registers[4];
            effects.r5 = registers[5];
            effects.r6 = registers[6];
            effects.r7 = registers[7];
            effects.r8 = registers[8];
            effects.r9 = registers[9];
            effects.r10 = registers[10];
        }
    }
    Ok((effects, got_code))
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
