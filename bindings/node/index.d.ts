// Types of the sbfvm npm package (index.js over the native sbfvm.node).

/** web3.js `PublicKey`, kit `Address` or a base58 string, or the key's 32 bytes. */
export type KeyLike = string | Uint8Array | { toBytes(): Uint8Array } | { toBase58(): string };

/** Bytes that are only read: a Uint8Array, or kit's `ReadonlyUint8Array`. */
export type ReadonlyBytes = Omit<Uint8Array, "copyWithin" | "fill" | "reverse" | "set" | "sort">;

/** web3.js `TransactionInstruction` shape. */
export interface Web3Instruction {
  programId: KeyLike;
  keys: ReadonlyArray<{ pubkey: KeyLike; isSigner: boolean; isWritable: boolean }>;
  data?: Uint8Array;
}

/**
 * kit instruction shape; role: kit's `AccountRole` (0 readonly, 1 writable, 2 readonly
 * signer, 3 writable signer).
 */
export interface KitInstruction {
  programAddress: KeyLike;
  accounts?: ReadonlyArray<{ address: KeyLike; role: number }>;
  data?: ReadonlyBytes;
}

export type InstructionLike = Web3Instruction | KitInstruction;

/**
 * A transaction's wire bytes, anything with `serialize()` (web3.js `VersionedTransaction`),
 * or a kit `Transaction` (`signTransactionMessageWithSigners`' result).
 */
export type TransactionLike =
  | Uint8Array
  | { serialize(): Uint8Array }
  | { messageBytes: ReadonlyBytes; signatures: Readonly<Record<string, ReadonlyBytes | null>> };

export interface AccountState {
  lamports: bigint;
  data: Uint8Array;
  /** The owner program, in base58. */
  owner: string;
  executable: boolean;
}

export interface SyscallCost {
  name: string;
  calls: bigint;
  computeUnits: bigint;
}

/** One frame of the invoke tree. */
export interface Invocation {
  programId: string;
  stackHeight: number;
  /** Units of the frame, its callees included. */
  computeUnitsConsumed: bigint;
  /** "ok" or the instruction error's text. */
  result: string;
  /** Where the frame's own units went; with the callees' totals they add up to computeUnitsConsumed. */
  cost: { instructions: bigint; cpi: bigint; other: bigint; syscalls: SyscallCost[] };
  invocations: Invocation[];
}

/** What a transaction must have produced; absent fields are not checked. */
export interface Expect {
  result?: string;
  computeUnits?: number | bigint;
  fee?: number | bigint;
  logsContain?: string[];
  /** Empty also matches no return data. */
  returnData?: Uint8Array;
  accounts?: Array<{
    pubkey: KeyLike;
    lamports?: number | bigint;
    owner?: KeyLike;
    data?: Uint8Array;
    dataLen?: number;
    executable?: boolean;
  }>;
}

export declare class Outcome {
  /** "ok", Agave's InstructionError text (e.g. "Custom(1)"), or a transaction error's text. */
  readonly result: string;
  readonly isOk: boolean;
  readonly computeUnitsConsumed: bigint;
  readonly logs: string[];
  /** Empty when there is none. */
  readonly returnData: Uint8Array;
  readonly returnDataProgramId: string | null;
  /** The fee a sent transaction paid; null for instructions. */
  readonly fee: bigint | null;
  readonly invocations: Invocation[];
  /** State after the transaction of an account it referenced. */
  account(pubkey: KeyLike): AccountState | null;
  /** Every failed expectation (expected vs actual), one per line, or null when all hold. */
  check(expect: Expect): string | null;
  /** `check`, throwing an AssertionError listing every failure. */
  expect(expect: Expect): void;
}

/**
 * Thrown for what sbfvm refuses — a malformed key, a program that does not load, a missing
 * file, an unknown feature, loader or sysvar field, bytes that are not a transaction — with
 * sbfvm's message. A value of the wrong JavaScript type throws a TypeError instead.
 */
export declare class SbfvmError extends Error {
  readonly name: "SbfvmError";
}

type Integer = number | bigint;

/** Sysvar fields to replace; the others keep their defaults (slot 0, mainnet's Rent, …). */
export interface SysvarOptions {
  clock?: {
    slot?: Integer;
    epochStartTimestamp?: Integer;
    epoch?: Integer;
    leaderScheduleEpoch?: Integer;
    unixTimestamp?: Integer;
  };
  rent?: { lamportsPerByteYear?: Integer; exemptionThreshold?: number; burnPercent?: number };
  epochSchedule?: {
    slotsPerEpoch?: Integer;
    leaderScheduleSlotOffset?: Integer;
    warmup?: boolean;
    firstNormalEpoch?: Integer;
    firstNormalSlot?: Integer;
  };
  lastRestartSlot?: Integer;
}

export interface SbfvmOptions {
  /** Per transaction; Agave's default when absent. */
  computeUnitLimit?: Integer;
  /** Feature gates by name or base58 id: true enables, false disables (on top of mainnet's). */
  features?: Record<string, boolean>;
  /** Sysvar fields to replace (snake_case names are accepted too, as scenario files write them). */
  sysvars?: SysvarOptions;
}

export type Loader = "upgradeable" | "bpf_loader_upgradeable" | "bpf_loader" | "bpf_loader_2" | "deprecated" | "bpf_loader_deprecated";

export declare class Sbfvm {
  constructor(options?: SbfvmOptions);
  addProgramFile(programId: KeyLike, path: string, loader?: Loader): void;
  addProgram(programId: KeyLike, elf: Uint8Array, loader?: Loader): void;
  setAccount(
    pubkey: KeyLike,
    account: { lamports?: bigint | number; data?: Uint8Array; owner?: KeyLike; executable?: boolean },
  ): void;
  getAccount(pubkey: KeyLike): AccountState | null;
  /** Runs one instruction as a transaction of its own (no fee payer, fee or signature checks). */
  processInstruction(instruction: InstructionLike): Outcome;
  /**
   * Runs the instruction `iterations` times inside Rust (converted once, outcomes dropped) and
   * returns the mean nanoseconds per call: the engine's own cost, next to which a JavaScript
   * loop over processInstruction shows the binding's overhead.
   */
  timeProcessInstruction(instruction: InstructionLike, iterations: number): number;
  /** Runs instructions as one atomic transaction, under its own limit when given. */
  processTransaction(instructions: Iterable<InstructionLike>, options?: { computeUnitLimit?: number | bigint }): Outcome;
  sendTransaction(transaction: TransactionLike): Outcome;
  simulateTransaction(transaction: TransactionLike): Outcome;
  setSignatureVerification(enabled: boolean): void;
  latestBlockhash(): string;
  expireBlockhash(): string;
  /** Moves the Clock to `slot` (its epoch from the EpochSchedule) and registers a new blockhash. */
  warpToSlot(slot: Integer): void;
  airdrop(pubkey: KeyLike, lamports: bigint | number): void;
}
