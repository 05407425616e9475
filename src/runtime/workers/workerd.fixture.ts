/**
 * The Workers entry in the real workerd runtime (miniflare), for the suites every runtime runs:
 * the bundle `npm run build:worker` makes, with `config` bundled in (`startBundledWorker`), each
 * request arriving from `clientIp` as Cloudflare's edge tells it (`CF-Connecting-IP`).
 */
import type { RelayUnderTest } from '../../relay/testing/accept-path-suite.ts';
import { startBundledWorker } from './workerd-testing.ts';

export async function startWorkerd(config: unknown, bindings: Record<string, string>, clientIp: string): Promise<RelayUnderTest> {
  const { mf, dispose } = await startBundledWorker(config, bindings);
  return {
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('CF-Connecting-IP', clientIp);
      const response = await mf.dispatchFetch(`http://relay.test${path}`, { ...init, headers } as never);
      return response as unknown as Response;
    },
    close: dispose,
  };
}
