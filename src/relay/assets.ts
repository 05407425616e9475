/**
 * The built files the relay serves (the widget, the admin page, the demo page). A runtime only
 * reads a file's bytes; what the answer carries is decided here, once for every runtime: the
 * Content-Type by the file's extension, the caching by whether the file's name carries a content
 * hash, the CORS by what the file is, a strong ETag from the bytes served, and the encoding by the
 * request's `Accept-Encoding` among those the runtime has (`negotiated`).
 *
 * Compression: the build writes `<file>.br` and `<file>.gz` beside every file (scripts/precompress.ts).
 * A runtime whose reader returns them (Node) serves brotli or gzip; one that returns none
 * (Workers, whose bundle leaves them out because Cloudflare compresses at the edge) serves the
 * bytes as they are, with the same caching and ETag. Nothing is compressed per request: a
 * precompressed file is checked once against the bytes it stands for, and bytes the relay
 * changes itself (attribution.js with the consent rule) are compressed once; both are kept in
 * memory by their content hash.
 */

/** A file's contents as the runtime read them. */
export type AssetBytes = Uint8Array<ArrayBuffer> | string;

/**
 * Reads a built file by its path under the build (`widget/form.js`, `admin/index.html`,
 * `public/index.html`, and `widget/form.js.br` for a precompressed copy), or null when there is none.
 */
export type ReadAsset = (path: string) => Promise<AssetBytes | null>;

/** The content types served, by extension; a file of any other kind is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** A file whose name changes with its contents is never revalidated. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Each kind of served file: the folder of the build it is read from, its Cache-Control when its
 * name carries a content hash (`hashed`) and when not (`named`, revalidated by its ETag), and the
 * other headers it carries.
 */
const ASSETS = {
  /**
   * Loaded by other sites' pages: any origin may fetch it. The loader, the entry modules it
   * imports by name and anything else without a hash are kept a few minutes, then revalidated.
   */
  widget: { folder: 'widget', hashed: IMMUTABLE, named: 'public, max-age=300', headers: { 'Access-Control-Allow-Origin': '*' } },
  /** Revalidated on every load, so an operator never runs an admin page older than the relay. */
  admin: { folder: 'admin', hashed: IMMUTABLE, named: 'no-cache', headers: {} },
  /** The demo page the Workers entry serves at `/`. */
  demo: { folder: 'public', hashed: null, named: null, headers: {} },
} as const satisfies Record<string, { folder: string; hashed: string | null; named: string | null; headers: Record<string, string> }>;

export type AssetKind = keyof typeof ASSETS;

/**
 * A chunk vite names itself, `[name]-[hash].js`: its 8-character hash changes with its contents.
 * The files the builds name (leadform.js, form.js, attribution.js, parent.js, admin.js,
 * index.html) have no such ending, and vite.admin.config.ts puts a hash in every chunk name it sets.
 */
const HASHED_NAME = /-[A-Za-z0-9_-]{8}\.(?:js|css)$/;

/** Whether the file's name carries a content hash, so that its answer may be cached for good. */
export function isHashed(file: string): boolean {
  return HASHED_NAME.test(file);
}

/** The encodings served, best first, with the suffix of their precompressed copies. */
export const ENCODINGS = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
] as const;

export type Coding = (typeof ENCODINGS)[number]['coding'];

/** The file's contents, or null when it is of a type not served or is not there. */
export async function readServedAsset(read: ReadAsset | undefined, kind: AssetKind, file: string): Promise<AssetBytes | null> {
  if (!contentType(file) || !read) return null;
  return read(`${ASSETS[kind].folder}/${file}`);
}

export interface AssetOptions {
  /**
   * Whether `body` is the file as built. False for bytes the relay changed (the consent rule
   * appended): its precompressed copies are of other bytes, so these are compressed once instead.
   * @default true
   */
  asBuilt?: boolean;
}

/**
 * The answer serving `body` as `file` of that kind, unencoded, with its caching, its ETag and
 * `Vary: Accept-Encoding`; `negotiated` then fits it to a request. Its encodings are made ready
 * (read, checked or compressed once per content and reader) for `negotiated` to find by the ETag.
 */
