/*
 * log_unaligned.c: log.c for the deprecated loader (BPFLoader1111111111111111111111111111111111),
 * whose input is the unaligned ABI v0 (sol_deserialize_unaligned).
 *   sol_log_("hello from sbfvm")
 *   sol_log_64_(1, 2, 3, 4, 5)
 *   sol_log_pubkey(program_id)
 *   sol_log_compute_units_()
 *   sol_log_data(["abc", instruction data])
 * Additionally, when at least one account is passed and its data is non-empty, byte 0 of
 * its data is incremented (wrapping), to test that ABI v0 data writes reach the account.
 * Returns SUCCESS.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 8

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize_unaligned(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;

  sol_log("hello from sbfvm");
  sol_log_64_(1, 2, 3, 4, 5);
  sol_log_pubkey(params.program_id);
  sol_log_compute_units_();

  SolBytes fields[2] = {
      {(const uint8_t *)"abc", 3},
      {params.data, params.data_len},
  };
  sol_log_data(fields, 2);

  if (params.ka_num >= 1 && accounts[0].data_len >= 1) {
    accounts[0].data[0] += 1;
  }
  return SUCCESS;
}
