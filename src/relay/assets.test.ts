/** What each served file carries is decided by the core, whatever runtime read its bytes. */
import { describe, expect, it } from 'vitest';
import { type ReadAsset, serveAsset } from './assets.ts';

describe('serveAsset', () => {
  const reads: string[] = [];
  const read: ReadAsset = async (path) => {
    reads.push(path);
    return path.includes('missing') ? null : new TextEncoder().encode(`contents of ${path}`);
  };
  const headersOf = async (response: Response | null) => (response ? Object.fromEntries(response.headers) : null);

  it('serves a widget file to any origin, cached for five minutes', async () => {
    const response = await serveAsset(read, 'widget', 'form.js');
    expect(await headersOf(response)).toEqual({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
    });
    expect(await response!.text()).toBe('contents of widget/form.js');
  });

  it('serves the admin page revalidated on every load', async () => {
    expect(await headersOf(await serveAsset(read, 'admin', 'index.html'))).toEqual({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    expect(await headersOf(await serveAsset(read, 'admin', 'admin.css'))).toEqual({ 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' });
  });

  it('serves the demo page with its type alone', async () => {
    expect(await headersOf(await serveAsset(read, 'demo', 'index.html'))).toEqual({ 'content-type': 'text/html; charset=utf-8' });
    expect(reads.at(-1)).toBe('public/index.html');
  });

  it('serves a source map as JSON', async () => {
    expect((await serveAsset(read, 'widget', 'form.js.map'))?.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
  });

  it('answers null for a file that is not built, and for a type it does not serve without reading it', async () => {
    expect(await serveAsset(read, 'widget', 'missing.js')).toBeNull();
    reads.length = 0;
    for (const file of ['notes.txt', 'js', 'constructor', 'x.constructor']) expect(await serveAsset(read, 'widget', file)).toBeNull();
    expect(reads).toEqual([]);
  });

  it('answers null when the runtime reads no files at all', async () => {
    expect(await serveAsset(undefined, 'widget', 'form.js')).toBeNull();
  });
});
