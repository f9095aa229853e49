import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BaseEnv, ConfigError, ServicesEnv, loadEnv } from '../src/index.js';

const Schema = BaseEnv.extend(ServicesEnv.shape).extend({ API_PORT: z.coerce.number().int().max(65535) });

describe('loadEnv', () => {
  it('applies defaults and coerces values', () => {
    const config = loadEnv(Schema, { env: { API_PORT: '3000' }, dotenv: false });
    expect(config.API_PORT).toBe(3000);
    expect(config.DATABASE_POOL_MAX).toBe(10);
    expect(config.DATABASE_URL).toContain('prospectflow');
  });

  it('lists every invalid or missing variable at once', () => {
    try {
      loadEnv(Schema, { env: { DATABASE_URL: 'not a url', DATABASE_POOL_MAX: '0' }, dotenv: false });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('DATABASE_URL');
      expect(problems).toContain('DATABASE_POOL_MAX');
      expect(problems).toContain('API_PORT');
    }
  });

  it('treats empty values as unset so defaults apply', () => {
    const config = loadEnv(Schema, { env: { API_PORT: '1', LOG_LEVEL: '' }, dotenv: false });
    expect(config.LOG_LEVEL).toBe('info');
  });
});
