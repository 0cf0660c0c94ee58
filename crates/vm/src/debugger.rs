//! A GDB remote stub for one frame: `sbfvm run SCENARIO --debug-port PORT` attaches GDB (or
//! LLDB) to the frame a [`FrameSelector`] picks, over the GDB remote serial protocol on
//! 127.0.0.1. The frame runs in the interpreter one instruction at a time ([`crate::profile`]
//! says why stepping is exact); every other frame runs as configured.
//!
//! Why not solana-sbpf's own `debugger` feature: it reads the `VM_DEBUG_PORT` variable in
//! every `EbpfVm::new` (so every frame would wait for a debugger), panics when the port is
//! taken, and its monitor knows only `metadata`. This stub speaks the same dialect (the
//! register layout, the pc as the instruction's ELF address, the target description with
//! architecture `sbpf`…`sbpfv4`), so clients made for that one work with it.
//!
//! What a client can do: read the registers (`g`, `p`; r0–r9, r10 as `fp`, the pc, and
//! register 12, the remaining compute units), read memory through the frame's memory mapping
//! (`m`; an address the program could not read is an error reply), set and remove software
//! breakpoints (`Z0`, `z0`), single-step (`s`), continue (`c`), interrupt (Ctrl-C), and ask
//! the monitor (`qRcmd`, GDB's `monitor`): `cu` for the remaining compute units, `frame` for
//! the frame's program, trace index, stack height and executed instructions. Writes to
//! registers and memory are refused, so a debugged run has exactly the outcome and compute
//! units of an undebugged one. When the client detaches, is killed or goes away, the frame
//! runs on to its end unobserved.

use std::collections::BTreeSet;
use std::marker::PhantomData;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};

use gdbstub::arch::{lldb, Arch, BreakpointKind, RegId, Registers};
use gdbstub::common::Signal;
use gdbstub::conn::{Connection, ConnectionExt};
use gdbstub::outputln;
use gdbstub::stub::run_blocking::{BlockingEventLoop, Event, WaitForStopReasonError};
use gdbstub::stub::{DisconnectReason, GdbStub, SingleThreadStopReason};
use gdbstub::target::ext::base::single_register_access::{
    SingleRegisterAccess, SingleRegisterAccessOps,
};
use gdbstub::target::ext::base::singlethread::{
    SingleThreadBase, SingleThreadResume, SingleThreadResumeOps, SingleThreadSingleStep,
    SingleThreadSingleStepOps,
};
use gdbstub::target::ext::base::BaseOps;
use gdbstub::target::ext::breakpoints::{
    Breakpoints, BreakpointsOps, SwBreakpoint, SwBreakpointOps,
};
use gdbstub::target::ext::monitor_cmd::{ConsoleOutput, MonitorCmd, MonitorCmdOps};
use gdbstub::target::ext::section_offsets::{Offsets, SectionOffsets, SectionOffsetsOps};
use gdbstub::target::ext::target_description_xml_override::{
    TargetDescriptionXmlOverride, TargetDescriptionXmlOverrideOps,
};
use gdbstub::target::{Target, TargetError, TargetResult};
use solana_pubkey::Pubkey;
use solana_sbpf::{
    ebpf,
    elf::Executable,
    error::{EbpfError, ProgramResult},
    interpreter::Interpreter,
    program::SBPFVersion,
    vm::{CallFrame, ContextObject, EbpfVm},
};

use crate::context::VmContext;
use crate::profile::{begin_stepping, end_stepping};

/// Which frame a debug session attaches to: the first frame of the run that matches every
/// criterion given; with none, the first top-level frame. Only frames that run an SBF
/// program can match (a builtin's frame runs no VM).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameSelector {
    /// The program the frame runs.
    pub program: Option<Pubkey>,
    /// The frame's index in its transaction's instruction trace: invoke order, 0 for the
    /// top-level frame of the transaction's first instruction (the `tNN` of trace files).
    pub trace_index: Option<usize>,
}

impl FrameSelector {
    fn matches(&self, frame: &DebuggedFrame) -> bool {
        let top_level_by_default =
            self.program.is_some() || self.trace_index.is_some() || frame.stack_height == 1;
        top_level_by_default
            && self
                .program
                .is_none_or(|program| program == frame.program_id)
            && self
                .trace_index
                .is_none_or(|index| index == frame.trace_index)
    }
}

