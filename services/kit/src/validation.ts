import type { z } from 'zod';
import { BadRequestError } from './errors';

/** Issues in a compact, client-safe form: path and message only (never the rejected value). */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Parse `value` with `schema` or throw a 400 naming what is wrong. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new BadRequestError(`invalid ${what}`, describeIssues(result.error));
  return result.data;
}
