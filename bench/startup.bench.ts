import { spawn } from 'node:child_process';
import { startHeadless } from '../test/helpers/headless';
import { buildApp, median, quantile, type Benchmark, type Figure } from './lib';

const RUNS = 7;

/** Time from spawning the bare `node` binary to an HTTP server answering on loopback: the floor for any shell. */
async function bareNodeHttpMs(): Promise<number> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      '-e',
      "const s=require('http').createServer((q,r)=>r.end('{}')).listen(0,'127.0.0.1',()=>console.log('PORT='+s.address().port))",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve) => {
    child.stdout.on('data', (c: Buffer) => {
      const m = /PORT=(\d+)/.exec(c.toString());
      if (m) resolve(Number(m[1]));
    });
  });
  await fetch(`http://127.0.0.1:${port}/`);
  const ms = performance.now() - started;
  child.kill();
  return ms;
}

/** Time from spawning the headless shell to its first answered API call (node.status with the token). */
async function headlessReadyMs(): Promise<number> {
  const started = performance.now();
  const shell = await startHeadless({ args: ['--quiet'] });
  const res = await fetch(`${shell.origin}/api/call/node.status`, {
    method: 'POST',
    headers: { authorization: `Bearer ${shell.token}` },
    body: '{}',
  });
  if (!res.ok) throw new Error(`node.status answered ${res.status}`);
  const ms = performance.now() - started;
  await shell.stop();
  return ms;
}

const startup: Benchmark = {
  name: 'startup',
  summary: 'headless node start → first API answer, against a bare Node HTTP server',
  async run(log) {
    await buildApp();
    const node: number[] = [];
    const bare: number[] = [];
    // Interleaved so that machine noise hits both alike.
    for (let i = 0; i < RUNS; i++) {
      bare.push(await bareNodeHttpMs());
      node.push(await headlessReadyMs());
      log(`run ${i + 1}: flywheel ${node.at(-1)!.toFixed(0)} ms, bare node ${bare.at(-1)!.toFixed(0)} ms`);
    }
    const figures: Figure[] = [
      {
        id: 'node-start-to-api-ready-median',
        value: median(node),
        unit: 'ms',
        better: 'lower',
        target: 3000,
        baseline: median(bare),
        note: `median of ${RUNS}; baseline: bare node process to first HTTP answer`,
      },
      {
        id: 'node-start-to-api-ready-p90',
        value: quantile(node, 0.9),
        unit: 'ms',
        better: 'lower',
        target: 3000,
      },
    ];
    return figures;
  },
};

export default startup;
