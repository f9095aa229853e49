import express, { Router, type Response } from 'express';
import { findPixelMessage, recordOpen, unsubscribeByToken, withTransaction, type Pool } from '@prospectflow/db';
import type { Logger } from '@prospectflow/observability';
import {
  hashTrackingToken,
  isMachineOpen,
  isWellFormedTrackingToken,
  systemClock,
  unsubscribePage,
  type Clock,
} from '@prospectflow/outreach';

/** A transparent 1×1 GIF. */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function sendPixel(res: Response) {
  res
    .status(200)
    .set({ 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, max-age=0', Pragma: 'no-cache' })
    .send(PIXEL_GIF);
}

function sendPage(res: Response, state: 'confirm' | 'done', token: string) {
  res
    .status(200)
    .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
    .type('html')
    .send(unsubscribePage(state, `/u/${encodeURIComponent(token)}`));
}

/**
 * Public tracking routes (no authentication): the open pixel and the unsubscribe page with its
 * RFC 8058 one-click POST. Unknown tokens get the same answer as known ones.
 */
export function trackingRoutes(deps: { pool: Pool; logger: Logger; clock?: Clock }): Router {
  const clock = deps.clock ?? systemClock;
  const router = Router();
  router.get('/t/o/:file', async (req, res) => {
    const token = req.params.file.replace(/\.gif$/, '');
    try {
      const pixel = isWellFormedTrackingToken(token)
        ? await findPixelMessage(deps.pool, hashTrackingToken(token))
        : null;
      if (pixel) {
        const at = clock();
        const machine = isMachineOpen({ userAgent: req.get('user-agent'), openedAt: at, sentAt: pixel.sentAt });
        await recordOpen(deps.pool, { organisationId: pixel.organisationId, messageId: pixel.messageId, at, machine });
      }
    } catch (error) {
      // The image is answered whatever happens: a reader's mail client must never see an error.
      deps.logger.error({ err: error }, 'open tracking failed');
    }
    sendPixel(res);
  });
  router.get('/u/:token', (req, res) => sendPage(res, 'confirm', req.params.token));
  router.post('/u/:token', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    const { token } = req.params;
    if (isWellFormedTrackingToken(token)) {
      const found = await withTransaction(deps.pool, (client) => unsubscribeByToken(client, hashTrackingToken(token)));
      if (found) deps.logger.info({ oneClick: req.body?.['List-Unsubscribe'] === 'One-Click' }, 'unsubscribed');
    }
    sendPage(res, 'done', token);
  });
  return router;
}
