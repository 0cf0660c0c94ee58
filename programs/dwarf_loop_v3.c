/*
 * dwarf_loop_v3.c: dwarf_loop.c linked as an SBPF v3 program (tools/build-programs links every
 * name ending in `_v3` for v3), with DWARF like it:
 * build-programs: debug-info
 * Its text is at 0x1_0000_0000 (v3's bytecode region) rather than after the ELF headers, so
 * the DWARF addresses differ from dwarf_loop.so's by that layout only, and the line coverage
 * of the same run is the same (tested).
 */
#include "dwarf_loop.c"
