/**
 * The admin token `npm start` uses when the environment sets none: one made for this data folder
 * on its first start (32 random bytes as hex), kept in `<data dir>/admin-token`, readable by its
 * owner only, and the same on every later start. So a newcomer's relay has its admin page, and
 * with it the builder, at once; the token is never printed, only the file that holds it.
 * `LEADFORM_ADMIN_TOKEN=off` turns the admin API off instead.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ADMIN_TOKEN_FILE = 'admin-token';

export type AdminTokenSource = { kind: 'environment'; token: string } | { kind: 'off' } | { kind: 'file'; token: string; file: string; created: boolean };

export function adminTokenFor(dataDir: string, fromEnvironment: string | undefined): AdminTokenSource {
  if (fromEnvironment === 'off') return { kind: 'off' };
  if (fromEnvironment) return { kind: 'environment', token: fromEnvironment };
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept) return { kind: 'file', token: kept, file, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString('hex');
  // `wx`: two processes starting at once on a new folder cannot each write a token of their own.
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return adminTokenFor(dataDir, undefined);
    throw error;
  }
  return { kind: 'file', token, file, created: true };
}
