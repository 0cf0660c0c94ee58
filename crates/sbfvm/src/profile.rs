//! Runtime profiles: compute units per function across an instruction's whole CPI tree.
//! `sbfvm run SCENARIO --profile DIR` writes them as folded stacks and flamegraphs.
//!
//! Each frame's VM run is stepped in the interpreter ([`sbfvm_vm::profile`] says why), which
//! hands back a call tree of the program's functions (by entry pc) with the units each
//! spent, its syscall call sites and their charges. Here functions get names from the
//! ELF's symbols, callee frames are hung under the CPI call that ran them, and a frame's
//! units charged outside the VM (the heap charge, a fault's drain, a builtin's own units)
//! stay on the frame's program node. Nothing is balanced afterwards: every frame's nodes add
//! up to its compute units only because the meter readings do.
//!
//! ```
//! use sbfvm::profile::{InstructionProfile, ProfileTracer};
//! use sbfvm::{Config, Loader, Sbfvm};
//! use solana_instruction::Instruction;
//! use solana_pubkey::Pubkey;
//!
//! let mut vm = Sbfvm::new(Config::default()).unwrap();
//! let program_id = Pubkey::new_unique();
//! vm.add_program_file(program_id, Loader::Upgradeable, "../../fixtures/log.so").unwrap();
//! vm.executor().set_tracer(Some(Box::new(ProfileTracer::default())));
//! let outcome = vm.process_instruction(&Instruction::new_with_bytes(program_id, b"", vec![]));
//! let frames = ProfileTracer::take_frames(vm.executor());
//! let profile = InstructionProfile::build(&vm, &outcome, &frames).unwrap();
//! assert_eq!(profile.total_units(), outcome.compute_units_consumed());
//! assert!(profile.folded().iter().any(|line| line.contains(";sol_log_ ")));
//! ```

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use sbfvm_vm::executor::{TraceDetail, TraceFrame, Tracer};
use sbfvm_vm::profile::{is_cpi_syscall, FrameProfile, ProfileNodeKind};
use sbfvm_vm::{LoadedProgram, SbfExecutor};
use serde::Serialize;
use solana_pubkey::Pubkey;

use crate::error::Error;
use crate::source::{display_name, SourceLine, SourceMap};
use crate::{Invocation, Outcome, Sbfvm};

/// A tracer that records the profile of every frame.
#[derive(Debug, Default)]
pub struct ProfileTracer {
    /// Frames recorded since they were last taken, in the order they finished.
    pub frames: Vec<TraceFrame>,
    /// Whether the profiles also count the executions of every pc ([`crate::coverage`]).
    pub coverage: bool,
}

impl Tracer for ProfileTracer {
    fn wants(&self, _program_id: &Pubkey) -> bool {
        true
    }

    fn record(&mut self, frame: TraceFrame) {
        self.frames.push(frame);
    }

    fn detail(&self) -> TraceDetail {
        TraceDetail::Profile
    }

    fn coverage(&self) -> bool {
        self.coverage
    }

