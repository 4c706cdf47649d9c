import { UsageError } from '../errors.js';

export async function runDemo(_argv: string[]): Promise<number> {
  throw new UsageError('pgtop demo is not available in this build yet.');
}
