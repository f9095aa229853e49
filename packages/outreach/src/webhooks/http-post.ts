import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isNonPublicAddress } from './url-policy.js';

export interface PostResult {
  status: number;
}

/** The request never reached an HTTP answer: refused, reset, timed out, or a non-public address. */
export class WebhookNetworkError extends Error {
  override name = 'WebhookNetworkError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** DNS resolution that refuses non-public addresses, checked on the address actually connected to. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((a) => isNonPublicAddress(a.address));
    if (refused || addresses.length === 0) {
      const denied = Object.assign(new Error(`${hostname} resolves to a non-public address`), { code: 'EADDRBLOCKED' });
      return callback(denied, '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/**
 * POSTs `body` and resolves with the status once the answer's head arrived (the body is drained,
 * not read). No redirects are followed. Rejects with WebhookNetworkError on timeout or connection failure.
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowPrivateTargets: boolean },
): Promise<PostResult> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const requestOptions: RequestOptions = {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    signal: AbortSignal.timeout(options.timeoutMs),
    lookup: options.allowPrivateTargets ? undefined : publicOnlyLookup,
  };
  return new Promise((resolve, reject) => {
    const req = send(target, requestOptions, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', (error: Error & { code?: string }) => {
      const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
      const code = timedOut ? 'timeout' : (error.code ?? 'network_error');
      reject(new WebhookNetworkError(timedOut ? `no answer within ${options.timeoutMs} ms` : error.message, code));
    });
    req.end(body);
  });
}
