import { parseAbi, toFunctionSelector, type Hex } from 'viem';

/**
 * A tiny contract, hand-written in EVM bytecode (solc-js takes ~3 s to load; this takes nothing), standing in for
 * an economy action in transaction tests:
 *   act(bytes32 id)  — marks id done; reverts AlreadyDone() the second time
 *   done(bytes32 id) — whether id is done (the pre-send check)
 *   fail()           — always reverts Nope()
 */
export const probeAbi = parseAbi([
  'function act(bytes32 id)',
  'function done(bytes32 id) view returns (bool)',
  'function fail()',
  'error AlreadyDone()',
  'error Nope()',
]);

type Item = number | { push4: Hex } | { label: string } | { to: string };

const op = {
  STOP: 0x00,
  EQ: 0x14,
  SHR: 0x1c,
  SHL: 0x1b,
  CALLDATALOAD: 0x35,
  CODECOPY: 0x39,
  MSTORE: 0x52,
  SLOAD: 0x54,
  SSTORE: 0x55,
  JUMPI: 0x57,
  JUMPDEST: 0x5b,
  PUSH1: 0x60,
  DUP1: 0x80,
  SWAP1: 0x90,
  RETURN: 0xf3,
  REVERT: 0xfd,
};
const push1 = (n: number): Item[] => [op.PUSH1, n];
const selector = (sig: string): Item => ({ push4: toFunctionSelector(sig) });
/** Stores a 4-byte error selector at memory 0 and reverts with it. */
const revertWith = (sig: string): Item[] => [
  selector(sig),
  ...push1(0xe0),
  op.SHL,
  ...push1(0),
  op.MSTORE,
  ...push1(4),
  ...push1(0),
  op.REVERT,
];

// One line per step: dispatch on the selector, then the three functions.
// prettier-ignore
const runtime: Item[] = [
  ...push1(0), op.CALLDATALOAD, ...push1(0xe0), op.SHR,
  op.DUP1, selector('act(bytes32)'), op.EQ, { to: 'act' }, op.JUMPI,
  op.DUP1, selector('done(bytes32)'), op.EQ, { to: 'done' }, op.JUMPI,
  selector('fail()'), op.EQ, { to: 'fail' }, op.JUMPI,
  ...push1(0), op.DUP1, op.REVERT,
  // act: revert if storage[id] is set, else set it.
  { label: 'act' }, op.JUMPDEST,
  ...push1(4), op.CALLDATALOAD, op.DUP1, op.SLOAD, { to: 'again' }, op.JUMPI,
  ...push1(1), op.SWAP1, op.SSTORE, op.STOP,
  { label: 'again' }, op.JUMPDEST, ...revertWith('AlreadyDone()'),
  // done: return storage[id] as a 32-byte word.
  { label: 'done' }, op.JUMPDEST,
  ...push1(4), op.CALLDATALOAD, op.SLOAD, ...push1(0), op.MSTORE, ...push1(0x20), ...push1(0), op.RETURN,
  { label: 'fail' }, op.JUMPDEST, ...revertWith('Nope()'),
];

/** Lays out items: labels get their byte offsets, jumps to them become PUSH1 <offset>. */
function assemble(items: Item[]): Buffer {
  const offsets = new Map<string, number>();
  let pc = 0;
  for (const item of items) {
    if (typeof item === 'number') pc += 1;
    else if ('push4' in item) pc += 5;
    else if ('to' in item) pc += 2;
    else offsets.set(item.label, pc);
  }
  const bytes: number[] = [];
  for (const item of items) {
    if (typeof item === 'number') bytes.push(item);
    else if ('push4' in item) bytes.push(0x63, ...Buffer.from(item.push4.slice(2), 'hex'));
    else if ('to' in item) bytes.push(op.PUSH1, offsets.get(item.to)!);
  }
  return Buffer.from(bytes);
}

const code = assemble(runtime);
// Init code: copy the runtime (which follows these 11 bytes) to memory and return it.
const init = Buffer.from([
  op.PUSH1,
  code.length,
  op.DUP1,
  op.PUSH1,
  11,
  op.PUSH1,
  0,
  op.CODECOPY,
  op.PUSH1,
  0,
  op.RETURN,
]);

export const probeBytecode: Hex = `0x${Buffer.concat([init, code]).toString('hex')}`;
