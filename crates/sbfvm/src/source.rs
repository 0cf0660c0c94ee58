//! Source locations from a program's DWARF: the file:line of a pc and the chain of inlined
//! functions it lies in, for the profiles ([`crate::profile`]) and line coverage
//! ([`crate::coverage`]).
//!
//! **pc ↔ address.** A pc is an instruction index into the program's text, as solana-sbpf
//! counts it (`reg[11]`, the profiles' and `--trace`'s pcs). The text starts at its ELF
//! virtual address: the `.text` section's `sh_addr` (SBPF v0–v2, and v3 ELFs that keep
//! section headers), else the executable segment's `p_vaddr` (a v3 ELF without section
//! headers). DWARF written by a normal link (platform-tools' lld, `cargo-build-sbf`) holds
//! those same virtual addresses, so the instruction at pc is DWARF address
//! `text address + 8 × pc`, in every SBPF version (instructions are 8 bytes; an `lddw`'s
//! second slot is a pc of its own that never executes).
//!
//! The lookups are addr2line's, over gimli's reader, on the `.debug_*` sections goblin finds.
//! Every unit, entry and line-table row is read when the map is built, so DWARF that cannot
//! be read (a truncated unit, an offset outside its section) is an error there, not later.

use std::sync::Arc;

/// The DWARF sections read (of DWARF 4 and 5); those missing are empty.
type Reader = gimli::EndianArcSlice<gimli::LittleEndian>;

/// A file and line, as the line table names them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceLine {
    /// The file's path, joined from the compilation directory and the line table's
    /// directory, without a leading `./`.
    pub file: String,
    /// 1-based line number.
    pub line: u32,
}

impl std::fmt::Display for SourceLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One function of the chain a pc lies in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFrame {
    /// The function's name (a Rust name demangled without its hash); `None` when DWARF has
    /// none.
    pub function: Option<String>,
    /// Where in this function the pc is: for the innermost frame the pc's own line, for
    /// any other the call site of the function inlined into it.
    pub location: Option<SourceLine>,
}

/// The DWARF of one program.
pub struct SourceMap {
    text_address: u64,
    context: addr2line::Context<Reader>,
}

impl std::fmt::Debug for SourceMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceMap")
            .field("text_address", &self.text_address)
            .finish_non_exhaustive()
    }
}

/// Sections of DWARF that hold what the lookups read; a program with none of them has no
/// usable debug info.
const DEBUG_SECTIONS: [&str; 2] = [".debug_info", ".debug_line"];

impl SourceMap {
    /// Reads the DWARF of `elf_bytes`, whose text starts at `text_address`
    /// (the profiles' `Symbols::text_address`). `Ok(None)` when the ELF has neither
    /// `.debug_info` nor `.debug_line`; an error when a debug section lies outside the file,
    /// is compressed, or does not parse.
    pub fn from_elf(elf_bytes: &[u8], text_address: u64) -> Result<Option<Self>, String> {
        use goblin::elf::{section_header::SHF_COMPRESSED, section_header::SHT_NOBITS, Elf};
        let elf = Elf::parse(elf_bytes).map_err(|error| format!("unreadable ELF: {error}"))?;
        let section = |name: &str| {
            elf.section_headers
                .iter()
                .find(|header| elf.shdr_strtab.get_at(header.sh_name) == Some(name))
        };
        if DEBUG_SECTIONS.iter().all(|name| section(name).is_none()) {
            return Ok(None);
        }
        let load = |id: gimli::SectionId| -> Result<Reader, String> {
            let Some(header) = section(id.name()) else {
                return Ok(Reader::new(Arc::from(&[][..]), gimli::LittleEndian));
            };
            if header.sh_flags & u64::from(SHF_COMPRESSED) != 0 {
                return Err(format!(
                    "{} is compressed, which sbfvm does not read (link without \
                     --compress-debug-sections)",
                    id.name()
                ));
            }
            let bytes: &[u8] = if header.sh_type == SHT_NOBITS {
                &[]
            } else {
                usize::try_from(header.sh_offset)
                    .ok()
                    .zip(usize::try_from(header.sh_size).ok())
                    .and_then(|(start, size)| elf_bytes.get(start..start.checked_add(size)?))
                    .ok_or_else(|| {
                        format!(
                            "{} ({} bytes at offset {}) lies outside the file ({} bytes)",
                            id.name(),
                            header.sh_size,
                            header.sh_offset,
                            elf_bytes.len()
                        )
                    })?
            };
            Ok(Reader::new(Arc::from(bytes), gimli::LittleEndian))
        };
        let dwarf = gimli::Dwarf::load(load)?;
        let dwarf_error = |error: gimli::Error| format!("unreadable DWARF: {error}");
        validate(&dwarf).map_err(dwarf_error)?;
        let context = addr2line::Context::from_dwarf(dwarf).map_err(dwarf_error)?;
        // Parse everything now, so that broken DWARF fails here rather than mid-lookup.
        context.parse_lines().map_err(dwarf_error)?;
        context.parse_functions().map_err(dwarf_error)?;
        context.parse_inlined_functions().map_err(dwarf_error)?;
        Ok(Some(Self {
            text_address,
            context,
        }))
    }

