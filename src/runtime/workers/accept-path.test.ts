/**
 * The accept-path suite against the Workers entry in the real workerd runtime (miniflare): the
 * bundle `npm run build:worker` makes, with the suite's configuration bundled in, its outbox in
 * SQLite-backed Durable Objects delivering from their alarms.
 */
import { acceptPathSuite, SUITE_CONFIG } from '../../relay/testing/accept-path-suite.ts';
import { startWorkerd } from './workerd.fixture.ts';

acceptPathSuite('workerd', ({ turnstileVerifyUrl, env }) =>
  startWorkerd(SUITE_CONFIG, { ...env, LEADFORM_TURNSTILE_VERIFY_URL: turnstileVerifyUrl }, '203.0.113.7'),
);
