import type { Router } from 'express';
import { analyticsRoutes } from './analytics-routes.js';
import { campaignMessagesRoutes } from './campaign-messages-routes.js';
import { campaignsRoutes } from './campaigns-routes.js';
import { draftsRoutes } from './drafts-routes.js';
import { enrollmentsRoutes } from './enrollments-routes.js';
import { experimentsRoutes } from './experiments-routes.js';
import { inboxRoutes } from './inbox-routes.js';
import { mailboxesRoutes } from './mailboxes-routes.js';
import type { OutreachDeps } from './outreach-context.js';
import { promptsRoutes } from './prompts-routes.js';

/** Every operator route of the campaign engine (the public tracking routes are mounted apart). */
export function outreachRoutes(deps: OutreachDeps): Router[] {
  return [
    mailboxesRoutes(deps),
    campaignsRoutes(deps),
    promptsRoutes(deps),
    experimentsRoutes(deps),
    enrollmentsRoutes(deps),
    draftsRoutes(deps),
    campaignMessagesRoutes(deps),
    inboxRoutes(deps),
    analyticsRoutes(deps),
  ];
}
