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

describe('WebEnv lead-magnet settings', () => {
  it('defaults to the production bucket in eu-west-3 and the documented abuse limits', () => {
    const config = load({});
    expect(config).toMatchObject({
      AWS_REGION: 'eu-west-3',
      LEAD_MAGNET_BUCKET: 'lightandshutter-lead-magnets',
      S3_FORCE_PATH_STYLE: false,
      LEAD_MAGNET_RATE_IP: { points: 5, durationSeconds: 600 },
      LEAD_MAGNET_RATE_EMAIL: { points: 3, durationSeconds: 3600 },
      WEB_TRUST_PROXY: ['loopback'],
    });
    expect(config.S3_ENDPOINT).toBeUndefined();
    expect(config.AWS_ACCESS_KEY_ID).toBeUndefined();
  });

  it('reads a local S3 endpoint, path style, static keys and rate rules', () => {
    const config = load({
      S3_ENDPOINT: 'http://127.0.0.1:4569',
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      LEAD_MAGNET_RATE_IP: '100/60',
      LEAD_MAGNET_CORS_ORIGINS: 'https://lightandshutter.fr, https://www.lightandshutter.fr',
      WEB_TRUST_PROXY: '2',
    });
    expect(config).toMatchObject({
      S3_ENDPOINT: 'http://127.0.0.1:4569',
      S3_FORCE_PATH_STYLE: true,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      LEAD_MAGNET_RATE_IP: { points: 100, durationSeconds: 60 },
      LEAD_MAGNET_CORS_ORIGINS: ['https://lightandshutter.fr', 'https://www.lightandshutter.fr'],
      WEB_TRUST_PROXY: 2,
    });
  });

  it('refuses a malformed rate rule and a lone access key', () => {
    expect(() => load({ LEAD_MAGNET_RATE_EMAIL: 'three per hour' })).toThrow(
      expect.objectContaining({
        problems: [
          'LEAD_MAGNET_RATE_EMAIL: invalid rate rule "three per hour": expected <requests>/<seconds>, e.g. 10/60',
        ],
      }),
    );
    expect(() => load({ AWS_ACCESS_KEY_ID: 'AKIA' })).toThrow(
      expect.objectContaining({
        problems: [
          'AWS_SECRET_ACCESS_KEY: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together (or neither: IAM role)',
        ],
      }),
    );
  });
});
