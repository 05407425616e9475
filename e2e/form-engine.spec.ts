/**
 * The form engine in real Chromium against a relay of the test's own: a three-step form with a
 * branch (a third step and a budget field appear for companies of 51+), filled by keyboard alone;
 * what a screen reader hears of the progress and the errors (the accessibility tree, through
 * CDP); Back, Forward and a reload keep the values; a phone with a country chosen from the list;
 * and the lead at the sandbox with its phone in E.164 and nothing of the fields left hidden;
 * axe-core finds no WCAG 2.1 A or AA violation on a step, with the country list open, or with errors.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { type OwnRelay, startOwnRelay } from './own-relay.ts';

/** `contact`, so the relay's demo page (`/`) renders it. */
const CONFIG = {
  forms: {
    contact: {
      title: 'Get a quote',
      minFillMs: 0,
      destination: 'inbox',
      allowedOrigins: ['self'],
      fields: [
        { name: 'name', type: 'text', label: 'Name', required: true },
        { name: 'email', type: 'email', label: 'Email', required: true },
        { name: 'phone', type: 'tel', label: 'Phone', phone: { defaultCountry: 'DE' } },
        { name: 'size', type: 'radio', label: 'Company size', required: true, options: [{ value: '1-10' }, { value: '11-50' }, { value: '51+' }] },
        { name: 'budget', type: 'number', label: 'Budget', required: true, min: 100, step: 50, when: { field: 'size', is: '51+' } },
        { name: 'needs', type: 'checkboxes', label: 'Needs', options: [{ value: 'crm' }, { value: 'forms' }, { value: 'ads' }], maxSelected: 2 },
        { name: 'rollout', type: 'textarea', label: 'Rollout plan' },
        { name: 'source', type: 'hidden', value: 'web' },
      ],
      steps: [
        { id: 'you', title: 'About you', fields: ['name', 'email', 'phone'] },
        { id: 'company', title: 'Your company', fields: ['size', 'budget', 'needs'] },
        { id: 'enterprise', title: 'Enterprise', fields: ['rollout'], when: { field: 'size', is: '51+' } },
      ],
    },
  },
  destinations: { inbox: { type: 'sandbox' } },
};
/** A form with conditions and no steps, shown on its embed page. */
Object.assign(CONFIG.forms, {
  callback: {
    minFillMs: 0,
    destination: 'inbox',
    allowedOrigins: ['self'],
    fields: [
      { name: 'name', type: 'text', label: 'Name', required: true },
      { name: 'call', type: 'checkbox', label: 'Call me back' },
      { name: 'when_to_call', type: 'date', label: 'Day to call', required: true, when: { field: 'call', checked: true } },
    ],
  },
});

let relay: OwnRelay;
test.beforeAll(async () => {
  relay = await startOwnRelay(CONFIG);
});
test.afterAll(async () => relay?.close());

interface Lead {
  fields: Record<string, unknown>;
}
const inbox = async (page: Page): Promise<Lead[]> =>
  ((await (await page.request.get(`${relay.url}/sandbox/inbox.json`)).json()) as { lead: Lead }[]).map((item) => item.lead);

async function open(page: Page): Promise<Locator> {
  await page.goto(`${relay.url}/`);
  const form = page.locator('[data-leadform="contact"]');
  await expect(form.getByLabel('Name')).toBeVisible();
  return form;
}

/** The accessibility tree's nodes of `role`, with their names and descriptions, as a screen reader gets them. */
async function axNodes(page: Page, role: string) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
    nodes: {
      role?: { value: string };
      name?: { value: string };
      description?: { value: string };
      properties?: { name: string; value: { value: unknown } }[];
    }[];
  };
  await cdp.detach();
  return nodes
    .filter((node) => node.role?.value === role)
    .map((node) => ({
      name: node.name?.value,
      description: node.description?.value,
      ...Object.fromEntries((node.properties ?? []).filter((p) => p.name === 'invalid').map((p) => [p.name, p.value.value])),
    }));
}

