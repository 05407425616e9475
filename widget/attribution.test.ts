import { build } from 'esbuild';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLICK_IDS, MAX_PARAM_LENGTH, MAX_URL_LENGTH, STORAGE_KEY, UTM_PARAMS } from '../src/schema/attribution-keys.ts';
import { type Attribution, readAttribution } from '../src/schema/attribution.ts';
import type { SubmissionIssue } from '../src/schema/shape.ts';
import { isCampaign, type Journey, nextJourney, present, readVisit } from './attribution.ts';

const NOW = Date.parse('2026-03-01T10:00:00Z');
/** What the relay finds wrong in an attribution the widget sends: nothing, for every one it may send. */
const relayIssues = (attribution: Attribution) => {
  const issues: SubmissionIssue[] = [];
  readAttribution(attribution, ['attribution'], issues);
  return issues;
};
const DAY = 864e5;
const SITE = 'https://www.example.com';

describe('readVisit', () => {
  it('keeps the campaign parameters, the landing page and the time', () => {
    const touch = readVisit(`${SITE}/pricing?utm_source=google&utm_medium=cpc&gclid=abc&page=2`, '', NOW);
    expect(touch).toEqual({
      utm_source: 'google',
      utm_medium: 'cpc',
      gclid: 'abc',
      landing_page: `${SITE}/pricing?utm_source=google&utm_medium=cpc&gclid=abc&page=2`,
      at: '2026-03-01T10:00:00.000Z',
    });
  });

  it('keeps every UTM parameter and click id, and no other parameter', () => {
    const known = [...UTM_PARAMS, ...CLICK_IDS];
    const touch = readVisit(`${SITE}/?${known.map((key) => `${key}=v-${key}`).join('&')}&utm_source_platform=x&dclid=y&page=2&email=a%40b.c`, '', NOW)!;
    expect(Object.keys(touch).sort()).toEqual([...known, 'landing_page', 'at'].sort());
    for (const key of known) expect(touch[key]).toBe(`v-${key}`);
    expect(isCampaign(readVisit(`${SITE}/?utm_source_platform=x&ref=y`, '', NOW)!)).toBe(false);
  });

  it('matches parameter names in any case and stores them lower-cased', () => {
    const touch = readVisit(`${SITE}/?utm_Source=News&UTM_MEDIUM=email&GClid=x1`, '', NOW);
    expect(touch).toMatchObject({ utm_source: 'News', utm_medium: 'email', gclid: 'x1' });
    expect(Object.keys(touch!)).not.toContain('utm_Source');
  });

  it('ignores a referrer on this site, also on another subdomain under the cookie domain', () => {
    expect(readVisit(`${SITE}/b`, `${SITE}/a?x=1`, NOW)).not.toHaveProperty('referrer');
    expect(readVisit(`${SITE}/b`, 'https://shop.example.com/cart', NOW, '.example.com')).not.toHaveProperty('referrer');
    // Without the cookie domain another subdomain is another site; a look-alike host always is.
    expect(readVisit(`${SITE}/b`, 'https://shop.example.com/cart', NOW)).toHaveProperty('referrer', 'https://shop.example.com/cart');
    expect(readVisit(`${SITE}/b`, 'https://notexample.com/', NOW, '.example.com')).toHaveProperty('referrer', 'https://notexample.com/');
  });

  it('keeps another site as the referrer', () => {
    expect(readVisit(`${SITE}/`, 'https://www.google.com/', NOW)).toMatchObject({ referrer: 'https://www.google.com/' });
  });

  it('tolerates malformed URLs: no touch for a malformed page URL, no referrer for a malformed referrer, broken escapes kept', () => {
    expect(readVisit('not a url', '', NOW)).toBeUndefined();
    expect(readVisit('http://exa mple.com/', '', NOW)).toBeUndefined();
    expect(readVisit(`${SITE}/?utm_source=%E0%A4%A&utm_medium=%`, 'http://[broken', NOW)).toEqual({
      utm_source: '\ufffd%A',
      utm_medium: '%',
      landing_page: `${SITE}/?utm_source=%E0%A4%A&utm_medium=%`,
      at: '2026-03-01T10:00:00.000Z',
    });
  });

  it('trims values, skips empty ones and cuts very long ones', () => {
    const long = 'x'.repeat(5000);
    const touch = readVisit(
      `${SITE}/?utm_source=%20%20ads%20&utm_medium=&utm_medium=%20&utm_campaign=${long}&utm_term=${long}`,
      `https://ref.example.org/${long}`,
      NOW,
    )!;
    expect(touch.utm_source).toBe('ads');
    expect(touch).not.toHaveProperty('utm_medium');
    expect(touch.utm_campaign).toHaveLength(MAX_PARAM_LENGTH);
    expect(touch.referrer).toHaveLength(MAX_URL_LENGTH);
    expect(touch.landing_page).toHaveLength(MAX_URL_LENGTH);
    expect(relayIssues({ first: touch, last: touch, touches: 1 })).toEqual([]);
  });
});

