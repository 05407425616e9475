/** What each served file carries is decided by the core, whatever runtime read its bytes. */
import { serve } from '@hono/node-server';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay } from './app.ts';
import { isHashed, type ReadAsset, serveAsset } from './assets.ts';
import { parseConfig } from './config.ts';
import { MemoryOutbox } from './memory-outbox.ts';

describe('serveAsset', () => {
  const reads: string[] = [];
  const read: ReadAsset = async (path) => {
    reads.push(path);
    return path.includes('missing') || /\.(br|gz)$/.test(path) ? null : new TextEncoder().encode(`contents of ${path}`);
  };
  const headersOf = async (response: Response | null) => (response ? Object.fromEntries(response.headers) : null);
  const etag = expect.stringMatching(/^"[0-9a-f]{32}"$/);

  it('serves a widget file without a hash in its name to any origin, cached for five minutes, with an ETag', async () => {
    const response = await serveAsset(read, 'widget', 'form.js');
    expect(await headersOf(response)).toEqual({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
      etag,
      vary: 'Accept-Encoding',
    });
    expect(await response!.text()).toBe('contents of widget/form.js');
  });

  it('serves a hashed widget chunk to any origin, cached for good', async () => {
    expect(await headersOf(await serveAsset(read, 'widget', 'popup-BjF280Ar.js'))).toEqual({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
      'access-control-allow-origin': '*',
      etag,
      vary: 'Accept-Encoding',
    });
  });

  it('serves the admin page revalidated on every load, and a hashed admin chunk cached for good', async () => {
    const revalidated = { 'cache-control': 'no-cache', etag, vary: 'Accept-Encoding' };
    expect(await headersOf(await serveAsset(read, 'admin', 'index.html'))).toEqual({ 'content-type': 'text/html; charset=utf-8', ...revalidated });
    expect(await headersOf(await serveAsset(read, 'admin', 'admin.js'))).toEqual({ 'content-type': 'text/javascript; charset=utf-8', ...revalidated });
    expect((await serveAsset(read, 'admin', 'admin-style-Dq3x_9aZ.css'))?.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
  });

  it('serves the demo page with its type and ETag alone', async () => {
    expect(await headersOf(await serveAsset(read, 'demo', 'index.html'))).toEqual({
      'content-type': 'text/html; charset=utf-8',
      etag,
      vary: 'Accept-Encoding',
    });
    expect(reads).toContain('public/index.html');
  });

  it('gives the same bytes the same ETag and other bytes another', async () => {
    const tag = async (file: string) => (await serveAsset(read, 'widget', file))!.headers.get('ETag');
    expect(await tag('form.js')).toBe(await tag('form.js'));
    expect(await tag('form.js')).not.toBe(await tag('parent.js'));
  });

  it('serves a source map as JSON', async () => {
    expect((await serveAsset(read, 'widget', 'form.js.map'))?.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
  });

  it('answers null for a file that is not built, and for a type it does not serve without reading it', async () => {
    expect(await serveAsset(read, 'widget', 'missing.js')).toBeNull();
    reads.length = 0;
    for (const file of ['notes.txt', 'js', 'constructor', 'x.constructor', 'form.js.br', 'form.js.gz'])
      expect(await serveAsset(read, 'widget', file)).toBeNull();
    expect(reads).toEqual([]);
  });

  it('answers null when the runtime reads no files at all', async () => {
    expect(await serveAsset(undefined, 'widget', 'form.js')).toBeNull();
  });
});

describe('isHashed', () => {
  it('tells the chunks vite names with a content hash from the files the builds name', () => {
    for (const file of ['popup-BjF280Ar.js', 'pt-B-AZW148.js', 'es-nQ-W0VDV.js', 'de-B6O5K_gL.js', 'admin-settings-Dq3x_9aZ.js'])
      expect(isHashed(file), file).toBe(true);
    for (const file of ['leadform.js', 'form.js', 'attribution.js', 'parent.js', 'admin.js', 'index.html', 'form.js.map'])
      expect(isHashed(file), file).toBe(false);
  });
});

// The relay as it serves a build: each file with the brotli and gzip copies `npm run build` writes
// beside it (Node), or without them (Workers).
const config = (() => {
  const result = parseConfig({
    forms: { contact: { fields: [{ name: 'email', type: 'email', required: true }], allowedOrigins: ['self'], destination: 'inbox' } },
    destinations: { inbox: { type: 'sandbox' } },
  });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
})();
const withConsent = { ...config, forms: { contact: { ...config.forms.contact!, requireConsent: true } } };
const CONSENT_RULE = '\nvar LEADFORM_CONSENT_REQUIRED = true;\n';

const text = (seed: string) =>
  `/* ${seed} */\n${Array.from({ length: 60 }, (_, i) => `export const ${seed}${i} = ${JSON.stringify(`${seed} ${i}`.repeat(3))};`).join('\n')}\n`;
const FILES: Record<string, string> = {
  'widget/leadform.js': text('loader'),
  'widget/attribution.js': text('attribution'),
  'widget/popup-BjF280Ar.js': text('popup'),
  'admin/index.html': `<!doctype html><html><head><title>leadform admin</title><script type="module" src="/admin/admin.js"></script></head><body>${'<div></div>'.repeat(30)}</body></html>`,
  'admin/admin.js': text('admin'),
};
const brotli = (bytes: Uint8Array) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
const precompressed: Record<string, Uint8Array<ArrayBuffer>> = {};
for (const [path, contents] of Object.entries(FILES)) {
  const bytes = new TextEncoder().encode(contents);
  precompressed[path] = bytes;
  precompressed[`${path}.br`] = new Uint8Array(brotli(bytes));
  precompressed[`${path}.gz`] = new Uint8Array(gzipSync(bytes, { level: 9 }));
}
const nodeReader: ReadAsset = async (path) => precompressed[path] ?? null;
const workersReader: ReadAsset = async (path) => FILES[path] ?? null;

const ADMIN_TOKEN = 'asset-test-admin-token-0123456789-abcdef';
const relay = (options: { consent?: boolean; read?: ReadAsset } = {}) =>
  createRelay({ config: options.consent ? withConsent : config, outbox: new MemoryOutbox(), readAsset: options.read ?? nodeReader, adminToken: ADMIN_TOKEN });
const get = (app: ReturnType<typeof relay>, path: string, headers: Record<string, string> = {}) => app.request(`http://relay.test${path}`, { headers });
const bytesOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());
const decoded = (bytes: Uint8Array, encoding: string | null) =>
  new TextDecoder().decode(encoding === 'br' ? brotliDecompressSync(bytes) : encoding === 'gzip' ? gunzipSync(bytes) : bytes);

describe('widget and admin files on the relay', () => {
  it('answers a hashed chunk cached for good, to any origin', async () => {
    const response = await get(relay(), '/v1/widget/popup-BjF280Ar.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });

  it('answers the loader cached briefly with an ETag, and 304 to a matching If-None-Match', async () => {
    const app = relay();
    const first = await get(app, '/v1/leadform.js');
    expect(first.headers.get('Cache-Control')).toBe('public, max-age=300');
    const tag = first.headers.get('ETag');
    expect(tag).toMatch(/^"[0-9a-f]{32}"$/);
    for (const ifNoneMatch of [tag!, `W/${tag}`, `"other", ${tag}`, '*']) {
      const again = await get(app, '/v1/leadform.js', { 'If-None-Match': ifNoneMatch });
      expect(again.status, ifNoneMatch).toBe(304);
      expect(again.headers.get('ETag')).toBe(tag);
      expect(again.headers.get('Cache-Control')).toBe('public, max-age=300');
      expect(again.headers.get('Access-Control-Allow-Origin')).toBe('*');
      expect((await bytesOf(again)).length).toBe(0);
    }
    const changed = await get(app, '/v1/leadform.js', { 'If-None-Match': '"0123456789abcdef0123456789abcdef"' });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toBe(FILES['widget/leadform.js']);
  });

  it('answers Accept-Encoding: br with brotli that decompresses to the file', async () => {
    const response = await get(relay(), '/v1/widget/attribution.js', { 'Accept-Encoding': 'br' });
    expect(response.headers.get('Content-Encoding')).toBe('br');
    expect(response.headers.get('Vary')).toBe('Accept-Encoding');
    const body = await bytesOf(response);
    expect(body.length).toBeLessThan(FILES['widget/attribution.js']!.length);
    expect(decoded(body, 'br')).toBe(FILES['widget/attribution.js']);
  });

  it('answers Accept-Encoding: gzip with gzip that decompresses to the file', async () => {
    const response = await get(relay(), '/v1/leadform.js', { 'Accept-Encoding': 'gzip' });
    expect(response.headers.get('Content-Encoding')).toBe('gzip');
    expect(response.headers.get('Vary')).toBe('Accept-Encoding');
    expect(decoded(await bytesOf(response), 'gzip')).toBe(FILES['widget/leadform.js']);
  });

  it('answers the best encoding the request weighs, and the file as it is when it accepts none', async () => {
    const app = relay();
    const encodingFor = async (acceptEncoding?: string) =>
      (await get(app, '/v1/leadform.js', acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding })).headers.get('Content-Encoding');
    expect(await encodingFor('gzip, deflate, br, zstd')).toBe('br');
    expect(await encodingFor('br;q=0.5, gzip')).toBe('gzip');
    expect(await encodingFor('br;q=0, *')).toBe('gzip');
    for (const none of [undefined, '', 'identity', 'deflate, zstd', 'br;q=0, gzip;q=0']) expect(await encodingFor(none), String(none)).toBeNull();
    const identity = await get(app, '/v1/leadform.js');
    expect(identity.headers.get('Vary')).toBe('Accept-Encoding');
    expect(await identity.text()).toBe(FILES['widget/leadform.js']);
  });

  it('gives each encoding its own ETag, and answers 304 to any of them', async () => {
    const app = relay();
    const tags = await Promise.all(
      ['br', 'gzip', 'identity'].map(async (encoding) => (await get(app, '/v1/leadform.js', { 'Accept-Encoding': encoding })).headers.get('ETag')),
    );
    expect(new Set(tags).size).toBe(3);
    const notModified = await get(app, '/v1/leadform.js', { 'Accept-Encoding': 'br', 'If-None-Match': tags[1]! });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('ETag')).toBe(tags[0]);
  });

  it('serves attribution.js with the consent rule compressed from the bytes served, with their own ETag', async () => {
    const plain = await get(relay(), '/v1/widget/attribution.js', { 'Accept-Encoding': 'br' });
    const app = relay({ consent: true });
    const served = FILES['widget/attribution.js'] + CONSENT_RULE;
    for (const encoding of ['br', 'gzip']) {
      const response = await get(app, '/v1/widget/attribution.js', { 'Accept-Encoding': encoding });
      expect(response.headers.get('Content-Encoding')).toBe(encoding);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
      expect(decoded(await bytesOf(response), encoding)).toBe(served);
    }
    const identity = await get(app, '/v1/widget/attribution.js');
    expect(await identity.text()).toBe(served);
    const tag = identity.headers.get('ETag')!;
    expect(tag.slice(1, 33)).not.toBe(plain.headers.get('ETag')!.slice(1, 33));
    expect((await get(app, '/v1/widget/attribution.js', { 'If-None-Match': tag })).status).toBe(304);
    expect((await get(app, '/v1/widget/attribution.js', { 'If-None-Match': plain.headers.get('ETag')! })).status).toBe(200);
  });

  it('compresses the file itself when a copy beside it is not of these bytes (left from an earlier build)', async () => {
    const stale: ReadAsset = async (path) =>
      path === 'widget/leadform.js.br' ? new Uint8Array(brotli(new TextEncoder().encode('old loader'))) : nodeReader(path);
    const response = await get(relay({ read: stale }), '/v1/leadform.js', { 'Accept-Encoding': 'br' });
    expect(response.headers.get('Content-Encoding')).toBe('br');
    expect(decoded(await bytesOf(response), 'br')).toBe(FILES['widget/leadform.js']);
  });

  it('serves the files as they are, with the same caching and ETag, where the runtime has no compressed copies (Workers)', async () => {
    const app = relay({ read: workersReader });
    const response = await get(app, '/v1/leadform.js', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(response.headers.get('Content-Encoding')).toBeNull();
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=300');
    expect(await response.text()).toBe(FILES['widget/leadform.js']);
    expect((await get(app, '/v1/leadform.js', { 'If-None-Match': response.headers.get('ETag')! })).status).toBe(304);
    expect((await get(app, '/v1/widget/popup-BjF280Ar.js')).headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
  });

  it('serves the admin page and its script compressed and revalidated by ETag, the page keeping its CSP', async () => {
    const app = relay();
    for (const [path, file] of [
      ['/admin', 'admin/index.html'],
      ['/admin/admin.js', 'admin/admin.js'],
    ] as const) {
      const response = await get(app, path, { 'Accept-Encoding': 'gzip, br' });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('Content-Encoding'), path).toBe('br');
      expect(response.headers.get('Cache-Control'), path).toBe('no-cache');
      expect(response.headers.get('Vary'), path).toBe('Accept-Encoding');
      expect(decoded(await bytesOf(response), 'br'), path).toBe(FILES[file]);
      if (path === '/admin') expect(response.headers.get('Content-Security-Policy')).toBeTruthy();
      const again = await get(app, path, { 'Accept-Encoding': 'gzip, br', 'If-None-Match': response.headers.get('ETag')! });
      expect(again.status, path).toBe(304);
      expect(again.headers.get('Content-Encoding'), path).toBeNull();
    }
    expect((await get(app, '/admin/missing.js', { 'Accept-Encoding': 'br' })).status).toBe(404);
  });
});

describe('over HTTP on Node', () => {
  let server: ReturnType<typeof serve>;
  let port: number;
  beforeAll(async () => {
    const app = relay({ consent: true });
    await new Promise<void>((done) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => done());
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  /** The bytes as they come over the socket: Node's http, unlike fetch, does not decompress them. */
  const wire = (path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((done, fail) => {
      httpRequest({ host: '127.0.0.1', port, path, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      })
        .on('error', fail)
        .end();
    });

  it('sends the compressed bytes with their length, and the consent rule inside them', async () => {
    const served = FILES['widget/attribution.js'] + CONSENT_RULE;
    const response = await wire('/v1/widget/attribution.js', { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers.vary).toBe('Accept-Encoding');
    expect(Number(response.headers['content-length'] ?? response.body.length)).toBe(response.body.length);
    expect(response.body.length).toBeLessThan(served.length / 2);
    expect(decoded(response.body, 'br')).toBe(served);
    const notModified = await wire('/v1/widget/attribution.js', { 'If-None-Match': String(response.headers.etag) });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
  });
});
