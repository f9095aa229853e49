import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface IssuedCode {
  challenge: string;
  redirectUri: string;
  clientId: string;
}

export interface FakeHostedUi {
  url: string;
  /** Every token request, for assertions (grant type, verifier check outcome). */
  tokenRequests: { grantType: string | null; verifierMatched: boolean }[];
  close: () => Promise<void>;
}

/**
 * A stand-in for the Cognito Hosted UI: `/oauth2/authorize` "signs in" `email` at once and
 * redirects back with a single-use code bound to the PKCE challenge; `/oauth2/token` checks the
 * client, redirect URI and `code_verifier` (S256) before answering with `mintIdToken(email)` as
 * the ID token; `/logout` redirects to `logout_uri`.
 */
export async function startFakeHostedUi(options: {
  clientId: string;
  email: string;
  mintIdToken: (email: string) => Promise<string>;
}): Promise<FakeHostedUi> {
  const codes = new Map<string, IssuedCode>();
  const tokenRequests: FakeHostedUi['tokenRequests'] = [];

  const json = (res: ServerResponse, status: number, body: object) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const redirect = (res: ServerResponse, location: string) => res.writeHead(302, { location }).end();

  function authorize(url: URL, res: ServerResponse) {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== options.clientId || !redirectUri) return json(res, 400, { error: 'invalid_client' });
    if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge'))
      return json(res, 400, { error: 'invalid_request' });
    const code = randomBytes(16).toString('hex');
    codes.set(code, { challenge: q.get('code_challenge')!, redirectUri, clientId: options.clientId });
    const back = new URL(redirectUri);
    back.search = new URLSearchParams({ code, state: q.get('state') ?? '' }).toString();
    redirect(res, back.href);
  }

  async function token(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const form = new URLSearchParams(raw);
    const issued = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    const verifierMatched =
      issued !== undefined && createHash('sha256').update(verifier).digest('base64url') === issued.challenge;
    tokenRequests.push({ grantType: form.get('grant_type'), verifierMatched });
    const valid =
      form.get('grant_type') === 'authorization_code' &&
      verifierMatched &&
      form.get('client_id') === issued?.clientId &&
      form.get('redirect_uri') === issued?.redirectUri;
    if (!valid) return json(res, 400, { error: 'invalid_grant' });
    const idToken = await options.mintIdToken(options.email);
    json(res, 200, {
      id_token: idToken,
      access_token: 'opaque-access-token',
      refresh_token: 'opaque-refresh-token',
      expires_in: 3600,
      token_type: 'Bearer',
    });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/oauth2/authorize') return authorize(url, res);
    if (req.method === 'POST' && url.pathname === '/oauth2/token') return void token(req, res);
    if (req.method === 'GET' && url.pathname === '/logout') return redirect(res, url.searchParams.get('logout_uri')!);
    json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tokenRequests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