describe('nextJourney', () => {
  const visitA = readVisit(`${SITE}/a?utm_source=news&utm_campaign=spring`, 'https://mail.example.net/', NOW)!;
  const plain = (at: number) => readVisit(`${SITE}/b`, `${SITE}/a`, at)!;
  const campaign = (at: number) => readVisit(`${SITE}/c?utm_source=ads&gclid=g1`, '', at)!;

  it('starts a journey with the first visit: first and last touch, one touch, the lifetime ahead', () => {
    expect(nextJourney(visitA, undefined, NOW, 90)).toEqual({ first: visitA, last: visitA, touches: 1, expires: NOW + 90 * DAY });
  });

  it('keeps the first touch and replaces the last on a later campaign visit, counting it and restarting the lifetime', () => {
    const start = nextJourney(visitA, undefined, NOW, 90)!;
    const later = NOW + 10 * DAY;
    expect(nextJourney(campaign(later), start, later, 90)).toEqual({ first: visitA, last: campaign(later), touches: 2, expires: later + 90 * DAY });
  });

  it('leaves everything as it was on a visit without a campaign', () => {
    const start = nextJourney(visitA, undefined, NOW, 90)!;
    expect(nextJourney(plain(NOW + DAY), start, NOW + DAY, 90)).toBe(start);
  });

  it('counts another site as a campaign and the same site not', () => {
    const start = nextJourney(visitA, undefined, NOW, 90)!;
    const fromSearch = readVisit(`${SITE}/x`, 'https://duckduckgo.com/', NOW + DAY)!;
    expect(nextJourney(fromSearch, start, NOW + DAY, 90)).toMatchObject({ first: visitA, last: fromSearch, touches: 2 });
  });

  it('starts over once the journey has expired', () => {
    const start = nextJourney(visitA, undefined, NOW, 30)!;
    const after = NOW + 31 * DAY;
    expect(nextJourney(plain(after), start, after, 30)).toEqual({ first: plain(after), last: plain(after), touches: 1, expires: after + 30 * DAY });
    expect(nextJourney(campaign(after), start, after, 30)).toMatchObject({ first: campaign(after), touches: 1 });
    expect(nextJourney(undefined, start, after, 30)).toBeUndefined();
    expect(nextJourney(undefined, start, NOW + 29 * DAY, 30)).toBe(start);
  });

  it('treats what storage held in a wrong shape as nothing', () => {
    for (const junk of [null, 'x', 42, {}, { expires: 'soon' }]) {
      expect(nextJourney(visitA, junk as unknown as Journey, NOW, 90)).toMatchObject({ first: visitA, touches: 1 });
    }
  });
});

