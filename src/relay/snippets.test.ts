import { describe, expect, it } from 'vitest';
import { formHeight, reservedHeight } from '../schema/layout.ts';
import { createRelay } from './app.ts';
import { parseConfig, publicDefinition } from './config.ts';
import { MemoryOutbox } from './memory-outbox.ts';

const configOf = (extra: Record<string, unknown> = {}) => {
  const result = parseConfig({
    forms: {
      contact: {
        title: 'Contact <us> & "more"',
        fields: [
          { name: 'name', type: 'text', label: 'Name', required: true },
          { name: 'email', type: 'email', label: 'Email', required: true },
          { name: 'message', type: 'textarea', label: 'Message' },
        ],
        destination: 'crm',
      },
    },
    destinations: { crm: { type: 'test' } },
    ...extra,
  });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
};
const TOKEN = 'a-long-admin-token-of-32-characters';
const get = (config: ReturnType<typeof configOf>, path: string, token?: string) =>
  createRelay({ config, outbox: new MemoryOutbox(), adminToken: TOKEN }).request(`http://relay.test${path}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });

describe('GET /v1/admin/forms/:id/snippets', () => {
  it('answers only with the admin token, and 404 for a form the relay does not have', async () => {
    expect((await get(configOf(), '/v1/admin/forms/contact/snippets')).status).toBe(401);
    const unknown = await get(configOf(), '/v1/admin/forms/nope/snippets', TOKEN);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toBe('unknown_form');
  });

  it('gives the four snippets; the declarative one reserves the height computed from the definition, in both places the loader reads', async () => {
    const config = configOf();
    const response = await get(config, '/v1/admin/forms/contact/snippets', TOKEN);
    expect(response.status).toBe(200);
    const snippets = (await response.json()) as Record<string, string>;
    expect(Object.keys(snippets).sort()).toEqual(['declarative', 'iframe', 'popup', 'queue']);
    const height = reservedHeight(publicDefinition('contact', config.forms.contact!));
    // 16 + title 30 + 16 + two fields of 90 + the textarea's 156 + Send 48 + 16, and 8 more under 480px.
    expect(height).toBe('calc(462px + clamp(0px, (480px - 100vw) * 1000, 8px))');
    expect(snippets.declarative).toBe(
      `<div data-leadform="contact" data-leadform-height="${height}" style="min-height: ${height}"></div>\n<script async src="http://relay.test/v1/leadform.js"></script>`,
    );
    expect(snippets.queue).toContain(`<div id="leadform-contact" style="min-height: ${height}"></div>`);
    expect(snippets.queue).toContain(`LeadForm('render', { form: "contact", target: '#leadform-contact' });`);
    // The title is text in the markup, never markup.
    expect(snippets.popup).toBe(
      '<button type="button" data-leadform-open="contact">Contact &#60;us&#62; &#38; &#34;more&#34;</button>\n<script async src="http://relay.test/v1/leadform.js"></script>',
    );
    expect(snippets.iframe).toContain(`src="http://relay.test/v1/forms/contact/embed"`);
    expect(snippets.iframe).toContain(`height="${formHeight(publicDefinition('contact', config.forms.contact!), 640, 1280)}"`);
  });

  it("points at the relay's public URL when one is configured", async () => {
    const snippets = (await (await get(configOf({ publicUrl: 'https://forms.example.com/' }), '/v1/admin/forms/contact/snippets', TOKEN)).json()) as Record<
      string,
      string
    >;
    expect(snippets.declarative).toContain('<script async src="https://forms.example.com/v1/leadform.js"></script>');
  });
});
