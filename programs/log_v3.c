/*
 * log_v3.c: log.c linked as an SBPF v3 program (tools/build-programs links every name ending
 * in `_v3` for v3): static syscalls, the read-only data in region 0 instead of region 1
 * (`enable_lower_rodata_vaddr`), and no stack frame gaps, so the executor's v3 memory
 * layout is exercised by a real program.
 */
#include "log.c"
