import { MemoryOutbox } from './memory-outbox.ts';
import { outboxContract } from './testing/outbox-contract.ts';

outboxContract('MemoryOutbox', async (options) => {
  const outbox = new MemoryOutbox(options);
  return {
    outbox,
    reopen: async () => new MemoryOutbox({ ...options, storage: outbox.storage }),
    close: async () => {},
  };
});
