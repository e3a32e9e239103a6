/**
 * Every custom error the contracts can revert with, in words: what happened (one sentence, values formatted: token
 * amounts in tokens, times as dates to the second, blocks as block numbers) and what to do about it. The node puts
 * these words in the error it raises for a reverted or refused transaction, so the UI and the CLI show the same
 * sentence; the raw `Name(args)` stays in the details for the log.
 *
 * test/main/chain/contractErrors.test.ts checks that every error in the generated ABIs (src/main/chain/artifacts)
 * has an entry here.
 */
import { formatUnits } from '#shared/units';
import { jobStatusName, providerStatusName } from '../enums';
import { paramFields } from '../paramFields';

export interface ContractErrorWords {
  /** One sentence for the user. */
  sentence: string;
  /** What the user can do about it. */
  action?: string;
}

/** How amounts in an error are written: the economy's token symbol and decimals (18 unless told). */
export interface ErrorUnits {
  symbol?: string;
  decimals?: number;
}

type Args = readonly unknown[];
type Entry = (args: Args, units: ErrorUnits) => ContractErrorWords;

const validatorStatusNames = ['None', 'Active', 'Exiting', 'Exited'] as const;

function big(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return 0n;
}

/** A token amount trimmed to what matters: up to 4 decimals (at least one significant digit), grouped thousands. */
export function tokenWords(v: unknown, units: ErrorUnits): string {
  const raw = big(v);
  const decimals = units.decimals ?? 18;
  const text = formatUnits(raw, decimals);
  const [whole = '0', frac = ''] = text.split('.');
  let shown = frac.slice(0, 4).replace(/0+$/, '');
  if (!shown && frac && whole === '0') {
    const firstDigit = frac.search(/[1-9]/);
    shown = frac.slice(0, firstDigit + 1);
  }
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const approx = frac.length > shown.length ? '≈ ' : '';
  return `${approx}${grouped}${shown ? `.${shown}` : ''} ${units.symbol ?? 'tokens'}`;
}