describe('present', () => {
  const touch = { utm_source: 'news', landing_page: `${SITE}/a`, at: '2026-03-01T10:00:00.000Z' };
  const journey: Journey = { first: touch, last: touch, touches: 3, expires: NOW };

  it('sends first, last and the count, not the expiry', () => {
    expect(present(journey)).toEqual({ first: touch, last: touch, touches: 3 });
  });

  it('puts the overrides on the last touch only, keys in any case, null removing one', () => {
    expect(present(journey, { UTM_Campaign: 'partner', utm_source: null, gclid: ' g-7 ' })).toEqual({
      first: touch,
      last: { utm_campaign: 'partner', gclid: 'g-7', landing_page: `${SITE}/a`, at: touch.at },
      touches: 3,
    });
  });

  it('drops unknown override keys with a warning naming them, takes numbers as text and drops other values', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(present(journey, { campaign_owner: 'me', utm_id: 42, utm_term: true, utm_content: { a: 1 } })?.last).toEqual({ ...touch, utm_id: '42' });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('"campaign_owner" is not an attribution key'));
    warn.mockRestore();
  });

  it('makes a touch of the overrides alone when nothing was captured', () => {
    expect(present(undefined, { utm_source: 'offline' })).toEqual({ first: { utm_source: 'offline' }, last: { utm_source: 'offline' }, touches: 1 });
    expect(present(undefined)).toBeUndefined();
    expect(present({})).toBeUndefined();
  });

  it('turns anything storage or the parent page could hold into an attribution the relay accepts', () => {
    const anything = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant(undefined), fc.string({ minLength: 2040, maxLength: 2200 }));
    const touchish = fc.oneof(fc.dictionary(fc.constantFrom(...UTM_PARAMS, ...CLICK_IDS, 'referrer', 'landing_page', 'at', 'other'), anything), anything);
    fc.assert(
      fc.property(
        fc.record({ first: touchish, last: touchish, touches: anything, expires: anything }, { requiredKeys: [] }),
        fc.dictionary(fc.constantFrom('utm_source', 'REFERRER', 'gclid'), anything),
        (stored, overrides) => {
          const sent = present(stored as Partial<Journey>, overrides);
          if (sent !== undefined) expect(relayIssues(sent)).toEqual([]);
        },
      ),
    );
  });
});

/**
 * A page in a fake browser: its location and referrer, and storage that lasts across pages.
 * Cookies are kept per name and domain ("name@.example.com", or "name" for this host only) and
 * listed oldest first, as browsers list cookies of one path.
 */
function fakeBrowser() {
  const cookies = new Map<string, string>();
  const cookieWrites: string[] = [];
  const local = new Map<string, string>();
  let broken = false;
  const document = {
    referrer: '',
    get cookie() {
      if (broken) throw new DOMException('The document is sandboxed', 'SecurityError');
      return [...cookies].map(([key, value]) => `${key.split('@')[0]}=${value}`).join('; ');
    },
    set cookie(line: string) {
      if (broken) throw new DOMException('The document is sandboxed', 'SecurityError');
      cookieWrites.push(line);
      const [pair, ...attributes] = line.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      const maxAge = attributes.find((a) => a.trim().startsWith('max-age='));
      const domain = attributes.find((a) => a.trim().startsWith('domain='))?.split('=')[1];
      const key = domain ? `${name}@${domain}` : name;
      if (maxAge && Number(maxAge.split('=')[1]) <= 0) cookies.delete(key);
      else cookies.set(key, value);
    },
  };
  const localStorage = {
    getItem: (key: string) => {
      if (broken) throw new DOMException('The operation is insecure', 'SecurityError');
      return local.get(key) ?? null;
    },
    setItem: (key: string, value: string) => {
      if (broken) throw new DOMException('The quota has been exceeded', 'QuotaExceededError');
      local.set(key, value);
    },
    removeItem: (key: string) => {
      if (broken) throw new DOMException('The operation is insecure', 'SecurityError');
      local.delete(key);
    },
  };
  vi.stubGlobal('document', document);
  vi.stubGlobal('localStorage', localStorage);
  return {
    cookies,
    cookieWrites,
    local,
    breakStorage: () => (broken = true),
    stored: () => JSON.parse(decodeURIComponent(local.get(STORAGE_KEY)!)) as Journey,
    /** Opens a page: a fresh copy of the module, as a new page load gets. */
    async open(href: string, referrer = '', settings: DOMStringMap = {}) {
      vi.stubGlobal('location', new URL(href));
      document.referrer = referrer;
      vi.resetModules();
      const module = await import('./attribution.ts');
      module.captureVisit(settings, href);
      return module;
    },
  };
}

