import { NotFoundError } from '@prospectflow/contracts';
import { z } from 'zod';

const Uuid = z.uuid();

/** A path id that is not a UUID cannot name anything: 404 like any unknown id. */
export function idParam(value: unknown, what: string): string {
  const parsed = Uuid.safeParse(value);
  if (!parsed.success) throw new NotFoundError(`${what} not found`);
  return parsed.data;
}
