/*
 * memops.c: the four memory syscalls.
 * Instruction data byte 0 selects the operation (empty data = op 0).
 *   op 0: on a 64-byte stack buffer:
 *           sol_memset_(buf, 0x11, 64)
 *           sol_memcpy_(buf, {0, 1, ..., 15}, 16)
 *           sol_memmove_(buf + 4, buf, 16)          overlapping, which memmove allows
 *           sol_memcmp_(buf + 4, buf + 20, 4, &cmp)  0x00 vs 0x11: cmp = -17
 *         If account 0 is present, writable and at least 16 bytes long, buf[0..16] is also
 *         sol_memcpy_'d into its data and compared back with sol_memcmp_ (Custom(2) if
 *         different); a read-only account is left alone.
 *         Return data (20 bytes) = cmp as i32 LE ++ buf[0..16]
 *           = ef ff ff ff 00 01 02 03 00 01 02 03 04 05 06 07 08 09 0a 0b
 *   op 1: sol_memcpy_(buf + 1, buf, 8): overlapping ranges, so the runtime aborts the
 *         program with CopyOverlapping.
 * Unknown op: InvalidInstructionData.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 8

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;

  uint8_t op = params.data_len >= 1 ? params.data[0] : 0;
  uint8_t buf[64];

  if (op == 1) {
    sol_memset_(buf, 0, sizeof(buf));
    sol_memcpy_(buf + 1, buf, 8);
    return SUCCESS; /* not reached under a conforming runtime */
  }
  if (op != 0) return ERROR_INVALID_INSTRUCTION_DATA;

  uint8_t pattern[16];
  for (int i = 0; i < 16; i++) pattern[i] = (uint8_t)i;

  sol_memset_(buf, 0x11, sizeof(buf));
  sol_memcpy_(buf, pattern, 16);
  sol_memmove_(buf + 4, buf, 16);
  int32_t cmp = 0;
  sol_memcmp_(buf + 4, buf + 20, 4, &cmp);

  if (params.ka_num >= 1 && accounts[0].is_writable && accounts[0].data_len >= 16) {
    int32_t account_cmp = 1;
    sol_memcpy_(accounts[0].data, buf, 16);
    sol_memcmp_(accounts[0].data, buf, 16, &account_cmp);
    if (account_cmp != 0) return TO_CUSTOM(2);
  }

  uint8_t out[4 + 16];
  uint32_t cmp_bits = (uint32_t)cmp;
  for (int i = 0; i < 4; i++) out[i] = (uint8_t)(cmp_bits >> (8 * i));
  sol_memcpy(out + 4, buf, 16);
  sol_set_return_data(out, sizeof(out));
  return SUCCESS;
}
