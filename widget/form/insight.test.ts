// @vitest-environment happy-dom
/**
 * The funnel beacons' chunk against the form's real state model: which events leave, once each,
 * in one beacon, with no value; the consent a `requireConsent` form waits for; Global Privacy
 * Control. The observer and the beacon are the browser's, stubbed here (the Playwright run,
 * e2e/insight.spec.ts, has the real ones).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { STORAGE_KEY } from '../../src/schema/attribution-keys.ts';
import type { FormDefinition } from '../../src/schema/form.ts';
import { watchFunnel } from './insight.ts';
import { conditionalVisibility } from './conditions.ts';
import { createFormModel } from './state.ts';

const definition: FormDefinition = {
  id: 'quote',
  fields: [
    { name: 'name', type: 'text', required: true },
    { name: 'email', type: 'email', required: true },
    { name: 'company', type: 'text' },
  ],
  steps: [
    { id: 'you', fields: ['name', 'email'] },
    { id: 'firm', fields: ['company'] },
  ],
};

let beacons: { url: string; events: Record<string, unknown>[] }[];
let observed: ((entries: Partial<IntersectionObserverEntry>[], observer: { disconnect(): void }) => void)[];

beforeEach(() => {
  beacons = [];
  observed = [];
  vi.stubGlobal(
    'IntersectionObserver',
    class {
      constructor(callback: (typeof observed)[number]) {
        observed.push(callback);
      }
      observe() {}
      disconnect() {}
    },
  );
  Object.defineProperty(navigator, 'sendBeacon', {
    configurable: true,
    value: (url: string, body: string) => beacons.push({ url, events: (JSON.parse(body) as { events: Record<string, unknown>[] }).events }) > 0,
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
  delete (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;
});

function watched(form: FormDefinition = definition) {
  // The steps as the form shows them (the steps chunk's visibility, as index.tsx hands it to the model).
  const model = createFormModel(form, {}, conditionalVisibility(form));
  const host = document.createElement('div');
  watchFunnel('http://relay.test', form, model, host);
  const field = (name: string) => form.fields.find((each) => each.name === name)!;
  const seen = (ratio: number) => {
    for (const callback of observed)
      callback([{ intersectionRatio: ratio, intersectionRect: { height: 10 } as DOMRectReadOnly, rootBounds: null }], { disconnect() {} });
  };
  return { model, field, seen };
}

const types = () => beacons.flatMap((beacon) => beacon.events.map((event) => event.type));

describe('the funnel beacons', () => {
  it('send view, start, step, a field error and the abandon at the last field, once each, in one beacon on pagehide, with no value', () => {
    const { model, field, seen } = watched();
    seen(0.2);
    seen(0.6);
    seen(0.9);
    model.input(field('name'), 'Ada Lovelace');
    model.input(field('name'), 'Ada Lovelaces');
    model.input(field('email'), 'ada@');
    model.leave(field('email'));
    model.input(field('email'), 'ada@x');
    expect(beacons).toEqual([]);
    dispatchEvent(new Event('pagehide'));
    expect(beacons.length).toBe(1);
    expect(beacons[0]!.url).toBe('http://relay.test/v1/forms/quote/events');
    expect(types()).toEqual(['view', 'start', 'field_error', 'abandon']);
    expect(beacons[0]!.events.at(-1)).toMatchObject({ type: 'abandon', step: 'you', field: 'email', device: 'desktop' });
    expect(JSON.stringify(beacons)).not.toMatch(/Ada|ada@/);
    // Nothing more to say: a second pagehide sends nothing.
    dispatchEvent(new Event('pagehide'));
    expect(beacons.length).toBe(1);
  });

  it('send at once when the form is sent, and count no abandon after it', () => {
    const { model, field, seen } = watched();
    seen(1);
    model.input(field('name'), 'Ada');
    model.update({ step: 1 });
    model.update({ status: 'success' });
    expect(types()).toEqual(['view', 'start', 'step']);
    expect(beacons[0]!.events[2]).toMatchObject({ step: 'firm' });
    dispatchEvent(new Event('pagehide'));
    expect(types()).toEqual(['view', 'start', 'step']);
  });

  it('count no view for a form less than half visible, and no start for a visit that only looks', () => {
    const { seen } = watched();
    seen(0.3);
    dispatchEvent(new Event('pagehide'));
    expect(beacons).toEqual([]);
  });

  it('wait for consent on a form with requireConsent, then send what waited', () => {
    const { model, field, seen } = watched({ ...definition, requireConsent: true });
    seen(1);
    model.input(field('name'), 'Ada');
    dispatchEvent(new Event('pagehide'));
    expect(beacons).toEqual([]);
    // What the attribution module does when the visitor consents: it stores the journey.
    localStorage.setItem(STORAGE_KEY, '{}');
    dispatchEvent(new Event('pagehide'));
    expect(types()).toEqual(['view', 'start', 'abandon']);
  });

  it('send nothing at all under Global Privacy Control', () => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { configurable: true, value: true });
    const { model, field, seen } = watched();
    seen(1);
    model.input(field('name'), 'Ada');
    dispatchEvent(new Event('pagehide'));
    expect(observed).toEqual([]);
    expect(beacons).toEqual([]);
  });
});
