/**
 * The relay on Cloudflare Workers: the same core as on Node, with the outbox in a SQLite-backed
 * Durable Object per destination (delivering from its alarm), rate limits in a Durable Object per
 * key, the funnel counters in a Durable Object per form, secrets from the Worker's bindings, and
 * the configuration and widget files bundled in by `npm run build:worker`. `wrangler.toml`
 * declares the bindings.
 */
import assets from 'leadform:assets';
import { Hono } from 'hono';
import { destinationFactories } from '../../destinations/index.ts';
import { createRelay } from '../../relay/app.ts';
import { serveAsset } from '../../relay/assets.ts';
import { jsonLog } from '../../relay/log.ts';
import { guardPages } from '../../relay/pages-guard.ts';
import { formDestinations } from '../../relay/config.ts';
import type { InsightDeps } from '../../relay/insight/routes.ts';
import type { RateLimiter } from '../../relay/rate-limit.ts';
import { durableOutbox } from './durable-outbox.ts';
import { adminTokenProblem, config, type Env, missingSecrets, secretFrom } from './shared.ts';

export { InsightObject } from './insight-object.ts';
export { OutboxObject } from './outbox-object.ts';
export { RateLimiterObject } from './rate-limiter-object.ts';

/**
 * A file `npm run build:worker` bundled in, by its path under the build, or null when there is none.
 * The build's `.br` and `.gz` copies are not bundled, so the core answers every file unencoded,
 * with the same Cache-Control, ETag and 304 as on Node: Cloudflare compresses the answer at the
 * edge itself (brotli or gzip, by the visitor's Accept-Encoding), turning the ETag weak, which
 * If-None-Match still matches.
 */
async function bundled(path: string): Promise<string | null> {
  return assets[path] ?? null;
}

function durableRateLimiter(env: Env): RateLimiter {
  return { take: (key, rule) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key)).take(rule) };
}

/**
 * The funnel counters in a Durable Object per form; the leads' tally from each of the form's
 * destinations' outbox objects (each keeps its own destination's entries).
 */
function durableInsight(env: Env): InsightDeps {
  const counters = (formId: string) => env.INSIGHT.get(env.INSIGHT.idFromName(formId));
  return {
    counts: { record: (formId, events) => counters(formId).count(formId, [...events]), read: (formId, from, to) => counters(formId).read(formId, from, to) },
    leads: {
      async read(formId, from, to) {
        const form = config.forms[formId];
        const names = form ? formDestinations(form) : [];
        const rows = await Promise.all(names.map((name) => env.OUTBOX.get(env.OUTBOX.idFromName(name)).leadTally(formId, from, to)));
        return rows.flat();
      },
    },
  };
}

/** Bindings are known only when the first request arrives, so the app is built then, once. */
let built: { env: Env; app: Hono } | undefined;

function appFor(env: Env): Hono {
  if (built?.env === env) return built.app;
  const app = new Hono();
  const missing = missingSecrets(env);
  const tokenProblem = adminTokenProblem(env);
  if (missing.length || tokenProblem) {
    jsonLog('relay.misconfigured', { missingSecrets: missing.join(','), ...(tokenProblem ? { adminToken: 'too short' } : {}) });
    const message = [
      missing.length ? `The relay is missing secret(s) ${missing.join(', ')}; run wrangler secret put for each, then redeploy.` : null,
      tokenProblem,
    ]
      .filter(Boolean)
      .join(' ');
    app.all('*', (c) => c.json({ error: 'misconfigured', message }, 503));
  } else {
    app.get('/', async (c) => (await serveAsset(bundled, 'demo', 'index.html', c.req.raw)) ?? c.notFound());
    // Pages a destination serves itself (the sandbox's inbox) come from its Durable Object, where
    // its state is, behind the pages guard: they may show personal data, and a Worker has no
    // loopback client, so only the admin token gets them.
    for (const [name, entry] of Object.entries(config.destinations)) {
      const at = destinationFactories[entry.type]?.pagesAt;
      if (!at) continue;
      const pages = guardPages((request) => env.OUTBOX.get(env.OUTBOX.idFromName(name)).page(name, request), {
        token: env.LEADFORM_ADMIN_TOKEN,
        log: jsonLog,
        loopbackSuffices: false,
      });
      app.all(`${at}*`, (c) => pages(c.req.raw, { address: c.req.header('CF-Connecting-IP') ?? null, loopback: false }));
    }
    app.route(
      '/',
      createRelay({
        config,
        outbox: durableOutbox(env, config),
        log: jsonLog,
        secret: secretFrom(env),
        rateLimiter: durableRateLimiter(env),
        clientIp: (request) => request.headers.get('CF-Connecting-IP'),
        adminToken: env.LEADFORM_ADMIN_TOKEN,
        ...(env.LEADFORM_TURNSTILE_VERIFY_URL ? { turnstileVerifyUrl: env.LEADFORM_TURNSTILE_VERIFY_URL } : {}),
        readAsset: bundled,
        insight: durableInsight(env),
      }),
    );
  }
  built = { env, app };
  return app;
}

export default {
  fetch(request: Request, env: Env): Response | Promise<Response> {
    return appFor(env).fetch(request, env);
  },
};
