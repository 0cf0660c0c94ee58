//! Runtime profiles of one frame: the interpreter run one instruction at a time, reading
//! the compute meter and the call depth after every step, so that each unit lands on the
//! function (named by its entry pc) that spent it and each syscall's charge on its call
//! site.
//!
//! Why the interpreter: solana-sbpf 0.26 has no run-time tracing switch for the JIT. Its
//! only JIT hook is the `tracer` cargo feature, which compiles a call into every
//! instruction of every program (unprofiled runs included) and records registers only,
//! not the meter; its `ContextObject` has no per-instruction callback. Stepping the
//! interpreter gives the exact meter after each instruction, and units are the same in
//! both modes.

use solana_sbpf::{
    ebpf,
    elf::Executable,
    error::ProgramResult,
    interpreter::Interpreter,
    vm::{CallFrame, ContextObject, EbpfVm},
};

use crate::context::VmContext;

/// What a profile node stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileNodeKind {
    /// A function of the program, by the pc (instruction index in the text) it was entered at.
    Function {
        /// Instruction index of the function's first instruction.
        entry_pc: u64,
    },
    /// A syscall called from the parent function.
    Syscall {
        /// The syscall's registered name.
        name: String,
    },
}

/// One node of a frame's call tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileNode {
    /// What the node stands for.
    pub kind: ProfileNodeKind,
    /// The calling node; `None` for the root (the entrypoint).
    pub parent: Option<usize>,
    /// Units spent here and not in a child: a function's executed instructions (1 CU
    /// each), or a syscall's charges (a CPI's including its callee).
    pub units: u64,
    /// Times this node was entered (calls of the function or the syscall from this site).
    pub calls: u64,
    /// The node's children, by index in [`FrameProfile::nodes`].
    pub children: Vec<usize>,
}

/// The call tree of one frame's VM run, with every unit the run consumed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameProfile {
    /// `nodes[0]` is the entrypoint; the others hang below it through `parent`.
    pub nodes: Vec<ProfileNode>,
    /// Each CPI syscall call in call order: its node and the units it charged (the
    /// callee's included), so callers can hang the callee frames under their call site.
    pub cpi_calls: Vec<(usize, u64)>,
    /// Executed instructions that consumed a unit (the last one of a run that ran out of
    /// units consumes none).
    pub instructions: u64,
}

impl FrameProfile {
    fn new(entry_pc: u64) -> Self {
        Self {
            nodes: vec![ProfileNode {
                kind: ProfileNodeKind::Function { entry_pc },
                parent: None,
                units: 0,
                calls: 1,
                children: Vec::new(),
            }],
            cpi_calls: Vec::new(),
            instructions: 0,
        }
    }

    /// The child of `parent` of this kind, created when missing, entered once more.
    fn enter(&mut self, parent: usize, kind: ProfileNodeKind) -> usize {
        let found = self.nodes[parent]
            .children
            .iter()
            .copied()
            .find(|&child| self.nodes[child].kind == kind);
        let node = found.unwrap_or_else(|| {
            let node = self.nodes.len();
            self.nodes.push(ProfileNode {
                kind,
                parent: Some(parent),
                units: 0,
                calls: 0,
                children: Vec::new(),
            });
            self.nodes[parent].children.push(node);
            node
        });
        self.nodes[node].calls += 1;
        node
    }

    /// Units of all nodes: what the VM run consumed.
    pub fn total_units(&self) -> u64 {
        self.nodes.iter().map(|node| node.units).sum()
    }
}

