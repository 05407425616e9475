/**
 * The admin forms suite against the Workers entry in real workerd (miniflare): the bundle
 * `npm run build:worker` makes, with the suite's configuration bundled in, its store forms in the
 * SQLite-backed forms Durable Object and its outbox in the outbox objects.
 */
import { adminFormsSuite, FORMS_ADMIN_TOKEN, FORMS_SUITE_CONFIG, ORIGIN } from '../../relay/testing/admin-forms-suite.ts';
import { startBundledWorker } from './workerd-testing.ts';

adminFormsSuite('workerd (forms Durable Object)', async () => {
  const workerd = await startBundledWorker(FORMS_SUITE_CONFIG, { LEADFORM_ADMIN_TOKEN: FORMS_ADMIN_TOKEN });
  return {
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      // What Cloudflare's edge sets on every request: the visitor's address.
      headers.set('CF-Connecting-IP', '203.0.113.9');
      return (await workerd.mf.dispatchFetch(`${ORIGIN}${path}`, { ...init, headers } as never)) as unknown as Response;
    },
    close: () => workerd.dispose(),
  };
});
