import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parseConfig } from '../relay/config.ts';
import { CHECK_ONLY_SQL } from '../storage/sql-driver.ts';
import { createDestinations, DESTINATION_TYPES } from './index.ts';

const example = JSON.parse(readFileSync(new URL('../../examples/leadform.config.example.json', import.meta.url), 'utf8'));

it('the example configuration parses, builds every destination type, and holds no secret', () => {
  const parsed = parseConfig(example, DESTINATION_TYPES);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const types = new Set(Object.values(parsed.value.destinations).map((destination) => destination.type));
  expect([...types].sort()).toEqual([...DESTINATION_TYPES].sort());
  const named = new Set<string>();
  const built = createDestinations(parsed.value.destinations, {
    sql: CHECK_ONLY_SQL,
    secret: (name) => {
      named.add(name);
      return 'set';
    },
  });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  expect(built.value.size).toBe(Object.keys(parsed.value.destinations).length);
  // Every secret is named by an environment variable; none is written inline.
  for (const name of named) expect(name).toMatch(/^[A-Z][A-Z0-9_]+$/);
  expect(JSON.stringify(example)).not.toMatch(/whsec_|api_[A-Za-z0-9]{8}|"(apiToken|apiKey|secret|password|accessKey|secretKey)"\s*:/);
});

it('a missing secret stops start-up with the destination, the option and the variable', () => {
  const parsed = parseConfig(example, DESTINATION_TYPES);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const built = createDestinations(parsed.value.destinations, {
    sql: CHECK_ONLY_SQL,
    secret: (name) => (name === 'CLOSE_API_KEY' ? undefined : 'set'),
  });
  expect(built).toEqual({
    ok: false,
    problems: ['destinations.close.apiKeyEnv: the environment variable CLOSE_API_KEY is not set; set it to the secret before starting the relay'],
  });
});
