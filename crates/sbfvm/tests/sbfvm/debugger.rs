//! The GDB remote stub of `sbfvm::debug`, driven over the GDB remote serial protocol by a
//! small client: it attaches to a CPI callee's frame, stops at a breakpoint inside it,
//! reads registers, memory and the remaining compute units (checked against an instruction
//! trace of the same frame; writes are refused), steps, continues to the end; and the run's
//! outcome and units are those of an undebugged run. Also: an interrupt stops a running
//! frame; the client sees how a frame ended (exit status, or a signal for a fault); a client
//! that detaches, kills or hangs up leaves the run as it was; a taken port and a selector no
//! frame matches are errors.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use sbfvm::debug::{run_debugged, DebugOutcome, Debugger, FrameSelector, SessionEnd};
use sbfvm::runner::{self, PreparedScenario, RunOptions, RunReport};
use sbfvm::scenario::Scenario;
use sbfvm::trace::CollectingTracer;
use sbfvm::vm::executor::TraceFrame;
use sbfvm::{Error, ExecutionMode, Outcome, Pubkey};

use crate::common::fixtures_dir;

/// cpi.toml's callee (cpi_callee.so), which the caller invokes through CPI only.
const CALLEE: &str = "At1SK9cAV81Kkf5WBrXJTtRAtFX3kMNRqRXqRutpSbiR";
/// Where the VM maps a frame's input (r1 at entry).
const MM_INPUT_START: u64 = 0x4_0000_0000;

fn cpi_scenario() -> Scenario {
    Scenario::load(&fixtures_dir().join("cpi.toml")).unwrap()
}

fn jit() -> RunOptions {
    RunOptions {
        mode: Some(ExecutionMode::Jit),
        ..RunOptions::default()
    }
}

/// A client of the GDB remote serial protocol, with acknowledgements.
struct Client(TcpStream);

impl Client {
    fn connect(port: u16) -> Self {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(120)))
            .unwrap();
        Client(stream)
    }

    fn byte(&mut self) -> u8 {
        let mut byte = [0u8];
        self.0.read_exact(&mut byte).unwrap();
        byte[0]
    }

    /// Sends `$payload#checksum` and waits for its `+`.
    fn send(&mut self, payload: &str) {
        let checksum = payload
            .bytes()
            .fold(0u8, |sum, byte| sum.wrapping_add(byte));
        write!(self.0, "${payload}#{checksum:02x}").unwrap();
        assert_eq!(self.byte(), b'+', "no acknowledgement of {payload}");
    }

    /// The next packet's payload (checksum verified, acknowledged, run-length decoded).
    fn receive(&mut self) -> String {
        while self.byte() != b'$' {}
        let mut payload = Vec::new();
        loop {
            match self.byte() {
                b'#' => break,
                byte => payload.push(byte),
            }
        }
        let checksum = [self.byte(), self.byte()];
        let expected = payload
            .iter()
            .fold(0u8, |sum, byte| sum.wrapping_add(*byte));
        assert_eq!(
            u8::from_str_radix(std::str::from_utf8(&checksum).unwrap(), 16).unwrap(),
            expected
        );
        self.0.write_all(b"+").unwrap();
        // Run-length encoding: `x*n` is `x` and (n - 29) more of it.
        let mut expanded = Vec::new();
        let mut bytes = payload.into_iter();
        while let Some(byte) = bytes.next() {
            if byte == b'*' {
                let last = *expanded.last().unwrap();
                let count = bytes.next().unwrap() - 29;
                expanded.extend(std::iter::repeat_n(last, usize::from(count)));
            } else {
                expanded.push(byte);
            }
        }
        String::from_utf8(expanded).unwrap()
    }

    fn request(&mut self, payload: &str) -> String {
        self.send(payload);
        self.receive()
    }

    /// `monitor <command>` (`qRcmd`): the console output up to the final `OK`.
    fn monitor(&mut self, command: &str) -> String {
        self.send(&format!("qRcmd,{}", hex::encode(command)));
        let mut output = String::new();
        loop {
            let reply = self.receive();
            match reply.strip_prefix('O') {
                Some(text) if reply != "OK" => {
                    output += &String::from_utf8(hex::decode(text).unwrap()).unwrap()
                }
                _ => {
                    assert_eq!(reply, "OK");
                    return output;
                }
            }
        }
    }

    /// r0–r10 and the pc, from a `g` packet.
    fn registers(&mut self) -> [u64; 12] {
        let reply = self.request("g");
        assert_eq!(reply.len(), 12 * 16, "{reply}");
        let mut registers = [0; 12];
        for (register, chunk) in registers.iter_mut().zip(reply.as_bytes().chunks(16)) {
            *register = little_endian(std::str::from_utf8(chunk).unwrap());
        }
        registers
    }

    /// One register by number (`p`).
    fn register(&mut self, number: usize) -> u64 {
        little_endian(&self.request(&format!("p{number:x}")))
    }
}

