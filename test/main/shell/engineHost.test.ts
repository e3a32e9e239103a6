import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

// The Electron binary cannot run here; the host takes its fork function as a parameter, so this mock only keeps
// the module's `utilityProcess` import from reaching the real package.
vi.mock('electron', () => ({ utilityProcess: { fork: () => new EventEmitter() } }));

import { utilityProcessHostFactory, type ForkUtility } from '../../../src/main/shell/engineHost';
import type { FromWorker, ToWorker } from '../../../src/main/engine/worker/protocol';

/** A utilityProcess stand-in: records what it is sent, and exits as told. */
class FakeUtility extends EventEmitter {
  sent: unknown[] = [];
  killed = 0;
  postMessage(message: unknown) {
    this.sent.push(message);
  }
  kill() {
    this.killed++;
    queueMicrotask(() => this.emit('exit', 15));
    return true;
  }
}

function rig() {
  const children: FakeUtility[] = [];
  const forks: { path: string; options: unknown }[] = [];
  const fork = ((path: string, _args: string[], options: unknown) => {
    forks.push({ path, options });
    const child = new FakeUtility();
    children.push(child);
    return child;
  }) as unknown as ForkUtility;
  const factory = utilityProcessHostFactory(fork, () => '/app.asar/out/main/engineWorker.js');
  return { children, forks, factory };
}

const ready = { type: 'ready' } as unknown as FromWorker;
const hello = { type: 'hello' } as unknown as ToWorker;

describe('engine worker in a utilityProcess (electron mocked)', () => {
  it('starts the bundled worker entry as a named utility process and passes messages both ways', () => {
    const { children, forks, factory } = rig();
    const host = factory();
    expect(forks).toEqual([
      {
        path: '/app.asar/out/main/engineWorker.js',
        options: { serviceName: 'Flywheel engine', stdio: ['ignore', 'inherit', 'inherit'] },
      },
    ]);
    expect(host.killsNativeCalls).toBe(true);
    const got: FromWorker[] = [];
    host.onMessage((m) => got.push(m));
    host.postMessage(hello, [new ArrayBuffer(8)]);
    children[0]!.emit('message', ready);
    expect(children[0]!.sent).toEqual([hello]);
    expect(got).toEqual([ready]);
  });

  it('reports a crashed worker (a native abort in onnxruntime) as an error, leaving the caller running', () => {
    const { children, factory } = rig();
    const host = factory();
    const exits: (Error | undefined)[] = [];
    host.onExit((e) => exits.push(e));
    children[0]!.emit('error', 'FatalError', 'onnxruntime::InferenceSession::Run', '{}');
    children[0]!.emit('exit', 134);
    expect(exits).toHaveLength(1);
    expect(exits[0]?.message).toMatch(/FatalError at onnxruntime/);

    const plain = factory();
    const plainExits: (Error | undefined)[] = [];
    plain.onExit((e) => plainExits.push(e));
    children[1]!.emit('exit', 139);
    expect(plainExits[0]?.message).toMatch(/exited \(139\)/);
  });

  it('terminates by killing the process, without calling that a crash', async () => {
    const { children, factory } = rig();
    const host = factory();
    const exits: (Error | undefined)[] = [];
    host.onExit((e) => exits.push(e));
    await host.terminate();
    expect(children[0]!.killed).toBe(1);
    expect(exits).toEqual([undefined]);
    await host.terminate(); // already gone: resolves at once
    expect(children[0]!.killed).toBe(1);
  });

  it('treats a clean exit as no error', () => {
    const { children, factory } = rig();
    const host = factory();
    const exits: (Error | undefined)[] = [];
    host.onExit((e) => exits.push(e));
    children[0]!.emit('exit', 0);
    expect(exits).toEqual([undefined]);
  });
});
