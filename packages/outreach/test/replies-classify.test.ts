import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyInbound, newTextOf, parseInboundMail } from '../src/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/mime/${name}.eml`, import.meta.url));
const parse = (name: string) => parseInboundMail(fixture(name));

describe('MIME corpus: parsing and classification', () => {
  it.each([
    ['gmail-reply', 'human_reply'],
    ['outlook-reply', 'human_reply'],
    ['reply-without-in-reply-to', 'human_reply'],
    ['ooo-french', 'auto_reply'],
    ['ooo-english', 'auto_reply'],
    ['dsn-postfix-hard-bounce', 'bounce_permanent'],
    ['gmail-dsn-failure', 'bounce_permanent'],
    ['dsn-soft-bounce', 'bounce_temporary'],
    ['ndr-exchange', 'bounce_permanent'],
    ['unsubscribe-request-fr', 'unsubscribe_request'],
    ['forwarded-to-colleague', 'human_reply'],
    ['iso-8859-1-quoted-printable', 'human_reply'],
    ['windows-1252', 'human_reply'],
  ])('%s is a %s', async (name, expected) => {
    const result = classifyInbound(await parse(name));
    expect(result.classification).toBe(expected);
    expect(result.reason).not.toBe('');
  });

  it('reads threading headers of a Gmail reply and keeps only what the sender wrote', async () => {
    const mail = await parse('gmail-reply');
    expect(mail.messageId).toBe('<CAJ8x2Ld=Wq5v3nR0pZk1uT7mHs9eF4yBq2Xc6Vd8aN1oG3hJ0w@mail.gmail.com>');
    expect(mail.inReplyTo).toBe('<6c1f0d2e-8a4b-4f3c-9e7d-1b2a3c4d5e6f@acme-conseil.fr>');
    expect(mail.references).toEqual(['<6c1f0d2e-8a4b-4f3c-9e7d-1b2a3c4d5e6f@acme-conseil.fr>']);
    expect(mail.fromEmail).toBe('amelie.lefevre@gmail.com');
    expect(mail.subject).toBe('Re: Bonjour Amélie');
    const written = newTextOf(mail.text);
    expect(written).toContain("Oui, ça m'intéresse");
    expect(written).not.toContain('Unsubscribe');
  });

  it('sanitises HTML: no script, remote image, event handler or javascript: link', async () => {
    for (const name of ['gmail-reply', 'outlook-reply']) {
      const { html } = await parse(name);
      expect(html).toBeTruthy();
      expect(html).not.toMatch(/<script|<img|onclick|javascript:/i);
    }
    expect((await parse('outlook-reply')).html).toContain('proposition chiffrée');
  });

  it('cuts the Outlook history of a reply (the footer with "Unsubscribe" is ours, quoted)', async () => {
    const mail = await parse('outlook-reply');
    expect(mail.inReplyTo).toBe('<7d2e4f60-1a3b-4c5d-8e9f-0a1b2c3d4e5f@acme-conseil.fr>');
    expect(mail.references).toHaveLength(2);
    const written = newTextOf(mail.text);
    expect(written).toContain('envoyez-moi une proposition chiffrée');
    expect(written).not.toMatch(/Variante B|Unsubscribe/);
  });

  it('decodes ISO-8859-1 quoted-printable and Windows-1252', async () => {
    const latin = await parse('iso-8859-1-quoted-printable');
    expect(latin.subject).toBe('Re\u00a0: Bonjour François');
    expect(latin.text).toContain("m'intéresse beaucoup : pouvez-vous me rappeler à 15h");
    const windows = await parse('windows-1252');
    expect(windows.text).toContain('L’offre à 1\u00a0500\u00a0€ nous semble élevée');
    expect(windows.text).toContain('œuvre');
    expect(windows.subject).toBe('RE\u00a0: Une idée pour Librairie Perrin');
  });

  it('reads the delivery-status part and the original Message-ID of a DSN', async () => {
    const mail = await parse('dsn-postfix-hard-bounce');
    expect(mail.isDeliveryReport).toBe(true);
    expect(mail.deliveryStatus).toMatchObject({
      action: 'failed',
      status: '5.1.1',
      finalRecipient: 'p1.old@transports-nord.fr',
    });
    expect(mail.attachedMessageIds).toEqual(['<9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d@acme-conseil.fr>']);
    const result = classifyInbound(mail);
    expect(result.reason).toBe('DSN status 5.1.1 (action failed)');
    expect(result.bouncedRecipient).toBe('p1.old@transports-nord.fr');
  });

  it('finds our Message-ID in the headers attached to a Gmail DSN and an Exchange NDR', async () => {
    const gmail = await parse('gmail-dsn-failure');
    expect(gmail.attachedMessageIds).toEqual(['<8e0a2c4e-6f8b-4d0f-a2c4-e6f8a0b2c4d6@acme-conseil.fr>']);
    const exchange = await parse('ndr-exchange');
    expect(exchange.isDeliveryReport).toBe(false);
    expect(exchange.attachedMessageIds).toEqual(['<4c6e8a0b-2d4f-4b6d-8f0a-3b5d7f9a1c3e@acme-conseil.fr>']);
    expect(classifyInbound(exchange).reason).toBe('NDR status 5.1.10');
  });

  it('reads a soft bounce as temporary with its status', async () => {
    const result = classifyInbound(await parse('dsn-soft-bounce'));
    expect(result).toMatchObject({
      reason: 'DSN status 4.2.2 (action delayed)',
      bouncedRecipient: 'contact@cave-saint-roch.fr',
    });
  });

  it('gives a reason naming the auto-reply signal', async () => {
    expect(classifyInbound(await parse('ooo-french')).reason).toBe('Auto-Submitted: auto-replied');
    const noHeaders = await parseInboundMail(
      Buffer.from('From: a@b.fr\r\nTo: c@d.fr\r\nSubject: Absence du bureau\r\n\r\nJe suis absent.\r\n'),
    );
    expect(classifyInbound(noHeaders)).toMatchObject({
      classification: 'auto_reply',
      reason: 'subject starts with "Absence"',
    });
    const respond = await parseInboundMail(
      Buffer.from('From: a@b.fr\r\nSubject: Re: hello\r\nX-Autorespond: yes\r\n\r\nAway.\r\n'),
    );
    expect(classifyInbound(respond).reason).toBe('header x-autorespond');
    const manual = await parseInboundMail(
      Buffer.from('From: a@b.fr\r\nSubject: Re: hello\r\nAuto-Submitted: no\r\n\r\nMerci, rappelez-moi.\r\n'),
    );
    expect(classifyInbound(manual).classification).toBe('human_reply');
  });
});

describe('unsubscribe requests in words', () => {
  const reply = (body: string) =>
    parseInboundMail(
      Buffer.from(`From: p@x.fr\r\nSubject: Re: Bonjour\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`),
    );

  it.each([
    'Please unsubscribe me.',
    'Merci de me désinscrire.',
    'Je souhaite me désabonner de vos envois.',
    'Je ne souhaite plus recevoir vos emails.',
    'Remove me from your list please',
    'STOP',
    'Stop merci',
  ])('"%s" is a request', async (body) => {
    expect(classifyInbound(await reply(body)).classification).toBe('unsubscribe_request');
  });

  it.each([
    "Bonjour, on peut s'appeler ? Il faudrait qu'on arrête de perdre du temps avec notre outil actuel, stop aux tableurs !",
    'Oui, volontiers.\n\n> Se désinscrire / Unsubscribe: https://track.example/u/x',
  ])('a human reply wins over a weak signal or our quoted footer: "%s"', async (body) => {
    expect(classifyInbound(await reply(body)).classification).toBe('human_reply');
  });
});