/// Runs `executable` in the interpreter one instruction at a time, as
/// `EbpfVm::execute_program` does in interpreter mode; after every step `on_step` sees the
/// VM (its meter and call depth), the pc of the executed instruction and the registers
/// after it. Returns the units the run consumed, its result and the final registers.
pub(crate) fn step_through(
    vm: &mut EbpfVm<'_, VmContext>,
    executable: &Executable<VmContext>,
    call_frames: &mut [CallFrame],
    mut on_step: impl FnMut(&mut EbpfVm<'_, VmContext>, u64, &[u64; 12]),
) -> (u64, ProgramResult, [u64; 12]) {
    vm.registers[11] = executable.get_entrypoint_instruction_offset() as u64;
    let initial = vm.context().get_remaining();
    vm.previous_instruction_meter = initial;
    vm.due_insn_count = 0;
    vm.program_result = ProgramResult::Ok(0);
    let mut registers = vm.registers;
    loop {
        let pc = registers[11];
        // The interpreter keeps its state in the VM, the call frames and the registers,
        // so one per step runs exactly as one for the whole run, and lets the VM be read
        // between steps.
        let mut interpreter = Interpreter::new(vm, executable, registers, call_frames);
        let running = interpreter.step();
        registers = interpreter.reg;
        on_step(vm, pc, &registers);
        if !running {
            break;
        }
    }
    vm.registers[11] = registers[11];
    let due = vm.due_insn_count;
    let context = vm.context();
    context.consume(due);
    let units = initial.saturating_sub(context.get_remaining());
    let result = std::mem::replace(&mut vm.program_result, ProgramResult::Ok(0));
    (units, result, registers)
}

/// Names of the CPI syscalls, whose charge includes the callee frame.
const CPI_SYSCALLS: [&str; 2] = ["sol_invoke_signed_c", "sol_invoke_signed_rust"];

/// The syscall a `call imm` at `pc` calls, if it is one (an internal call is not).
fn syscall_at(executable: &Executable<VmContext>, pc: u64) -> Option<String> {
    let (_, text) = executable.get_text_bytes();
    let offset = usize::try_from(pc).ok()?.checked_mul(ebpf::INSN_SIZE)?;
    let instruction = text.get(offset..offset.checked_add(ebpf::INSN_SIZE)?)?;
    if instruction[0] != ebpf::CALL_IMM {
        return None;
    }
    let src = instruction[1] >> 4;
    if executable.get_sbpf_version().static_syscalls() && src != 0 {
        return None;
    }
    let key = u32::from_le_bytes(instruction[4..8].try_into().ok()?);
    let (name, _) = executable
        .get_loader()
        .get_function_registry()
        .lookup_by_key(key)?;
    Some(String::from_utf8_lossy(name).into_owned())
}

/// Runs the frame as [`step_through`] does and builds its profile: after each step the
/// units it consumed (the meter's drop plus the instructions not yet charged) go to the
/// current function, a syscall's beyond the instruction's own unit to its node; a rise in
/// call depth enters the function at the new pc, a fall returns to the caller.
pub(crate) fn profile_run(
    vm: &mut EbpfVm<'_, VmContext>,
    executable: &Executable<VmContext>,
    call_frames: &mut [CallFrame],
) -> (u64, ProgramResult, FrameProfile) {
    let initial = vm.context().get_remaining();
    let mut profile = FrameProfile::new(executable.get_entrypoint_instruction_offset() as u64);
    let mut current = 0;
    let mut consumed = 0u64;
    let mut depth = vm.call_depth;
    let (units, result, _) = step_through(vm, executable, call_frames, |vm, pc, registers| {
        let now = initial.saturating_sub(vm.context().get_remaining()) + vm.due_insn_count;
        let spent = now.saturating_sub(consumed);
        consumed = now;
        // Every instruction but one that found the meter empty costs its unit.
        let own = spent.min(1);
        profile.nodes[current].units += own;
        profile.instructions += own;
        let new_depth = vm.call_depth;
        if new_depth > depth {
            let kind = ProfileNodeKind::Function {
                entry_pc: registers[11],
            };
            current = profile.enter(current, kind);
        } else if new_depth < depth {
            current = profile.nodes[current].parent.unwrap_or(0);
        } else if let Some(name) = syscall_at(executable, pc) {
            let is_cpi = CPI_SYSCALLS.contains(&name.as_str());
            let node = profile.enter(current, ProfileNodeKind::Syscall { name });
            let charge = spent - own;
            profile.nodes[node].units += charge;
            if is_cpi {
                profile.cpi_calls.push((node, charge));
            }
        }
        depth = new_depth;
    });
    (units, result, profile)
}