fn little_endian(hex_text: &str) -> u64 {
    let bytes = hex::decode(hex_text).unwrap();
    u64::from_le_bytes(bytes.try_into().unwrap())
}

/// The first number after `label` in `text`.
fn number_after(text: &str, label: &str) -> u64 {
    let rest = &text[text
        .find(label)
        .unwrap_or_else(|| panic!("{label} in {text}"))
        + label.len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

/// The callee's first frame in the scenario, traced, with the outcome of its instruction.
fn traced_callee_frame(scenario: &Scenario, callee: Pubkey) -> (TraceFrame, Outcome) {
    let PreparedScenario {
        mut vm,
        instructions,
        ..
    } = runner::prepare(scenario, Some(ExecutionMode::Jit)).unwrap();
    vm.executor().set_tracer(Some(Box::new(CollectingTracer {
        program: Some(callee),
        frames: Vec::new(),
    })));
    for prepared in instructions {
        let limit = prepared
            .compute_unit_limit
            .or(vm.config().compute_unit_limit);
        let outcome = vm.process_transaction(std::slice::from_ref(&prepared.instruction), limit);
        let mut tracer = vm.executor().take_tracer().unwrap();
        let collected = tracer.as_any().downcast_mut::<CollectingTracer>().unwrap();
        if let Some(frame) = collected.frames.first() {
            return (frame.clone(), outcome);
        }
        vm.executor().set_tracer(Some(tracer));
    }
    panic!("the callee never ran");
}

/// The units left when the frame's VM started: the `of Y` of its `consumed X of Y` line (the
/// default heap costs nothing).
fn units_at_entry(outcome: &Outcome, program: &Pubkey) -> u64 {
    let prefix = format!("Program {program} consumed ");
    let line = outcome
        .logs()
        .iter()
        .find(|line| line.starts_with(&prefix))
        .unwrap();
    number_after(line, " of ")
}

/// Every instruction's result, units and logs.
fn results(report: &RunReport) -> Vec<(String, u64, Vec<String>)> {
    report
        .instructions
        .iter()
        .map(|entry| {
            (
                entry.outcome.result_string(),
                entry.outcome.compute_units_consumed(),
                entry.outcome.logs().to_vec(),
            )
        })
        .collect()
}

/// What the client saw.
#[derive(Debug)]
struct Session {
    /// r0–r10 and the pc at the frame's entry.
    initial: [u64; 12],
    /// `monitor cu` at the entry.
    initial_monitor: String,
    /// The input's first 8 bytes.
    accounts: u64,
    /// Replies to reads of unmapped memory.
    unmapped: [String; 2],
    /// Replies to writes of a register and of memory, and to a breakpoint inside an
    /// instruction.
    refused: [String; 4],
    /// The breakpoint's address.
    breakpoint: u64,
    /// The reply to `c` that stopped at it, and what was read there.
    stop: String,
    registers: [u64; 12],
    r1: u64,
    remaining: u64,
    remaining_monitor: String,
    frame_monitor: String,
    /// The reply to `s` and the units left after it.
    step: String,
    after_step: u64,
    /// The reply to the last `c`.
    end: String,
}

/// Attaches at the callee's entry (`entry_pc` the instruction index the trace started at),
/// breaks at instruction `breakpoint_pc`, steps once and continues to the end.
fn debug_callee(port: u16, entry_pc: u64, breakpoint_pc: u64) -> Session {
    let mut client = Client::connect(port);
    let features = client.request("qSupported:multiprocess+;swbreak+;hwbreak+");
    assert!(features.contains("PacketSize="), "{features}");
    let initial_stop = client.request("?");
    assert!(initial_stop.starts_with(['S', 'T']), "{initial_stop}");
    let initial = client.registers();
    let initial_monitor = client.monitor("cu");
    let accounts = little_endian(&client.request(&format!("m{:x},8", initial[1])));
    // Nothing is mapped in region 5 or at the top of the address space.
    let unmapped = [
        client.request("m500000000,8"),
        client.request("mffffffffffffff00,10"),
    ];
    // The pc is the instruction's ELF address: the text's address plus 8 per instruction.
    let text_base = initial[11] - entry_pc * 8;
    let refused = [
        client.request("P1=0000000000000000"),
        client.request(&format!("G{}", "00".repeat(96))),
        client.request(&format!("M{:x},1:00", initial[1])),
        client.request(&format!("Z0,{:x},8", initial[11] + 3)),
    ];
    let breakpoint = text_base + breakpoint_pc * 8;
    assert_eq!(client.request(&format!("Z0,{breakpoint:x},8")), "OK");
    let stop = client.request("c");
    let registers = client.registers();
    let r1 = client.register(1);
    let remaining = client.register(12);
    let remaining_monitor = client.monitor("cu");
    let frame_monitor = client.monitor("frame");
    let step = client.request("s");
    let after_step = client.register(12);
    assert_eq!(client.request(&format!("z0,{breakpoint:x},8")), "OK");
    let end = client.request("c");
    Session {
        initial,
        initial_monitor,
        accounts,
        unmapped,
        refused,
        breakpoint,
        stop,
        registers,
        r1,
        remaining,
        remaining_monitor,
        frame_monitor,
        step,
        after_step,
        end,
    }
}

#[test]
fn a_breakpoint_in_a_cpi_callee_shows_its_registers_memory_and_remaining_units() {
    let scenario = cpi_scenario();
    let callee: Pubkey = CALLEE.parse().unwrap();
    let (trace, traced_outcome) = traced_callee_frame(&scenario, callee);
    assert!(trace.stack_height > 1, "the callee runs through CPI");
    let entry_units = units_at_entry(&traced_outcome, &callee);
    // A breakpoint before the frame's first call, at an instruction not executed before:
    // up to it every instruction costs one unit.
    let is_call = |pc: u64| {
        let text = &trace.disassembly[&pc];
        text.starts_with("call") || text.starts_with("syscall")
    };
    let first_call = (trace.steps.iter())
        .position(|step| is_call(step.pc))
        .unwrap_or(trace.steps.len());
    let hit = (1..first_call.min(24))
        .rev()
        .find(|&index| {
            trace.steps[..index]
                .iter()
                .all(|step| step.pc != trace.steps[index].pc)
        })
        .expect("a straight-line start");
    let (entry_pc, breakpoint_pc) = (trace.steps[0].pc, trace.steps[hit].pc);

    let selector = FrameSelector {
        program: Some(callee),
        trace_index: None,
    };
    let debugger = Debugger::bind(0, selector).unwrap();
    let port = debugger.port();
    let client = std::thread::spawn(move || debug_callee(port, entry_pc, breakpoint_pc));
    let (report, debugged) = run_debugged(&scenario, &jit(), debugger).unwrap();
    let seen = client.join().unwrap();

    // At the entry: r1 is the input, which starts with the account count; the units are
    // those the frame's log line says it started with.
    assert_eq!(seen.initial[1], MM_INPUT_START);
    assert!((1..=64).contains(&seen.accounts), "{}", seen.accounts);
    assert_eq!(
        number_after(&seen.initial_monitor, "remaining compute units:"),
        entry_units,
        "{}",
        seen.initial_monitor
    );
    for reply in seen.unmapped.iter().chain(&seen.refused) {
        assert!(reply.starts_with('E'), "{reply}");
    }
    // At the breakpoint: the registers the trace shows after the instruction before it,
    // one unit per instruction executed.
    assert!(
        seen.stop.starts_with('T') || seen.stop.starts_with('S'),
        "{}",
        seen.stop
    );
    assert_eq!(seen.registers[11], seen.breakpoint);
    assert_eq!(&seen.registers[..11], &trace.steps[hit - 1].registers[..]);
    assert_eq!(seen.r1, trace.steps[hit - 1].registers[1]);
    assert_eq!(seen.remaining, entry_units - hit as u64);
    assert_eq!(
        number_after(&seen.remaining_monitor, "remaining compute units:"),
        seen.remaining
    );
    assert!(
        seen.frame_monitor.contains(CALLEE),
        "{}",
        seen.frame_monitor
    );
    assert_eq!(
        number_after(&seen.frame_monitor, "instructions executed:"),
        hit as u64,
        "{}",
        seen.frame_monitor
    );
    assert!(seen.step.starts_with(['S', 'T']), "{}", seen.step);
    assert_eq!(seen.after_step, seen.remaining - 1);
    // The callee returned 0: exit status 0.
    assert_eq!(seen.end, "W00");

    let session = debugged.session().unwrap();
    assert_eq!(session.frame.program_id, callee);
    assert_eq!(session.frame.stack_height, trace.stack_height);
    assert_eq!(session.frame.trace_index, trace.trace_index);
    assert_eq!(session.end, SessionEnd::FrameFinished);
    // Results, units and logs as in an undebugged run.
    let undebugged = runner::run_with(&scenario, &jit()).unwrap();
    assert_eq!(results(&report), results(&undebugged));
}

#[test]
fn an_interrupt_stops_a_running_frame() {
    let scenario = cpi_scenario();
    let callee: Pubkey = CALLEE.parse().unwrap();
    let selector = FrameSelector {
        program: Some(callee),
        trace_index: None,
    };
    let notices = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let sink = notices.clone();
    let debugger = Debugger::bind(0, selector)
        .unwrap()
        .on_notice(move |line| sink.borrow_mut().push(line.to_string()));
    let port = debugger.port();
    let client = std::thread::spawn(move || {
        let mut client = Client::connect(port);
        client.request("?");
        // `c` and Ctrl-C (0x03) in one write: the stub finds the interrupt at its first
        // look at the connection, 4,096 instructions in (the frame runs 6,021).
        client.0.write_all(b"$c#63\x03").unwrap();
        assert_eq!(client.byte(), b'+');
        let stop = client.receive();
        let frame = client.monitor("frame");
        (stop, frame, client.request("c"))
    });
    let (_, debugged) = run_debugged(&scenario, &jit(), debugger).unwrap();
    let (stop, frame, end) = client.join().unwrap();
    // SIGINT is signal 2.
    assert!(stop.starts_with("S02") || stop.starts_with("T02"), "{stop}");
    assert_eq!(
        number_after(&frame, "instructions executed:"),
        4096,
        "{frame}"
    );
    assert_eq!(end, "W00");
    assert_eq!(debugged.session().unwrap().end, SessionEnd::FrameFinished);
    // The notices, in order: where to connect (and to which frame), then the client.
    let notices = notices.borrow();
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(
        notices[0].starts_with(&format!(
            "waiting for GDB on 127.0.0.1:{port} (frame: program {callee}"
        )),
        "{notices:?}"
    );
    assert!(
        notices[1].starts_with("GDB connected from 127.0.0.1:"),
        "{notices:?}"
    );
}

#[test]
fn the_client_sees_how_the_frame_ended_and_the_run_ends_as_undebugged() {
    // A returned error status is exit status 1; a fault is a signal: SIGSEGV (11) for an
    // access violation, SIGABRT (6) for a failed syscall (`sol_panic_`), SIGXCPU (24) when
    // the units run out.
    for (program, data, end) in [
        ("custom_error.so", "2a000000", "W01"),
        ("custom_error.so", "fe", "X0b"),
        ("custom_error.so", "", "X06"),
        ("compute.so", "ffffffff00000000", "X18"),
    ] {
        let scenario =
            Scenario::single_program(&fixtures_dir().join(program), &hex::decode(data).unwrap());
        let debugger = Debugger::bind(0, FrameSelector::default()).unwrap();
        let port = debugger.port();
        let client = std::thread::spawn(move || {
            let mut client = Client::connect(port);
            client.request("?");
            client.request("c")
        });
        let (report, debugged) = run_debugged(&scenario, &jit(), debugger).unwrap();
        assert_eq!(client.join().unwrap(), end, "{program} {data}");
        assert_eq!(debugged.session().unwrap().end, SessionEnd::FrameFinished);
        let undebugged = runner::run_with(&scenario, &jit()).unwrap();
        assert_eq!(results(&report), results(&undebugged), "{program} {data}");
    }
}

#[test]
fn a_port_in_use_is_an_error_naming_it() {
    let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let error = Debugger::bind(port, FrameSelector::default()).unwrap_err();
    let Error::Debug(message) = &error else {
        panic!("{error:?}");
    };
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
}

#[test]
fn a_selector_no_frame_matches_is_an_error_after_an_ordinary_run() {
    let scenario = cpi_scenario();
    let absent = Pubkey::new_unique();
    let selector = FrameSelector {
        program: Some(absent),
        trace_index: None,
    };
    let (report, debugged) =
        run_debugged(&scenario, &jit(), Debugger::bind(0, selector).unwrap()).unwrap();
    let DebugOutcome { session: None, .. } = &debugged else {
        panic!("{debugged:?}");
    };
    let error = debugged.session().unwrap_err().to_string();
    assert!(
        error.contains(&format!(
            "the run had no frame of program {absent} to debug"
        )),
        "{error}"
    );
    let undebugged = runner::run_with(&scenario, &jit()).unwrap();
    assert_eq!(results(&report), results(&undebugged));
}

/// How the client leaves in [`a_client_that_leaves_leaves_the_run_as_it_was`].
#[derive(Debug, Clone, Copy)]
enum Leave {
    /// `D`, answered `OK`.
    Detach,
    /// `k`, not answered.
    Kill,
    /// The connection closed with no packet.
    Hangup,
}

#[test]
fn a_client_that_leaves_leaves_the_run_as_it_was() {
    let scenario = Scenario::load(&fixtures_dir().join("cpi_chain.toml")).unwrap();
    let undebugged = runner::run_with(&scenario, &jit()).unwrap();
    for leave in [Leave::Detach, Leave::Kill, Leave::Hangup] {
        // Trace index 2: the second CPI of the chain's first instruction.
        let selector = FrameSelector {
            program: None,
            trace_index: Some(2),
        };
        let debugger = Debugger::bind(0, selector).unwrap();
        let port = debugger.port();
        let client = std::thread::spawn(move || {
            let mut client = Client::connect(port);
            client.request("?");
            let frame = client.monitor("frame");
            client.request("s");
            match leave {
                Leave::Detach => assert_eq!(client.request("D"), "OK"),
                Leave::Kill => client.send("k"),
                Leave::Hangup => drop(client),
            }
            frame
        });
        let (report, debugged) = run_debugged(&scenario, &jit(), debugger).unwrap();
        let frame = client.join().unwrap();
        assert!(frame.contains("trace index 2, stack height 3"), "{frame}");
        let session = debugged.session().unwrap();
        match (leave, &session.end) {
            (Leave::Detach, SessionEnd::Detached)
            | (Leave::Kill, SessionEnd::Killed)
            | (Leave::Hangup, SessionEnd::ConnectionLost(_)) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(
            (session.frame.trace_index, session.frame.stack_height),
            (2, 3)
        );
        assert_eq!(results(&report), results(&undebugged), "{leave:?}");
    }
}

#[test]
fn traces_and_profiles_are_not_recorded_in_a_debugged_run() {
    let options = RunOptions {
        profile: true,
        ..jit()
    };
    let debugger = Debugger::bind(0, FrameSelector::default()).unwrap();
    let error = run_debugged(&cpi_scenario(), &options, debugger).unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
}
