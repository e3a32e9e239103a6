/**
 * The two shapes most write actions on an economy take, so that each action says only what is its own: the
 * contract function, its arguments, what names one transaction of it (its idempotency key) and what shows it done.
 */
import type { Address, ContractFunctionArgs, ContractFunctionName } from 'viem';
import { economyAbi } from '../artifacts';
import { readJob, type ReadJobReturnType } from './readJob';
import { sendCall, type ActionClient, type ActionReceipt, type Writable } from './send';

/** A function of the economy a transaction can call. */
export type EconomyWrite = ContractFunctionName<typeof economyAbi, Writable>;
/** Its arguments, as the ABI types them. */
export type EconomyWriteArgs<F extends EconomyWrite> = ContractFunctionArgs<typeof economyAbi, Writable, F>;

/** One part of an idempotency key (parts are joined by ':'). */
type KeyPart = string | number | bigint;

export interface StandingActionSpec<S, P extends { economy: Address }, F extends EconomyWrite> {
  /** The action's name: the first part of its key. */
  name: string;
  functionName: F;
  args: (params: P) => EconomyWriteArgs<F>;
  /** Reads the sender's standing in the economy (readProvider, readValidator). */
  read: (client: ActionClient, params: { economy: Address; account: Address }) => Promise<S>;
  /**
   * What of the standing before the call names its transaction, after `<name>:<economy>:`: a retry of the same step
   * finds the same key (and never sends twice); a later step, from a changed standing, gets a new one.
   */
  key: (before: S, params: P) => readonly KeyPart[];
  label: string;
  /** Read again before signing (and after a reverted simulation): true → the action is done, nothing is sent. */
  done?: (now: S, params: P) => boolean;
}

/**
 * An action on the sender's own standing in an economy (its provider or validator record): register, add to the
 * bond, change the profile, pause, resume, leave jail, leave, withdraw the bond.
 */
export function standingAction<S, P extends { economy: Address }, F extends EconomyWrite>(
  spec: StandingActionSpec<S, P, F>,
): (client: ActionClient, params: P) => Promise<ActionReceipt> {
  return async (client, params) => {
    const read = () => spec.read(client, { economy: params.economy, account: client.tx.address });
    const before = await read();
    const done = spec.done;
    return sendCall<typeof economyAbi, F, EconomyWriteArgs<F>>({
      client,
      abi: economyAbi,
      address: params.economy,
      functionName: spec.functionName,
      args: spec.args(params),
      key: [spec.name, params.economy, ...spec.key(before, params)].join(':'),
      label: spec.label,
      ...(done ? { alreadyDone: async () => done(await read(), params) } : {}),
    });
  };
}

/** The economy's functions whose only argument is a job id. */
export type JobWrite = {
  [F in EconomyWrite]: EconomyWriteArgs<F> extends readonly [bigint] ? F : never;
}[EconomyWrite];

export interface JobActionSpec<F extends JobWrite> {
  /** The action's name: its key is `<name>:<economy>:<jobId>`, once per job. */
  name: string;
  functionName: F;
  label: (jobId: bigint) => string;
  /** The job's read state that shows the action done (or past doing): nothing is sent. */
  done: (job: ReadJobReturnType) => boolean;
}

/** An action on one job that anyone may take once (finalize, cancel, settle a challenge): `f(jobId)`. */
export function jobAction<F extends JobWrite>(
  spec: JobActionSpec<F>,
): (client: ActionClient, params: { economy: Address; jobId: bigint }) => Promise<ActionReceipt> {
  return (client, params) =>
    sendCall<typeof economyAbi, F, EconomyWriteArgs<F>>({
      client,
      abi: economyAbi,
      address: params.economy,
      functionName: spec.functionName,
      // F takes the job id alone (JobWrite); the compiler cannot see through the generic to know it.
      args: [params.jobId] as EconomyWriteArgs<F>,
      key: `${spec.name}:${params.economy}:${params.jobId}`,
      label: spec.label(params.jobId),
      alreadyDone: async () => spec.done(await readJob(client, params)),
    });
}
