import { errorMessage } from '../errors.js';
import type { Piece } from './input.js';

class DeadlineExceeded extends Error {}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export async function piece<T>(work: () => Promise<T>, ms: number, what: string): Promise<Piece<T>> {
  try {
    return { ok: true, value: await withDeadline(work(), ms, what) };
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  }
}
