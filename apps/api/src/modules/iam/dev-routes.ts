import { Router } from 'express';
import { DevTokenRequest, type TokenResponse } from '@prospectflow/contracts';
import type { DevIssuer } from './dev-issuer.js';

/** Dev sign-in (AUTH_MODE=dev only): a token for any email, and the issuer's public keys. */
export function devAuthRoutes(issuer: DevIssuer, ttlSeconds: number): Router {
  const router = Router();
  router.post('/api/v1/auth/dev/token', async (req, res) => {
    const input = DevTokenRequest.parse(req.body);
    const accessToken = await issuer.signToken({ ...input, ttlSeconds });
    const body: TokenResponse = { accessToken, tokenType: 'Bearer', expiresIn: ttlSeconds };
    res.json(body);
  });
  router.get('/api/v1/auth/dev/jwks.json', (_req, res) => {
    res.json(issuer.jwks);
  });
  return router;
}
