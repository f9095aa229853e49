import { z } from 'zod';

/** An email address, trimmed and lower-cased (addresses are matched case-insensitively anyway). */
export const LeadMagnetEmail = z
  .string()
  .trim()
  .max(254)
  .transform((value) => value.toLowerCase())
  .pipe(z.email());
export type LeadMagnetEmail = z.infer<typeof LeadMagnetEmail>;

const Tag = z.string().trim().min(1).max(50);

/** Body the landing page posts to `/api/lead-magnet/submit`. */
export const SignupRequest = z.object({
  email: LeadMagnetEmail,
  consent: z.literal(true),
  consentText: z.string().trim().min(1).max(2000),
  privacyPolicyVersion: z.string().trim().min(1).max(50),
  source: z.string().trim().min(1).max(100).nullish(),
  tags: z.array(Tag).max(20).default([]),
  // Bots fill every field; people never see this one. Any value is accepted and ignored.
  honeypot: z.string().max(1000).optional(),
});
export type SignupRequest = z.infer<typeof SignupRequest>;

/** Body of `/api/lead-magnet/resend` (the expire page). */
export const ResendRequest = z.object({ email: LeadMagnetEmail });
export type ResendRequest = z.infer<typeof ResendRequest>;

/** Where a request came from, for the consent log. */
export interface RequestOrigin {
  ip?: string | null;
  userAgent?: string | null;
}

/** The answer to every submit and resend, whatever the address's state: nobody learns if it is known. */
export const NEUTRAL_RESULT = Object.freeze({ status: 'accepted' as const });
export type NeutralResult = typeof NEUTRAL_RESULT;

/** Routing key of lead-magnet email jobs (queue family `lead-magnet`, queue `email`). */
export const LEAD_MAGNET_EMAIL_ROUTING_KEY = 'lead-magnet.email';

/**
 * Payload of a `lead-magnet.email` message. It never carries the token or the address: the
 * consumer reads the address and creates the token when it sends (see doc/LEAD-MAGNET.md).
 */
export const LeadMagnetEmailJob = z.object({
  jobId: z.uuid(),
  kind: z.enum(['confirm', 'download']),
  subscriberId: z.uuid(),
});
export type LeadMagnetEmailJob = z.infer<typeof LeadMagnetEmailJob>;
