import type { EmailJobKind } from '@prospectflow/db';

/** One rendered email, transport-agnostic. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: { name: string; value: string }[];
}

/** The two links every lead-magnet email carries. */
export interface EmailLinks {
  actionUrl: string;
  unsubscribeUrl: string;
}

/** Builds the confirm/download and unsubscribe links of a token under the public base URL. */
export function buildEmailLinks(publicBaseUrl: string, token: string): EmailLinks {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return {
    actionUrl: `${base}/api/lead-magnet/confirm/${encodeURIComponent(token)}`,
    unsubscribeUrl: `${base}/api/lead-magnet/unsubscribe/${encodeURIComponent(token)}`,
  };
}

const COPY: Record<EmailJobKind, { subject: string; intro: string; button: string }> = {
  confirm: {
    subject: 'Confirmez votre adresse pour recevoir votre guide',
    intro:
      'Merci pour votre intérêt pour le guide « La mariée sereine » ! Pour finaliser votre inscription, ' +
      'confirmez votre adresse e-mail : le téléchargement démarrera aussitôt.',
    button: 'Confirmer et télécharger le guide',
  },
  download: {
    subject: 'Votre guide « La mariée sereine »',
    intro: 'Vous nous avez demandé à nouveau le guide « La mariée sereine » : le voici.',
    button: 'Télécharger le guide',
  },
};

const VALIDITY = 'Ce lien est valable 48 heures.';
const IGNORE = "Si vous n'êtes pas à l'origine de cette demande, ignorez simplement cet e-mail.";
const UNSUBSCRIBE = 'Vous ne souhaitez plus recevoir nos e-mails ?';
const SIGNATURE = 'Light & Shutter, photographe de mariage';

/** Renders the French email of a job kind (text + HTML) with the one-click unsubscribe headers. */
export function renderLeadMagnetEmail(kind: EmailJobKind, to: string, links: EmailLinks): OutgoingEmail {
  const copy = COPY[kind];
  const text = [
    'Bonjour,',
    '',
    copy.intro,
    '',
    `${copy.button} : ${links.actionUrl}`,
    '',
    VALIDITY,
    IGNORE,
    '',
    SIGNATURE,
    '',
    `${UNSUBSCRIBE} Désinscription : ${links.unsubscribeUrl}`,
  ].join('\n');
  return {
    to,
    subject: copy.subject,
    text,
    html: renderHtml(copy, links),
    headers: [
      { name: 'List-Unsubscribe', value: `<${links.unsubscribeUrl}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
  };
}

function renderHtml(copy: { subject: string; intro: string; button: string }, links: EmailLinks): string {
  const action = escapeHtml(links.actionUrl);
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(copy.subject)}</title></head>
<body style="margin:0;padding:24px;background:#faf7f2;font-family:Georgia,serif;color:#3a3330">
<div style="max-width:560px;margin:0 auto;background:#fff;padding:32px;border-radius:8px">
<p style="font-size:13px;letter-spacing:2px;text-transform:uppercase;color:#a07855">Light &amp; Shutter</p>
<p>Bonjour,</p>
<p>${escapeHtml(copy.intro)}</p>
<p style="text-align:center;margin:32px 0"><a href="${action}"
 style="background:#a07855;color:#fff;padding:14px 24px;border-radius:4px;text-decoration:none">${escapeHtml(copy.button)}</a></p>
<p style="font-size:14px">${VALIDITY}<br>${escapeHtml(IGNORE)}</p>
<p style="font-size:14px">${escapeHtml(SIGNATURE)}</p>
<p style="font-size:12px;color:#8a817c">${escapeHtml(UNSUBSCRIBE)}
 <a href="${escapeHtml(links.unsubscribeUrl)}" style="color:#8a817c">Se désinscrire</a></p>
</div></body></html>`;
}

/** Escapes the five HTML-significant characters. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
