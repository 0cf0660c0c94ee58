/*
 * log.c: calls every logging syscall once, so the runtime's log output and log costs can
 * be checked against Agave's:
 *   sol_log_("hello from sbfvm")
 *   sol_log_64_(1, 2, 3, 4, 5)
 *   sol_log_pubkey(program_id)
 *   sol_log_compute_units_()
 *   sol_log_data(["abc", instruction data])
 * Accounts and instruction data may be anything. Returns SUCCESS.
 * Aligned ABI v1 (BPFLoader2 / upgradeable loader); log_unaligned.c is the ABI v0 twin.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 8

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;

  sol_log("hello from sbfvm");
  sol_log_64_(1, 2, 3, 4, 5);
  sol_log_pubkey(params.program_id);
  sol_log_compute_units_();

  /* Two fields: a constant and the instruction data (possibly empty). */
  SolBytes fields[2] = {
      {(const uint8_t *)"abc", 3},
      {params.data, params.data_len},
  };
  sol_log_data(fields, 2);
  return SUCCESS;
}
