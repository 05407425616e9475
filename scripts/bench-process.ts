/**
 * The processes a benchmark starts and measures from outside (the compiled relay, the bare
 * reference endpoint): started with the address they print, and their CPU time read from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface BenchServer {
  url: string;
  child: ChildProcess;
  stop: () => void;
}

/** Starts `node ...args` and resolves with the address it prints on stderr (matched by `printed`). */
export function startProcess(args: string[], env: Record<string, string>, printed: RegExp): Promise<BenchServer> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise<BenchServer>((done, fail) => {
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk;
      const match = printed.exec(err);
      if (match) done({ url: match[1]!.replace('localhost', '127.0.0.1'), child, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => fail(new Error(`${args.at(-1)} exited with ${code}:\n${err}`)));
  });
}

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc (Linux); NaN elsewhere.
 * Per lead, it moves far less than the rate when other work shares the machine.
 */
export function processCpuMs(pid: number | undefined): number {
  return cpuMsOf(`/proc/${pid}/stat`);
}

/**
 * The same for the process's main thread alone: the one that serves the requests, without the
 * garbage collector's and the thread pool's helpers.
 */
export function mainThreadCpuMs(pid: number | undefined): number {
  return cpuMsOf(`/proc/${pid}/task/${pid}/stat`);
}

function cpuMsOf(statFile: string): number {
  try {
    // Fields 14 and 15 (utime, stime) after the command name, in clock ticks of 10 ms.
    const fields = readFileSync(statFile, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