    fn as_any(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

impl ProfileTracer {
    /// The frames the executor's [`ProfileTracer`] recorded since the last call (none
    /// when its tracer is another kind); the tracer stays in place.
    pub fn take_frames(executor: &SbfExecutor) -> Vec<TraceFrame> {
        let Some(mut tracer) = executor.take_tracer() else {
            return Vec::new();
        };
        let frames = tracer
            .as_any()
            .downcast_mut::<ProfileTracer>()
            .map(|profiler| std::mem::take(&mut profiler.frames))
            .unwrap_or_default();
        executor.set_tracer(Some(tracer));
        frames
    }
}

/// What a profile node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A frame of the invoke tree; its own units were charged outside the VM (the heap
    /// charge, a fault's drain) or, for a builtin, are all it spent.
    Program,
    /// A function of the program, named from DWARF when the program has it, else from the
    /// ELF's symbols (or `function_<address>`); its own units are the SBF instructions it
    /// executed (outside the functions inlined into it).
    Function,
    /// A function inlined into its parent (DWARF only): the units of the instructions of
    /// its inlined body at one call site. Its `calls` are 0: inlined code is not called.
    Inlined,
    /// A syscall call site: the units the calls charged.
    Syscall,
    /// A CPI call site: what the invoke syscall charged itself; the callee frame below.
    Cpi,
}

/// One node of a profile tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileNode {
    // Fields in alphabetical order, as every struct of the `--json` report.
    /// Times the node was entered from its parent.
    pub calls: u64,
    /// Callees, syscall call sites and CPI-invoked frames, in first-call order.
    pub children: Vec<ProfileNode>,
    /// What the node stands for.
    pub kind: NodeKind,
    /// Where the node is in the source (DWARF only): a function's first instruction's
    /// `file:line`, an inlined function's call site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The program id (for a frame), the function or the syscall.
    pub name: String,
    /// Units spent in the node itself, not in its children.
    pub units: u64,
}

impl ProfileNode {
    /// The name with its source location, as folded stacks and tables show it:
    /// `name (file:line)`.
    pub fn label(&self) -> String {
        match &self.location {
            Some(location) => format!("{} ({location})", self.name),
            None => self.name.clone(),
        }
    }

    /// Units of the node and everything below it.
    pub fn total_units(&self) -> u64 {
        self.units
            + self
                .children
                .iter()
                .map(ProfileNode::total_units)
                .sum::<u64>()
    }
}

/// The profile of one instruction (or transaction): one tree per top-level frame.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InstructionProfile {
    /// One [`NodeKind::Program`] root per top-level frame, in execution order.
    pub frames: Vec<ProfileNode>,
}

/// Function names of one program, from its ELF's symbol tables.
#[derive(Debug, Clone, Default)]
pub struct Symbols {
    /// Virtual address of the text section's first byte.
    text_address: u64,
    /// Function symbols by address (the first name seen for an address wins).
    by_address: BTreeMap<u64, (String, u64)>,
}

impl Symbols {
    /// Reads the `.symtab` and `.dynsym` symbols that lie in the text section. A symbol
    /// table the ELF declares but that cannot be read, or a name outside its string table,
    /// is an error; an ELF without symbols names its functions by address.
    pub fn from_elf(elf_bytes: &[u8]) -> Result<Self, String> {
        use goblin::elf::{section_header::SHT_PROGBITS, Elf};
        let elf = Elf::parse(elf_bytes).map_err(|error| format!("unreadable ELF: {error}"))?;
        let text = elf.section_headers.iter().enumerate().find(|(_, header)| {
            header.sh_type == SHT_PROGBITS
                && elf.shdr_strtab.get_at(header.sh_name) == Some(".text")
        });
        let Some((text_index, text)) = text else {
            // An SBPF v3 ELF may have no section headers: its text is the executable
            // segment, and it has no symbols to name functions with.
            let segment = elf
                .program_headers
                .iter()
                .find(|header| header.is_executable())
                .ok_or("neither a .text section nor an executable segment")?;
            return Ok(Symbols {
                text_address: segment.p_vaddr,
                by_address: BTreeMap::new(),
            });
        };
        let text_end = text.sh_addr.saturating_add(text.sh_size);
        let mut symbols = Symbols {
            text_address: text.sh_addr,
            by_address: BTreeMap::new(),
        };
        for (table, strings, table_name) in [
            (&elf.syms, &elf.strtab, ".symtab"),
            (&elf.dynsyms, &elf.dynstrtab, ".dynsym"),
        ] {
            for (position, symbol) in table.iter().enumerate() {
                if symbol.st_shndx != text_index
                    || symbol.st_value < text.sh_addr
                    || symbol.st_value >= text_end
                    || symbol.is_import()
                    || matches!(
                        symbol.st_type(),
                        goblin::elf::sym::STT_SECTION | goblin::elf::sym::STT_FILE
                    )
                {
                    continue;
                }
                let name = strings.get_at(symbol.st_name).ok_or_else(|| {
                    format!(
                        "symbol {position} of {table_name} has a name at offset {} outside \
                         its string table",
                        symbol.st_name
                    )
                })?;
                if name.is_empty() {
                    continue;
                }
                symbols
                    .by_address
                    .entry(symbol.st_value)
                    .or_insert_with(|| (display_name(name), symbol.st_size));
            }
        }
        Ok(symbols)
    }

