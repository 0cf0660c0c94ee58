/*
 * dwarf_loop.c: a small program built with DWARF (line tables, inlined frames), for the
 * source-level profiles and line coverage. tools/build-programs compiles every program
 * whose source carries the marker below with -g.
 * build-programs: debug-info
 *
 * Takes no accounts. Sums the instruction data's bytes in a loop (sum_bytes, never inlined),
 * then logs "odd" for an odd sum, or the sum with sol_log_64_ for an even one (report,
 * always inlined: the two branches call different syscalls, so their code stays apart). Returns 0, or
 * InvalidArgument when accounts are passed.
 */
#include <sbfvm.h>

static __attribute__((noinline)) uint64_t sum_bytes(const uint8_t *data, uint64_t len) {
  uint64_t sum = 0;
  for (uint64_t i = 0; i < len; i++) {
    sum += data[i];
  }
  return sum;
}

SBFVM_INLINE void report(uint64_t sum) {
  if (sum & 1) {
    sol_log_("odd", 3);
  } else {
    sol_log_64_(sum, 0, 0, 0, 0);
  }
}

uint64_t entrypoint(const uint8_t *input) {
  uint64_t accounts = *(const uint64_t *)input;
  if (accounts != 0) {
    return ERROR_INVALID_ARGUMENT;
  }
  uint64_t len = *(const uint64_t *)(input + 8);
  uint64_t sum = sum_bytes(input + 16, len);
  report(sum);
  return SUCCESS;
}