/// The frames that match: `frame of program …`, `frame at trace index …`, both, or
/// `top-level frame`.
impl std::fmt::Display for FrameSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.program, self.trace_index) {
            (None, None) => f.write_str("top-level frame"),
            (Some(program), None) => write!(f, "frame of program {program}"),
            (None, Some(index)) => write!(f, "frame at trace index {index}"),
            (Some(program), Some(index)) => {
                write!(f, "frame of program {program} at trace index {index}")
            }
        }
    }
}

/// The frame a debug session attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebuggedFrame {
    /// The program the frame ran.
    pub program_id: Pubkey,
    /// The frame's index in its transaction's instruction trace.
    pub trace_index: usize,
    /// Invoke stack height of the frame (1 for a top-level instruction).
    pub stack_height: usize,
}

impl std::fmt::Display for DebuggedFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "program {}, trace index {}, stack height {}",
            self.program_id, self.trace_index, self.stack_height
        )
    }
}

/// How a debug session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEnd {
    /// The frame ran to its end with the client attached (told with a `W` or `X` packet).
    FrameFinished,
    /// The client detached (`D`); the frame ran on to its end.
    Detached,
    /// The client killed the target (`k`); the frame ran on to its end all the same.
    Killed,
    /// The connection could not be accepted or failed; the frame ran on to its end. The
    /// text says why.
    ConnectionLost(String),
}

/// A debug session that took place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebugSession {
    /// The frame it attached to.
    pub frame: DebuggedFrame,
    /// How it ended.
    pub end: SessionEnd,
}

/// A GDB remote stub listening on 127.0.0.1, waiting for the frame its [`FrameSelector`]
/// picks; hand it to [`crate::SbfExecutor::set_debugger`]. When that frame starts, the stub
/// tells its [`GdbServer::on_notice`] callback `waiting for GDB on 127.0.0.1:PORT (frame
/// …)` and waits for one connection; later frames run undebugged.
pub struct GdbServer {
    listener: TcpListener,
    address: SocketAddr,
    selector: FrameSelector,
    session: Option<DebugSession>,
    notices: Box<dyn FnMut(&str)>,
}

impl std::fmt::Debug for GdbServer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("GdbServer")
            .field("address", &self.address)
            .field("selector", &self.selector)
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

impl GdbServer {
    /// Listens on 127.0.0.1:`port` (0 picks a free port, [`Self::address`] tells which). A
    /// port that cannot be bound (taken, privileged) is an error naming it.
    pub fn bind(port: u16, selector: FrameSelector) -> Result<Self, String> {
        let requested = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listener = TcpListener::bind(requested)
            .map_err(|error| format!("cannot listen for GDB on {requested}: {error}"))?;
        let address = listener
            .local_addr()
            .map_err(|error| format!("cannot listen for GDB on {requested}: {error}"))?;
        Ok(Self {
            listener,
            address,
            selector,
            session: None,
            notices: Box::new(|_| {}),
        })
    }

    /// Sets what receives the stub's notices, one line each: that it waits for a client
    /// (with the frame and the address), that one connected, that a session ended before
    /// its frame did. None are given anywhere by default: a library prints nothing of its
    /// own (the CLI sends them to stderr).
    pub fn on_notice(&mut self, notices: impl FnMut(&str) + 'static) {
        self.notices = Box::new(notices);
    }

    /// The address the stub listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The frame the stub waits for.
    pub fn selector(&self) -> &FrameSelector {
        &self.selector
    }

    /// The session, once the selected frame has run.
    pub fn session(&self) -> Option<&DebugSession> {
        self.session.as_ref()
    }

    /// Whether `frame` is the one to debug: the first that matches.
    pub(crate) fn wants(&self, frame: &DebuggedFrame) -> bool {
        self.session.is_none() && self.selector.matches(frame)
    }

