import { AppError } from '@cipherlink/kit';

/** Name and code only: an RPC error never carries secrets, but keep log lines small and predictable. */
export function errSummary(err: unknown): { name: string; code?: string; message: string } {
  if (err instanceof AppError) return { name: err.name, code: err.code, message: err.message };
  return err instanceof Error ? { name: err.name, message: err.message } : { name: 'unknown', message: String(err) };
}