export async function assetResponse(
  read: ReadAsset | undefined,
  kind: AssetKind,
  file: string,
  body: AssetBytes,
  options: AssetOptions = {},
): Promise<Response> {
  const { folder, hashed, named, headers } = ASSETS[kind];
  const bytes = toBytes(body);
  const hex = await contentHash(bytes);
  if (read && !encodingsOf(read).has(hex)) remember(read, hex, encode(read, `${folder}/${file}`, bytes, options.asBuilt ?? true));
  const cacheControl = isHashed(file) ? hashed : named;
  return new Response(bytes, {
    headers: {
      'Content-Type': contentType(file) ?? 'application/octet-stream',
      ...(cacheControl ? { 'Cache-Control': cacheControl } : {}),
      ...headers,
      ETag: `"${hex}"`,
      Vary: 'Accept-Encoding',
    },
  });
}

/**
 * Reads and serves a built file; null when there is none. With the request, the answer is fitted
 * to it (`negotiated`); without, it is the unencoded answer.
 */
export async function serveAsset(read: ReadAsset | undefined, kind: AssetKind, file: string, request?: Request): Promise<Response | null> {
  const body = await readServedAsset(read, kind, file);
  if (body === null) return null;
  const response = await assetResponse(read, kind, file, body);
  return request ? negotiated(request, response, read) : response;
}

/**
 * An answer of `assetResponse` (with the same reader) fitted to the request: 304 when its
 * `If-None-Match` names the content (compared weakly, as RFC 9110 says, so the `W/` Cloudflare
 * puts on the ETag of a body it compressed still matches), else the body in the best encoding the
 * request accepts and the runtime has. Each encoding has its own ETag (`"<hash>-br"`,
 * `"<hash>-gz"`): they are other bytes. Any other answer is returned as it is.
 */
export async function negotiated(request: Request, response: Response, read: ReadAsset | undefined): Promise<Response> {
  const tag = response.headers.get('ETag');
  const hex = tag && /^"([0-9a-f]{32})"$/.exec(tag)?.[1];
  if (!hex || response.status !== 200 || (request.method !== 'GET' && request.method !== 'HEAD')) return response;
  const ready = (read && (await encodingsOf(read).get(hex))) || {};
  const coding = chosenCoding(request.headers.get('Accept-Encoding'), ready);
  const headers = new Headers(response.headers);
  headers.set('ETag', coding ? `"${hex}-${suffixOf(coding)}"` : `"${hex}"`);
  if (matches(request.headers.get('If-None-Match'), hex)) {
    for (const name of ['Content-Type', 'Content-Length', 'Content-Encoding']) headers.delete(name);
    return new Response(null, { status: 304, headers });
  }
  if (!coding) return response;
  headers.set('Content-Encoding', coding);
  headers.delete('Content-Length');
  return new Response(ready[coding], { status: 200, headers });
}