    /// Runs `frame` under the stub: waits for a client, serves it until the frame ends or
    /// the client goes, then runs the frame on to its end. Returns the units the run
    /// consumed and its result, exactly as an undebugged run's.
    pub(crate) fn debug_run(
        &mut self,
        vm: &mut EbpfVm<'_, VmContext>,
        executable: &Executable<VmContext>,
        call_frames: &mut [CallFrame],
        frame: DebuggedFrame,
    ) -> (u64, ProgramResult) {
        (self.notices)(&format!(
            "waiting for GDB on {} (frame: {frame})",
            self.address
        ));
        let initial = begin_stepping(vm, executable);
        let mut target = FrameTarget {
            registers: vm.registers,
            vm,
            executable,
            call_frames,
            frame: frame.clone(),
            initial,
            executed: 0,
            breakpoints: BTreeSet::new(),
            resume: Resume::Continue,
            finished: false,
        };
        let end = match self.listener.accept() {
            Ok((stream, peer)) => {
                (self.notices)(&format!("GDB connected from {peer}"));
                // Packets are small and answered one at a time: no Nagle delay.
                let _ = stream.set_nodelay(true);
                match GdbStub::new(stream).run_blocking::<FrameEventLoop<'_, '_, '_>>(&mut target) {
                    Ok(
                        DisconnectReason::TargetExited(_) | DisconnectReason::TargetTerminated(_),
                    ) => SessionEnd::FrameFinished,
                    Ok(DisconnectReason::Disconnect) => SessionEnd::Detached,
                    Ok(DisconnectReason::Kill) => SessionEnd::Killed,
                    Err(error) => SessionEnd::ConnectionLost(error.to_string()),
                }
            }
            Err(error) => {
                SessionEnd::ConnectionLost(format!("cannot accept a connection: {error}"))
            }
        };
        if !target.finished {
            (self.notices)(&format!(
                "GDB session ended ({end:?}); the frame runs on to its end"
            ));
            target.run_to_end();
        }
        let FrameTarget {
            vm,
            registers,
            initial,
            ..
        } = target;
        self.session = Some(DebugSession { frame, end });
        end_stepping(vm, &registers, initial)
    }
}

/// How the frame runs when the client resumes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resume {
    Continue,
    Step,
}

/// Why stepping stopped.
enum Halt {
    /// One instruction executed after a single-step request.
    Stepped,
    /// The next instruction has a breakpoint.
    Breakpoint,
    /// The client sent something (an interrupt, usually).
    IncomingData,
    /// The program returned or failed.
    Finished,
}

/// Steps between two looks at the connection while the frame runs on (each look is a
/// system call).
const POLL_INTERVAL: u64 = 4096;

/// The debugged frame: its VM, where the interpreter stands, and the client's requests.
struct FrameTarget<'a, 'b> {
    vm: &'a mut EbpfVm<'b, VmContext>,
    executable: &'a Executable<VmContext>,
    call_frames: &'a mut [CallFrame],
    /// r0–r10 and the pc (an instruction index) before the next instruction.
    registers: [u64; 12],
    frame: DebuggedFrame,
    /// The meter when the frame's VM started.
    initial: u64,
    /// Instructions executed so far.
    executed: u64,
    /// Breakpoints, as instruction indices.
    breakpoints: BTreeSet<u64>,
    resume: Resume,
    /// Whether the program has returned or failed.
    finished: bool,
}

impl FrameTarget<'_, '_> {
    /// Runs the interpreter until a halt; `incoming` says whether the client has sent
    /// something.
    fn run(&mut self, mut incoming: impl FnMut() -> bool) -> Halt {
        // The interpreter keeps its state in the VM, the call frames and the registers, so
        // one made for each run continues exactly where the last one stopped.
        let mut interpreter = Interpreter::new(
            &mut *self.vm,
            self.executable,
            self.registers,
            &mut *self.call_frames,
        );
        let mut steps = 0u64;
        let halt = loop {
            let running = interpreter.step();
            steps += 1;
            if !running {
                break Halt::Finished;
            }
            if self.resume == Resume::Step {
                break Halt::Stepped;
            }
            if self.breakpoints.contains(&interpreter.reg[11]) {
                break Halt::Breakpoint;
            }
            if steps.is_multiple_of(POLL_INTERVAL) && incoming() {
                break Halt::IncomingData;
            }
        };
        self.registers = interpreter.reg;
        self.executed += steps;
        if matches!(halt, Halt::Finished) {
            self.finished = true;
        }
        halt
    }

    /// Runs the frame to its end with no client.
    fn run_to_end(&mut self) {
        self.breakpoints.clear();
        self.resume = Resume::Continue;
        while !self.finished {
            self.run(|| false);
        }
    }

