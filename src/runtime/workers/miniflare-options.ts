/**
 * Miniflare options matching wrangler.toml's bindings, for tests and local scripts that run the
 * built Worker in workerd without wrangler.
 */
import type { MiniflareOptions } from 'miniflare';
import { dirname } from 'node:path';

export function miniflareOptions(scriptPath: string, bindings: Record<string, string>): MiniflareOptions {
  return {
    modules: true,
    scriptPath,
    // The bundle may live outside the working directory (a test's temporary folder).
    modulesRoot: dirname(scriptPath),
    compatibilityDate: '2025-09-01',
    durableObjects: {
      OUTBOX: { className: 'OutboxObject', useSQLite: true },
      RATE_LIMITER: { className: 'RateLimiterObject', useSQLite: true },
      INSIGHT: { className: 'InsightObject', useSQLite: true },
    },
    bindings,
  };
}
