/**
 * The built files the relay serves (the widget, the admin page, the demo page). A runtime only
 * reads a file's bytes; what the answer carries is decided here, once for every runtime: the
 * Content-Type by the file's extension, the caching and CORS by what the file is.
 */

/** A file's contents as the runtime read them. */
export type AssetBytes = Uint8Array<ArrayBuffer> | string;

/**
 * Reads a built file by its path under the build (`widget/form.js`, `admin/index.html`,
 * `public/index.html`), or null when there is none.
 */
export type ReadAsset = (path: string) => Promise<AssetBytes | null>;

/** The content types served, by extension; a file of any other kind is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** Each kind of served file: the folder of the build it is read from, and the headers it carries. */
const ASSETS = {
  /** Loaded by other sites' pages: any origin may fetch it, and caches keep it a few minutes. */
  widget: { folder: 'widget', headers: { 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' } },
  /** Revalidated on every load, so an operator never runs an admin page older than the relay. */
  admin: { folder: 'admin', headers: { 'Cache-Control': 'no-cache' } },
  /** The demo page the Workers entry serves at `/`. */
  demo: { folder: 'public', headers: {} },
} as const satisfies Record<string, { folder: string; headers: Record<string, string> }>;

export type AssetKind = keyof typeof ASSETS;

/** The file's contents, or null when it is of a type not served or is not there. */
export async function readServedAsset(read: ReadAsset | undefined, kind: AssetKind, file: string): Promise<AssetBytes | null> {
  if (!contentType(file) || !read) return null;
  return read(`${ASSETS[kind].folder}/${file}`);
}

/** The answer serving `body` as `file` of that kind. */
export function assetResponse(kind: AssetKind, file: string, body: AssetBytes): Response {
  return new Response(body, { headers: { 'Content-Type': contentType(file) ?? 'application/octet-stream', ...ASSETS[kind].headers } });
}

/** Reads and serves a built file; null when there is none. */
export async function serveAsset(read: ReadAsset | undefined, kind: AssetKind, file: string): Promise<Response | null> {
  const body = await readServedAsset(read, kind, file);
  return body === null ? null : assetResponse(kind, file, body);
}

function contentType(file: string): string | undefined {
  const extension = file.slice(file.lastIndexOf('.') + 1);
  return file.includes('.') && Object.hasOwn(CONTENT_TYPES, extension) ? CONTENT_TYPES[extension] : undefined;
}