    /// Virtual address of the text's first byte (the `.text` section's, else the
    /// executable segment's): pc `n` is at `text_address + 8 × n`.
    pub fn text_address(&self) -> u64 {
        self.text_address
    }

    /// The name of the function entered at `pc` (an instruction index in the text): its
    /// symbol, `symbol+0x..` inside a sized symbol, else `function_<address>`.
    pub fn function_name(&self, pc: u64) -> String {
        let address = self.text_address.saturating_add(pc.saturating_mul(8));
        match self.by_address.range(..=address).next_back() {
            Some((&start, (name, _))) if start == address => name.clone(),
            Some((&start, (name, size))) if address < start.saturating_add(*size) => {
                format!("{name}+{:#x}", address - start)
            }
            _ => format!("function_{address:#x}"),
        }
    }
}

impl InstructionProfile {
    /// Builds the profile of `outcome` from the frames a [`ProfileTracer`] recorded during
    /// it, naming functions from the symbols of the programs loaded in `vm`.
    pub fn build(vm: &Sbfvm, outcome: &Outcome, frames: &[TraceFrame]) -> Result<Self, Error> {
        Self::build_cached(vm, outcome, frames, &mut SymbolCache::default())
    }

    /// [`Self::build`], reading each program's symbols once for all the instructions
    /// profiled with the same `cache`.
    pub fn build_cached(
        vm: &Sbfvm,
        outcome: &Outcome,
        frames: &[TraceFrame],
        cache: &mut SymbolCache,
    ) -> Result<Self, Error> {
        let mut builder = Builder {
            vm,
            profiles: frames
                .iter()
                .filter_map(|frame| Some((frame.trace_index, frame.profile.as_ref()?)))
                .collect(),
            symbols: cache,
        };
        let frames = outcome
            .invocations
            .iter()
            .map(|invocation| builder.frame(invocation))
            .collect::<Result<_, _>>()?;
        Ok(Self { frames })
    }

    /// Units of every frame together: the instruction's compute units.
    pub fn total_units(&self) -> u64 {
        self.frames.iter().map(ProfileNode::total_units).sum()
    }

    /// Folded stacks (`program;function;callee units`), one line per node that spent
    /// units itself, in tree order.
    pub fn folded(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let mut path = Vec::new();
        for frame in &self.frames {
            fold(frame, &mut path, &mut lines);
        }
        lines
    }
}

fn fold(node: &ProfileNode, path: &mut Vec<String>, lines: &mut Vec<String>) {
    path.push(node.label());
    if node.units > 0 {
        lines.push(format!("{} {}", path.join(";"), node.units));
    }
    for child in &node.children {
        fold(child, path, lines);
    }
    path.pop();
}

struct Builder<'a> {
    vm: &'a Sbfvm,
    profiles: HashMap<usize, &'a FrameProfile>,
    symbols: &'a mut SymbolCache,
}

/// Programs' symbols and DWARF, read once per loaded program (a redeployed program is
/// read again).
#[derive(Debug, Default)]
pub struct SymbolCache(HashMap<Pubkey, (Option<Arc<LoadedProgram>>, ProgramNames)>);

