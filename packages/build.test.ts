/**
 * `npm run build:packages` produces what a framework app installs: one ES module per package that
 * imports its framework (never a copy of it, nor of the widget), and type declarations whose
 * options carry their JSDoc. The built React module is then rendered on the server as the app would.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, expectTypeOf, test } from 'vitest';
import type { LeadFormEventDetail as WidgetEvents } from '../widget/form/events.ts';
import type { FieldValue as WidgetFieldValue } from '../src/schema/field.ts';
import type { FieldValue, LeadFormEventDetail } from './embed.ts';

const root = join(import.meta.dirname, '..');
// Inside the repository, so the built modules resolve react and vue from its node_modules.
const out = join(root, 'node_modules/.cache/leadform-packages-test');

beforeAll(() => {
  rmSync(out, { recursive: true, force: true });
  for (const name of ['react', 'vue']) {
    execFileSync('npx', ['vite', 'build', '--config', 'packages/vite.config.ts', '--mode', name], {
      cwd: root,
      env: { ...process.env, LEADFORM_PACKAGES_OUT: out },
    });
  }
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

test.each(['react', 'vue'])('@leadform/%s is a small ES module that imports its framework and bundles no widget', (name) => {
  const code = readFileSync(join(out, name, 'index.js'), 'utf8');
  expect(code).toMatch(new RegExp(`^import \\{[^}]+\\} from "${name}";`, 'm'));
  expect(code).toContain('export {');
  expect(code.length).toBeLessThan(8_000);
  // The form is the loader's: nothing from widget/ (its renderer, its styles) is inside.
  expect(code).not.toMatch(/attachShadow|adoptedStyleSheets|preact/);
});

test('the built React module renders the host <div> on the server', async () => {
  const { LeadForm } = (await import(join(out, 'react', 'index.js'))) as typeof import('./react/src/index.ts');
  const { createElement } = await import('react');
  const { renderToString } = await import('react-dom/server');
  expect(renderToString(createElement(LeadForm, { form: 'contact' }))).toBe(
    '<div data-leadform="contact" data-leadform-height="28rem" style="min-height:28rem"></div>',
  );
});

test.each(['react', 'vue'])('the package.json of @leadform/%s names its built files and its peer', (name) => {
  const pkg = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as {
    exports: { '.': { import: string; types: string } };
    peerDependencies: Record<string, string>;
  };
  expect(pkg.exports['.'].import).toBe('./dist/index.js');
  expect(Object.keys(pkg.peerDependencies)).toEqual([name]);
  // The declarations `tsc -p packages/<name>` writes are where the package says they are.
  execFileSync('npx', ['tsc', '-p', `packages/${name}`, '--outDir', join(out, name, 'types')], { cwd: root });
  const types = join(out, name, pkg.exports['.'].types.replace('./dist/', ''));
  expect(existsSync(types)).toBe(true);
  expect(readFileSync(join(out, name, 'types/embed.d.ts'), 'utf8')).toContain('@default "28rem"');
});

test('the packages declare the events and field values exactly as the widget does (checked by tsc)', () => {
  // The packages ship their own copy, so their types need nothing from widget/; tsc fails here if the two drift apart.
  expectTypeOf<LeadFormEventDetail>().toEqualTypeOf<WidgetEvents>();
  expectTypeOf<FieldValue>().toEqualTypeOf<WidgetFieldValue>();
});
