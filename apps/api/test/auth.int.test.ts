import { SignJWT, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDevKeys, startApi, type ApiHarness } from './support/api-harness.js';
import { createTenant, type TenantFixture } from './support/tenants.js';

describe('operator authentication (dev issuer, aws-jwt-verify)', () => {
  let api: ApiHarness;
  let acme: TenantFixture;

  async function forge(claims: { iss?: string; aud?: string; exp?: number; sub?: string }) {
    const keys = await readDevKeys(api.config);
    const key = await importJWK(keys.privateJwk, 'RS256');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ email: 'forged@example.com' })
      .setProtectedHeader({ alg: 'RS256', kid: keys.kid })
      .setIssuer(claims.iss ?? api.config.DEV_AUTH_ISSUER)
      .setAudience(claims.aud ?? api.config.DEV_AUTH_AUDIENCE)
      .setSubject(claims.sub ?? 'dev|forged')
      .setIssuedAt(now - 7200)
      .setExpirationTime(claims.exp ?? now + 3600)
      .sign(key);
  }

  beforeAll(async () => {
    api = await startApi();
    acme = await createTenant(api, 'acme');
  });
  afterAll(async () => {
    await api.close();
  });

  it('accepts a valid token and upserts the user on first use', async () => {
    const token = await api.tokenFor('Newcomer@Example.com');
    const me = await api.request('GET', '/api/v1/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: { email: 'newcomer@example.com' },
      organisation: null,
      organisations: [],
      permissions: [],
    });
    const again = await api.request('GET', '/api/v1/me', { token: await api.tokenFor('newcomer@example.com') });
    expect(again.body.user.id).toBe(me.body.user.id);
    const users = await api.db.pool.query(
      `SELECT count(*)::int AS n FROM iam_users WHERE email = 'newcomer@example.com'`,
    );
    expect(users.rows[0].n).toBe(1);
  });

  it('publishes the dev issuer JWKS', async () => {
    const jwks = await api.request('GET', '/api/v1/auth/dev/jwks.json');
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.body.keys[0].d).toBeUndefined();
  });

  it.each([
    ['missing token', async () => undefined, 'unauthenticated'],
    ['expired token', () => forge({ exp: Math.floor(Date.now() / 1000) - 60 }), 'invalid_token'],
    ['wrong issuer', () => forge({ iss: 'https://evil.example/issuer' }), 'invalid_token'],
    ['wrong audience', () => forge({ aud: 'another-app' }), 'invalid_token'],
    [
      'tampered signature',
      async () => {
        const [h, p, s] = (await api.tokenFor('admin@acme.example')).split('.');
        return `${h}.${p}.${s!.slice(0, -4)}${s!.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
      },
      'invalid_token',
    ],
    [
      'tampered payload',
      async () => {
        const [h, , s] = (await api.tokenFor('admin@acme.example')).split('.');
        const payload = Buffer.from(JSON.stringify({ sub: 'dev|other', email: 'x@y.z', exp: 9999999999 })).toString(
          'base64url',
        );
        return `${h}.${payload}.${s}`;
      },
      'invalid_token',
    ],
    [
      'alg none',
      async () => {
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        const payload = Buffer.from(
          JSON.stringify({
            iss: api.config.DEV_AUTH_ISSUER,
            aud: api.config.DEV_AUTH_AUDIENCE,
            sub: 'dev|none',
            email: 'none@example.com',
            exp: Math.floor(Date.now() / 1000) + 3600,
          }),
        ).toString('base64url');
        return `${header}.${payload}.`;
      },
      'invalid_token',
    ],
    ['garbage', async () => 'not-a-jwt', 'invalid_token'],
  ])('refuses a %s with 401', async (_name, makeToken, code) => {
    const token = await makeToken();
    const res = await api.request('GET', '/api/v1/me', { token });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe(code);
  });

  it('refuses a malformed Authorization header with 401', async () => {
    const res = await api.request('GET', '/api/v1/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_authorization');
  });

  it('answers 403 to a signed-in user without membership on tenant routes', async () => {
    const token = await api.tokenFor('lonely@example.com');
    const res = await api.request('GET', '/api/v1/members', { token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('no_membership');
  });

  it('lets a user in several organisations pick one with X-Organisation-Id', async () => {
    const second = await api.request('POST', '/api/v1/organisations', {
      token: acme.adminToken,
      body: { name: 'Zeta Corp', slug: 'zeta' },
    });
    expect(second.status).toBe(201);
    const fallback = await api.request('GET', '/api/v1/me', { token: acme.adminToken });
    expect(fallback.body.organisations.map((o: { slug: string }) => o.slug)).toEqual(['acme', 'zeta']);
    const picked = await api.request('GET', '/api/v1/me', { token: acme.adminToken, organisationId: second.body.id });
    expect(picked.body.organisation.slug).toBe('zeta');
    const foreign = await api.request('GET', '/api/v1/me', {
      token: await api.tokenFor('lonely@example.com'),
      organisationId: second.body.id,
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('no_membership');
  });

  it('refuses a taken organisation slug with 409 and bad input with 400', async () => {
    const taken = await api.request('POST', '/api/v1/organisations', {
      token: acme.adminToken,
      body: { name: 'X', slug: 'acme' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('slug_taken');
    const bad = await api.request('POST', '/api/v1/organisations', {
      token: acme.adminToken,
      body: { name: '', slug: 'Bad Slug' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string[] }) => d.path[0]).sort()).toEqual(['name', 'slug']);
  });

  it('refuses a dev token request with an invalid email', async () => {
    const res = await api.request('POST', '/api/v1/auth/dev/token', { body: { email: 'not-an-email' } });
    expect(res.status).toBe(400);
  });
});