/// What names a program's code: its symbols and, when it has DWARF, its source map.
#[derive(Debug, Default)]
pub struct ProgramNames {
    /// The ELF's function symbols.
    pub symbols: Symbols,
    /// The program's DWARF, when it has any.
    pub source: Option<SourceMap>,
    /// [`Self::inlined_at`]'s answers by pc: every profiled instruction asks again for the
    /// pcs it ran, and a DWARF lookup costs more than a map's.
    inlined_by_pc: RefCell<HashMap<u64, InlinedPath>>,
    /// [`Self::function_source`]'s answers by entry pc: asked for every function node of
    /// every profile, and the cache lives as long as the program stays loaded.
    functions_by_pc: RefCell<HashMap<u64, (String, Option<SourceLine>)>>,
}

/// The inlined functions a pc lies in, outermost first: name and call site.
type InlinedPath = Rc<[(String, Option<String>)]>;

impl ProgramNames {
    /// Reads the symbols and the DWARF of `elf_bytes`; either being unreadable is an
    /// error that says which.
    pub fn from_elf(elf_bytes: &[u8]) -> Result<Self, String> {
        let symbols = Symbols::from_elf(elf_bytes)?;
        let source = SourceMap::from_elf(elf_bytes, symbols.text_address()).map_err(|message| {
            format!(
                "{message} (the program's debug sections cannot be read; remove them, e.g. \
                 with `llvm-objcopy --strip-debug`, to name functions from the symbols only)"
            )
        })?;
        Ok(Self {
            symbols,
            source,
            inlined_by_pc: RefCell::default(),
            functions_by_pc: RefCell::default(),
        })
    }

    /// The function entered at `pc`: its DWARF name and the `file:line` of its first
    /// instruction when DWARF has them, else its symbol ([`Symbols::function_name`]).
    pub fn function(&self, pc: u64) -> Result<(String, Option<String>), String> {
        let (name, line) = self.function_source(pc)?;
        Ok((name, line.as_ref().map(ToString::to_string)))
    }

    /// [`Self::function`] with the location as a [`SourceLine`].
    pub fn function_source(&self, pc: u64) -> Result<(String, Option<SourceLine>), String> {
        if let Some(known) = self.functions_by_pc.borrow().get(&pc) {
            return Ok(known.clone());
        }
        let found = self.look_up_function(pc)?;
        self.functions_by_pc.borrow_mut().insert(pc, found.clone());
        Ok(found)
    }

    /// [`Self::function_source`] from the DWARF or the symbols, uncached.
    fn look_up_function(&self, pc: u64) -> Result<(String, Option<SourceLine>), String> {
        let Some(source) = &self.source else {
            return Ok((self.symbols.function_name(pc), None));
        };
        let mut frames = source.frames(pc)?.into_iter();
        let Some(outermost) = frames.next() else {
            return Ok((self.symbols.function_name(pc), None));
        };
        let name = outermost
            .function
            .unwrap_or_else(|| self.symbols.function_name(pc));
        // The function's own line at its first instruction: the outermost frame's location
        // when nothing is inlined there, else the call site it holds.
        Ok((name, outermost.location))
    }

    /// The inlined functions the instruction at `pc` lies in, outermost first, each with
    /// its call site; empty without DWARF or outside inlined code.
    fn inlined_at(&self, pc: u64) -> Result<InlinedPath, String> {
        let Some(source) = &self.source else {
            return Ok(Rc::from([]));
        };
        if let Some(path) = self.inlined_by_pc.borrow().get(&pc) {
            return Ok(Rc::clone(path));
        }
        let frames = source.frames(pc)?;
        let path: InlinedPath = frames
            .windows(2)
            .map(|pair| {
                let name = pair[1]
                    .function
                    .clone()
                    .unwrap_or_else(|| "(inlined)".to_string());
                (name, pair[0].location.as_ref().map(ToString::to_string))
            })
            .collect();
        self.inlined_by_pc.borrow_mut().insert(pc, Rc::clone(&path));
        Ok(path)
    }
}