    /// How the finished program is reported: exit status 0 or 1 for a returned status
    /// (Solana's are 64-bit), a signal for a fault.
    fn finish_reason(&self) -> SingleThreadStopReason<u64> {
        match &self.vm.program_result {
            ProgramResult::Ok(0) => SingleThreadStopReason::Exited(0),
            ProgramResult::Ok(_) => SingleThreadStopReason::Exited(1),
            ProgramResult::Err(error) => SingleThreadStopReason::Terminated(match error {
                EbpfError::ExceededMaxInstructions => Signal::SIGXCPU,
                EbpfError::AccessViolation(..) | EbpfError::StackAccessViolation(..) => {
                    Signal::SIGSEGV
                }
                EbpfError::DivideByZero | EbpfError::DivideOverflow => Signal::SIGFPE,
                EbpfError::UnsupportedInstruction | EbpfError::InvalidInstruction => Signal::SIGILL,
                _ => Signal::SIGABRT,
            }),
        }
    }

    /// The ELF address of instruction 0 of the text: the address symbols and debug info
    /// use. Before SBPF v3 the VM maps the text one region above its ELF address.
    fn text_base(&self) -> u64 {
        let (text_vaddr, _) = self.executable.get_text_bytes();
        if self
            .executable
            .get_sbpf_version()
            .enable_lower_rodata_vaddr()
        {
            text_vaddr
        } else {
            text_vaddr.saturating_sub(ebpf::MM_BYTECODE_START)
        }
    }

    /// The pc as the client sees it: the next instruction's ELF address.
    fn client_pc(&self) -> u64 {
        self.text_base()
            .saturating_add(self.registers[11].saturating_mul(ebpf::INSN_SIZE as u64))
    }

    /// The instruction index at a client address, if one starts there.
    fn instruction_at(&self, address: u64) -> Option<u64> {
        let offset = address.checked_sub(self.text_base())?;
        let (_, text) = self.executable.get_text_bytes();
        (offset % ebpf::INSN_SIZE as u64 == 0 && offset < text.len() as u64)
            .then_some(offset / ebpf::INSN_SIZE as u64)
    }

    /// Compute units left to the transaction now.
    fn remaining_units(&mut self) -> u64 {
        let due = self.vm.due_insn_count;
        self.vm.context().get_remaining().saturating_sub(due)
    }

    /// Reads one byte at a client address: the text from the program (from SBPF v3 on it
    /// is not mapped), anything else through the frame's memory mapping as the program
    /// would read it.
    fn read_byte(&mut self, address: u64) -> Option<u8> {
        let version: SBPFVersion = self.executable.get_sbpf_version();
        if version.enable_lower_rodata_vaddr() {
            let (text_vaddr, text) = self.executable.get_text_bytes();
            if let Some(byte) = address
                .checked_sub(text_vaddr)
                .and_then(|offset| usize::try_from(offset).ok())
                .and_then(|offset| text.get(offset))
            {
                return Some(*byte);
            }
        }
        let vm_address =
            if !version.enable_lower_rodata_vaddr() && address < ebpf::MM_BYTECODE_START {
                // An ELF address of the program image (the client's view of text and rodata).
                address + ebpf::MM_BYTECODE_START
            } else {
                address
            };
        let memory = self.vm.context().memory().unrecorded();
        memory.bytes(vm_address, 1).ok().map(|bytes| bytes[0])
    }

    /// Resumes as asked (`c` or `s`); a signal to deliver is refused.
    fn resume_with(&mut self, signal: Option<Signal>, resume: Resume) -> Result<(), &'static str> {
        if signal.is_some() {
            return Err("an SBF program takes no signals");
        }
        self.resume = resume;
        Ok(())
    }

    fn register(&mut self, id: FrameRegister) -> u64 {
        match id {
            FrameRegister::General(index) => self.registers[usize::from(index)],
            FrameRegister::Pc => self.client_pc(),
            FrameRegister::RemainingUnits => self.remaining_units(),
        }
    }
}

/// The client's target is the frame's program, single-threaded, that runs until a stop.
impl Target for FrameTarget<'_, '_> {
    type Arch = Sbpf;
    type Error = &'static str;

