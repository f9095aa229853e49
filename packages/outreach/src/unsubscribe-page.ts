import { escapeHtml } from './template-render.js';

/**
 * The bilingual unsubscribe page: a confirmation button (GET) or the done message (POST). It
 * names nobody and looks the same for an unknown token, so it reveals nothing.
 */
export function unsubscribePage(state: 'confirm' | 'done', actionPath: string): string {
  const body =
    state === 'confirm'
      ? `<h1>Se désinscrire</h1>
<p>Vous ne recevrez plus nos emails à cette adresse.</p>
<p lang="en">You will no longer receive our emails at this address.</p>
<form method="post" action="${escapeHtml(actionPath)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Me désinscrire / Unsubscribe</button>
</form>`
      : `<h1>Désinscription enregistrée</h1>
<p>Vous ne recevrez plus nos emails à cette adresse.</p>
<p lang="en">You are unsubscribed: you will no longer receive our emails at this address.</p>`;
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Désinscription / Unsubscribe</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}</style></head>
<body>
${body}
</body></html>
`;
}