impl Builder<'_> {
    /// The program node of `invocation` with its functions and, under their CPI call
    /// sites, its callees.
    fn frame(&mut self, invocation: &Invocation) -> Result<ProfileNode, Error> {
        let mut node = ProfileNode {
            name: invocation.program_id.to_string(),
            kind: NodeKind::Program,
            location: None,
            units: 0,
            calls: 1,
            children: Vec::new(),
        };
        let Some(profile) = self.profiles.get(&invocation.trace_index).copied() else {
            // A builtin, or a frame that ran no VM: everything it spent itself is its own.
            let callees: u64 = invocation
                .invocations
                .iter()
                .map(|callee| callee.compute_units_consumed)
                .sum();
            node.units = invocation.compute_units_consumed.saturating_sub(callees);
            for callee in &invocation.invocations {
                node.children.push(self.frame(callee)?);
            }
            return Ok(node);
        };
        node.units = invocation.cost.other;
        // Callees in call order, one per CPI call that pushed a frame.
        let mut callees = Vec::with_capacity(invocation.invocations.len());
        for callee in &invocation.invocations {
            callees.push(self.frame(callee)?);
        }
        let mut callees = callees.into_iter();
        let mut callees_of: HashMap<usize, Vec<ProfileNode>> = HashMap::new();
        for &(cpi_node, _) in &profile.cpi_calls {
            if let Some(callee) = callees.next() {
                callees_of.entry(cpi_node).or_default().push(callee);
            }
        }
        let names = self.names(&invocation.program_id)?;
        let root = convert(profile, 0, names, &mut callees_of).map_err(|message| {
            Error::Profile(format!("program {}: {message}", invocation.program_id))
        })?;
        node.children.push(root);
        // A callee no CPI call accounts for stays visible under the frame.
        node.children.extend(callees);
        Ok(node)
    }

    fn names(&mut self, program_id: &Pubkey) -> Result<&ProgramNames, Error> {
        let loaded = self.vm.executor().loaded_program(program_id);
        let cached =
            self.symbols
                .0
                .get(program_id)
                .is_some_and(|(program, _)| match (program, &loaded) {
                    (Some(cached), Some(loaded)) => Arc::ptr_eq(cached, loaded),
                    (cached, loaded) => cached.is_none() && loaded.is_none(),
                });
        if !cached {
            let names = match &loaded {
                Some(program) => ProgramNames::from_elf(program.elf()).map_err(|message| {
                    Error::Profile(format!("program {program_id}: {message}"))
                })?,
                None => ProgramNames::default(),
            };
            self.symbols.0.insert(*program_id, (loaded, names));
        }
        Ok(&self.symbols.0[program_id].1)
    }
}

/// Node `index` of a frame's VM profile as a [`ProfileNode`]; a CPI call site takes its
/// callee frames from `callees_of` and keeps only what the invoke syscall charged itself.
/// With DWARF, a function's units spent in inlined code go to [`NodeKind::Inlined`] nodes
/// below it, and its calls hang under the inlined function that made them. Call sites of
/// the same callee merge into one node (callee frames stay one node each).
fn convert(
    profile: &FrameProfile,
    index: usize,
    names: &ProgramNames,
    callees_of: &mut HashMap<usize, Vec<ProfileNode>>,
) -> Result<ProfileNode, String> {
    let source = &profile.nodes[index];
    let (name, location, kind) = match &source.kind {
        ProfileNodeKind::Function { entry_pc } => {
            let (name, location) = names.function(*entry_pc)?;
            (name, location, NodeKind::Function)
        }
        ProfileNodeKind::Syscall { name } if is_cpi_syscall(name) => {
            (name.clone(), None, NodeKind::Cpi)
        }
        ProfileNodeKind::Syscall { name } => (name.clone(), None, NodeKind::Syscall),
    };
    let mut node = ProfileNode {
        name,
        kind,
        location,
        units: source.units,
        calls: source.calls,
        children: Vec::new(),
    };
    if kind == NodeKind::Function && names.source.is_some() {
        for (pc, units) in source.pc_units.iter() {
            let path = names.inlined_at(pc)?;
            if !path.is_empty() {
                inlined_node(&mut node, &path).units += units;
                node.units = node.units.saturating_sub(units);
            }
        }
    }
    for &child in &source.children {
        let converted = convert(profile, child, names, callees_of)?;
        let path = match profile.nodes[child].call_pc {
            Some(call_pc) => names.inlined_at(call_pc)?,
            None => Rc::from([]),
        };
        insert_merged(&mut inlined_node(&mut node, &path).children, converted);
    }
    if let Some(callees) = callees_of.remove(&index) {
        let callee_units: u64 = callees.iter().map(ProfileNode::total_units).sum();
        node.units = node.units.saturating_sub(callee_units);
        node.children.extend(callees);
    }
    Ok(node)
}

