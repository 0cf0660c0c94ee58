//! DWARF for the programs that ask for it (`build-programs: debug-info` in their source).
//!
//! sbpf-linker copies the object's `.debug_*` sections into the program byte for byte, but
//! without applying their relocations (`.rel.debug_*`): every address in them (a CU's or a
//! function's `DW_AT_low_pc`, the line programs' `DW_LNE_set_address`) stays an offset in
//! the object's `.text`, and every cross-section offset an addend. This module applies those
//! relocations with the symbols' addresses in the linked program and writes the relocated
//! sections over the copies, so the program's DWARF says what a normally linked ELF's says:
//! text addresses are ELF virtual addresses.
//!
//! That is only right when the link did not move code. sbpf-linker re-assembles the text
//! (its optimizer may drop dead functions or rewrite instructions), so the program's `.text`
//! must have the object's size and, slot by slot, the same opcodes and registers (the
//! immediates of relocated `lddw`s and syscall `call`s differ by design); anything else is
//! an error naming the first slot that differs.

use object::read::elf::ElfFile64;
use object::{
    LittleEndian, Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget,
    SectionKind, SymbolKind,
};

/// `R_BPF_64_ABS64`: a 64-bit absolute address (S + A).
const R_BPF_64_ABS64: u32 = 2;
/// `R_BPF_64_ABS32`: a 32-bit absolute value (S + A), the offsets between debug sections.
const R_BPF_64_ABS32: u32 = 3;

/// The opcodes the check treats apart: `lddw` (two slots) and `call imm`.
const LDDW: u8 = 0x18;
const CALL_IMM: u8 = 0x85;

type Elf<'data> = ElfFile64<'data, LittleEndian>;

/// Applies the object's debug relocations to the debug sections `program` (the linked
/// output of `object`) carries, in place.
pub fn relocate(name: &str, object: &[u8], program: &mut [u8]) -> Result<(), String> {
    let context = |message: String| format!("debug info of {name}: {message}");
    let object_file = Elf::parse(object).map_err(|e| context(format!("object: {e}")))?;
    let program_file = Elf::parse(&*program).map_err(|e| context(format!("program: {e}")))?;
    let object_text = section(&object_file, ".text").map_err(context)?;
    let program_text = section(&program_file, ".text").map_err(context)?;
    check_text_unmoved(
        object_text.data().map_err(|e| context(e.to_string()))?,
        program_text.data().map_err(|e| context(e.to_string()))?,
    )
    .map_err(context)?;
    let text_address = program_text.address();
    let program_rodata = program_file
        .section_by_name(".rodata")
        .map(|rodata| -> Result<(u64, Vec<u8>), String> {
            Ok((
                rodata.address(),
                rodata.data().map_err(|e| e.to_string())?.to_vec(),
            ))
        })
        .transpose()
        .map_err(context)?;

    let mut patches: Vec<(usize, Vec<u8>)> = Vec::new();
    for debug in object_file.sections() {
        let debug_name = debug.name().map_err(|e| context(e.to_string()))?;
        if !debug_name.starts_with(".debug_") {
            continue;
        }
        let target = section(&program_file, debug_name)
            .map_err(|message| context(format!("{message} (sbpf-linker did not copy it)")))?;
        let mut bytes = debug.data().map_err(|e| context(e.to_string()))?.to_vec();
        let (file_offset, file_size) = target
            .file_range()
            .ok_or_else(|| context(format!("{debug_name} has no bytes in the program")))?;
        if file_size != bytes.len() as u64 || target.data().ok() != Some(&bytes[..]) {
            return Err(context(format!(
                "the program's {debug_name} is not a copy of the object's"
            )));
        }
        for (offset, relocation) in debug.relocations() {
            let RelocationFlags::Elf { r_type } = relocation.flags() else {
                return Err(context("a relocation that is not ELF's".into()));
            };
            let RelocationTarget::Symbol(index) = relocation.target() else {
                return Err(context(format!("{debug_name}+{offset:#x}: no symbol")));
            };
            let symbol = object_file
                .symbol_by_index(index)
                .map_err(|e| context(e.to_string()))?;
            let value = symbol_value(&object_file, &symbol, text_address, program_rodata.as_ref())
                .map_err(|message| context(format!("{debug_name}+{offset:#x}: {message}")))?;
            let at = usize::try_from(offset).map_err(|e| context(e.to_string()))?;
            match r_type.0 {
                R_BPF_64_ABS64 => {
                    let field = bytes
                        .get_mut(at..at + 8)
                        .ok_or_else(|| context(format!("{debug_name}+{offset:#x} is outside")))?;
                    let addend = u64::from_le_bytes(field.try_into().expect("8 bytes"));
                    field.copy_from_slice(&value.wrapping_add(addend).to_le_bytes());
                }
                R_BPF_64_ABS32 => {
                    let field = bytes
                        .get_mut(at..at + 4)
                        .ok_or_else(|| context(format!("{debug_name}+{offset:#x} is outside")))?;
                    let addend = u32::from_le_bytes(field.try_into().expect("4 bytes"));
                    let relocated = u32::try_from(value)
                        .ok()
                        .and_then(|value| value.checked_add(addend))
                        .ok_or_else(|| {
                            context(format!("{debug_name}+{offset:#x}: {value:#x} + {addend:#x} does not fit 32 bits"))
                        })?;
                    field.copy_from_slice(&relocated.to_le_bytes());
                }
                other => {
                    return Err(context(format!(
                        "{debug_name}+{offset:#x}: relocation type {other} is not handled"
                    )))
                }
            }
        }
        patches.push((
            usize::try_from(file_offset).map_err(|e| context(e.to_string()))?,
            bytes,
        ));
    }
    if patches.is_empty() {
        return Err(context(
            "the object has no .debug_* sections (was -g passed?)".into(),
        ));
    }
    for (offset, bytes) in patches {
        program[offset..offset + bytes.len()].copy_from_slice(&bytes);
    }
    Ok(())
}

