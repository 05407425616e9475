/**
 * Cloudflare Turnstile, for a form whose definition names a site key: a chunk of its own, so
 * forms without a challenge never download it. Cloudflare's script renders the challenge into an
 * element of the page; that element is a light-DOM child of the form's host, shown at its place
 * in the form through `<slot name="challenge">`, so Cloudflare's script never has to reach into
 * the shadow root.
 */
import type { SubmissionMeta } from '../../src/schema/submission.ts';

interface Turnstile {
  render(element: HTMLElement, options: Record<string, unknown>): string | undefined;
  reset(widgetId?: string): void;
}

/** Explicit rendering: the script loads without scanning the page for `.cf-turnstile`. */
export const TURNSTILE_SCRIPT = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';

let script: Promise<Turnstile> | undefined;

/** Cloudflare's script, added to the page once for every form on it. */
function loadTurnstile(): Promise<Turnstile> {
  script ??= new Promise<Turnstile>((resolve, reject) => {
    const element = document.createElement('script');
    element.src = TURNSTILE_SCRIPT;
    element.async = true;
    element.onload = () => {
      const turnstile = (window as { turnstile?: Turnstile }).turnstile;
      if (turnstile) resolve(turnstile);
      else reject(new Error('Cloudflare Turnstile loaded without window.turnstile'));
    };
    element.onerror = () =>
      reject(new Error(`Cloudflare Turnstile could not be loaded from ${TURNSTILE_SCRIPT}; a CSP must allow it in script-src and frame-src`));
    document.head.append(element);
  });
  script.catch(() => (script = undefined));
  return script;
}

/**
 * Renders the challenge for `host`'s form. Returns what the form calls before each send: it gives
 * a submission without a token one the visitor earned and not yet spent, waiting for the
 * challenge if need be, and starts the challenge again for the next submission (a token is good
 * for one). Retries of a submission keep its token: the relay checks it once per Idempotency-Key.
 * Where no token can be had (offline, or Cloudflare's script blocked) the submission goes without
 * one, and the relay's `captcha_failed` answer shows as a failure the visitor can act on.
 */
export function mountChallenge(host: HTMLElement, { siteKey }: { siteKey: string }, language: string): (meta: SubmissionMeta) => Promise<void> {
  const element = document.createElement('div');
  element.slot = 'challenge';
  // Through the CSSOM, which a CSP allows where it refuses a style attribute.
  element.style.margin = '0 0 16px';
  host.append(element);
  let token: string | undefined;
  // Set once the challenge reported it cannot run, until it earns a token after all.
  let failed = false;
  const waiting: ((token: string) => void)[] = [];
  const reset = loadTurnstile().then((turnstile) => {
    const widget = turnstile.render(element, {
      sitekey: siteKey,
      language,
      callback: (earned: string) => {
        failed = false;
        token = earned;
        for (const resolve of waiting.splice(0)) resolve(earned);
      },
      'expired-callback': () => (token = undefined),
      // A challenge that cannot run (a site key not valid for this domain, a frame the page's CSP
      // refuses) would otherwise keep the submission waiting; true keeps Cloudflare's script from
      // throwing into the page. The submission goes without a token and the relay says why.
      'error-callback': () => {
        failed = true;
        for (const resolve of waiting.splice(0)) resolve('');
        return true;
      },
    });
    return () => turnstile.reset(widget);
  });
  return async (meta) => {
    // Offline, no challenge can finish.
    if (meta.turnstile || (!token && !navigator.onLine)) return;
    try {
      const restart = await reset;
      // A challenge that already failed would never call back: do not wait for it.
      meta.turnstile = token ?? (failed ? undefined : (await new Promise<string>((resolve) => waiting.push(resolve))) || undefined);
      token = undefined;
      restart();
    } catch (error) {
      console.warn('[leadform]', error);
    }
  };
}
