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
