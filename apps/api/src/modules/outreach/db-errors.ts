import { ConflictError, ValidationError } from '@prospectflow/contracts';

type Known = Record<string, [code: string, message: string]>;

/**
 * Runs a write and turns the constraint violations the caller names into 409s (unique) or
 * 400s (foreign key: an id of something that does not exist in this organisation).
 */
export async function mapConstraints<T>(write: Promise<T>, known: Known): Promise<T> {
  try {
    return await write;
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    const hit = constraint === undefined ? undefined : known[constraint];
    if (hit && code === '23505') throw new ConflictError(hit[1], hit[0]);
    if (hit && code === '23503') throw new ValidationError(hit[1], undefined, hit[0]);
    throw error;
  }
}
