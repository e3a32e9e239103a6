import type { z } from 'zod';
import { apiCalls, isCallName, type ApiHandlers, type CallContext } from '#shared/api';
import type { Envelope } from '#shared/api/define';
import { FlywheelError, toErrorData } from '#shared/errors';
import type { Logger } from '../log';

export type Dispatch = (name: unknown, payload: unknown, ctx: CallContext) => Promise<Envelope<unknown>>;

/**
 * The one entry point both bridges use: checks the call name against the contract, validates the payload with
 * the call's schema, runs the handler, and turns any error into plain data. It never throws, so a bad payload
 * answers with INVALID_PAYLOAD and the node keeps running.
 */
export function createDispatcher(handlers: ApiHandlers, log: Logger): Dispatch {
  return async (name, payload, ctx) => {
    if (!isCallName(name)) {
      return fail(
        new FlywheelError(`There is no API call named ${JSON.stringify(String(name)).slice(0, 80)}.`, {
          code: 'UNKNOWN_CALL',
        }),
      );
    }
    const schema: z.ZodType = apiCalls[name].params;
    const parsed = schema.safeParse(payload ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(payload)',
        message: issue.message,
      }));
      log.warn('refused a call with an invalid payload', { call: name, bridge: ctx.bridge, issues });
      return fail(
        new FlywheelError(`The request to ${name} was not valid.`, {
          code: 'INVALID_PAYLOAD',
          details: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
          issues,
        }),
      );
    }
    try {
      const handler = handlers[name] as (params: unknown, ctx: CallContext) => Promise<unknown>;
      const result = await handler(parsed.data, ctx);
      return { ok: true, result };
    } catch (err) {
      const data = toErrorData(err);
      const level = data.code === 'INTERNAL' ? 'error' : 'warn';
      log[level]('call failed', {
        call: name,
        bridge: ctx.bridge,
        code: data.code,
        error: data.details ?? data.shortMessage,
      });
      return { ok: false, error: data };
    }
  };
}

function fail(err: FlywheelError): Envelope<never> {
  return { ok: false, error: err.toData() };
}
