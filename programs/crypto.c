/*
 * crypto.c: the alt_bn128 and BLS12-381 syscalls.
 * Instruction data: [family, op, out_len, input...]; "input" is data[3..], n its length.
 *   family 0: r = sol_alt_bn128_group_op(op, input, n, out)
 *   family 1: r = sol_alt_bn128_compression(op, input, n, out)
 *   family 2: r = sol_curve_decompress(op (the curve id), input, out)
 *   family 3: r = sol_curve_pairing_map(op, n / 288, input, input + 96 * (n / 288), out):
 *             the G1 points (96 bytes each), then the G2 points (192 bytes each)
 * r == 0: return data = out[..out_len] (out is 576 bytes, zeroed first; out_len is capped
 * at 255 by its byte, so a pairing map returns its first 255 bytes). r != 0: Custom(100 + r).
 * Fewer than 3 bytes of data or an unknown family: InvalidInstructionData. Accounts are
 * ignored.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 4
#define OUT_SIZE 576

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;
  if (params.data_len < 3) return ERROR_INVALID_INSTRUCTION_DATA;

  uint8_t family = params.data[0];
  uint64_t op = params.data[1];
  uint64_t out_len = params.data[2];
  const uint8_t *in = params.data + 3;
  uint64_t n = params.data_len - 3;
  uint8_t out[OUT_SIZE];
  sol_memset(out, 0, sizeof(out));

  uint64_t r;
  switch (family) {
    case 0:
      r = sol_alt_bn128_group_op(op, in, n, out);
      break;
    case 1:
      r = sol_alt_bn128_compression(op, in, n, out);
      break;
    case 2:
      r = sol_curve_decompress(op, in, out);
      break;
    case 3: {
      uint64_t pairs = n / 288;
      r = sol_curve_pairing_map(op, pairs, in, in + 96 * pairs, out);
      break;
    }
    default:
      return ERROR_INVALID_INSTRUCTION_DATA;
  }
  if (r != 0) return TO_CUSTOM(100 + r);
  sol_set_return_data(out, out_len);
  return SUCCESS;
}