/** A chain timestamp (seconds) as a UTC date to the second. */
export function timeWords(v: unknown): string {
  const s = Number(big(v));
  if (!Number.isFinite(s) || s <= 0 || s > 8.64e12) return `time ${String(v)}`;
  return `${new Date(s * 1000).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

const job = (v: unknown): string => `Job ${String(v)}`;
const block = (v: unknown): string => `block ${String(v)}`;
const addr = (v: unknown): string => String(v);
const short = (v: unknown): string => {
  const s = String(v);
  return s.length > 14 ? `${s.slice(0, 10)}…${s.slice(-4)}` : s;
};
const kindsWords = (v: unknown): string => `kinds mask ${String(v)} (1 = inference, 2 = fine-tune, 3 = both)`;
const jobKind = (v: unknown): string =>
  Number(v) === 1 ? 'fine-tune' : Number(v) === 0 ? 'inference' : `kind ${String(v)}`;

const BUG = 'This is a bug in Flywheel or the contract; the log has the details. Please report it.';

/** Each custom error by name. Keep in step with the ABIs: the test fails on an error without an entry. */
export const contractErrorTable: Record<string, Entry> = {
  // Inputs
  NotAnEconomy: () => ({
    sentence: 'The address is not an economy this contract knows.',
    action: 'Check the economy address (Economies page, or `flywheel economies`).',
  }),
  ZeroAddress: () => ({
    sentence: 'An address in the request is empty (0x000…0).',
    action: 'Give a real address and try again.',
  }),
  ZeroAmount: () => ({
    sentence: 'The amount is zero.',
    action: 'Enter an amount greater than 0.',
  }),
  TransferFailed: () => ({
    sentence: 'The token transfer failed.',
    action: 'Check the balance and allowance of the account, then try again.',
  }),
  AmountTooLarge: ([amount, max], u) => ({
    sentence: `The amount ${tokenWords(amount, u)} is more than this economy accepts (at most ${tokenWords(max, u)}).`,
    action: 'Enter a smaller amount.',
  }),
  NotAdmin: ([caller]) => ({
    sentence: `Only the economy's admin may do this; ${addr(caller)} is not the admin.`,
    action: "Use the admin's wallet, or ask the admin.",
  }),
  // Providers
  BondTooLow: ([have, need], u) => ({
    sentence: `The bond ${tokenWords(have, u)} is below this economy's minimum of ${tokenWords(need, u)}.`,
    action: `Bond at least ${tokenWords(need, u)}.`,
  }),
  InvalidKinds: ([kinds]) => ({
    sentence: `The job kinds are not valid: ${kindsWords(kinds)}.`,
    action: 'Pick inference, fine-tune or both.',
  }),
  InvalidCapacity: ([capacity]) => ({
    sentence: `The capacity ${String(capacity)} is not valid: a provider runs 1 to 64 jobs at once.`,
    action: 'Set a capacity between 1 and 64.',
  }),
  WrongProviderStatus: ([, status]) => {
    const name = providerStatusName(Number(status));
    return {
      sentence:
        name === 'None'
          ? 'This account is not a provider in this economy.'
          : `This cannot be done while the provider is ${name.toLowerCase()}.`,
      action:
        name === 'None'
          ? 'Join the economy first (Economies → Join).'
          : name === 'Jailed'
            ? 'Wait for the jail cooldown to end, then unjail.'
            : 'Reload the economy to see its current state, then pick an action it allows.',
    };
  },
  StillUnbonding: ([until]) => ({
    sentence: `The bond is still unbonding until ${timeWords(until)}.`,
    action: 'Withdraw the bond after that time.',
  }),
  StillJailed: ([until]) => ({
    sentence: `The provider is jailed until ${timeWords(until)}.`,
    action: 'Unjail after that time.',
  }),
  CollateralLocked: ([locked], u) => ({
    sentence: `Part of the bond (${tokenWords(locked, u)}) is still locked as collateral for open jobs or votes.`,
    action: 'Wait until those jobs or votes settle, then try again.',
  }),
  // Jobs
  InvalidKind: ([kind]) => ({
    sentence: `The job kind ${String(kind)} does not exist (0 = inference, 1 = fine-tune).`,
    action: 'Pick inference or fine-tune.',
  }),
  FeeTooLow: ([fee, min], u) => ({
    sentence: `The fee ${tokenWords(fee, u)} is below this economy's minimum of ${tokenWords(min, u)}.`,
    action: `Offer at least ${tokenWords(min, u)}.`,
  }),
  InvalidPolicy: ([rule]) => ({
    sentence: `The verification policy (rule ${String(rule)}) is not valid: a tolerance, agreement share or logprob bound is missing or out of range.`,
    action: 'Check the policy options (exact, tolerance, argmax or logprob, with their bound).',
  }),
  UnknownModel: ([hash]) => ({
    sentence: `The model ${short(hash)} is not registered in this economy.`,
    action: 'Register the model first (`flywheel job post` does it when given the model file).',
  }),
  ModelKindMismatch: ([hash, modelKind, jobKind_]) => ({
    sentence: `The model ${short(hash)} is registered for ${jobKind(modelKind)} jobs, not ${jobKind(jobKind_)}.`,
    action: `Post a ${jobKind(modelKind)} job with it, or use another model.`,
  }),
  ModelAlreadyRegistered: ([hash]) => ({
    sentence: `The model ${short(hash)} is already registered.`,
    action: 'Nothing to do: post jobs with it.',
  }),
  DeadlineOutOfRange: ([deadline, min, max]) => ({
    sentence: `A deadline of ${String(deadline)} s is outside what this economy allows (${String(min)} s to ${String(max)} s).`,
    action: `Pick a deadline between ${String(min)} and ${String(max)} seconds.`,
  }),
  WrongJobStatus: ([id, status]) => ({
    sentence: `${job(id)} is ${jobStatusName(Number(status)) === 'None' ? 'not a job in this economy' : jobStatusName(Number(status)).toLowerCase()}, so this cannot be done now.`,
    action: 'Reload the job to see what it is waiting for.',
  }),
  DrawNotReady: ([id, drawBlock]) => ({
    sentence: `${job(id)}'s provider is drawn from ${block(drawBlock)}'s hash, which is not mined yet.`,
    action: 'Wait a block and try again.',
  }),
  NotJobProvider: ([id]) => ({
    sentence: `This account is not the provider assigned to ${job(id)}.`,
    action: 'Nothing to do: the job went to someone else.',
  }),
  NotRequester: ([id]) => ({
    sentence: `Only the requester who posted ${job(id)} may do this.`,
    action: "Use the requester's wallet.",
  }),
  AcceptWindowClosed: ([id, closedAt]) => ({
    sentence: `${job(id)}'s window to accept or decline closed at ${timeWords(closedAt)}.`,
    action: 'Nothing to do now: the job is due by its deadline.',
  }),
  DeadlinePassed: ([id, deadline]) => ({
    sentence: `${job(id)}'s deadline passed at ${timeWords(deadline)}; the result can no longer be submitted.`,
    action: 'Nothing to do: the job counts as missed. Keep the node running so later jobs are in time.',
  }),
  DeadlineNotReached: ([id, deadline]) => ({
    sentence: `${job(id)}'s deadline (${timeWords(deadline)}) has not passed yet.`,
    action: 'Try again after the deadline.',
  }),
  TooManyTokens: ([id, tokens, max]) => ({
    sentence: `${job(id)}'s result claims ${String(tokens)} generated tokens, more than the ${String(max)} the job pays for.`,
    action: 'A result may claim at most the job’s max tokens; the log has the details. Please report it.',
  }),
  InvalidDeclineReason: ([reason]) => ({
    sentence: `Decline reason ${String(reason)} is not one the contract knows.`,
    action: BUG,
  }),
  InvalidOutputHash: () => ({
    sentence: 'The result has no output hash.',
    action: BUG,
  }),
  CancelTooEarly: ([id, fromBlock]) => ({
    sentence: `${job(id)} cannot be cancelled before ${block(fromBlock)}.`,
    action: `Try again from ${block(fromBlock)} on.`,
  }),
  ChallengeWindowOpen: ([id, endsAt]) => ({
    sentence: `${job(id)}'s challenge window is open until ${timeWords(endsAt)}.`,
    action: 'Finalize it after that time.',
  }),
  ChallengeWindowClosed: ([id, endedAt]) => ({
    sentence: `${job(id)}'s challenge window closed at ${timeWords(endedAt)}.`,
    action: 'Nothing to do: the result stands.',
  }),
  // Validators
  WrongValidatorStatus: ([, status]) => {
    const name = validatorStatusNames[Number(status)] ?? 'None';
    return {
      sentence:
        name === 'None'
          ? 'This account is not a validator in this economy.'
          : `This cannot be done while the validator is ${name.toLowerCase()}.`,
      action: name === 'None' ? 'Register as a validator first.' : 'Reload to see the validator state.',
    };
  },
  UnknownCommitment: ([c]) => ({
    sentence: `The challenge commitment ${short(c)} is not this account's.`,
    action: 'Commit first, from the same account.',
  }),
  CommitmentExists: ([c]) => ({
    sentence: `The challenge commitment ${short(c)} already exists.`,
    action: 'Reveal it, or commit with a new salt.',
  }),
  CommitmentTooFresh: ([c]) => ({
    sentence: `The challenge commitment ${short(c)} was made in this block.`,
    action: 'Wait a block, then reveal.',
  }),
  CommitmentBeforeResult: ([c]) => ({
    sentence: `The challenge commitment ${short(c)} was made before the result it challenges.`,
    action: 'Commit again now that the result is in.',
  }),
  CommitmentNotExpired: ([c, at]) => ({
    sentence: `The challenge commitment ${short(c)} can be released only from ${timeWords(at)}.`,
    action: 'Try again after that time.',
  }),
  ChallengeTaken: ([id, commitBlock]) => ({
    sentence: `${job(id)} was already challenged by a commitment from ${block(commitBlock)}.`,
    action: 'Nothing to do: vote on the open challenge instead.',
  }),
  SelfChallenge: ([id]) => ({
    sentence: `A provider cannot challenge its own result (${job(id)}).`,
    action: 'Nothing to do.',
  }),
  AlreadyVoted: ([id]) => ({
    sentence: `This validator already voted on ${job(id)}.`,
    action: 'Nothing to do.',
  }),
  VoteClosed: ([id, endedAt]) => ({
    sentence: `The vote on ${job(id)} closed at ${timeWords(endedAt)}.`,
    action: 'Resolve it instead.',
  }),
  VoteOpen: ([id, endsAt]) => ({
    sentence: `The vote on ${job(id)} is open until ${timeWords(endsAt)}.`,
    action: 'Resolve it after that time.',
  }),
  NoVoteWeight: ([id]) => ({
    sentence: `This validator had no stake when the challenge on ${job(id)} opened, so it has no vote.`,
    action: 'Nothing to do for this job; later challenges count the current stake.',
  }),
  ConflictOfInterest: ([id]) => ({
    sentence: `This validator is a party to ${job(id)} (its provider or requester) and may not vote on it.`,
    action: 'Nothing to do.',
  }),
  NotResolved: ([id]) => ({
    sentence: `The challenge on ${job(id)} is not resolved yet.`,
    action: 'Resolve it first, then settle.',
  }),
  NothingToSettle: ([id]) => ({
    sentence: `There is nothing to settle for this validator on ${job(id)}.`,
    action: 'Nothing to do: it is settled, or it did not vote.',
  }),
  // Money
  NothingToWithdraw: () => ({
    sentence: 'There is nothing to withdraw.',
    action: 'Nothing to do: earnings appear here once jobs finalize or emission accrues.',
  }),
  TreasuryTooSmall: ([have, want], u) => ({
    sentence: `The treasury holds ${tokenWords(have, u)}, less than the ${tokenWords(want, u)} asked for.`,
    action: `Ask for at most ${tokenWords(have, u)}.`,
  }),
  NoAllocation: () => ({
    sentence: 'This economy has no allocation to claim (it is not a fork with a stake snapshot).',
    action: 'Nothing to claim here.',
  }),
  AlreadyClaimed: ([account]) => ({
    sentence: `${addr(account)} already claimed its allocation.`,
    action: 'Nothing to do.',
  }),
  InvalidProof: () => ({
    sentence: 'The allocation proof does not match this economy’s snapshot.',
    action: 'Claim with the proof published for this fork and this account.',
  }),
  // Draws
  NoEligibleProvider: ([id]) => ({
    sentence: `No provider could be drawn for ${job(id)}: none is active for its kind with free capacity.`,
    action: 'Wait for a provider to join or free up; the job is refunded if none takes it.',
  }),
  WeightOverflow: () => ({
    sentence: 'A draw weight is too large for the draw tree.',
    action: BUG,
  }),
  LeafOutOfRange: () => ({
    sentence: 'The draw tree is full.',
    action: BUG,
  }),
  // Factory and forks
  UnknownParent: ([parent]) => ({
    sentence: `${addr(parent)} is not an economy made by this factory, so it cannot be forked.`,
    action: 'Check the parent economy address.',
  }),
  InvalidName: () => ({
    sentence: 'The name or symbol is empty or too long.',
    action: 'Give a name of 1 to 64 bytes and a symbol of 1 to 16.',
  }),
  InvalidSnapshot: ([, snapshotBlock]) => ({
    sentence: `The stake snapshot at ${block(snapshotBlock)} is not valid (a root without a block or a block without a root, or a block not yet mined).`,
    action: 'Give both the root and a mined block, or neither.',
  }),
  ZeroImplementation: () => ({
    sentence: 'The factory has no implementation to clone.',
    action: BUG,
  }),
  ParamOutOfRange: ([field, value, min, max]) => ({
    sentence: `The parameter ${paramFields[Number(field)] ?? `#${String(field)}`} = ${String(value)} is outside its allowed range ${String(min)} to ${String(max)} (base units, seconds or basis points).`,
    action: 'Pick a value in that range.',
  }),
  UnknownOverrideFields: ([mask]) => ({
    sentence: `The fork overrides name parameters that do not exist (mask ${String(mask)}).`,
    action: BUG,
  }),
  CloneArgumentsTooLong: () => ({ sentence: 'The economy parameters do not fit in a clone.', action: BUG }),
  FailedDeployment: () => ({ sentence: 'Deploying the economy clone failed.', action: BUG }),
  InsufficientBalance: ([balance, needed], u) => ({
    sentence: `The balance ${tokenWords(balance, u)} is less than the ${tokenWords(needed, u)} needed.`,
    action: 'Fund the account, then try again.',
  }),
  // The token (OpenZeppelin ERC-20 / permit)
  OnlyEconomy: () => ({
    sentence: 'Only the economy may mint or burn its token.',
    action: BUG,
  }),
  ERC20InsufficientBalance: ([, balance, needed], u) => ({
    sentence: `The wallet holds ${tokenWords(balance, u)}, less than the ${tokenWords(needed, u)} needed.`,
    action: `Add ${tokenWords(big(needed) - big(balance), u)} to the wallet (or withdraw earnings first), then try again.`,
  }),
  ERC20InsufficientAllowance: ([, allowance, needed], u) => ({
    sentence: `The economy may spend ${tokenWords(allowance, u)} of the wallet's tokens, less than the ${tokenWords(needed, u)} needed.`,
    action: 'Try again: Flywheel approves the amount before it bonds or posts.',
  }),
  ERC20InvalidApprover: () => ({ sentence: 'The approving address is empty.', action: BUG }),
  ERC20InvalidReceiver: () => ({
    sentence: 'Tokens cannot be sent to the empty address.',
    action: 'Give a real address.',
  }),
  ERC20InvalidSender: () => ({ sentence: 'Tokens cannot be sent from the empty address.', action: BUG }),
  ERC20InvalidSpender: () => ({ sentence: 'The spender address is empty.', action: BUG }),
  ERC2612ExpiredSignature: ([deadline]) => ({
    sentence: `The permit signature expired at ${timeWords(deadline)}.`,
    action: 'Sign again and send at once.',
  }),
  ERC2612InvalidSigner: () => ({
    sentence: 'The permit was signed by another account than the token owner.',
    action: "Sign with the owner's wallet.",
  }),
  InvalidAccountNonce: () => ({
    sentence: 'The permit signature was already used or is out of order.',
    action: 'Sign a new permit.',
  }),
  ECDSAInvalidSignature: () => ({ sentence: 'The signature is not valid.', action: 'Sign again.' }),
  ECDSAInvalidSignatureLength: () => ({
    sentence: 'The signature has the wrong length.',
    action: 'Sign again.',
  }),
  ECDSAInvalidSignatureS: () => ({ sentence: 'The signature is malformed.', action: 'Sign again.' }),
  // Library guards
  ReentrancyGuardReentrantCall: () => ({ sentence: 'The contract refused a re-entrant call.', action: BUG }),
  SafeCastOverflowedUintDowncast: ([bits, value]) => ({
    sentence: `The value ${String(value)} does not fit in ${String(bits)} bits.`,
    action: 'Use a smaller number.',
  }),
  CheckpointUnorderedInsertion: () => ({ sentence: 'A stake checkpoint went back in time.', action: BUG }),
  InvalidInitialization: () => ({ sentence: 'The contract is already initialised.', action: BUG }),
  NotInitializing: () => ({ sentence: 'The contract is not being initialised.', action: BUG }),
};

/** The words for a decoded custom error; a generic sentence for a name the table does not know. */
export function contractErrorWords(
  name: string,
  args: readonly unknown[] = [],
  units: ErrorUnits = {},
): ContractErrorWords {
  const entry = contractErrorTable[name];
  if (entry) return entry(args, units);
  return {
    sentence: `The contract refused: ${name}(${args.map(String).join(', ')}).`,
    action: 'The details say which check failed.',
  };
}

/** `Name(arg, arg)`: the raw form, for the log and the details. */
export function rawErrorText(name: string, args: readonly unknown[] = []): string {
  return `${name}(${args.map(String).join(', ')})`;
}
