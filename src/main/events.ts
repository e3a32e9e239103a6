import type { ApiEventMessage, EventName, EventPayload } from '#shared/api';

export type EventListener = (message: ApiEventMessage) => void;

/** The node's outbound events: every bridge subscribes once and fans out to its clients. */
export class EventBus {
  readonly #listeners = new Set<EventListener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const message = { name, payload } as ApiEventMessage;
    for (const listener of [...this.#listeners]) {
      try {
        listener(message);
      } catch (err) {
        // A broken listener (a closed socket, a destroyed window) must not stop the others.
        process.emitWarning(`event listener failed for ${name}: ${(err as Error).message}`);
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }
}
