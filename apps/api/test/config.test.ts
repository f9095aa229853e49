import { describe, expect, it } from 'vitest';
import { type ConfigError } from '@prospectflow/config';
import { loadApiConfig } from '../src/config.js';

const load = (env: Record<string, string>) => loadApiConfig(env, { dotenv: false });

describe('api configuration', () => {
  it('defaults to dev auth and the rate-limit matrix', () => {
    const config = load({});
    expect(config.AUTH_MODE).toBe('dev');
    expect(config.RATE_LIMIT_INGEST).toEqual({ points: 10, durationSeconds: 60 });
    expect(config.RATE_LIMIT_PROBES).toEqual({ points: 100, durationSeconds: 900 });
    expect(config.API_CORS_ORIGINS).toEqual(['http://localhost:4000']);
  });

  it('refuses dev sign-in in production', () => {
    expect(() => load({ NODE_ENV: 'production' })).toThrow(/AUTH_MODE: dev sign-in is refused/);
  });

  it('requires the Cognito pool and client in cognito mode', () => {
    try {
      load({ AUTH_MODE: 'cognito' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems.join()).toMatch(/COGNITO_USER_POOL_ID.*COGNITO_CLIENT_ID/);
    }
    expect(
      load({ AUTH_MODE: 'cognito', COGNITO_USER_POOL_ID: 'eu-west-3_abc', COGNITO_CLIENT_ID: 'x' }).AUTH_MODE,
    ).toBe('cognito');
  });

  it('rejects malformed rate rules with the variable named', () => {
    expect(() => load({ RATE_LIMIT_DELETE: 'ten per minute' })).toThrow(/RATE_LIMIT_DELETE/);
  });
});
