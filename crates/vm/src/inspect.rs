//! ELF inspection: which syscalls a program imports.

use goblin::elf::Elf;

/// Names of the undefined dynamic symbols of an SBPF v0–v2 ELF: the syscalls it imports.
/// Returns nothing for ELFs goblin cannot parse (the loader reports those).
pub fn imported_syscalls(elf_bytes: &[u8]) -> Vec<String> {
    let Ok(elf) = Elf::parse(elf_bytes) else {
        return Vec::new();
    };
    let mut names: Vec<String> = elf
        .dynsyms
        .iter()
        .filter(|symbol| symbol.st_shndx == 0 && symbol.st_name != 0)
        .filter_map(|symbol| elf.dynstrtab.get_at(symbol.st_name))
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// What `sbfvm inspect` reports about an ELF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfSummary {
    /// From `e_flags` (0 = SBPF v0, the format of every deployed legacy program).
    pub e_flags: u32,
    /// `e_entry`: the entry point's virtual address.
    pub entrypoint: u64,
    /// The named section headers, in file order.
    pub sections: Vec<SectionSummary>,
    /// The syscalls the ELF imports ([`imported_syscalls`]), sorted.
    pub imported_syscalls: Vec<String>,
    /// Number of dynamic symbols (`.dynsym` entries).
    pub dynamic_symbols: usize,
}

/// One named section header of an ELF, as [`summarize`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionSummary {
    /// The section's name (`?` when the string table cannot give it).
    pub name: String,
    /// `sh_addr`: the section's virtual address.
    pub address: u64,
    /// `sh_offset`: where the section starts in the file, in bytes.
    pub offset: u64,
    /// `sh_size`: the section's length in bytes.
    pub size: u64,
}

/// Whether the ELF has a section named `.debug_*` (DWARF); `false` for ELFs goblin cannot
/// parse.
pub fn has_debug_sections(elf_bytes: &[u8]) -> bool {
    Elf::parse(elf_bytes).is_ok_and(|elf| {
        elf.section_headers.iter().any(|header| {
            elf.shdr_strtab
                .get_at(header.sh_name)
                .is_some_and(|name| name.starts_with(".debug_"))
        })
    })
}

/// Parses the ELF headers with goblin (no relocation, no verification).
pub fn summarize(elf_bytes: &[u8]) -> Result<ElfSummary, String> {
    let elf = Elf::parse(elf_bytes).map_err(|error| format!("not a valid ELF: {error}"))?;
    let sections = elf
        .section_headers
        .iter()
        .filter(|header| header.sh_name != 0)
        .map(|header| SectionSummary {
            name: elf
                .shdr_strtab
                .get_at(header.sh_name)
                .unwrap_or("?")
                .to_string(),
            address: header.sh_addr,
            offset: header.sh_offset,
            size: header.sh_size,
        })
        .collect();
    Ok(ElfSummary {
        e_flags: elf.header.e_flags,
        entrypoint: elf.header.e_entry,
        sections,
        imported_syscalls: imported_syscalls(elf_bytes),
        dynamic_symbols: elf.dynsyms.len(),
    })
}

/// The result of loading an ELF the way the runtime would: parse, relocate, verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadCheck {
    /// The SBPF version of the ELF; `None` when it could not be loaded (or declares a
    /// reserved version).
    pub sbpf_version: Option<crate::SbpfVersion>,
    /// Number of entries in the executable's function registry (0 when loading failed).
    pub function_count: usize,
    /// Length of the text section in bytes (0 when loading failed).
    pub text_bytes: usize,
    /// Length of the read-only section solana-sbpf maps, in bytes (0 when loading failed).
    pub rodata_bytes: usize,
    /// `None` when loading and verification succeed.
    pub error: Option<String>,
}

/// Loads and verifies `elf_bytes` in `environment` (execution or deployment rules).
pub fn check_load(environment: &crate::ProgramEnvironment, elf_bytes: &[u8]) -> LoadCheck {
    use solana_sbpf::{elf::Executable, verifier::RequisiteVerifier};
    let mut check = LoadCheck {
        sbpf_version: None,
        function_count: 0,
        text_bytes: 0,
        rodata_bytes: 0,
        error: None,
    };
    let executable = match Executable::<crate::VmContext>::load(
        elf_bytes,
        std::sync::Arc::clone(&environment.loader),
    ) {
        Ok(executable) => executable,
        Err(error) => {
            check.error = Some(format!("ELF error: {error}"));
            return check;
        }
    };
    check.sbpf_version = crate::SbpfVersion::from_sbpf(executable.get_sbpf_version());
    check.function_count = executable.get_function_registry().iter().count();
    check.text_bytes = executable.get_text_bytes().1.len();
    check.rodata_bytes = executable.get_ro_section().len();
    if let Err(error) = executable.verify::<RequisiteVerifier>() {
        check.error = Some(format!("verification failed: {error}"));
    }
    check
}

#[cfg(test)]
mod tests {
    use super::has_debug_sections;

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
    }

    /// Profiles count units per pc only for programs this finds DWARF in.
    #[test]
    fn debug_sections_are_found_only_where_they_are() {
        assert!(has_debug_sections(&fixture("dwarf_loop.so")));
        assert!(has_debug_sections(&fixture("dwarf_loop_v3.so")));
        assert!(!has_debug_sections(&fixture("log.so")));
        assert!(!has_debug_sections(b"\x7fELF not really"));
    }
}
