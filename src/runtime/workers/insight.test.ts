/**
 * The insight suite against the Workers entry in the real workerd runtime (miniflare): the events
 * route counting into the per-form Durable Object, the stats reading its counters and the
 * destinations' outbox objects.
 */
import { insightSuite } from '../../relay/insight/insight-suite.ts';
import { SUITE_CONFIG } from '../../relay/testing/accept-path-suite.ts';
import { startWorkerd } from './workerd.fixture.ts';

insightSuite('workerd', ({ env }) => startWorkerd(SUITE_CONFIG, env, '203.0.113.8'));
