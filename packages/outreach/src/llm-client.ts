import { setTimeout as sleep } from 'node:timers/promises';

export interface LlmConfig {
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Requests per call, the first included (429, 5xx, network errors and timeouts are retried). */
  maxAttempts?: number;
  /** First back-off delay; doubles on each retry, capped by `maxBackoffMs`, Retry-After honoured up to it. */
  backoffMs?: number;
  maxBackoffMs?: number;
  fetch?: typeof fetch;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The endpoint failed in a way worth retrying later (429, 5xx, timeout, network). */
export class LlmRetryableError extends Error {
  override readonly name = 'LlmRetryableError';
  constructor(
    message: string,
    readonly status: number | null,
    /** The endpoint's Retry-After, when it sent one. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** The endpoint refused the request (4xx other than 429) or answered unusable content: retrying cannot help. */
export class LlmTerminalError extends Error {
  override readonly name = 'LlmTerminalError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export interface LlmClient {
  /** Sends one chat-completions request and returns the first choice's text. */
  complete(messages: ChatMessage[]): Promise<string>;
}

function retryAfterMs(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

async function requestOnce(config: LlmConfig, messages: ChatMessage[]): Promise<string> {
  const url = `${config.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  let response: Response;
  try {
    response = await (config.fetch ?? fetch)(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: config.model, messages }),
      signal: AbortSignal.timeout(config.timeoutMs ?? 30_000),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    throw new LlmRetryableError(timedOut ? 'LLM request timed out' : `LLM request failed: ${String(error)}`, null);
  }
  if (response.status === 429 || response.status >= 500) {
    await response.body?.cancel();
    const hint = retryAfterMs(response.headers.get('retry-after'));
    throw new LlmRetryableError(`LLM endpoint answered ${response.status}`, response.status, hint);
  }
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).slice(0, 300);
    throw new LlmTerminalError(`LLM endpoint refused the request (${response.status}): ${detail}`, response.status);
  }
  const body = (await response.json().catch(() => null)) as { choices?: { message?: { content?: unknown } }[] } | null;
  const content = body?.choices?.[0]?.message?.content;
  if (typeof content !== 'string' || content.trim() === '') {
    throw new LlmTerminalError('LLM answer has no message content', response.status);
  }
  return content;
}

/** An OpenAI-compatible chat-completions client with a timeout and bounded back-off retries. */
export function createLlmClient(config: LlmConfig): LlmClient {
  const maxAttempts = config.maxAttempts ?? 3;
  const backoffMs = config.backoffMs ?? 1000;
  const maxBackoffMs = config.maxBackoffMs ?? 10_000;
  return {
    async complete(messages) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await requestOnce(config, messages);
        } catch (error) {
          if (!(error instanceof LlmRetryableError) || attempt >= maxAttempts) throw error;
          await sleep(Math.min(error.retryAfterMs ?? backoffMs * 2 ** (attempt - 1), maxBackoffMs));
        }
      }
    },
  };
}

/**
 * Reads a drafted email from the model's answer: JSON `{"subject","body"}` (optionally in a code
 * fence), else a first line `Subject: …` followed by the body.
 */
export function parseDraftAnswer(answer: string): { subject: string; body: string } {
  const unfenced = answer
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/```$/, '')
    .trim();
  try {
    const parsed = JSON.parse(unfenced) as { subject?: unknown; body?: unknown };
    if (typeof parsed.subject === 'string' && typeof parsed.body === 'string' && parsed.body.trim() !== '') {
      return { subject: parsed.subject.trim(), body: parsed.body.trim() };
    }
  } catch {
    // not JSON: try the "Subject:" form
  }
  const match = /^\s*(?:subject|objet)\s*:\s*(.+)\r?\n([\s\S]+)$/i.exec(answer);
  if (match && match[2]!.trim() !== '') return { subject: match[1]!.trim(), body: match[2]!.trim() };
  throw new LlmTerminalError('LLM answer is neither {"subject","body"} JSON nor "Subject:" and a body', null);
}
