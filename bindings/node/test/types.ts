// index.d.ts against the types of real client values: `tsc -p test` (part of `npm test`)
// fails when a web3.js or kit key, instruction or transaction is not accepted as it is.
// Type-checked only, never run.
import * as kit from "@solana/kit";
import {
  Keypair,
  PublicKey,
  SystemProgram,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";
import { Outcome, Sbfvm, SbfvmError } from "sbfvm";

export async function clients(): Promise<void> {
  const vm = new Sbfvm({
    computeUnitLimit: 1_400_000n,
    features: { blake3_syscall_enabled: true },
    sysvars: { clock: { slot: 5n, unixTimestamp: 1 }, rent: { burnPercent: 50 }, lastRestartSlot: 3 },
  });
  const payer = Keypair.generate();
  const program = new PublicKey("D6A3KHUd1z8RQ4iKdFdQRWbTJ5JKsr9iLxR8mSMaRr2d");
  vm.addProgramFile(program, "fixtures/log.so");
  vm.setAccount(payer.publicKey, { lamports: 1_000_000n, data: new Uint8Array(4), owner: program, executable: false });

  // web3.js
  const web3Instruction = new TransactionInstruction({
    programId: program,
    keys: [{ pubkey: payer.publicKey, isSigner: true, isWritable: true }],
    data: Buffer.from([1]),
  });
  const outcome: Outcome = vm.processInstruction(web3Instruction);
  const units: bigint = outcome.computeUnitsConsumed;
  const message = new TransactionMessage({
    payerKey: payer.publicKey,
    recentBlockhash: vm.latestBlockhash(),
    instructions: [SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: program, lamports: 1 })],
  }).compileToV0Message();
  const transaction = new VersionedTransaction(message);
  transaction.sign([payer]);
  vm.sendTransaction(transaction);
  vm.simulateTransaction(transaction.serialize());

  // kit
  const kitInstruction: kit.Instruction = {
    programAddress: kit.address(program.toBase58()),
    accounts: [{ address: kit.address(payer.publicKey.toBase58()), role: kit.AccountRole.WRITABLE_SIGNER }],
    data: new Uint8Array([1]),
  };
  vm.processInstruction(kitInstruction);
  const signer = await kit.generateKeyPairSigner();
  const kitTransaction = await kit.signTransactionMessageWithSigners(
    kit.pipe(
      kit.createTransactionMessage({ version: 0 }),
      (m) => kit.setTransactionMessageFeePayerSigner(signer, m),
      (m) => kit.setTransactionMessageLifetimeUsingBlockhash({ blockhash: kit.blockhash(vm.latestBlockhash()), lastValidBlockHeight: 0n }, m),
      (m) => kit.appendTransactionMessageInstruction(kitInstruction, m),
    ),
  );
  vm.sendTransaction(kitTransaction);
  vm.getAccount(signer.address);

  // Plain values
  vm.processInstruction({ programId: program.toBase58(), keys: [], data: new Uint8Array(0) });
  vm.warpToSlot(10n);
  outcome.expect({ result: "ok", computeUnits: units, accounts: [{ pubkey: payer.publicKey, lamports: 1n }] });
  try {
    vm.getAccount("not a key");
  } catch (error) {
    if (error instanceof SbfvmError) console.log(error.message);
  }
}
