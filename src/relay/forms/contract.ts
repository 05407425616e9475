/**
 * The contract every `FormStore` keeps, run against each: `SqlFormStore` over better-sqlite3 on
 * disk (Node) and over a Durable Object's SQLite in workerd (Workers). A store's test file is a
 * call to `formStoreContract` saying how to open the store, and how to open it again as a
 * restarted process would.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FormStore } from './store.ts';

export interface FormStoreUnderTest {
  store: FormStore;
  /** The same store opened again, as after a restart. */
  reopen(): Promise<FormStore>;
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const form = (title: string) => ({
  title,
  fields: [{ name: 'email', type: 'email', required: true, label: { en: 'E-mail', ja: 'メール 😀' } }],
  destination: 'inbox',
});
const api = (at: number) => ({ at, actor: 'api token' });

export function formStoreContract(name: string, open: () => Promise<FormStoreUnderTest>): void {
  describe(`${name}: form store contract`, () => {
    let subject: FormStoreUnderTest;
    let store: FormStore;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(() => subject.close());

    it('starts empty', async () => {
      expect(await store.list()).toEqual([]);
      expect(await store.get('quote')).toBeNull();
      expect(await store.live()).toEqual([]);
      expect(await store.versions('quote')).toEqual([]);
      expect(await store.version('quote', 1)).toBeNull();
      expect(await store.history('quote')).toEqual([]);
      expect(await store.publish('quote', api(T0))).toBeNull();
      expect(await store.restore('quote', 1, api(T0))).toBe(false);
    });

    it('creates a form with its first draft, and replaces the draft on the next save', async () => {
      expect(await store.saveDraft('quote', form('One'), api(T0))).toEqual({
        id: 'quote',
        draft: form('One'),
        draftSavedAt: T0,
        publishedVersion: null,
        createdAt: T0,
        updatedAt: T0,
      });
      await store.saveDraft('quote', form('Two'), { at: T0 + 5, actor: 'session:abc' });
      expect(await store.get('quote')).toMatchObject({ draft: form('Two'), draftSavedAt: T0 + 5, createdAt: T0, updatedAt: T0 + 5 });
      expect((await store.list()).map((each) => each.id)).toEqual(['quote']);
      // Not live before a publish.
      expect(await store.live()).toEqual([]);
    });

    it('publishes the draft as versions 1, 2, …, clearing the draft and keeping every version', async () => {
      await store.saveDraft('quote', form('One'), api(T0));
      expect(await store.publish('quote', { at: T0 + 1, actor: 'session:abc' })).toEqual({ version: 1 });
      expect(await store.get('quote')).toMatchObject({ draft: null, draftSavedAt: null, publishedVersion: 1 });
      expect(await store.publish('quote', api(T0 + 2))).toBeNull();
      await store.saveDraft('quote', form('Two'), api(T0 + 3));
      expect(await store.publish('quote', api(T0 + 4))).toEqual({ version: 2 });
      expect(await store.live()).toEqual([{ id: 'quote', version: 2, form: form('Two') }]);
      expect(await store.versions('quote')).toEqual([
        { version: 2, form: form('Two'), publishedAt: T0 + 4, publishedBy: 'api token' },
        { version: 1, form: form('One'), publishedAt: T0 + 1, publishedBy: 'session:abc' },
      ]);
      expect(await store.version('quote', 1)).toEqual({ version: 1, form: form('One'), publishedAt: T0 + 1, publishedBy: 'session:abc' });
    });

    it('restores a kept version into the draft without changing what is live', async () => {
      await store.saveDraft('quote', form('One'), api(T0));
      await store.publish('quote', api(T0 + 1));
      await store.saveDraft('quote', form('Two'), api(T0 + 2));
      await store.publish('quote', api(T0 + 3));
      expect(await store.restore('quote', 1, api(T0 + 4))).toBe(true);
      expect(await store.restore('quote', 3, api(T0 + 5))).toBe(false);
      expect(await store.get('quote')).toMatchObject({ draft: form('One'), publishedVersion: 2 });
      expect(await store.live()).toEqual([{ id: 'quote', version: 2, form: form('Two') }]);
    });

    it('records every change, newest first, with who and when; a duplicate names its source', async () => {
      await store.saveDraft('copy', form('Copy'), { at: T0, actor: 'session:abc' }, 'contact');
      await store.publish('copy', api(T0 + 1));
      await store.restore('copy', 1, api(T0 + 2));
      expect(await store.history('copy')).toEqual([
        { at: T0 + 2, actor: 'api token', action: 'restored', version: 1 },
        { at: T0 + 1, actor: 'api token', action: 'published', version: 1 },
        { at: T0, actor: 'session:abc', action: 'duplicated', version: null, from: 'contact' },
      ]);
      expect(await store.history('other')).toEqual([]);
    });

    it('keeps drafts, versions and history across a restart', async () => {
      await store.saveDraft('quote', form('One'), api(T0));
      await store.publish('quote', api(T0 + 1));
      await store.saveDraft('quote', form('Draft'), api(T0 + 2));
      const reopened = await subject.reopen();
      expect(await reopened.get('quote')).toMatchObject({ draft: form('Draft'), publishedVersion: 1 });
      expect(await reopened.live()).toEqual([{ id: 'quote', version: 1, form: form('One') }]);
      expect((await reopened.history('quote')).length).toBe(3);
    });
  });
}
