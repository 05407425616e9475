/**
 * The part of the Workers runtime API this entry uses. `@cloudflare/workers-types` declares the
 * whole runtime as globals, which clash with the DOM library the rest of the project checks
 * against in one `tsc` program; these few declarations follow its shapes.
 */
declare module 'cloudflare:workers' {
  export interface SqlStorageCursor<T> {
    toArray(): T[];
    readonly rowsWritten: number;
  }
  export interface SqlStorage {
    exec<T = Record<string, unknown>>(query: string, ...bindings: unknown[]): SqlStorageCursor<T>;
  }
  export interface DurableObjectStorage {
    readonly sql: SqlStorage;
    transactionSync<T>(closure: () => T): T;
    getAlarm(): Promise<number | null>;
    setAlarm(scheduledTime: number | Date): Promise<void>;
    deleteAlarm(): Promise<void>;
    /** Resolves once every write made so far is committed. */
    sync(): Promise<void>;
  }
  export interface DurableObjectState {
    readonly storage: DurableObjectStorage;
    waitUntil(promise: Promise<unknown>): void;
    blockConcurrencyWhile<T>(callback: () => Promise<T>): Promise<T>;
  }
  export interface DurableObjectId {
    toString(): string;
  }
  /** A stub: each public method of the object, called over RPC, returns a promise. */
  export type DurableObjectStub<T> = {
    [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
  };
  export interface DurableObjectNamespace<T> {
    idFromName(name: string): DurableObjectId;
    get(id: DurableObjectId): DurableObjectStub<T>;
  }
  export interface ExecutionContext {
    waitUntil(promise: Promise<unknown>): void;
  }
  export abstract class DurableObject<Env = unknown> {
    protected readonly ctx: DurableObjectState;
    protected readonly env: Env;
    constructor(ctx: DurableObjectState, env: Env);
  }
}

/** Built into the bundle by scripts/build-worker.ts: the relay's configuration file, as parsed JSON. */
declare module 'leadform:config' {
  const config: unknown;
  export default config;
}

/** Built into the bundle by scripts/build-worker.ts: the widget and admin files, by path. */
declare module 'leadform:assets' {
  const assets: Record<string, string>;
  export default assets;
}
