/**
 * Languages: the built-in catalogues (validation, sending, success, failure words) load for the
 * page's language, and the form's own labels follow it. The iframe page takes its language from
 * the browser (Accept-Language), the declarative form from the host page's <html lang>.
 */
import { expect, test } from '@playwright/test';

const EXPECTED = {
  de: { send: 'Senden', required: 'Dieses Feld ist erforderlich.', label: 'Geschäftliche E-Mail' },
  fr: { send: 'Envoyer', required: 'Ce champ est obligatoire.', label: 'E-mail professionnel' },
  es: { send: 'Enviar', required: 'Este campo es obligatorio.', label: 'Correo de trabajo' },
  pt: { send: 'Enviar', required: 'Este campo é obrigatório.', label: 'E-mail profissional' },
  ru: { send: 'Отправить', required: 'Это поле обязательно.', label: 'Рабочая почта' },
} as const;

for (const [language, words] of Object.entries(EXPECTED)) {
  test.describe(`a browser in ${language}`, () => {
    test.use({ locale: language });

    test(`gets the iframe form in ${language}: labels, button, validation`, async ({ page }) => {
      await page.goto('/v1/forms/showcase/embed');
      await expect(page.locator('html')).toHaveAttribute('lang', language);
      await expect(page.getByLabel(words.label)).toBeVisible();
      await page.getByRole('button', { name: words.send }).click();
      await expect(page.getByText(words.required).first()).toBeVisible();
    });
  });
}

test("a declarative form follows the host page's <html lang>", async ({ page }) => {
  await page.goto('/demo/spa.html');
  await page.evaluate(() => (document.documentElement.lang = 'de'));
  await page.getByRole('button', { name: 'Go to the contact page' }).click();
  const form = page.locator('[data-leadform="contact"]');
  await expect(form.getByRole('heading', { name: 'Kontakt' })).toBeVisible();
  await form.getByRole('button', { name: 'Senden' }).click();
  // Under each required field, and again in the summary's links to them.
  await expect(form.getByText('Dieses Feld ist erforderlich.', { exact: true })).toHaveCount(2);
  await expect(form.getByText('Bitte korrigieren Sie die markierten Felder.')).toBeVisible();
  await expect(form.getByRole('link', { name: /: Dieses Feld ist erforderlich\.$/ })).toHaveCount(2);
});
