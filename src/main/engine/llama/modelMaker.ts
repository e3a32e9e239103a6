/**
 * A child process that writes one of the project's random-weight llamas into a folder (randomModel.ts), with its
 * keccak256 beside it, and says where. The benchmark's 175 MB model takes seconds of pure JavaScript to make and
 * hash; made here, that time never blocks the node's event loop (its API, chain and job loop go on).
 *
 * Started by `benchModelFile` (benchModels.ts) with FLYWHEEL_MODEL_MAKER = {"spec": "bench", "dir": "…"}.
 */
import { createKeccak256 } from '../hash';
import { writeModelFile, type BenchModelName } from './benchModels';

const { spec, dir } = JSON.parse(process.env.FLYWHEEL_MODEL_MAKER ?? '{}') as {
  spec: BenchModelName;
  dir: string;
};

try {
  const made = writeModelFile(spec, dir, await createKeccak256());
  process.send!({ ok: true, ...made }, () => process.exit(0));
} catch (err) {
  process.send!({ ok: false, error: (err as Error).message }, () => process.exit(1));
}