describe('capture in the browser', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('keeps the landing campaign across pages in localStorage and a cookie that live as long as the journey', async () => {
    const browser = fakeBrowser();
    await browser.open(`${SITE}/a?utm_source=news&utm_campaign=spring`, 'https://mail.example.net/');
    vi.setSystemTime(NOW + 60_000);
    const pageB = await browser.open(`${SITE}/b`, `${SITE}/a?utm_source=news&utm_campaign=spring`);
    const first = {
      utm_source: 'news',
      utm_campaign: 'spring',
      referrer: 'https://mail.example.net/',
      landing_page: `${SITE}/a?utm_source=news&utm_campaign=spring`,
      at: new Date(NOW).toISOString(),
    };
    expect(pageB.readAttribution()).toEqual({ first, last: first, touches: 1 });
    expect(browser.cookies.get(STORAGE_KEY)).toBe(browser.local.get(STORAGE_KEY));
    expect(browser.cookieWrites.at(-1)).toMatch(new RegExp(`^${STORAGE_KEY}=[^;]+;path=/;max-age=${90 * 86400 - 60};samesite=lax;secure$`));
  });

  it('replaces only the last touch on a later campaign visit and counts it', async () => {
    const browser = fakeBrowser();
    await browser.open(`${SITE}/a?utm_source=news`);
    vi.setSystemTime(NOW + 5 * DAY);
    const later = await browser.open(`${SITE}/?utm_source=ads&utm_medium=cpc&msclkid=m1`);
    expect(later.readAttribution()).toMatchObject({
      first: { utm_source: 'news', landing_page: `${SITE}/a?utm_source=news` },
      last: { utm_source: 'ads', utm_medium: 'cpc', msclkid: 'm1' },
      touches: 2,
    });
    expect(later.readAttribution()!.last).not.toHaveProperty('utm_campaign');
  });

  it('lets the script tag set the lifetime; past it, the journey starts over', async () => {
    const browser = fakeBrowser();
    await browser.open(`${SITE}/a?utm_source=news`, '', { attributionDays: '7' });
    expect(browser.stored().expires).toBe(NOW + 7 * DAY);
    vi.setSystemTime(NOW + 8 * DAY);
    const page = await browser.open(`${SITE}/b?utm_source=ads`, '', { attributionDays: '7' });
    expect(page.readAttribution()).toMatchObject({ first: { utm_source: 'ads' }, touches: 1 });
  });

  it('falls back to 90 days when the lifetime setting is not a number from 1 to 400', async () => {
    for (const attributionDays of ['0', '-5', 'ninety', '401', '']) {
      const browser = fakeBrowser();
      await browser.open(`${SITE}/?utm_source=x`, '', { attributionDays });
      expect(browser.stored().expires, attributionDays).toBe(NOW + 90 * DAY);
    }
  });

  it('puts the cookie on the configured domain, so subdomains share it, and reads a newer journey from it', async () => {
    const browser = fakeBrowser();
    await browser.open(`${SITE}/?utm_source=news`, '', { cookieDomain: '.example.com' });
    expect(browser.cookieWrites.at(-1)).toContain(';domain=.example.com');
    // Another subdomain recorded a campaign visit since: the shared cookie has it, this host's localStorage not.
    const fromShop = {
      first: browser.stored().first,
      last: { utm_source: 'shop-ads', at: new Date(NOW + DAY).toISOString() },
      touches: 2,
      expires: NOW + 91 * DAY,
    };
    browser.cookies.set(`${STORAGE_KEY}@.example.com`, encodeURIComponent(JSON.stringify(fromShop)));
    vi.setSystemTime(NOW + 2 * DAY);
    const page = await browser.open(`${SITE}/contact`, 'https://shop.example.com/', { cookieDomain: '.example.com' });
    expect(page.readAttribution()).toMatchObject({ first: { utm_source: 'news' }, last: { utm_source: 'shop-ads' }, touches: 2 });
  });

  it('refuses a cookie domain that is not a domain name, with a warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const browser = fakeBrowser();
    await browser.open(`${SITE}/?utm_source=news`, '', { cookieDomain: 'example.com;secure=no' });
    expect(browser.cookieWrites.at(-1)).not.toContain('domain');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('data-cookie-domain'));
    warn.mockRestore();
  });

  it('erases the cookie this host kept before a cookie domain was set, which browsers would list first', async () => {
    const browser = fakeBrowser();
    await browser.open(`${SITE}/?utm_source=news`);
    expect([...browser.cookies.keys()]).toEqual([STORAGE_KEY]);
    vi.setSystemTime(NOW + DAY);
    await browser.open(`${SITE}/?utm_source=ads`, '', { cookieDomain: '.example.com' });
    expect([...browser.cookies.keys()]).toEqual([`${STORAGE_KEY}@.example.com`]);
    vi.setSystemTime(NOW + 2 * DAY);
    const page = await browser.open(`${SITE}/contact`, '', { cookieDomain: '.example.com' });
    expect(page.readAttribution()).toMatchObject({ first: { utm_source: 'news' }, last: { utm_source: 'ads' }, touches: 2 });
  });

  it('keeps a journey too big for a cookie in localStorage alone', async () => {
    const browser = fakeBrowser();
    const huge = 'é'.repeat(400);
    await browser.open(`${SITE}/?utm_source=${huge}&utm_medium=${huge}&utm_campaign=${huge}`);
    expect(browser.cookies.has(STORAGE_KEY)).toBe(false);
    expect(browser.cookieWrites.at(-1)).toContain('max-age=0');
    const page = await browser.open(`${SITE}/b`, `${SITE}/`);
    expect(page.readAttribution()?.first?.utm_source).toBe(huge);
  });

  describe('with data-consent="required"', () => {
    const settings = { consent: 'required' };

    it('stores nothing before consent, yet sends this visit', async () => {
      const browser = fakeBrowser();
      const page = await browser.open(`${SITE}/?utm_source=news`, '', settings);
      expect(browser.cookieWrites).toEqual([]);
      expect(browser.local.size).toBe(0);
      expect(page.readAttribution()).toMatchObject({ first: { utm_source: 'news' }, touches: 1 });
    });

    it('stores the journey once consent is given, merged with what an earlier consent stored', async () => {
      const browser = fakeBrowser();
      const landing = await browser.open(`${SITE}/?utm_source=news`, '', settings);
      landing.attributionCommand(['consent', true]);
      expect(browser.stored()).toMatchObject({ first: { utm_source: 'news' }, touches: 1 });
      vi.setSystemTime(NOW + DAY);
      const later = await browser.open(`${SITE}/?utm_source=ads`, '', settings);
      expect(browser.stored().touches).toBe(1);
      later.grantConsent(true);
      later.grantConsent(true);
      expect(browser.stored()).toMatchObject({ first: { utm_source: 'news' }, last: { utm_source: 'ads' }, touches: 2 });
    });

    it('erases what was stored when consent is withdrawn, keeping this visit in memory', async () => {
      const browser = fakeBrowser();
      const page = await browser.open(`${SITE}/?utm_source=news`, '', { ...settings, cookieDomain: '.example.com' });
      page.grantConsent(true);
      expect(browser.cookies.has(`${STORAGE_KEY}@.example.com`)).toBe(true);
      page.attributionCommand(['consent', false]);
      expect(browser.cookies.size).toBe(0);
      expect(browser.cookieWrites.at(-1)).toContain(';domain=.example.com');
      expect(browser.local.size).toBe(0);
      expect(page.readAttribution()).toMatchObject({ first: { utm_source: 'news' }, touches: 1 });
      vi.setSystemTime(NOW + DAY);
      await browser.open(`${SITE}/?utm_source=ads`, '', settings);
      expect(browser.local.size).toBe(0);
    });

    it('grants only on exactly true', async () => {
      const browser = fakeBrowser();
      const page = await browser.open(`${SITE}/?utm_source=news`, '', settings);
      page.attributionCommand(['consent', 'yes']);
      expect(browser.local.size).toBe(0);
    });
  });

  it("waits for consent without data-consent when the relay serves the configuration's rule", async () => {
    const browser = fakeBrowser();
    vi.stubGlobal('LEADFORM_CONSENT_REQUIRED', true);
    const page = await browser.open(`${SITE}/?utm_source=news`);
    expect(browser.cookieWrites).toEqual([]);
    expect(browser.local.size).toBe(0);
    page.grantConsent(true);
    expect(browser.stored()).toMatchObject({ first: { utm_source: 'news' }, touches: 1 });
  });

  it('counts a visit once when consent is granted although it was not required', async () => {
    const browser = fakeBrowser();
    const page = await browser.open(`${SITE}/?utm_source=news`);
    page.grantConsent(true);
    expect(browser.stored().touches).toBe(1);
  });

  it('erases on withdrawal even when consent was not required, and stores nothing more on this page', async () => {
    const browser = fakeBrowser();
    const page = await browser.open(`${SITE}/?utm_source=news`);
    page.grantConsent(false);
    expect(browser.local.size + browser.cookies.size).toBe(0);
    page.grantConsent(true);
    expect(browser.stored().touches).toBe(1);
  });

  it("applies LeadForm('set') to what the form sends and ignores other commands", async () => {
    const browser = fakeBrowser();
    const page = await browser.open(`${SITE}/?utm_source=news`);
    expect(page.attributionCommand(['set', { utm_campaign: 'summer', gclid: 'from-crm' }])).toBe(true);
    expect(page.attributionCommand(['render', { form: 'contact' }])).toBe(false);
    expect(page.readAttribution()?.last).toMatchObject({ utm_source: 'news', utm_campaign: 'summer', gclid: 'from-crm' });
    expect(page.readAttribution()?.first).not.toHaveProperty('utm_campaign');
    // Overrides hold for this page only.
    const next = await browser.open(`${SITE}/b`, `${SITE}/`);
    expect(next.readAttribution()?.last).not.toHaveProperty('utm_campaign');
  });

  it("sends the parent page's attribution in the iframe instead of the iframe's own", async () => {
    const browser = fakeBrowser();
    const frame = await browser.open(`${SITE}/v1/forms/contact/embed`, 'https://customer.example.org/landing?utm_source=x');
    const parent = { first: { utm_source: 'news', at: '2026-02-01T00:00:00.000Z' }, last: { utm_source: 'ads', at: '2026-02-20T00:00:00.000Z' }, touches: 4 };
    frame.adoptAttribution(parent);
    expect(frame.readAttribution()).toEqual(parent);
  });

  it('never throws when storage does (private modes, sandboxed iframes) and still sends this visit', async () => {
    const browser = fakeBrowser();
    browser.breakStorage();
    const page = await browser.open(`${SITE}/?utm_source=news`);
    expect(() => page.grantConsent(false)).not.toThrow();
    expect(page.readAttribution()).toMatchObject({ first: { utm_source: 'news' } });
  });

  it('reads a campaign that another tab recorded after this page loaded', async () => {
    const browser = fakeBrowser();
    const page = await browser.open(`${SITE}/?utm_source=news`);
    vi.setSystemTime(NOW + 60_000);
    await browser.open(`${SITE}/?utm_source=ads`);
    expect(page.readAttribution()).toMatchObject({ last: { utm_source: 'ads' }, touches: 2 });
  });
});

describe('bundle size', () => {
  const bundle = async (contents: string) => {
    const result = await build({
      stdin: { contents, resolveDir: import.meta.dirname, loader: 'ts' },
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2020',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    return { code, gzip: gzipSync(code, { level: 9 }).length };
  };

  it("keeps the loader's share of attribution small and free of the capture code", async () => {
    const { code, gzip } = await bundle(
      "import { attributionCommand, captureVisit } from './attribution-loader.ts'; captureVisit('https://relay.test'); (window as any).c = attributionCommand;",
    );
    expect(gzip).toBeLessThanOrEqual(280);
    for (const identifier of ['utm_', 'localStorage', 'cookie']) expect(code).not.toContain(identifier);
  });

  it('keeps the capture module, loaded on every page, within 1.5 KB gzip', async () => {
    const { gzip } = await bundle("export * from './attribution.ts';");
    expect(gzip).toBeLessThanOrEqual(1500);
  });
});
