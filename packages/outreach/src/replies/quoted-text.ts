// Where the history of a reply or a forward starts, in the clients our prospects use.
const HISTORY_MARKERS: RegExp[] = [
  // Gmail, Apple Mail, Thunderbird: "Le lun. 9 mars 2026 à 10:12, X <x@y> a écrit :" (may wrap once).
  /^(?:Le|On)\s[^\n]*(?:\n[^\n]*)?\s(?:a écrit|wrote)\s*:\s*$/im,
  /^-{2,}\s*(?:Original Message|Message d'origine|Forwarded message|Message transféré|Weitergeleitete Nachricht)\s*-*\s*$/im,
  // Outlook: a rule of underscores, or a "De : … / Envoyé : …" block.
  /^_{10,}\s*$/m,
  /^(?:De|From)\s*:[^\n]*\n(?:Envoyé|Sent|Date)\s*:/im,
];

/** The text the sender wrote: the history they replied to or forwarded and `>` lines removed. */
export function newTextOf(text: string): string {
  const normalised = text.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' ');
  let end = normalised.length;
  for (const marker of HISTORY_MARKERS) {
    const found = marker.exec(normalised);
    if (found && found.index < end) end = found.index;
  }
  return normalised
    .slice(0, end)
    .split('\n')
    .filter((line) => !line.startsWith('>'))
    .join('\n')
    .trim();
}
