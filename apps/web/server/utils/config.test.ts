import { ConfigError, loadEnv } from '@prospectflow/config';
import { describe, expect, it } from 'vitest';
import { WebEnv } from './config.js';

const load = (env: Record<string, string>) => loadEnv(WebEnv, { env, dotenv: false });

describe('WebEnv sign-in settings', () => {
  it('defaults to dev sign-in and derives the Cognito URLs from the public base URL', () => {
    const config = load({ PUBLIC_BASE_URL: 'https://app.example.com' });
    expect(config.AUTH_MODE).toBe('dev');
    expect(config.COGNITO_REDIRECT_URI).toBe('https://app.example.com/auth/callback');
    expect(config.COGNITO_LOGOUT_URI).toBe('https://app.example.com/login');
    expect(config.COGNITO_SCOPES).toBe('openid email profile');
  });

  it('requires the Hosted UI domain and client id in cognito mode, empty values counting as unset', () => {
    expect(() => load({ AUTH_MODE: 'cognito', COGNITO_DOMAIN: '' })).toThrow(
      expect.objectContaining({
        problems: [
          'COGNITO_DOMAIN: required when AUTH_MODE=cognito',
          'COGNITO_CLIENT_ID: required when AUTH_MODE=cognito',
        ],
      }),
    );
    const config = load({ AUTH_MODE: 'cognito', COGNITO_DOMAIN: 'https://auth.example.com/', COGNITO_CLIENT_ID: 'c' });
    expect(config.COGNITO_DOMAIN).toBe('https://auth.example.com');
  });

  it('refuses dev sign-in in production', () => {
    expect(() => load({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(
      load({ NODE_ENV: 'production', AUTH_MODE: 'cognito', COGNITO_DOMAIN: 'https://a.b', COGNITO_CLIENT_ID: 'c' }),
    ).toMatchObject({ AUTH_MODE: 'cognito' });
  });
});