fn section<'data, 'file>(
    file: &'file Elf<'data>,
    name: &str,
) -> Result<object::read::elf::ElfSection64<'data, 'file, LittleEndian>, String> {
    file.section_by_name(name)
        .ok_or_else(|| format!("no {name} section"))
}

/// The address a relocation's symbol has in the linked program: text symbols at the
/// program's text address plus their object offset (the text is not moved), debug sections
/// at 0 (they are copied whole, so offsets into them stay), read-only data where its bytes
/// are in the program's `.rodata` (found by content: sbpf-linker lays rodata out anew).
fn symbol_value(
    object_file: &Elf<'_>,
    symbol: &object::read::elf::ElfSymbol64<'_, '_, LittleEndian>,
    text_address: u64,
    program_rodata: Option<&(u64, Vec<u8>)>,
) -> Result<u64, String> {
    let Some(section_index) = symbol.section_index() else {
        return Err(format!(
            "symbol {} is not defined in a section",
            symbol.name().unwrap_or("?")
        ));
    };
    let section = object_file
        .section_by_index(section_index)
        .map_err(|e| e.to_string())?;
    let section_name = section.name().map_err(|e| e.to_string())?;
    let offset = if symbol.kind() == SymbolKind::Section {
        0
    } else {
        symbol.address()
    };
    if section_name == ".text" {
        return Ok(text_address + offset);
    }
    if section_name.starts_with(".debug_") {
        return Ok(offset);
    }
    if matches!(
        section.kind(),
        SectionKind::ReadOnlyData | SectionKind::ReadOnlyString
    ) {
        let data = section.data().map_err(|e| e.to_string())?;
        let (rodata_address, rodata) =
            program_rodata.ok_or("read-only data, and the program has no .rodata")?;
        let found: Vec<usize> = rodata
            .windows(data.len().max(1))
            .enumerate()
            .filter(|(_, window)| *window == data)
            .map(|(position, _)| position)
            .collect();
        return match found[..] {
            [position] => Ok(rodata_address + position as u64 + offset),
            _ => Err(format!(
                "{section_name} is found {} times in the program's .rodata",
                found.len()
            )),
        };
    }
    Err(format!("symbol in {section_name}, which is not handled"))
}

/// Fails unless `program` (the linked text) has `object`'s (the compiled text) size and,
/// slot by slot, its opcode, registers and offset: then every instruction is where the
/// object's debug info says. A `call`'s source register may change too: SBPF v3 marks
/// syscalls with `src` 0 and internal calls with `src` 1.
fn check_text_unmoved(object: &[u8], program: &[u8]) -> Result<(), String> {
    if object.len() != program.len() {
        return Err(format!(
            "sbpf-linker changed the text's size ({} bytes compiled, {} linked), so the \
             debug info's addresses would be wrong",
            object.len(),
            program.len()
        ));
    }
    // An lddw's second slot is all immediate.
    let mut second_slot = false;
    for (slot, (compiled, linked)) in object.chunks(8).zip(program.chunks(8)).enumerate() {
        let same = if compiled[0] == CALL_IMM {
            linked[0] == CALL_IMM && compiled[1] & 0x0f == linked[1] & 0x0f
        } else {
            compiled[..4] == linked[..4]
        };
        if !second_slot && !same {
            return Err(format!(
                "sbpf-linker rewrote the instruction at pc {slot} ({:02x?} compiled, {:02x?} \
                 linked), so the debug info's addresses may be wrong",
                compiled, linked
            ));
        }
        second_slot = !second_slot && compiled[0] == LDDW;
    }
    Ok(())
}
