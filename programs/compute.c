/*
 * compute.c: compute-bound loops for metering and benchmarks.
 * Instruction data: u64 LE n in data[0..8], optional mode in data[8] (default 0).
 *   mode 0: n rounds of xorshift64 on x (pure ALU work)
 *   mode 1: the same, plus x += sol_get_stack_height() each round (cheap syscall loop)
 *   mode 2: the same, plus sol_log_64_(i, x, 0, 0, 0) each round (logging loop)
 * Return data = the final x as 8 little-endian bytes. x starts at 0x9E3779B97F4A7C15.
 * Fewer than 8 bytes or an unknown mode: InvalidInstructionData.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 8

static inline uint64_t xorshift64(uint64_t x) {
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return x;
}

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;
  if (params.data_len < 8) return ERROR_INVALID_INSTRUCTION_DATA;

  uint64_t n = sol_read_u64_le(params.data);
  uint8_t mode = params.data_len > 8 ? params.data[8] : 0;
  uint64_t x = 0x9E3779B97F4A7C15ULL;

  /* One loop per mode, so the pure loop carries no per-iteration mode test. */
  switch (mode) {
    case 0:
      for (uint64_t i = 0; i < n; i++) x = xorshift64(x);
      break;
    case 1:
      for (uint64_t i = 0; i < n; i++) x = xorshift64(x) + sol_get_stack_height();
      break;
    case 2:
      for (uint64_t i = 0; i < n; i++) {
        x = xorshift64(x);
        sol_log_64_(i, x, 0, 0, 0);
      }
      break;
    default:
      return ERROR_INVALID_INSTRUCTION_DATA;
  }

  uint8_t out[8];
  sol_write_u64_le(out, x);
  sol_set_return_data(out, sizeof(out));
  return SUCCESS;
}