test('a three-step form with a branch, by keyboard alone: Enter moves on, focus goes to each step heading, the lead arrives in E.164', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { steps: unknown[]; dataLayer: unknown[] };
    w.steps = [];
    w.dataLayer = [];
    document.addEventListener('leadform:step', (event) => w.steps.push((event as CustomEvent).detail));
  });
  const form = await open(page);
  await expect(form.getByText('Step 1 of 2', { exact: true })).toBeVisible();

  await form.getByLabel('Name').focus();
  await page.keyboard.type('Ada Keys');
  await page.keyboard.press('Tab');
  await page.keyboard.type('ada@example.com');
  await page.keyboard.press('Tab'); // the phone's country, Germany by the field's default
  await expect(form.getByRole('combobox')).toHaveValue('DE +49');
  await page.keyboard.press('Tab');
  await page.keyboard.type('030 1234567');
  await page.keyboard.press('Enter');

  const heading = form.getByRole('heading', { name: 'Your company' });
  await expect(heading).toBeFocused();
  await expect(form.getByText('Step 2 of 2', { exact: true })).toBeVisible();
  // Next checks only the step shown: the radio group's error, focus on it.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(form.getByRole('radio', { name: '1-10' })).toBeFocused();
  await expect(form.getByText('Please choose an option.').or(form.getByText('This field is required.')).first()).toBeVisible();

  // The branch: 51+ shows the budget and a third step.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(form.getByRole('radio', { name: '51+' })).toBeChecked();
  await expect(form.getByText('Step 2 of 3', { exact: true })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(form.getByLabel('Budget')).toBeFocused();
  await page.keyboard.type('125');
  await page.keyboard.press('Tab');
  await expect(form.getByText('Enter a number in steps of 50.')).toBeVisible();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('50');
  await expect(form.getByText('Enter a number in steps of 50.')).toBeHidden();
  await page.keyboard.press('Tab'); // needs: crm
  await page.keyboard.press('Space');
  await page.keyboard.press('Enter');

  await expect(form.getByRole('heading', { name: 'Enterprise' })).toBeFocused();
  await expect(form.getByText('Step 3 of 3', { exact: true })).toBeVisible();
  await page.keyboard.press('Tab');
  await page.keyboard.type('Quarter by quarter');
  await page.keyboard.press('Tab');
  await expect(form.getByRole('button', { name: 'Send' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(form.getByRole('status')).toBeFocused();
  await expect(form.getByRole('status')).toContainText("Thank you! We'll be in touch.");

  await expect.poll(async () => (await inbox(page)).filter((lead) => lead.fields.name === 'Ada Keys').length).toBe(1);
  const lead = (await inbox(page)).find((lead) => lead.fields.name === 'Ada Keys')!;
  expect(lead.fields).toMatchObject({
    email: 'ada@example.com',
    phone: '+49301234567',
    size: '51+',
    budget: 150,
    needs: ['crm'],
    rollout: 'Quarter by quarter',
    source: 'web',
  });
  const { steps, dataLayer } = await page.evaluate(() => {
    const w = window as unknown as { steps: unknown[]; dataLayer: { event: string }[] };
    return { steps: w.steps, dataLayer: w.dataLayer };
  });
  expect(dataLayer.filter((push) => push.event === 'leadform_step')).toHaveLength(3);
  expect(steps).toEqual([
    { formId: 'contact', step: 'you', index: 0, total: 2 },
    { formId: 'contact', step: 'company', index: 1, total: 2 },
    { formId: 'contact', step: 'enterprise', index: 2, total: 3 },
  ]);
  // Sent: the saved values are gone.
  expect(await page.evaluate(() => sessionStorage.getItem('leadform:draft:contact'))).toBeNull();
});

test('a screen reader hears the step, the progress and each error', async ({ page }) => {
  const form = await open(page);
  await form.getByLabel('Name').fill('Ada Reader');
  await form.getByLabel('Email').fill('ada@example.com');
  await form.getByRole('button', { name: 'Next' }).click();
  await expect(form.getByRole('heading', { name: 'Your company' })).toBeFocused();
  expect(await axNodes(page, 'progressbar')).toEqual([{ name: 'Step 2 of 2', description: undefined }]);
  await expect(form.getByRole('progressbar')).toHaveAttribute('aria-valuetext', 'Step 2 of 2');
  expect((await axNodes(page, 'heading')).find((node) => node.name === 'Your company')).toMatchObject({ description: 'Step 2 of 2' });

  await form.getByRole('radio', { name: '51+' }).check();
  await form.getByLabel('Budget').fill('20');
  await form.getByLabel('Budget').blur();
  const budget = (await axNodes(page, 'textbox')).find((node) => node.name === 'Budget');
  expect(budget).toMatchObject({ description: 'Enter a number of at least 100.', invalid: 'true' });
  await form.getByRole('button', { name: 'Next' }).click();
  await expect(form.getByLabel('Budget')).toBeFocused();
  await expect(form.getByRole('status').locator('p')).toHaveText('Please correct the highlighted fields.');
});

test("the browser's Back and Forward move between steps, and a reload keeps the values; the form's Back too", async ({ page }) => {
  const form = await open(page);
  await form.getByLabel('Name').fill('Ada Back');
  await form.getByLabel('Email').fill('ada@example.com');
  await form.getByRole('button', { name: 'Next' }).click();
  await form.getByRole('radio', { name: '11-50' }).check();
  await form.getByRole('checkbox', { name: 'forms' }).check();

  await page.goBack();
  await expect(form.getByRole('heading', { name: 'About you' })).toBeVisible();
  await expect(form.getByLabel('Name')).toHaveValue('Ada Back');
  await page.goForward();
  await expect(form.getByRole('radio', { name: '11-50' })).toBeChecked();

  await page.reload();
  await expect(form.getByRole('heading', { name: 'Your company' })).toBeVisible();
  await expect(form.getByRole('radio', { name: '11-50' })).toBeChecked();
  await expect(form.getByRole('checkbox', { name: 'forms' })).toBeChecked();
  await form.getByRole('button', { name: 'Back' }).click();
  await expect(form.getByRole('heading', { name: 'About you' })).toBeFocused();
  await expect(form.getByLabel('Email')).toHaveValue('ada@example.com');
});

test('a phone with a country chosen from the list by its name: grouped as typed, sent as that country’s E.164', async ({ page }) => {
  const form = await open(page);
  await form.getByLabel('Name').fill('Ada Phone');
  await form.getByLabel('Email').fill('ada@example.com');
  const country = form.getByRole('combobox');
  await country.fill('austr');
  await expect(form.getByRole('option')).toHaveText(['+61 Australia', '+43 Austria']);
  await country.press('ArrowDown');
  await country.press('Enter');
  await expect(country).toHaveValue('AT +43');
  // Searching by dial code works too, and Escape keeps the country chosen.
  await country.fill('+49');
  await expect(form.getByRole('option', { name: '+49 Germany' })).toBeVisible();
  await country.press('Escape');
  await expect(country).toHaveValue('AT +43');
  await form.getByLabel('Phone').pressSequentially('6641234567');
  await expect(form.getByLabel('Phone')).toHaveValue('664 123 4567');
  await form.getByRole('button', { name: 'Next' }).click();
  await form.getByRole('radio', { name: '1-10' }).check();
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();
  await expect.poll(async () => (await inbox(page)).find((lead) => lead.fields.name === 'Ada Phone')?.fields.phone).toBe('+436641234567');
  const lead = (await inbox(page)).find((lead) => lead.fields.name === 'Ada Phone')!;
  // The budget and the third step were never shown: nothing of them is sent.
  expect(Object.keys(lead.fields).sort()).toEqual(['email', 'name', 'phone', 'size', 'source']);
});

test('axe-core finds no WCAG 2.1 AA violation: a step, the country list open, a step with errors', async ({ page }) => {
  const violations = async () =>
    (await new AxeBuilder({ page }).include('[data-leadform]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations.map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  const form = await open(page);
  expect(await violations()).toEqual([]);
  await form.getByRole('combobox').fill('aus');
  await expect(form.getByRole('option')).toHaveCount(2);
  expect(await violations()).toEqual([]);
  await form.getByRole('combobox').press('Escape');
  await form.getByLabel('Name').fill('Ada Axe');
  await form.getByLabel('Email').fill('ada@example.com');
  await form.getByRole('button', { name: 'Next' }).click();
  await form.getByRole('radio', { name: '51+' }).check();
  // The budget field the choice shows pushes the button down: click it once it is in its place.
  await expect(form.getByLabel('Budget')).toBeVisible();
  await form.getByRole('button', { name: 'Next' }).click();
  await expect(form.getByLabel('Budget')).toHaveAttribute('aria-invalid', 'true');
  expect(await violations()).toEqual([]);
});

test('a form without steps shows a field while its condition holds, requires it only then, and never sends it hidden', async ({ page }) => {
  await page.goto(`${relay.url}/v1/forms/callback/embed`);
  await page.getByLabel('Name').fill('Ada Callback');
  await expect(page.getByLabel('Day to call')).toHaveCount(0);
  await page.getByLabel('Call me back').check();
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByLabel('Day to call')).toBeFocused();
  await page.getByLabel('Day to call').fill('2026-12-24');
  await page.getByLabel('Call me back').uncheck();
  await expect(page.getByLabel('Day to call')).toHaveCount(0);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByText("Thank you! We'll be in touch.")).toBeVisible();
  await expect.poll(async () => (await inbox(page)).find((lead) => lead.fields.name === 'Ada Callback')?.fields).toEqual({ name: 'Ada Callback', call: false });
});
