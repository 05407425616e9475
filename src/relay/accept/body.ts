/**
 * The body, read within the size limit: a body that declares its length is refused before a byte
 * is read, and a chunked one is counted as it streams, so an oversized body is never buffered.
 *
 * Written by hand rather than with `hono/body-limit`, which cannot keep two things: as middleware
 * it would answer 413 before the unknown form's 404, the origin's 403 and the content type's 415;
 * and it stops reading an oversized chunked body at once, so a client still sending it gets a
 * reset connection instead of the 413 (here the rest is read and thrown away, up to a bound).
 */
import { passed, type Refusable, RelayError, refused } from '../errors.ts';

/** A request body still arriving, as the runtime hands it over. */
export interface ArrivingBody {
  /** The `Content-Length` header as sent; null for a chunked body. */
  declaredLength: string | null;
  /** Reads the whole body as text: the runtime's fast path, for a body whose length HTTP framing bounds. */
  text(): Promise<string>;
  /** The body as a stream of bytes, for counting a chunked one; null when there is none. */
  stream(): ReadableStream<Uint8Array> | null;
}

/** The body of `request`, unread: its length read from the headers, the text or the stream taken only when wanted. */
export const arrivingBody = (request: Request): ArrivingBody => ({
  declaredLength: request.headers.get('Content-Length'),
  text: () => request.text(),
  stream: () => request.body,
});

/** A submission's body: text already in hand (a caller without HTTP), or a request body still arriving. */
export type SubmissionBody = string | ArrivingBody;

/**
 * How much of an oversized chunked body is read and thrown away so that the client, still
 * sending, receives the 413 instead of a reset connection; past it the connection is cut.
 */
export const DISCARD_LIMIT = 1_048_576;

/** The body as text, or `too_large` once it passes `limit` bytes. */
export async function readBody(body: SubmissionBody, limit: number): Promise<Refusable<string>> {
  if (typeof body === 'string') return new TextEncoder().encode(body).byteLength > limit ? refused(tooLarge(limit)) : passed(body);
  const declared = Number(body.declaredLength ?? '0');
  if (declared > limit) return refused(tooLarge(limit));
  // HTTP framing stops a body at its declared length, so one within the limit can be read whole
  // (the runtime's fast path); only a chunked body is counted as it streams.
  if (body.declaredLength !== null && Number.isInteger(declared)) return passed(await body.text());
  const stream = body.stream();
  if (!stream) return passed('');
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await discardRest(reader, DISCARD_LIMIT);
      return refused(tooLarge(limit));
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return passed(new TextDecoder().decode(bytes));
}

function tooLarge(limit: number): RelayError {
  return new RelayError('too_large', 413, `The body is larger than ${limit} bytes.`);
}

async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number): Promise<void> {
  let discarded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    discarded += value.byteLength;
    if (discarded > limit) {
      await reader.cancel();
      return;
    }
  }
}
