import { describe, expect, it } from 'vitest';
import { describeError } from '../src/imap/poll-loop.js';

describe('describeError', () => {
  it('keeps the code and server text of an IMAP error, never the command it ran', () => {
    const error = Object.assign(new Error('Command failed'), {
      code: 'NoConnection',
      responseText: 'Authentication failed.',
      authenticationFailed: true,
      executedCommand: '1 LOGIN "claire" "s3cret"',
    });
    const described = describeError(error);
    expect(described).toEqual({
      error: 'Error',
      code: 'NoConnection',
      reason: 'Authentication failed.',
      authenticationFailed: true,
    });
    expect(JSON.stringify(described)).not.toContain('s3cret');
  });

  it('falls back to the message of other errors', () => {
    expect(describeError(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toMatchObject({
      reason: 'connect ECONNREFUSED 127.0.0.1:1',
      authenticationFailed: undefined,
    });
  });
});
