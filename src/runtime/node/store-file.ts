/**
 * What the Node store checks of its file on disk, so that no acknowledged lead is lost silently:
 * at start-up, that the database is sound and not missing where one existed (the marker file
 * written once it was created, or a write-ahead log left behind); while running, that the file it
 * has open is still the one at its path; and which SQLite failures mean the storage itself failed.
 * Every problem is a line `LEADFORM_DATA_DIR: what is wrong; the fix`.
 */
import type Database from 'better-sqlite3';
import { closeSync, fsyncSync, openSync, readFileSync, type Stats, statSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/** A problem with the store's file, worded as a start-up problem: `LEADFORM_DATA_DIR: …; the fix`. */
export class StoreFileProblem extends Error {
  override name = 'StoreFileProblem';
}

/** The marker beside the database, written once the database was first created. */
export const markerOf = (file: string) => `${file}.created`;

/** The file's stats, or null when nothing is at the path (checked on every submission: no exception thrown for that). */
function statOrNull(path: string): Stats | null {
  return statSync(path, { throwIfNoEntry: false }) ?? null;
}

const restoreFix = (file: string) =>
  `stop the relay, move ${file} and its -wal and -shm files aside, copy your latest backup (npm run backup) to ${file}, and start again`;

/**
 * Before the database is opened: a missing or empty file is a new outbox only where nothing shows
 * one existed. Opening it would silently start an empty outbox over leads that were acknowledged.
 */
export function checkBeforeOpen(file: string): void {
  const found = statOrNull(file);
  if (found && found.size > 0) return;
  const marker = markerOf(file);
  const wal = statOrNull(`${file}-wal`);
  const evidence = statOrNull(marker) ? marker : wal && wal.size > 0 ? `${file}-wal` : null;
  if (evidence === null) return;
  throw new StoreFileProblem(
    `LEADFORM_DATA_DIR: the outbox ${file} is ${found ? 'empty' : 'missing'}, but ${evidence} shows it held leads${createdNote(marker)}; ` +
      `restore your latest backup (npm run backup) to ${file} and start again; to start with an empty outbox on purpose, delete ${evidence}`,
  );
}

function createdNote(marker: string): string {
  try {
    const { createdAt } = JSON.parse(readFileSync(marker, 'utf8')) as { createdAt?: unknown };
    return typeof createdAt === 'string' ? ` (created ${createdAt})` : '';
  } catch {
    return '';
  }
}

/** After it is opened: SQLite's quick_check (every page and index entry, without comparing index contents). */
export function checkOpened(db: Database.Database, file: string): void {
  const rows = db.pragma('quick_check') as { quick_check: string }[];
  const findings = rows.map((row) => row.quick_check);
  if (findings.length === 1 && findings[0] === 'ok') return;
  throw damaged(file, findings.slice(0, 3).join('; '));
}

export function damaged(file: string, detail: string): StoreFileProblem {
  return new StoreFileProblem(`LEADFORM_DATA_DIR: the outbox ${file} is damaged (${detail.slice(0, 300)}); ${restoreFix(file)}`);
}

/** SQLite's answer when the file is no database or a damaged one, at open or at quick_check. */
export function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/** Writes the marker once, durably, so that a later start can tell a lost database from a new one. */
export function writeMarker(file: string): void {
  const marker = markerOf(file);
  if (statOrNull(marker)) return;
  const fd = openSync(marker, 'wx');
  try {
    const text = JSON.stringify({
      file: basename(file),
      createdAt: new Date().toISOString(),
      note: 'leadform keeps this file to tell a lost outbox from a new one: while it exists, the relay will not start without the database',
    });
    writeSync(fd, `${text}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncFolder(dirname(file));
}

function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every file system lets a folder be synced; the marker is written either way.
  }
}

type Identity = { dev: number; ino: number };
const identity = (stats: Stats): Identity => ({ dev: stats.dev, ino: stats.ino });
const same = (a: Identity, b: Identity) => a.dev === b.dev && a.ino === b.ino;

/**
 * The files the open database lives in, as they were when it was opened. SQLite keeps writing to
 * the files it has open even once they are deleted or replaced at their path, and every lead
 * written then is gone at the next start. While the relay holds them open their inodes cannot be
 * reused, so a different inode at the path means another file.
 */
export class FileIdentity {
  private readonly folder: Identity;
  private readonly file: Identity;
  private readonly wal: Identity | null;

  constructor(private readonly path: string) {
    this.folder = identity(statSync(dirname(path)));
    this.file = identity(statSync(path));
    const wal = statOrNull(`${path}-wal`);
    this.wal = wal ? identity(wal) : null;
  }

  /** Why the open database is no longer the one at its path, or null while it is. */
  moved(): string | null {
    try {
      const folder = statOrNull(dirname(this.path));
      if (!folder || !same(identity(folder), this.folder)) {
        return `the data folder ${dirname(this.path)} was deleted or moved while the relay ran; leads are no longer written where the next start reads them`;
      }
      const file = statOrNull(this.path);
      if (!file) return `the outbox ${this.path} was deleted while the relay ran`;
      if (!same(identity(file), this.file)) return `the outbox ${this.path} was replaced by another file while the relay ran`;
      if (this.wal) {
        const wal = statOrNull(`${this.path}-wal`);
        if (!wal) return `the write-ahead log ${this.path}-wal was deleted while the relay ran`;
        if (!same(identity(wal), this.wal)) return `the write-ahead log ${this.path}-wal was replaced by another file while the relay ran`;
      }
      return null;
    } catch (error) {
      return `the outbox ${this.path} cannot be checked (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    }
  }
}

/**
 * SQLite failures that say the storage failed rather than the statement: a full disk, an I/O
 * error, a file that became read-only, unopenable or damaged. The reason names no lead's data.
 */
export function storageFailure(error: unknown, file: string): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL') return `the disk holding ${file} is full (SQLITE_FULL)`;
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || isDamage(error)) {
    return `the outbox ${file} cannot be written (${code})`;
  }
  return null;
}
