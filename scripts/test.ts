/**
 * `npm test`: every test there is, in one command. Type-checks, builds the widget, runs the unit
 * tests (Vitest) and the browser tests (Playwright in Chromium; the most important ones in Firefox
 * too), then prints one line `tests: N passed, N failed` summed over all, and exits non-zero on any failure.
 *
 * Extra suites register here as they are added, so CI and a newcomer run the same list.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium, HOW_TO_GET_CHROMIUM } from './chromium.ts';

const work = mkdtempSync(join(tmpdir(), 'leadform-test-'));
let passed = 0;
let failed = 0;
const problems: string[] = [];

function run(title: string, command: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n── ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) problems.push(`${title} exited with ${result.status ?? result.signal}`);
  return result.status === 0;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

run('type check', 'npx', ['tsc', '--noEmit']);
const built = run('build', 'npm', ['run', 'build', '--silent']);

const vitestReport = join(work, 'vitest.json');
run('unit tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]);
const unit = readJson<{ numPassedTests: number; numFailedTests: number }>(vitestReport);
if (unit) {
  passed += unit.numPassedTests;
  failed += unit.numFailedTests;
} else problems.push('unit tests wrote no report');

/** A Vitest suite with a config of its own, counted like the unit tests. */
function vitestSuite(title: string, config: string): void {
  const report = join(work, `${title.replaceAll(' ', '-')}.json`);
  run(title, 'npx', ['vitest', 'run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  const counts = readJson<{ numPassedTests: number; numFailedTests: number }>(report);
  if (counts) {
    passed += counts.numPassedTests;
    failed += counts.numFailedTests;
  } else problems.push(`${title} wrote no report`);
}

// The React and Vue packages: server rendering and their build.
vitestSuite('framework packages', 'packages/vitest.config.ts');

const chromium = await findChromium();
if ('missing' in chromium) {
  problems.push(`browser tests not run: ${chromium.missing}`);
  console.error(`\n${HOW_TO_GET_CHROMIUM}\n`);
} else if (!built) {
  problems.push('browser tests not run: the widget did not build');
} else {
  const playwrightReport = join(work, 'playwright.json');
  run('browser tests', 'npx', ['playwright', 'test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport });
  const browser = readJson<{ stats: { expected: number; unexpected: number; flaky: number } }>(playwrightReport);
  if (browser) {
    passed += browser.stats.expected + browser.stats.flaky;
    failed += browser.stats.unexpected;
  } else problems.push('browser tests wrote no report');
}

// The embed modes and isolation tests that matter most, in Firefox too (puppeteer-core over
// WebDriver BiDi; e2e/firefox/). Without a Firefox they are skipped with a message saying how to get one.
if (built) vitestSuite('firefox browser tests', 'e2e/firefox/vitest.config.ts');
else problems.push('firefox browser tests not run: the widget did not build');

// Chaos: 1,000 leads through the Node relay (SIGKILLed and restarted) and 150 through workerd, to
// CRMs failing at random; bounded by its lead counts and drain limits (a few minutes on 2 cores).
const chaosReport = join(work, 'chaos.json');
run('chaos', 'npm', ['run', 'test:chaos', '--silent'], { CHAOS_LEADS: '1000', CHAOS_WORKERS_LEADS: '150', LEADFORM_CHAOS_REPORT: chaosReport });
const chaos = readJson<{ passed: number; failed: number }>(chaosReport);
if (chaos) {
  passed += chaos.passed;
  failed += chaos.failed;
} else problems.push('chaos wrote no report');

if (problems.length) console.error(`\nproblems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(problems.length || failed ? 1 : 0);
