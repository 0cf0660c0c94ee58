/*
 * custom_error.c: the ways a program can fail.
 *   data empty          -> sol_panic_("custom_error.c", 14, PANIC_LINE, PANIC_COLUMN)
 *   data == [0xff]      -> abort()
 *   data == [0xfe]      -> 8-byte load from address 0 (access violation: nothing is mapped there)
 *   data_len >= 4       -> returns the u32 LE in data[0..4]: 0 is SUCCESS, n > 0 is Custom(n)
 *                          (0x2a -> Custom(42))
 *   anything else       -> InvalidInstructionData
 * The panic location is fixed (not __FILE__/__LINE__) so tests can match the log line.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 8
#define PANIC_FILE "custom_error.c"
#define PANIC_LINE 42
#define PANIC_COLUMN 7

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;

  if (params.data_len == 0) {
    sol_panic_(PANIC_FILE, sizeof(PANIC_FILE) - 1, PANIC_LINE, PANIC_COLUMN);
  }
  if (params.data_len == 1 && params.data[0] == 0xff) {
    abort();
  }
  if (params.data_len == 1 && params.data[0] == 0xfe) {
    /* volatile keeps the (deliberately invalid) load from being optimized away */
    volatile const uint64_t *null_address = (volatile const uint64_t *)0;
    return *null_address;
  }
  if (params.data_len >= 4) {
    return sol_read_u32_le(params.data);
  }
  return ERROR_INVALID_INSTRUCTION_DATA;
}
