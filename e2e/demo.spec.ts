import { expect, test } from '@playwright/test';

test('a visitor from a campaign submits the demo form and the lead reaches the inbox with its UTMs', async ({ page, request }) => {
  const name = `Ada ${Date.now()}`;
  await page.goto('/?utm_source=newsletter&utm_campaign=spring-launch');
  const form = page.locator('[data-leadform="contact"]');
  const email = form.getByLabel('Email');
  await expect(email).toBeVisible();

  // An invalid email shows an inline error once the field is left, tied to the input.
  await email.fill('ada@');
  await email.blur();
  const error = form.getByText('Enter a valid email address.');
  await expect(error).toBeVisible();
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveAttribute('aria-describedby', (await error.getAttribute('id'))!);

  await form.getByLabel('Name').fill(name);
  await email.fill('ada@example.com');
  await expect(error).toBeHidden();
  await form.getByLabel('Message').fill('Please call me back.');
  // A person takes a moment; the relay drops submissions faster than the form's minimum fill time.
  await page.waitForTimeout(1600);
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();

  await expect
    .poll(async () => {
      const items = (await (await request.get('/sandbox/inbox.json')).json()) as {
        lead: { fields: Record<string, string>; attribution?: { first?: Record<string, string> } };
      }[];
      return items.find((item) => item.lead.fields.name === name)?.lead;
    })
    .toMatchObject({
      fields: { name, email: 'ada@example.com', message: 'Please call me back.' },
      attribution: { first: { utm_source: 'newsletter', utm_campaign: 'spring-launch' } },
    });

  await page.goto('/sandbox/inbox');
  const card = page.locator('article.lead', { hasText: name });
  await expect(card).toContainText('newsletter');
  await expect(card).toContainText('spring-launch');
});

test('the submit button does not send an invalid form and moves focus to the first invalid field', async ({ page }) => {
  await page.goto('/');
  const form = page.locator('[data-leadform="contact"]');
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByLabel('Name')).toBeFocused();
  // Under each field; the summary links to them as well.
  await expect(form.getByText('This field is required.', { exact: true })).toHaveCount(2);
  await expect(form.getByRole('link', { name: 'Name: This field is required.' })).toBeVisible();
});
