//! Syscalls the JIT runs without calling them ([`crate::JitInline`]).
//!
//! A syscall call from compiled code goes through solana-sbpf's external-call routine: the
//! instruction meter is synchronised into the context, the caller-saved registers are
//! saved, the Rust adapter charges the units, records the usage and stores the result, and
//! everything is undone again — about 9 ns for a syscall that only returns a number.
//! solana-sbpf 0.26 lets a syscall emit its own code at each call site
//! (`BuiltinFunctionDefinition::codegen`); for `sol_get_stack_height` that code charges
//! the units on the JIT's instruction-meter register, counts the call and loads the
//! answer, all from [`InlineStackHeight`] in the frame's [`VmContext`]:
//!
//! ```text
//!         mov   r11, [rdi + context_object_pointer]
//!         cmp   [r11 + threshold], r10          ; enough units whatever the pc?
//!         ja    slow
//!         sub   r10, [r11 + cost]               ; charge, as the meter's next sync will see
//!         add   qword [r11 + calls], 1
//!         mov   rax, [r11 + value]              ; r0 = the stack height
//!         (no-ops up to a fixed length)
//!         jmp   done
//! slow:   the usual external call of the syscall
//!         (no-ops up to a fixed length)
//! done:
//! ```
//!
//! The JIT's meter register holds the highest pc the remaining units reach, so the units
//! left after the calling instruction are `r10 - pc - 1`; the fast path is taken only when
//! `r10` is at least the program's instruction count plus the cost, which covers the charge
//! at any pc. Everything else — the first call (which records the usage entry, keeping
//! first-call order), too few units (the syscall's own error), timed syscalls — takes the
//! slow path, the syscall itself. Units charged on the register reach the invoke context's
//! meter at the next synchronisation exactly as the syscall's charge would, so results,
//! compute units and logs are the interpreter's; the inline calls are added to the usage
//! record when the run ends ([`VmContext::take_syscall_usage`]).
//!
//! Code lengths: each block is emitted without the JIT's random no-op insertion (through
//! `X86Instruction::emit`) or measured after emission, then padded to a fixed length, so
//! the forward jumps over them are known before they are emitted.

use std::mem::offset_of;

use solana_sbpf::jit::{
    OperandSize, REGISTER_INSTRUCTION_METER, REGISTER_MAP, REGISTER_PTR_TO_VM, REGISTER_SCRATCH,
};
use solana_sbpf::program::{BuiltinFunction, JitCompiler};
use solana_sbpf::vm::RuntimeEnvironmentSlot;
use solana_sbpf::x86::{X86IndirectAccess, X86Instruction};

use crate::context::{InlineStackHeight, VmContext};

/// Bytes the fast path's body (charge, count, load) is padded to.
const FAST_BODY_BYTES: usize = 32;
/// Bytes of `jmp rel32`.
const JUMP_BYTES: usize = 5;
/// Bytes the slow path (solana-sbpf's external call, with its random no-ops) is padded to.
const SLOW_PATH_BYTES: usize = 48;
/// An anchor every compilation sets before the program's instructions (the external-call
/// routine), used only to measure how far emission has advanced.
const REFERENCE_ANCHOR: usize = 12;
/// `nop`.
const NOP: u8 = 0x90;
/// `ja rel32` (jump if above, unsigned).
const JUMP_IF_ABOVE: u8 = 0x87;

/// Emits `sol_get_stack_height` at the current call site; `slow` is the syscall's adapter.
pub(crate) fn emit_stack_height(
    jit: &mut JitCompiler<VmContext>,
    slow: BuiltinFunction<VmContext>,
) {
    let field = |offset: usize| {
        X86IndirectAccess::Offset((offset_of!(VmContext, inline_stack_height) + offset) as i32)
    };
    let context =
        X86IndirectAccess::Offset(jit.slot_in_vm(RuntimeEnvironmentSlot::ContextObjectPointer));
    let result = REGISTER_MAP[0];
    X86Instruction::load(
        OperandSize::S64,
        REGISTER_PTR_TO_VM,
        REGISTER_SCRATCH,
        context,
    )
    .emit(jit);
    // Flags of `threshold - meter`: above means too few units for the fast path.
    X86Instruction::cmp(
        OperandSize::S64,
        REGISTER_INSTRUCTION_METER,
        REGISTER_SCRATCH,
        Some(field(offset_of!(InlineStackHeight, threshold))),
    )
    .emit(jit);
    X86Instruction::conditional_jump_immediate(
        JUMP_IF_ABOVE,
        (FAST_BODY_BYTES + JUMP_BYTES) as i32,
    )
    .emit(jit);

    let body_start = position(jit);
    X86Instruction::alu(
        OperandSize::S64,
        0x2b, // sub r64, r/m64
        REGISTER_INSTRUCTION_METER,
        REGISTER_SCRATCH,
        Some(field(offset_of!(InlineStackHeight, cost))),
    )
    .emit(jit);
    X86Instruction::alu_immediate(
        OperandSize::S64,
        0x81,
        0, // add r/m64, imm32
        REGISTER_SCRATCH,
        1,
        Some(field(offset_of!(InlineStackHeight, calls))),
    )
    .emit(jit);
    X86Instruction::load(
        OperandSize::S64,
        REGISTER_SCRATCH,
        result,
        field(offset_of!(InlineStackHeight, value)),
    )
    .emit(jit);
    pad_to(jit, body_start, FAST_BODY_BYTES);
    X86Instruction::jump_immediate(SLOW_PATH_BYTES as i32).emit(jit);

    let slow_start = position(jit);
    jit.emit_external_call(slow);
    pad_to(jit, slow_start, SLOW_PATH_BYTES);
}

/// Where emission is, as a distance from a fixed anchor (only differences mean anything).
fn position(jit: &JitCompiler<VmContext>) -> i64 {
    -i64::from(jit.relative_to_anchor(REFERENCE_ANCHOR, 0))
}

/// Fills with no-ops from `start` up to `bytes` bytes; a block longer than that would break
/// the jumps over it, which the tests would catch, so it stops compilation loudly.
fn pad_to(jit: &mut JitCompiler<VmContext>, start: i64, bytes: usize) {
    let used = (position(jit) - start) as usize;
    assert!(
        used <= bytes,
        "inline syscall block of {used} bytes exceeds its {bytes}-byte slot"
    );
    for _ in used..bytes {
        jit.emit::<u8>(NOP);
    }
}