    fn base_ops(&mut self) -> BaseOps<'_, Self::Arch, Self::Error> {
        BaseOps::SingleThread(self)
    }

    fn support_breakpoints(&mut self) -> Option<BreakpointsOps<'_, Self>> {
        Some(self)
    }

    fn support_monitor_cmd(&mut self) -> Option<MonitorCmdOps<'_, Self>> {
        Some(self)
    }

    fn support_section_offsets(&mut self) -> Option<SectionOffsetsOps<'_, Self>> {
        Some(self)
    }

    fn support_target_description_xml_override(
        &mut self,
    ) -> Option<TargetDescriptionXmlOverrideOps<'_, Self>> {
        Some(self)
    }
}

impl SingleThreadBase for FrameTarget<'_, '_> {
    fn read_registers(&mut self, registers: &mut FrameRegisters) -> TargetResult<(), Self> {
        registers.general.copy_from_slice(&self.registers[..11]);
        registers.pc = self.client_pc();
        Ok(())
    }

    /// Refused (an error reply): a debugged run keeps the outcome of an undebugged one.
    fn write_registers(&mut self, _: &FrameRegisters) -> TargetResult<(), Self> {
        Err(TargetError::NonFatal)
    }

    fn support_single_register_access(&mut self) -> Option<SingleRegisterAccessOps<'_, (), Self>> {
        Some(self)
    }

    /// Reads up to the first byte the program could not read; none is an error (EFAULT).
    fn read_addrs(&mut self, start: u64, data: &mut [u8]) -> TargetResult<usize, Self> {
        let mut read = 0;
        for (address, byte) in (start..=u64::MAX).zip(data.iter_mut()) {
            match self.read_byte(address) {
                Some(value) => *byte = value,
                None => break,
            }
            read += 1;
        }
        if read == 0 && !data.is_empty() {
            return Err(TargetError::Errno(14));
        }
        Ok(read)
    }

    fn write_addrs(&mut self, _: u64, _: &[u8]) -> TargetResult<(), Self> {
        Err(TargetError::NonFatal)
    }

    fn support_resume(&mut self) -> Option<SingleThreadResumeOps<'_, Self>> {
        Some(self)
    }
}

impl SingleRegisterAccess<()> for FrameTarget<'_, '_> {
    fn read_register(
        &mut self,
        _: (),
        id: FrameRegister,
        buffer: &mut [u8],
    ) -> TargetResult<usize, Self> {
        let bytes = self.register(id).to_le_bytes();
        let len = buffer.len().min(bytes.len());
        buffer[..len].copy_from_slice(&bytes[..len]);
        Ok(len)
    }

    fn write_register(&mut self, _: (), _: FrameRegister, _: &[u8]) -> TargetResult<(), Self> {
        Err(TargetError::NonFatal)
    }
}

impl SingleThreadResume for FrameTarget<'_, '_> {
    fn resume(&mut self, signal: Option<Signal>) -> Result<(), Self::Error> {
        self.resume_with(signal, Resume::Continue)
    }

    fn support_single_step(&mut self) -> Option<SingleThreadSingleStepOps<'_, Self>> {
        Some(self)
    }
}

impl SingleThreadSingleStep for FrameTarget<'_, '_> {
    fn step(&mut self, signal: Option<Signal>) -> Result<(), Self::Error> {
        self.resume_with(signal, Resume::Step)
    }
}

impl Breakpoints for FrameTarget<'_, '_> {
    fn support_sw_breakpoint(&mut self) -> Option<SwBreakpointOps<'_, Self>> {
        Some(self)
    }
}

impl SwBreakpoint for FrameTarget<'_, '_> {
    /// A breakpoint where no instruction starts is refused (an error reply).
    fn add_sw_breakpoint(&mut self, address: u64, _: SbpfBreakpoint) -> TargetResult<bool, Self> {
        let Some(pc) = self.instruction_at(address) else {
            return Ok(false);
        };
        self.breakpoints.insert(pc);
        Ok(true)
    }

    fn remove_sw_breakpoint(
        &mut self,
        address: u64,
        _: SbpfBreakpoint,
    ) -> TargetResult<bool, Self> {
        Ok(self
            .instruction_at(address)
            .is_some_and(|pc| self.breakpoints.remove(&pc)))
    }
}

impl SectionOffsets for FrameTarget<'_, '_> {
    /// The client's addresses are the ELF's.
    fn get_section_offsets(&mut self) -> Result<Offsets<u64>, Self::Error> {
        Ok(Offsets::Sections {
            text: 0,
            data: 0,
            bss: None,
        })
    }
}