/// The node below `node` for the chain of inlined functions `path` (name and call site,
/// outermost first), created when missing.
fn inlined_node<'a>(
    mut node: &'a mut ProfileNode,
    path: &[(String, Option<String>)],
) -> &'a mut ProfileNode {
    for (name, location) in path {
        let found = node.children.iter().position(|child| {
            child.kind == NodeKind::Inlined && &child.name == name && &child.location == location
        });
        let position = found.unwrap_or_else(|| {
            node.children.push(ProfileNode {
                name: name.clone(),
                kind: NodeKind::Inlined,
                location: location.clone(),
                units: 0,
                calls: 0,
                children: Vec::new(),
            });
            node.children.len() - 1
        });
        node = &mut node.children[position];
    }
    node
}

/// Adds `node` to `siblings`, merged into the sibling of its kind, name and location
/// when there is one (a program node, a callee frame, is never merged).
fn insert_merged(siblings: &mut Vec<ProfileNode>, node: ProfileNode) {
    let same = siblings.iter_mut().find(|sibling| {
        node.kind != NodeKind::Program
            && sibling.kind == node.kind
            && sibling.name == node.name
            && sibling.location == node.location
    });
    match same {
        Some(sibling) => {
            sibling.units += node.units;
            sibling.calls += node.calls;
            for child in node.children {
                insert_merged(&mut sibling.children, child);
            }
        }
        None => siblings.push(node),
    }
}

/// Where a profile's files go and what their titles say.
pub struct ProfileFiles<'a> {
    /// The directory (created when missing).
    pub dir: &'a Path,
    /// The file name without extension (`ix000`, `merged`).
    pub stem: &'a str,
    /// The flamegraph's title.
    pub title: &'a str,
}

/// Writes `lines` as `<stem>.folded` and a flamegraph `<stem>.svg`.
pub fn write_profile(files: &ProfileFiles<'_>, lines: &[String]) -> Result<(), Error> {
    let io_error = |path: &Path, error: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        message: error.to_string(),
    };
    std::fs::create_dir_all(files.dir).map_err(|error| io_error(files.dir, error))?;
    let folded = files.dir.join(format!("{}.folded", files.stem));
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    std::fs::write(&folded, text).map_err(|error| io_error(&folded, error))?;
    let svg = files.dir.join(format!("{}.svg", files.stem));
    let mut bytes = Vec::new();
    if !lines.is_empty() {
        let mut options = inferno::flamegraph::Options::default();
        options.title = files.title.to_string();
        options.count_name = "CU".to_string();
        // Colours from the function names, so the same program looks the same run to run.
        options.hash = true;
        options.deterministic = true;
        inferno::flamegraph::from_lines(&mut options, lines.iter().map(String::as_str), &mut bytes)
            .map_err(|error| Error::Profile(format!("flamegraph {}: {error}", svg.display())))?;
    }
    std::fs::write(&svg, bytes).map_err(|error| io_error(&svg, error))
}