    /// The DWARF address of the instruction at `pc`.
    fn address(&self, pc: u64) -> u64 {
        self.text_address.saturating_add(pc.saturating_mul(8))
    }

    /// The file and line of the instruction at `pc`, when the line table has one (line 0,
    /// code the compiler made up, counts as none).
    pub fn line(&self, pc: u64) -> Result<Option<SourceLine>, String> {
        let location = self
            .context
            .find_location(self.address(pc))
            .map_err(|error| format!("unreadable DWARF at pc {pc}: {error}"))?;
        Ok(location.and_then(|location| source_line(&location)))
    }

    /// The functions the instruction at `pc` lies in, outermost (the function of the text)
    /// first, then each inlined into the one before; empty when DWARF has no function there.
    pub fn frames(&self, pc: u64) -> Result<Vec<SourceFrame>, String> {
        let error = |error: gimli::Error| format!("unreadable DWARF at pc {pc}: {error}");
        let mut iter = self
            .context
            .find_frames(self.address(pc))
            .skip_all_loads()
            .map_err(error)?;
        let mut frames = Vec::new();
        while let Some(frame) = iter.next().map_err(error)? {
            let function = match &frame.function {
                Some(name) => Some(display_name(&name.raw_name().map_err(error)?)),
                None => None,
            };
            frames.push(SourceFrame {
                function,
                location: frame.location.as_ref().and_then(source_line),
            });
        }
        frames.reverse();
        // A location-only answer (no function DIE covers the pc) names no function.
        if frames.iter().all(|frame| frame.function.is_none()) {
            frames.clear();
        }
        Ok(frames)
    }
}

/// Reads every unit header, every entry and every line-table row: addr2line skips a unit
/// it cannot parse (so broken DWARF would just name nothing), and reads lazily.
fn validate(dwarf: &gimli::Dwarf<Reader>) -> gimli::Result<()> {
    let mut headers = dwarf.units();
    while let Some(header) = headers.next()? {
        let unit = dwarf.unit(header)?;
        let mut entries = unit.entries();
        while entries.next_dfs()?.is_some() {}
        if let Some(program) = unit.line_program.clone() {
            let mut rows = program.rows();
            while rows.next_row()?.is_some() {}
        }
    }
    Ok(())
}

/// A symbol or DWARF name as profiles show it: a Rust name demangled without its hash, any
/// other as is.
pub(crate) fn display_name(symbol: &str) -> String {
    format!("{:#}", rustc_demangle::demangle(symbol))
}

fn source_line(location: &addr2line::Location<'_>) -> Option<SourceLine> {
    let line = location.line.filter(|&line| line > 0)?;
    let file = location.file?;
    Some(SourceLine {
        file: file.strip_prefix("./").unwrap_or(file).to_string(),
        line,
    })
}
