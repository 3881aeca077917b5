/**
 * The BullMQ dashboard (bull-board) as an Express router, behind HTTP basic
 * auth. It uses the same Queue objects as the depth metrics, so it adds no
 * Redis connections of its own.
 */
import express, { type Router } from 'express';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BASIC_AUTH_CHALLENGE, isAuthorized, type Credentials } from './basic-auth.js';

/** Where the dashboard is mounted. */
export const DASHBOARD_PATH = '/bull-board';

export function createDashboardRouter(options: { queues: readonly Queue[]; credentials: Credentials }): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'influencerai worker' } },
  });
  const router = express.Router();
  router.use((request, response, next) => {
    if (isAuthorized(request.headers.authorization, options.credentials)) {
      next();
      return;
    }
    response.set('WWW-Authenticate', BASIC_AUTH_CHALLENGE).status(401).type('text/plain').send('authentication required\n');
  });
  router.use(serverAdapter.getRouter() as Router);
  return router;
}
