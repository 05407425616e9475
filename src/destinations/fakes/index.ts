/**
 * Every fake vendor, keyed by the destination type it stands in for. The chaos run
 * (src/chaos/vendors.ts) and the browser test (e2e/crm.spec.ts) loop over this list, so a new
 * CRM's fake joins both with its profile (profile.ts) in its own file and one line here.
 */
import { bitrix24Fake } from './bitrix24.ts';
import { capillaryFake } from './capillary.ts';
import { closeFake } from './close.ts';
import { leadSquaredFake } from './leadsquared.ts';
import { pipedriveFake } from './pipedrive.ts';
import type { FakeProfile } from './profile.ts';
import { webhookFake } from './webhook.ts';

export type { BrowserProfile, ChaosProfile, DestinationSetup, Expect, FakeProfile, FormEngineProfile, LeadValues, VendorFault } from './profile.ts';
export { FORM_ENGINE_TYPED_PHONE, FORM_ENGINE_VALUES } from './profile.ts';

/** In the chaos run's order: which vendor a lead goes to is drawn along it, so a seed repeats its run. */
export const FAKES: Readonly<Record<string, FakeProfile>> = {
  close: closeFake,
  capillary: capillaryFake,
  webhook: webhookFake,
  leadsquared: leadSquaredFake,
  bitrix24: bitrix24Fake,
  pipedrive: pipedriveFake,
};
