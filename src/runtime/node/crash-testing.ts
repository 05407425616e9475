/**
 * What the crash tests share: a relay started in a process of its own from a fixture file, which
 * prints `READY <url>` once it listens, so that a test can SIGKILL it and start another on the
 * same data.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** Starts `fixture` (a TypeScript file, run through tsx) with `env` added to this process's. */
export function startFixtureRelay(fixture: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((done, fail) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const ready = /READY (\S+)/.exec(out);
      if (ready) done({ child, url: ready[1]! });
    });
    child.once('exit', (code) => fail(new Error(`the relay exited with ${code} before it was ready`)));
  });
}
