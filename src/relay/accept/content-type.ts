/**
 * The content types a submission may come in: JSON from the widget, or a URL-encoded form post
 * from a page without JavaScript. Checked before a byte of the body is read.
 */
import { passed, type Refusable, RelayError, refused } from '../errors.ts';

export const JSON_TYPE = 'application/json';
export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** How the body is encoded: `form` is a plain HTML form post, answered with a redirect. */
export type BodyEncoding = 'json' | 'form';

/** The media type of a `Content-Type` header, without its parameters, in lower case; '' when absent. */
export const mediaType = (contentType: string | null | undefined): string => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** @param contentType the `Content-Type` header as sent, parameters and all; null when absent */
export function bodyEncoding(contentType: string | null): Refusable<BodyEncoding> {
  const type = mediaType(contentType);
  if (type === JSON_TYPE) return passed('json');
  if (type === FORM_TYPE) return passed('form');
  return refused(
    new RelayError(
      'unsupported_media_type',
      415,
      `Send the submission as ${JSON_TYPE} (or ${FORM_TYPE} from an HTML form); got "${type || 'no Content-Type'}".`,
    ),
  );
}
