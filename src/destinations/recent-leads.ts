/**
 * Finding an earlier attempt's lead at a vendor that cannot search by the relay's submission id
 * (Close, Capillary): read its lead list newest first, page by page, for the submission marker.
 *
 * The scan does not stop at a fixed window: an uncertain attempt can be retried after hundreds of
 * other leads reached the vendor. It stops where the list reaches leads older than the submission
 * (the vendor sorts newest first, so nothing the relay created for it can come later), or at the
 * end of the list. `maxPages` only guards against a vendor that ignores the sort order.
 */
import type { DeliveryOutcome } from './types.ts';

export interface RecentPage<Item> {
  items: Item[];
  /** The vendor says there are more pages. */
  more: boolean;
}

export interface RecentLeadsScan<Item> {
  /** Reads page `index` (0 = newest), or says why it could not. */
  readPage(index: number): Promise<RecentPage<Item> | DeliveryOutcome>;
  /** This is the lead an earlier attempt created. */
  isEarlierAttempt(item: Item): boolean;
  /** This lead is older than any lead an attempt for this submission can have created. */
  predatesSubmission(item: Item): boolean;
  maxPages: number;
}

/** The earlier attempt's lead, `{}` when the vendor has none, or why the list could not be read. */
export async function findAmongRecentLeads<Item>(scan: RecentLeadsScan<Item>): Promise<{ found?: Item } | { outcome: DeliveryOutcome }> {
  for (let index = 0; index < scan.maxPages; index += 1) {
    const page = await scan.readPage(index);
    if ('kind' in page) return { outcome: page };
    const found = page.items.find(scan.isEarlierAttempt);
    if (found) return { found };
    const last = page.items.at(-1);
    if (!page.more || last === undefined || scan.predatesSubmission(last)) break;
  }
  return {};
}