impl TargetDescriptionXmlOverride for FrameTarget<'_, '_> {
    fn target_description_xml(
        &self,
        annex: &[u8],
        offset: u64,
        length: usize,
        buffer: &mut [u8],
    ) -> TargetResult<usize, Self> {
        if annex != b"target.xml" {
            return Err(TargetError::NonFatal);
        }
        let xml = target_description(self.executable.get_sbpf_version());
        let bytes = xml.as_bytes();
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        let end = start.saturating_add(length).min(bytes.len());
        let len = (end - start).min(buffer.len());
        buffer[..len].copy_from_slice(&bytes[start..start + len]);
        Ok(len)
    }
}

/// The target description of solana-sbpf's stub: r0–r9, `fp` (r10), `pc`, and the
/// remaining compute units as register 12 (read with `p c`).
fn target_description(version: SBPFVersion) -> String {
    let architecture = match version {
        SBPFVersion::V0 => "sbpf",
        SBPFVersion::V1 => "sbpfv1",
        SBPFVersion::V2 => "sbpfv2",
        SBPFVersion::V3 => "sbpfv3",
        SBPFVersion::V4 => "sbpfv4",
        SBPFVersion::Reserved => "sbpfreserved",
    };
    let general: String = (0..10)
        .map(|index| {
            format!(
                "<reg name=\"r{index}\" bitsize=\"64\" regnum=\"{index}\" dwarf_regnum=\"{index}\" \
                 type=\"uint64\" encoding=\"uint\" format=\"hex\"/>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\"><target version=\"1.0\">\
         <architecture>{architecture}</architecture><feature name=\"org.gnu.gdb.sbpf.core\">\
         {general}\
         <reg name=\"fp\" bitsize=\"64\" regnum=\"10\" dwarf_regnum=\"10\" type=\"data_ptr\" \
         encoding=\"uint\" format=\"hex\" generic=\"fp\"/>\
         <reg name=\"pc\" bitsize=\"64\" regnum=\"11\" dwarf_regnum=\"11\" type=\"code_ptr\" \
         encoding=\"uint\" format=\"hex\" generic=\"pc\"/>\
         <reg name=\"cu_remaining\" bitsize=\"64\" regnum=\"12\" type=\"uint64\" \
         encoding=\"uint\" format=\"decimal\"/>\
         </feature></target>"
    )
}

/// What `monitor help` prints.
const MONITOR_HELP: &str = "\
monitor cu     compute units remaining to the transaction, and consumed in this frame
monitor frame  the frame: program, trace index, stack height, executed instructions, pc
monitor help   this list";

impl MonitorCmd for FrameTarget<'_, '_> {
    fn handle_monitor_cmd(
        &mut self,
        command: &[u8],
        mut out: ConsoleOutput<'_>,
    ) -> Result<(), Self::Error> {
        match command.trim_ascii() {
            b"cu" => {
                let remaining = self.remaining_units();
                outputln!(
                    out,
                    "remaining compute units: {remaining} (this frame's VM started with {}, \
                     {} consumed since)",
                    self.initial,
                    self.initial.saturating_sub(remaining)
                );
            }
            b"frame" => {
                outputln!(out, "{}", self.frame);
                outputln!(
                    out,
                    "instructions executed: {}, next pc {:#x} (instruction {})",
                    self.executed,
                    self.client_pc(),
                    self.registers[11]
                );
            }
            b"help" | b"" => outputln!(out, "{MONITOR_HELP}"),
            other => {
                outputln!(
                    out,
                    "unknown monitor command `{}`\n{MONITOR_HELP}",
                    String::from_utf8_lossy(other)
                );
            }
        }
        Ok(())
    }
}

/// Runs the frame while the client lets it, watching the connection for an interrupt.
struct FrameEventLoop<'t, 'a, 'b>(PhantomData<&'t mut FrameTarget<'a, 'b>>);

impl<'a, 'b> BlockingEventLoop for FrameEventLoop<'_, 'a, 'b> {
    type Target = FrameTarget<'a, 'b>;
    type Connection = TcpStream;
    type StopReason = SingleThreadStopReason<u64>;

    #[allow(clippy::type_complexity)]
    fn wait_for_stop_reason(
        target: &mut Self::Target,
        connection: &mut Self::Connection,
    ) -> Result<
        Event<Self::StopReason>,
        WaitForStopReasonError<&'static str, <TcpStream as Connection>::Error>,
    > {
        // A failed look counts as data: the read that follows reports the failure.
        let halt = target.run(|| connection.peek().map_or(true, |byte| byte.is_some()));
        Ok(match halt {
            Halt::Stepped => Event::TargetStopped(SingleThreadStopReason::DoneStep),
            Halt::Breakpoint => Event::TargetStopped(SingleThreadStopReason::SwBreak(())),
            Halt::Finished => Event::TargetStopped(target.finish_reason()),
            Halt::IncomingData => Event::IncomingData(
                connection
                    .read()
                    .map_err(WaitForStopReasonError::Connection)?,
            ),
        })
    }

    fn on_interrupt(_: &mut Self::Target) -> Result<Option<Self::StopReason>, &'static str> {
        Ok(Some(SingleThreadStopReason::Signal(Signal::SIGINT)))
    }
}

