//! Runtime profiles of one frame: the interpreter run one instruction at a time, reading
//! the compute meter and the call depth after every step, so that each unit lands on the
//! function (named by its entry pc) that spent it, counted per pc (for the inlined frames
//! DWARF places there), and each syscall's charge on its call site.
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
    /// The pc of the `call`/`callx` that entered the node; `None` for the root. A node is
    /// one callee at one call site, so that a caller can tell, by the call site's source
    /// line, which inlined function made the call.
    pub call_pc: Option<u64>,
    /// A function's [`Self::units`] by the pc that spent them, for splitting them among
    /// the functions inlined into it; empty for a syscall.
    pub pc_units: PcUnits,
}

/// Units per pc over the span of pcs a node executed: `units[i]` is pc `first_pc + i`'s.
/// A function's instructions are contiguous, so the span is about its size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PcUnits {
    /// The lowest pc counted.
    pub first_pc: u64,
    /// Units of each pc from `first_pc` on.
    pub units: Vec<u64>,
}

impl PcUnits {
    /// Counting for a function whose instructions start at its entry `pc`, where a
    /// compiler puts the entry block, so the span seldom grows downwards.
    fn starting_at(pc: u64) -> Self {
        Self {
            first_pc: pc,
            units: Vec::new(),
        }
    }

    /// Counting for `kind`'s node: a function's from its entry, a syscall's never.
    fn for_node(kind: &ProfileNodeKind) -> Self {
        match kind {
            ProfileNodeKind::Function { entry_pc } => Self::starting_at(*entry_pc),
            ProfileNodeKind::Syscall { .. } => Self::default(),
        }
    }

    /// Adds one unit to `pc`: per executed instruction, so a pc already inside the span
    /// (nearly every step) costs one bounds check.
    #[inline(always)]
    fn add_one(&mut self, pc: u64) {
        // Below `first_pc` the difference wraps to past any length.
        match self.units.get_mut(pc.wrapping_sub(self.first_pc) as usize) {
            Some(units) => *units += 1,
            None => self.add(pc, 1),
        }
    }

    /// Adds `units` to `pc` (`units` may be negative: a refund).
    fn add(&mut self, pc: u64, units: i64) {
        if self.units.is_empty() {
            self.first_pc = self.first_pc.min(pc);
        } else if pc < self.first_pc {
            let grow = usize::try_from(self.first_pc - pc).unwrap_or(usize::MAX);
            self.units.splice(0..0, std::iter::repeat_n(0, grow));
            self.first_pc = pc;
        }
        let Some(index) = usize::try_from(pc - self.first_pc).ok() else {
            return;
        };
        if index >= self.units.len() {
            // Doubling: a function's pcs are first reached one by one as it runs forward.
            let len = (index + 1).max(self.units.len() * 2).max(32);
            self.units.resize(len, 0);
        }
        self.units[index] = self.units[index].saturating_add_signed(units);
    }

