import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OAuthError,
  buildAuthorizeUrl,
  buildLogoutUrl,
  codeChallengeOf,
  exchangeAuthorizationCode,
  randomToken,
  refreshTokens,
  stateMatches,
  type OAuthClient,
} from './oauth.js';

const client: OAuthClient = {
  domain: 'https://auth.example.com',
  clientId: 'client-123',
  redirectUri: 'https://app.example.com/auth/callback',
  scopes: 'openid email profile',
};

describe('PKCE and state', () => {
  it('derives the S256 challenge of RFC 7636 appendix B', () => {
    expect(codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes 43-character base64url verifiers and states that never repeat', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => randomToken()));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('accepts only the exact state that was sent', () => {
    const state = randomToken();
    expect(stateMatches(state, state)).toBe(true);
    expect(stateMatches(state, `${state}x`)).toBe(false);
    expect(stateMatches(state, randomToken())).toBe(false);
    expect(stateMatches(state, undefined)).toBe(false);
  });

  it('builds the Hosted UI authorize and logout URLs', () => {
    const url = new URL(buildAuthorizeUrl(client, 'the-state', 'the-verifier'));
    expect(url.origin + url.pathname).toBe('https://auth.example.com/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-123',
      redirect_uri: 'https://app.example.com/auth/callback',
      scope: 'openid email profile',
      state: 'the-state',
      code_challenge: codeChallengeOf('the-verifier'),
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.has('code_verifier')).toBe(false);
    expect(buildLogoutUrl(client, 'https://app.example.com/login')).toBe(
      'https://auth.example.com/logout?client_id=client-123&logout_uri=https%3A%2F%2Fapp.example.com%2Flogin',
    );
  });
});

/** A token endpoint that accepts one code, for one verifier, once. */
function startTokenEndpoint(expected: { code: string; verifier: string }) {
  const requests: { form: URLSearchParams; authorization?: string }[] = [];
  let used = false;
  const readForm = async (req: IncomingMessage) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    return new URLSearchParams(body);
  };
  const server = createServer(async (req, res) => {
    const form = await readForm(req);
    requests.push({ form, authorization: req.headers.authorization });
    const reply = (status: number, body: object) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const grant = form.get('grant_type');
    if (req.url !== '/oauth2/token') return reply(404, {});
    if (grant === 'refresh_token') {
      return form.get('refresh_token') === 'rt-1'
        ? reply(200, { id_token: 'id-2', access_token: 'at-2', expires_in: 3600, token_type: 'Bearer' })
        : reply(400, { error: 'invalid_grant' });
    }
    const valid =
      form.get('code') === expected.code &&
      codeChallengeOf(form.get('code_verifier') ?? '') === codeChallengeOf(expected.verifier);
    if (!valid || used) return reply(400, { error: 'invalid_grant' });
    used = true;
    reply(200, {
      id_token: 'id-1',
      access_token: 'at-1',
      refresh_token: 'rt-1',
      expires_in: 3600,
      token_type: 'Bearer',
    });
  });
  return { server, requests };
}

describe('token endpoint calls', () => {
  const verifier = randomToken();
  const fake = startTokenEndpoint({ code: 'code-1', verifier });
  let local: OAuthClient;

  beforeAll(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const { port } = fake.server.address() as AddressInfo;
    local = { ...client, domain: `http://127.0.0.1:${port}`, clientSecret: 's3cret' };
  });

  afterAll(() => new Promise<void>((resolve) => fake.server.close(() => resolve())));

  it('exchanges a code with its verifier once, authenticating the client', async () => {
    await expect(exchangeAuthorizationCode(local, 'code-1', randomToken())).rejects.toMatchObject({
      code: 'invalid_grant',
    });
    const tokens = await exchangeAuthorizationCode(local, 'code-1', verifier);
    expect(tokens).toMatchObject({ id_token: 'id-1', refresh_token: 'rt-1', expires_in: 3600 });
    const last = fake.requests.at(-1)!;
    expect(Object.fromEntries(last.form)).toEqual({
      client_id: 'client-123',
      grant_type: 'authorization_code',
      code: 'code-1',
      redirect_uri: local.redirectUri,
      code_verifier: verifier,
    });
    expect(last.authorization).toBe(`Basic ${Buffer.from('client-123:s3cret').toString('base64')}`);
    await expect(exchangeAuthorizationCode(local, 'code-1', verifier)).rejects.toBeInstanceOf(OAuthError);
  });

  it('refreshes with the refresh token and reports a refused one', async () => {
    expect(await refreshTokens(local, 'rt-1')).toMatchObject({ id_token: 'id-2', expires_in: 3600 });
    await expect(refreshTokens(local, 'stale')).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  it('reports an unreachable token endpoint without throwing a raw network error', async () => {
    const down = { ...local, domain: 'http://127.0.0.1:1' };
    await expect(exchangeAuthorizationCode(down, 'c', verifier)).rejects.toMatchObject({
      code: 'token_endpoint_unreachable',
    });
  });
});
