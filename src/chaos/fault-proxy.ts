/**
 * A random-fault proxy in front of one fake vendor: what the network and the vendor's edge do to a
 * call on a bad day. Each request passes through unharmed or meets one fault, drawn at random:
 * - faults before the vendor sees the call (nothing committed): a reset connection, no answer
 *   until the relay's timeout, a gateway 502;
 * - faults after the vendor committed the lead (the answer is what is lost): a reset connection,
 *   a gateway 504, or the vendor's own `commitThenHang`;
 * - the vendor's documented refusals, queued on the fake itself through `inject(fault)` so their
 *   bodies and headers stay the vendor's: 5xx, 429 with and without a reset, a 400;
 * - a slow answer that still arrives within the timeout.
 * The proxy only decides and counts; the fake answers as its vendor documents.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { OwnFault, VendorFault } from '../destinations/fakes/profile.ts';

export type NetworkFault = 'resetBefore' | 'hangBefore' | 'gateway502' | 'slow' | 'resetAfter' | 'gateway504After';
/** A network fault the proxy plays itself, or a vendor's own answer it has the fake give (`vendor:…`). */
export type ChaosFault = NetworkFault | VendorFault | OwnFault;

export interface FaultPlan {
  /** Share of calls that meet some fault, in [0, 1]. */
  rate: number;
  /** The faults this vendor may meet, with relative weights. */
  weights: Partial<Record<ChaosFault, number>>;
  /** Whether a call creates a lead at the vendor: vendor faults are queued only before those. */
  isCreate(method: string, path: string): boolean;
  /** Queues a vendor-shaped fault on the fake for its next creating call. */
  inject(fault: ChaosFault): void;
  /** Longest "slow" answer, in milliseconds (keep it under the relay's delivery timeout). */
  slowMs: number;
}

export interface FaultProxy {
  url: string;
  /** How many calls met each fault (and `none`). */
  counts: Record<string, number>;
  /** When each call arrived (epoch ms), for measuring a destination's pace. */
  arrivals: number[];
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, plan: FaultPlan, random: () => number): Promise<FaultProxy> {
  const counts: Record<string, number> = {};
  const arrivals: number[] = [];
  const sockets = new Set<Socket>();
  const entries = Object.entries(plan.weights) as [ChaosFault, number][];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  const pick = (create: boolean): ChaosFault | 'none' => {
    if (random() >= plan.rate) return 'none';
    let roll = random() * total;
    for (const [fault, weight] of entries) {
      roll -= weight;
      // A vendor fault on a call that creates nothing would wait, queued, for a later create.
      if (roll < 0) return fault.startsWith('vendor:') && !create ? 'none' : fault;
    }
    return 'none';
  };

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((done, fail) => {
      const outgoing = httpRequest(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => done({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
        answer.on('error', fail);
      });
      outgoing.on('error', fail);
      outgoing.end(body);
    });

  const reply = (res: ServerResponse, status: number, headers: IncomingMessage['headers'], body: Buffer | string) => {
    const { 'transfer-encoding': _te, connection: _connection, 'content-length': _length, ...rest } = headers;
    res.writeHead(status, rest);
    res.end(body);
  };
  const gateway = (res: ServerResponse, status: number) =>
    reply(res, status, { 'content-type': 'text/html' }, `<html><body><h1>${status} ${status === 502 ? 'Bad Gateway' : 'Gateway Timeout'}</h1></body></html>`);

  const server = createServer((req, res) => {
    arrivals.push(Date.now());
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const fault = pick(plan.isCreate(req.method ?? 'GET', new URL(req.url ?? '/', 'http://proxy').pathname));
      counts[fault] = (counts[fault] ?? 0) + 1;
      try {
        switch (fault) {
          case 'resetBefore':
            req.socket.destroy();
            return;
          case 'hangBefore':
            return; // the relay's delivery timeout ends it; the vendor never saw the call
          case 'gateway502':
            return gateway(res, 502);
          case 'slow':
            await new Promise((done) => setTimeout(done, random() * plan.slowMs));
            break;
          case 'none':
            break;
          default:
            if (fault.startsWith('vendor:')) plan.inject(fault);
        }
        const answer = await forward(req, body);
        if (fault === 'resetAfter') return void req.socket.destroy();
        if (fault === 'gateway504After') return gateway(res, 504);
        reply(res, answer.status, answer.headers, answer.body);
      } catch {
        // The fake itself hung up (its commitThenHang ended by close): pass the loss on.
        req.socket.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    arrivals,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** A small seeded generator (mulberry32), so a run's fault draws can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
