/*
 * loop_v1.c: a program built twice for `sbfvm diff`, differing only in ROUNDS: as itself
 * (8 rounds) and as loop_v2.c (9 rounds), which includes this file. The entrypoint calls
 * mix(), which runs ROUNDS xorshift rounds, logging each state with sol_log_64_; the final
 * state is the return data. Accounts and instruction data are ignored. Returns SUCCESS.
 */
#include <sbfvm.h>

#ifndef ROUNDS
#define ROUNDS 8
#endif

/* Kept out of line so the profile shows it as a function of its own. */
__attribute__((noinline)) static uint64_t mix(uint64_t state, uint64_t rounds) {
  for (uint64_t round = 0; round < rounds; round++) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    sol_log_64_(round, state, 0, 0, 0);
  }
  return state;
}

uint64_t entrypoint(const uint8_t *input) {
  uint64_t state = mix(0x9e3779b97f4a7c15ULL, ROUNDS);
  sol_set_return_data((const uint8_t *)&state, sizeof state);
  return SUCCESS;
}
