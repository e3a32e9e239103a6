import type { DeclineReasonName } from '#shared/decline';

/** Thrown inside the worker for a job it will not run; the engine turns it into an EngineRefusal. */
export class WorkerRefusal extends Error {
  override name = 'WorkerRefusal';
  constructor(
    readonly reason: DeclineReasonName,
    message: string,
  ) {
    super(message);
  }
}
