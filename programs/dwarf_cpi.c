/*
 * dwarf_cpi.c: a program built with DWARF that makes CPIs, for the source-level profiles
 * (callee frames nest under their call site). tools/build-programs compiles every program
 * whose source carries the marker below with -g.
 * build-programs: debug-info
 *
 * Accounts: [0] the program to invoke (dwarf_loop.so in fixtures/dwarf.toml). Invokes it
 * twice with no accounts: with the whole instruction data, then with its first half
 * (invoke_program, never inlined; sol_deserialize and sol_invoke inlined from sbfvm.h).
 * Returns the first failing CPI's error, else 0.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 2

static __attribute__((noinline)) uint64_t invoke_program(const SolAccountInfo *program,
                                                         const uint8_t *data, uint64_t len) {
  SolInstruction instruction = {
      .program_id = program->key,
      .accounts = NULL,
      .account_len = 0,
      .data = (uint8_t *)data,
      .data_len = len,
  };
  return sol_invoke(&instruction, program, 1);
}

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) {
    return ERROR_INVALID_ARGUMENT;
  }
  if (params.ka_num < 1) {
    return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
  }
  uint64_t result = invoke_program(&accounts[0], params.data, params.data_len);
  if (result != SUCCESS) {
    return result;
  }
  return invoke_program(&accounts[0], params.data, params.data_len / 2);
}