/** Whether an `If-None-Match` list names this content, in any encoding, or is `*`. */
function matches(ifNoneMatch: string | null, hex: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((entry) => {
    const tag = entry.trim().replace(/^W\//, '');
    if (tag === '*') return true;
    const opaque = /^"(.*)"$/.exec(tag)?.[1];
    return opaque !== undefined && [hex, ...ENCODINGS.map(({ suffix }) => `${hex}-${suffix.slice(1)}`)].includes(opaque);
  });
}

/** The encoding to answer in: the one the request weighs highest (`q`), brotli on a tie; none when it accepts none. */
function chosenCoding(acceptEncoding: string | null, ready: Encoded): Coding | null {
  if (!acceptEncoding) return null;
  const weights = new Map<string, number>();
  for (const entry of acceptEncoding.split(',')) {
    const [name, ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    if (!name) continue;
    const q = params.find((param) => param.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  let best: { coding: Coding; weight: number } | null = null;
  for (const { coding } of ENCODINGS) {
    const weight = weights.get(coding) ?? weights.get('*') ?? 0;
    if (ready[coding] && weight > 0 && (!best || weight > best.weight)) best = { coding, weight };
  }
  return best?.coding ?? null;
}

function suffixOf(coding: Coding): string {
  return ENCODINGS.find((encoding) => encoding.coding === coding)!.suffix.slice(1);
}

/** A content's bytes in each encoding the runtime serves. */
type Encoded = Partial<Record<Coding, Uint8Array<ArrayBuffer>>>;

/**
 * Per reader (a runtime's build: whether it has compressed copies is its own), encodings by content
 * hash, oldest first: every file and variant the relay serves (a few dozen), with room for
 * rebuilds while it runs.
 */
const encodings = new WeakMap<ReadAsset, Map<string, Promise<Encoded>>>();
const KEPT_CONTENTS = 128;

function encodingsOf(read: ReadAsset): Map<string, Promise<Encoded>> {
  let byHash = encodings.get(read);
  if (!byHash) encodings.set(read, (byHash = new Map()));
  return byHash;
}

function remember(read: ReadAsset, hex: string, encoded: Promise<Encoded>): void {
  const byHash = encodingsOf(read);
  byHash.set(hex, encoded);
  if (byHash.size > KEPT_CONTENTS) byHash.delete(byHash.keys().next().value!);
}

/**
 * The encodings of `bytes`, served at `path`: none when the runtime has no precompressed copy of
 * the file (it does not compress; on Workers the edge does). Each copy is used when it is the
 * compression of these very bytes; otherwise (bytes changed by the relay, a copy left from an
 * earlier build) the bytes are compressed here, once.
 */
async function encode(read: ReadAsset, path: string, bytes: Uint8Array<ArrayBuffer>, asBuilt: boolean): Promise<Encoded> {
  try {
    const copies = await Promise.all(ENCODINGS.map(({ suffix }) => read(`${path}${suffix}`)));
    if (copies.every((copy) => copy === null)) return {};
    const zlib = platformZlib();
    const encoded: Encoded = {};
    for (const [index, { coding }] of ENCODINGS.entries()) {
      const copy = copies[index];
      let result: Uint8Array<ArrayBuffer> | null = null;
      if (asBuilt && copy != null && typeof copy !== 'string') {
        if (!zlib) result = copy;
        else if (sameBytes(await decompress(zlib, coding, copy).catch(() => null), bytes)) result = copy;
      }
      if (!result && zlib) result = await compress(zlib, coding, bytes);
      // A file too small to gain is served as it is.
      if (result && result.length < bytes.length) encoded[coding] = result;
    }
    return encoded;
  } catch {
    return {};
  }
}

type Zlib = typeof import('node:zlib');

/** node:zlib where the platform has it (Node), without importing it, so the core still loads on Workers. */
function platformZlib(): Zlib | undefined {
  return globalThis.process?.getBuiltinModule?.('node:zlib');
}

/** `bytes` compressed at the highest quality: brotli 11 in text mode, gzip 9. The build's copies are made by this too. */
export function compress(zlib: Zlib, coding: Coding, bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const { constants } = zlib;
  return new Promise((done, fail) => {
    const finish = (error: Error | null, result: Buffer) => (error ? fail(error) : done(new Uint8Array(result)));
    if (coding === 'br') {
      zlib.brotliCompress(
        bytes,
        {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        },
        finish,
      );
    } else zlib.gzip(bytes, { level: constants.Z_BEST_COMPRESSION }, finish);
  });
}

function decompress(zlib: Zlib, coding: Coding, bytes: Uint8Array): Promise<Uint8Array> {
  return new Promise((done, fail) => {
    const finish = (error: Error | null, result: Buffer) => (error ? fail(error) : done(result));
    if (coding === 'br') zlib.brotliDecompress(bytes, finish);
    else zlib.gunzip(bytes, finish);
  });
}

function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function toBytes(body: AssetBytes): Uint8Array<ArrayBuffer> {
  return typeof body === 'string' ? new TextEncoder().encode(body) : body;
}

/** The first 128 bits of the bytes' SHA-256, as hex: the ETag. */
async function contentHash(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest.subarray(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

function contentType(file: string): string | undefined {
  const extension = file.slice(file.lastIndexOf('.') + 1);
  return file.includes('.') && Object.hasOwn(CONTENT_TYPES, extension) ? CONTENT_TYPES[extension] : undefined;
}
