// Every message is parsed where it enters a process. A malformed one is reported to `onInvalid` (to be logged)
// and dropped: it is never trusted, never thrown into the caller.
import type { z } from 'zod';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseMessage<S extends z.ZodType>(schema: S, raw: unknown): Parsed<z.infer<S>> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  return { ok: false, error: `${issue?.message ?? 'invalid message'}${where}` };
}

/** Wraps a handler so that only valid messages reach it. */
export function validated<S extends z.ZodType>(
  schema: S,
  handle: (message: z.infer<S>) => void,
  onInvalid: (error: string, raw: unknown) => void,
): (raw: unknown) => void {
  return (raw) => {
    const parsed = parseMessage(schema, raw);
    if (parsed.ok) handle(parsed.value);
    else onInvalid(parsed.error, raw);
  };
}