    /// Each pc with the units it spent, in pc order (pcs that spent none left out).
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        (self.first_pc..)
            .zip(self.units.iter().copied())
            .filter(|&(_, units)| units > 0)
    }
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
    /// Times each pc (instruction index in the text) was executed, for coverage; empty
    /// unless the run was asked for it (`profile_run`'s `coverage`).
    pub pc_hits: Vec<u64>,
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
                call_pc: None,
                pc_units: PcUnits::starting_at(entry_pc),
            }],
            cpi_calls: Vec::new(),
            instructions: 0,
            pc_hits: Vec::new(),
        }
    }

    /// The child of `parent` of this kind called from `call_pc`, created when missing,
    /// entered once more.
    fn enter(&mut self, parent: usize, kind: ProfileNodeKind, call_pc: u64) -> usize {
        let found = self.nodes[parent].children.iter().copied().find(|&child| {
            self.nodes[child].kind == kind && self.nodes[child].call_pc == Some(call_pc)
        });
        let node = found.unwrap_or_else(|| {
            let node = self.nodes.len();
            let pc_units = PcUnits::for_node(&kind);
            self.nodes.push(ProfileNode {
                kind,
                parent: Some(parent),
                units: 0,
                calls: 0,
                children: Vec::new(),
                call_pc: Some(call_pc),
                pc_units,
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

/// Watches an interpreter run step by step ([`step_through`]).
pub(crate) trait StepObserver {
    /// After the step that executed the instruction at `pc` (`registers` are those after
    /// it): whether to look at the VM now ([`Self::pause`]).
    fn step(&mut self, pc: u64, registers: &[u64; 12]) -> bool;
    /// The VM (its meter and call depth) after a step [`Self::step`] asked for, and after
    /// the last one; `registers` as after that step.
    fn pause(&mut self, vm: &mut EbpfVm<'_, VmContext>, registers: &[u64; 12]);
}

/// Runs `executable` in the interpreter one instruction at a time, as
/// `EbpfVm::execute_program` does in interpreter mode, telling `observer` of every step.
/// Returns the units the run consumed, its result and the final registers.
pub(crate) fn step_through(
    vm: &mut EbpfVm<'_, VmContext>,
    executable: &Executable<VmContext>,
    call_frames: &mut [CallFrame],
    observer: &mut impl StepObserver,
) -> (u64, ProgramResult, [u64; 12]) {
    let initial = begin_stepping(vm, executable);
    let mut registers = vm.registers;
    loop {
        // The interpreter keeps its state in the VM, the call frames and the registers, so
        // a new one after a pause runs on exactly as the old one would have; dropping it
        // lets the observer read the VM.
        let mut interpreter = Interpreter::new(vm, executable, registers, call_frames);
        let running = loop {
            let pc = interpreter.reg[11];
            let running = interpreter.step();
            let pause = observer.step(pc, &interpreter.reg);
            if !running || pause {
                break running;
            }
        };
        registers = interpreter.reg;
        observer.pause(vm, &registers);
        if !running {
            break;
        }
    }
    let (units, result) = end_stepping(vm, &registers, initial);
    (units, result, registers)
}

/// Sets `vm` up for a stepped run of `executable` as `EbpfVm::execute_program` does (the
/// entry pc, the meter, the result); returns the meter at the start, for [`end_stepping`].
pub(crate) fn begin_stepping(
    vm: &mut EbpfVm<'_, VmContext>,
    executable: &Executable<VmContext>,
) -> u64 {
    vm.registers[11] = executable.get_entrypoint_instruction_offset() as u64;
    let initial = vm.context().get_remaining();
    vm.previous_instruction_meter = initial;
    vm.due_insn_count = 0;
    vm.program_result = ProgramResult::Ok(0);
    initial
}

/// Ends a stepped run whose last registers are `registers`: charges the instructions the
/// interpreter has not charged yet and returns the units consumed since `initial` and the
/// run's result.
pub(crate) fn end_stepping(
    vm: &mut EbpfVm<'_, VmContext>,
    registers: &[u64; 12],
    initial: u64,
) -> (u64, ProgramResult) {
    vm.registers[11] = registers[11];
    let due = vm.due_insn_count;
    let context = vm.context();
    context.consume(due);
    let units = initial.saturating_sub(context.get_remaining());
    let result = std::mem::replace(&mut vm.program_result, ProgramResult::Ok(0));
    (units, result)
}

/// Whether `name` is a CPI syscall, whose charge includes the callee frame.
pub fn is_cpi_syscall(name: &str) -> bool {
    name == "sol_invoke_signed_c" || name == "sol_invoke_signed_rust"
}

/// What the instruction at `pc` may do to the meter or the call depth.
enum Effect {
    /// Costs its one unit, stays in the function.
    Plain,
    /// Calls the named syscall, which may charge more.
    Syscall(String),
    /// May enter a function (`call`, `callx`) or return from one (`exit`).
    CallOrExit,
}

/// Classifies an instruction as solana-sbpf 0.26's interpreter resolves it: a `call imm`
/// is a syscall when (before SBPF v3, or with `src` 0 from v3 on) its key names a
/// registered syscall, else an internal call.
fn effect_at(executable: &Executable<VmContext>, text: &[u8], pc: u64) -> Effect {
    let Some(instruction) = usize::try_from(pc)
        .ok()
        .and_then(|pc| pc.checked_mul(ebpf::INSN_SIZE))
        .and_then(|offset| text.get(offset..offset.checked_add(ebpf::INSN_SIZE)?))
    else {
        return Effect::Plain;
    };
    match instruction[0] {
        ebpf::CALL_IMM => {
            let src = instruction[1] >> 4;
            let key = u32::from_le_bytes([
                instruction[4],
                instruction[5],
                instruction[6],
                instruction[7],
            ]);
            let may_be_syscall = !executable.get_sbpf_version().static_syscalls() || src == 0;
            let syscall = may_be_syscall
                .then(|| {
                    executable
                        .get_loader()
                        .get_function_registry()
                        .lookup_by_key(key)
                })
                .flatten();
            match syscall {
                Some((name, _)) => Effect::Syscall(String::from_utf8_lossy(name).into_owned()),
                None => Effect::CallOrExit,
            }
        }
        ebpf::CALL_REG | ebpf::EXIT => Effect::CallOrExit,
        _ => Effect::Plain,
    }
}

/// Builds a [`FrameProfile`] while [`step_through`] runs the frame. Each step is charged
/// its one unit on the current function; the VM is read only after a syscall, a call or
/// an exit, and at the end: the meter's drop since the last reading beyond those units is
/// the syscall's charge (or, at the end, one less when the last instruction found the meter
/// empty), and a change in call depth enters the function at the new pc or returns.
struct Profiler<'a> {
    executable: &'a Executable<VmContext>,
    text: &'a [u8],
    profile: FrameProfile,
    /// Whether to count each function's units per pc ([`ProfileNode::pc_units`]): only
    /// DWARF's inlined functions need them, so a program without debug sections skips it.
    units_per_pc: bool,
    /// The function executing now.
    current: usize,
    /// Call depth at the last reading.
    depth: u64,
    /// Meter at the start of the run.
    initial: u64,
    /// Units consumed at the last reading.
    consumed: u64,
    /// Units charged to instructions since the last reading.
    charged: u64,
    /// The syscall the last step called, if it did.
    syscall: Option<String>,
    /// The pc of the last step.
    last_pc: u64,
}

impl StepObserver for Profiler<'_> {
    fn step(&mut self, pc: u64, _registers: &[u64; 12]) -> bool {
        // Without coverage `pc_hits` is empty and this is one bounds check.
        if let Some(hits) = usize::try_from(pc)
            .ok()
            .and_then(|pc| self.profile.pc_hits.get_mut(pc))
        {
            *hits += 1;
        }
        self.last_pc = pc;
        let node = &mut self.profile.nodes[self.current];
        node.units += 1;
        if self.units_per_pc {
            node.pc_units.add_one(pc);
        }
        self.profile.instructions += 1;
        self.charged += 1;
        match effect_at(self.executable, self.text, pc) {
            Effect::Plain => false,
            Effect::Syscall(name) => {
                self.syscall = Some(name);
                true
            }
            Effect::CallOrExit => true,
        }
    }

    fn pause(&mut self, vm: &mut EbpfVm<'_, VmContext>, registers: &[u64; 12]) {
        let now = self.initial.saturating_sub(vm.context().get_remaining()) + vm.due_insn_count;
        let spent = now.saturating_sub(self.consumed);
        self.consumed = now;
        let charged = std::mem::take(&mut self.charged);
        let syscall = self.syscall.take();
        if spent < charged {
            // The last instruction found the meter empty: it cost nothing (and a syscall
            // it would have called was not called).
            let refund = charged - spent;
            let node = &mut self.profile.nodes[self.current];
            node.units -= refund;
            if self.units_per_pc {
                node.pc_units
                    .add(self.last_pc, -i64::try_from(refund).unwrap_or(i64::MAX));
            }
            self.profile.instructions -= refund;
            if let Some(hits) = usize::try_from(self.last_pc)
                .ok()
                .and_then(|pc| self.profile.pc_hits.get_mut(pc))
            {
                *hits = hits.saturating_sub(1);
            }
            return;
        }
        let charge = spent - charged;
        if let Some(name) = syscall {
            let is_cpi = is_cpi_syscall(&name);
            let node = self.profile.enter(
                self.current,
                ProfileNodeKind::Syscall { name },
                self.last_pc,
            );
            self.profile.nodes[node].units += charge;
            if is_cpi {
                self.profile.cpi_calls.push((node, charge));
            }
        } else {
            // Never arises (only syscalls charge beyond their instruction); kept on the
            // function but not as instructions, so a check of the split would notice.
            self.profile.nodes[self.current].units += charge;
        }
        let depth = vm.call_depth;
        if depth > self.depth {
            let kind = ProfileNodeKind::Function {
                entry_pc: registers[11],
            };
            self.current = self.profile.enter(self.current, kind, self.last_pc);
        } else if depth < self.depth {
            self.current = self.profile.nodes[self.current].parent.unwrap_or(0);
        }
        self.depth = depth;
    }
}

/// Runs the frame as [`step_through`] does and builds its profile ([`Profiler`]), with
/// [`FrameProfile::pc_hits`] when `coverage` is asked for and [`ProfileNode::pc_units`]
/// when `units_per_pc` is.
pub(crate) fn profile_run(
    vm: &mut EbpfVm<'_, VmContext>,
    executable: &Executable<VmContext>,
    call_frames: &mut [CallFrame],
    coverage: bool,
    units_per_pc: bool,
) -> (u64, ProgramResult, FrameProfile) {
    let (_, text) = executable.get_text_bytes();
    let mut profile = FrameProfile::new(executable.get_entrypoint_instruction_offset() as u64);
    if coverage {
        profile.pc_hits = vec![0; text.len() / ebpf::INSN_SIZE];
    }
    let mut profiler = Profiler {
        executable,
        text,
        profile,
        units_per_pc,
        current: 0,
        depth: vm.call_depth,
        initial: vm.context().get_remaining(),
        consumed: 0,
        charged: 0,
        syscall: None,
        last_pc: 0,
    };
    let (units, result, _) = step_through(vm, executable, call_frames, &mut profiler);
    (units, result, profiler.profile)
}

/// The instructions and functions of a program's text, for coverage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeLayout {
    /// Instruction slots of the text (an `lddw` takes two; only its first is executed).
    pub slots: u64,
    /// Each instruction's pc (index of its first slot) and disassembly, in text order.
    pub instructions: Vec<(u64, String)>,
    /// Entry pcs of the functions solana-sbpf's static analysis finds (the function
    /// registry, the entrypoint, the control-flow roots no jump reaches, such as `callx`
    /// targets) and, from SBPF v3 on, the targets of internal `call`s, in order.
    pub function_starts: Vec<u64>,
}

impl CodeLayout {
    /// Decodes `executable`'s text as solana-sbpf's static analysis does.
    pub(crate) fn of(executable: &Executable<VmContext>) -> Result<Self, String> {
        let analysis = solana_sbpf::static_analysis::Analysis::from_executable(executable)
            .map_err(|error| format!("cannot decode the program text: {error}"))?;
        let instructions = analysis
            .instructions
            .iter()
            .map(|insn| {
                (
                    insn.ptr as u64,
                    analysis.disassemble_instruction(insn, insn.ptr),
                )
            })
            .collect();
        let version = executable.get_sbpf_version();
        let mut starts: std::collections::BTreeSet<u64> =
            analysis.functions.keys().map(|&pc| pc as u64).collect();
        starts.insert(analysis.entrypoint as u64);
        // From SBPF v3 on an internal call (`src` 1) names its target relative to itself and
        // the registry need not hold it; a function is entered there all the same.
        if version.static_syscalls() {
            starts.extend(
                analysis
                    .instructions
                    .iter()
                    .filter(|insn| insn.opc == ebpf::CALL_IMM && insn.src == 1)
                    .map(|insn| {
                        u64::from(version.calculate_call_imm_target_pc(insn.ptr, insn.imm))
                    }),
            );
        }
        Ok(Self {
            slots: (executable.get_text_bytes().1.len() / ebpf::INSN_SIZE) as u64,
            instructions,
            function_starts: starts.into_iter().collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::PcUnits;

    #[test]
    fn pc_units_grow_both_ways_and_take_refunds() {
        let mut units = PcUnits::starting_at(10);
        units.add_one(10);
        units.add(12, 2);
        units.add_one(8);
        units.add(12, -1);
        units.add_one(10);
        units.add_one(13);
        assert_eq!(units.first_pc, 8);
        assert_eq!(
            units.iter().collect::<Vec<_>>(),
            [(8, 1), (10, 2), (12, 1), (13, 1)]
        );
        // Past the doubled span, and from an unset start.
        units.add_one(200);
        let mut unset = PcUnits::default();
        unset.add_one(5);
        unset.add_one(40);
        assert_eq!(unset.iter().collect::<Vec<_>>(), [(5, 1), (40, 1)]);
        assert_eq!(units.iter().last(), Some((200, 1)));
    }
}
