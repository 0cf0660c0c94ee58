/*
 * sysvars.c: the sysvar syscalls and sol_get_stack_height.
 * Instruction data byte 0 selects the operation (empty data = op 0).
 *   op 0: reads Clock, Rent, EpochSchedule, EpochRewards and LastRestartSlot with their
 *         sol_get_*_sysvar syscalls, then logs
 *           sol_log_64_(clock.slot, clock.unix_timestamp, clock.epoch,
 *                       clock.leader_schedule_epoch, clock.epoch_start_timestamp)
 *           sol_log_64_(rent.lamports_per_byte_year, rent.burn_percent,
 *                       epoch_schedule.slots_per_epoch, epoch_rewards.total_rewards,
 *                       last_restart_slot)
 *         and sets return data = the 40 Clock bytes.
 *         A getter that returns non-zero gives Custom(10 + n), n = 1 Clock, 2 Rent,
 *         3 EpochSchedule, 4 EpochRewards, 5 LastRestartSlot.
 *   op 1: sol_get_sysvar(Clock id, offset 8, len 8) -> return data = those 8 bytes
 *         (epoch_start_timestamp); a non-zero syscall result r gives Custom(20 + r).
 *   op 2: return data = sol_get_stack_height() as 8 little-endian bytes.
 * Unknown op: InvalidInstructionData. Accounts are ignored.
 * The destinations are stack buffers: sysvar syscalls refuse destinations in the input region.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 8

/* SysvarC1ock11111111111111111111111111111111 */
static const SolPubkey CLOCK_SYSVAR_ID = {{
    0x06, 0xa7, 0xd5, 0x17, 0x18, 0xc7, 0x74, 0xc9, 0x28, 0x56, 0x63, 0x98, 0x69, 0x1d, 0x5e, 0xb6,
    0x8b, 0x5e, 0xb8, 0xa3, 0x9b, 0x4b, 0x6d, 0x5c, 0x73, 0x55, 0x5b, 0x21, 0x00, 0x00, 0x00, 0x00,
}};

/* noinline on purpose: keeps one bpf-to-bpf call (and a second stack frame, into which the
 * sysvar syscalls write) in the fixture set. */
static __attribute__((noinline)) uint64_t read_all_sysvars(void) {
  SolClock clock;
  SolRent rent;
  SolEpochSchedule epoch_schedule;
  SolEpochRewards epoch_rewards;
  SolLastRestartSlot last_restart;

  if (sol_get_clock_sysvar(&clock) != 0) return TO_CUSTOM(11);
  if (sol_get_rent_sysvar(&rent) != 0) return TO_CUSTOM(12);
  if (sol_get_epoch_schedule_sysvar(&epoch_schedule) != 0) return TO_CUSTOM(13);
  if (sol_get_epoch_rewards_sysvar(&epoch_rewards) != 0) return TO_CUSTOM(14);
  if (sol_get_last_restart_slot(&last_restart) != 0) return TO_CUSTOM(15);

  sol_log_64_(clock.slot, (uint64_t)clock.unix_timestamp, clock.epoch, clock.leader_schedule_epoch,
              (uint64_t)clock.epoch_start_timestamp);
  sol_log_64_(rent.lamports_per_byte_year, rent.burn_percent, epoch_schedule.slots_per_epoch,
              epoch_rewards.total_rewards, last_restart.last_restart_slot);
  sol_set_return_data((const uint8_t *)&clock, sizeof(clock));
  return SUCCESS;
}

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;

  uint8_t op = params.data_len >= 1 ? params.data[0] : 0;
  switch (op) {
    case 0:
      return read_all_sysvars();
    case 1: {
      uint8_t bytes[8];
      uint64_t result = sol_get_sysvar(&CLOCK_SYSVAR_ID, bytes, 8, 8);
      if (result != 0) return TO_CUSTOM(20 + result);
      sol_set_return_data(bytes, sizeof(bytes));
      return SUCCESS;
    }
    case 2: {
      uint8_t bytes[8];
      sol_write_u64_le(bytes, sol_get_stack_height());
      sol_set_return_data(bytes, sizeof(bytes));
      return SUCCESS;
    }
    default:
      return ERROR_INVALID_INSTRUCTION_DATA;
  }
}
