/** Thrown by a job handler for a failure worth retrying later (timeouts, 4xx SMTP, rate limits). */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  readonly code: string;

  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code ?? 'retryable';
  }
}

/** Thrown by a job handler when retrying cannot help: the job goes straight to the dead-letter queue. */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  readonly code: string;

  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code ?? 'terminal';
  }
}

/** The broker connection is down (or closed); the caller should try again later. */
export class NotConnectedError extends Error {
  override readonly name = 'NotConnectedError';
  readonly code = 'broker_not_connected';

  constructor(message = 'not connected to the message broker') {
    super(message);
  }
}

export type PublishFailure = 'nacked' | 'unroutable' | 'timeout' | 'channel_closed';

/** A publish the broker did not confirm; nothing is known to be queued, so the caller should retry. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  readonly code: PublishFailure;

  constructor(code: PublishFailure, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}