/// SBF as GDB's remote protocol sees it: 64-bit, r0–r10 and the pc in the `g` packet.
enum Sbpf {}

impl Arch for Sbpf {
    type Usize = u64;
    type Registers = FrameRegisters;
    type BreakpointKind = SbpfBreakpoint;
    type RegId = FrameRegister;

    /// LLDB's `qRegisterInfo`: the registers of the target description, as solana-sbpf's
    /// stub describes them to LLDB.
    fn lldb_register_info(id: usize) -> Option<lldb::RegisterInfo<'static>> {
        const NAMES: [&str; 13] = [
            "r0",
            "r1",
            "r2",
            "r3",
            "r4",
            "r5",
            "r6",
            "r7",
            "r8",
            "r9",
            "fp",
            "pc",
            "cu_remaining",
        ];
        let Some(&name) = NAMES.get(id) else {
            return Some(lldb::RegisterInfo::Done);
        };
        Some(lldb::RegisterInfo::Register(lldb::Register {
            name,
            alt_name: None,
            bitsize: 64,
            offset: id * 8,
            encoding: lldb::Encoding::Uint,
            format: if id == 12 {
                lldb::Format::Decimal
            } else {
                lldb::Format::Hex
            },
            set: "General Purpose Registers",
            gcc: None,
            dwarf: (id < 12).then_some(id),
            generic: match id {
                10 => Some(lldb::Generic::Fp),
                11 => Some(lldb::Generic::Pc),
                _ => None,
            },
            container_regs: None,
            invalidate_regs: None,
        }))
    }
}

/// The `g` packet: r0–r10 then the pc, 64-bit little-endian each.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct FrameRegisters {
    general: [u64; 11],
    pc: u64,
}

impl Registers for FrameRegisters {
    type ProgramCounter = u64;

    fn pc(&self) -> u64 {
        self.pc
    }

    fn gdb_serialize(&self, mut write_byte: impl FnMut(Option<u8>)) {
        for value in self.general.iter().chain([&self.pc]) {
            value
                .to_le_bytes()
                .into_iter()
                .for_each(|byte| write_byte(Some(byte)));
        }
    }

    fn gdb_deserialize(&mut self, bytes: &[u8]) -> Result<(), ()> {
        if bytes.len() != 12 * 8 {
            return Err(());
        }
        let mut values = bytes
            .chunks_exact(8)
            .map(|chunk| u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        for register in self.general.iter_mut() {
            *register = values.next().ok_or(())?;
        }
        self.pc = values.next().ok_or(())?;
        Ok(())
    }
}

/// A register by GDB's number: 0–10 r0–r10, 11 the pc, 12 the remaining compute units.
#[derive(Debug, Clone, Copy)]
enum FrameRegister {
    General(u8),
    Pc,
    RemainingUnits,
}

impl RegId for FrameRegister {
    fn from_raw_id(id: usize) -> Option<(Self, Option<std::num::NonZeroUsize>)> {
        let register = match id {
            0..=10 => FrameRegister::General(id as u8),
            11 => FrameRegister::Pc,
            12 => FrameRegister::RemainingUnits,
            _ => return None,
        };
        Some((register, std::num::NonZeroUsize::new(8)))
    }
}

/// GDB's only BPF breakpoint kind (`bpf-tdep.c`), 0; the stub takes any.
#[derive(Debug)]
struct SbpfBreakpoint;

impl BreakpointKind for SbpfBreakpoint {
    fn from_usize(_: usize) -> Option<Self> {
        Some(SbpfBreakpoint)
    }
}
