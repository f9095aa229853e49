import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';

describe('AUTH_MODE=cognito', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({
      AUTH_MODE: 'cognito',
      COGNITO_USER_POOL_ID: 'eu-west-3_TestPool',
      COGNITO_CLIENT_ID: 'test-client',
    });
  });
  afterAll(async () => {
    await api.close();
  });

  it('has no dev token endpoint', async () => {
    const res = await api.request('POST', '/api/v1/auth/dev/token', { body: { email: 'a@b.example' } });
    expect(res.status).toBe(404);
  });

  it('refuses tokens that the user pool did not issue', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'x' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ iss: 'http://localhost:3000/api/v1/auth/dev', sub: 'dev|x' }),
    ).toString('base64url');
    const res = await api.request('GET', '/api/v1/me', { token: `${header}.${payload}.c2ln` });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
  });
});