/// Merges folded stacks: equal stacks add up; sorted by stack.
pub fn merge_folded<'a>(lines: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut merged: BTreeMap<&str, u64> = BTreeMap::new();
    for line in lines {
        if let Some((stack, units)) = line.rsplit_once(' ') {
            *merged.entry(stack).or_default() += units.parse::<u64>().unwrap_or(0);
        }
    }
    merged
        .into_iter()
        .map(|(stack, units)| format!("{stack} {units}"))
        .collect()
}

/// Compute units of one function of one program, over a whole run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionUnits {
    /// The program the function belongs to.
    pub program: String,
    /// The function's name.
    pub function: String,
    /// Units of its own instructions.
    pub self_units: u64,
    /// Units of its instructions and everything it called (syscalls, CPIs, functions);
    /// a recursive call is counted once, at its outermost frame.
    pub total_units: u64,
    /// Times it was called.
    pub calls: u64,
}

/// Every function of `profiles` with its self and total units, by total then self units,
/// largest first.
pub fn function_table<'a>(
    profiles: impl IntoIterator<Item = &'a InstructionProfile>,
) -> Vec<FunctionUnits> {
    let mut table: BTreeMap<(String, String), FunctionUnits> = BTreeMap::new();
    for profile in profiles {
        for frame in &profile.frames {
            tabulate(frame, &frame.name, &mut Vec::new(), &mut table);
        }
    }
    let mut rows: Vec<FunctionUnits> = table.into_values().collect();
    rows.sort_by(|a, b| {
        (b.total_units, b.self_units, &a.program, &a.function).cmp(&(
            a.total_units,
            a.self_units,
            &b.program,
            &b.function,
        ))
    });
    rows
}

fn tabulate(
    node: &ProfileNode,
    program: &str,
    active: &mut Vec<(String, String)>,
    table: &mut BTreeMap<(String, String), FunctionUnits>,
) {
    let program = if node.kind == NodeKind::Program {
        node.name.as_str()
    } else {
        program
    };
    let key = (program.to_string(), node.name.clone());
    let counted = matches!(node.kind, NodeKind::Function | NodeKind::Inlined);
    let outermost = counted && !active.contains(&key);
    if counted {
        let row = table.entry(key.clone()).or_insert_with(|| FunctionUnits {
            program: key.0.clone(),
            function: key.1.clone(),
            self_units: 0,
            total_units: 0,
            calls: 0,
        });
        row.self_units += node.units;
        row.calls += node.calls;
        if outermost {
            row.total_units += node.total_units();
        }
    }
    if outermost {
        active.push(key);
    }
    for child in &node.children {
        tabulate(child, program, active, table);
    }
    if outermost {
        active.pop();
    }
}

/// The `top` functions of `rows` as a table (self and total units, share of `all_units`).
pub fn render_table(rows: &[FunctionUnits], top: usize, all_units: u64) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "top {} functions by compute units ({} CU in all):",
        top.min(rows.len()),
        all_units
    );
    let _ = writeln!(
        out,
        "  {:>9} {:>6} {:>9} {:>6} {:>7}  function (program)",
        "self CU", "self%", "total CU", "total%", "calls"
    );
    let share = |units: u64| {
        if all_units == 0 {
            0.0
        } else {
            units as f64 * 100.0 / all_units as f64
        }
    };
    for row in rows.iter().take(top) {
        let _ = writeln!(
            out,
            "  {:>9} {:>5.1}% {:>9} {:>5.1}% {:>7}  {} ({})",
            row.self_units,
            share(row.self_units),
            row.total_units,
            share(row.total_units),
            row.calls,
            row.function,
            row.program
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::display_name;

    #[test]
    fn rust_symbols_are_demangled_and_c_symbols_kept() {
        assert_eq!(
            display_name("_ZN4core3fmt5write17h0123456789abcdefE"),
            "core::fmt::write"
        );
        assert_eq!(
            display_name("_RNvCs1234_7mycrate7process"),
            "mycrate::process"
        );
        assert_eq!(display_name("entrypoint"), "entrypoint");
    }
}
