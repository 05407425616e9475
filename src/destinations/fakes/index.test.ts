import { expect, it } from 'vitest';
import { DESTINATION_TYPES } from '../index.ts';
import { FAKES } from './index.ts';

it('every CRM destination has a fake in the registry, so the chaos run and the browser test reach it', () => {
  // The sandbox is the relay's own inbox, with nothing to fake.
  expect(Object.keys(FAKES).sort()).toEqual(DESTINATION_TYPES.filter((type) => type !== 'sandbox').sort());
});
