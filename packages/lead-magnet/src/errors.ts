import { AppError, ValidationError, describeIssues } from '@prospectflow/contracts';
import type { z } from 'zod';

/** Parses `input` with `schema` or throws the shared ValidationError (400 on every transport). */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError('Invalid request', describeIssues(parsed.error.issues));
  return parsed.data;
}

/** Another sender holds this email job's lease: retry the delivery later. */
export class EmailJobBusyError extends AppError {
  constructor() {
    super('conflict', 'email_job_busy', 'Email job is being sent by another worker');
  }
}
