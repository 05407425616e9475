import { describe, expect, it } from 'vitest';
import { sampleLead } from './contract.ts';
import { parseTemplate, pathProblem, renderTemplate, type Template, templateData, templatePaths } from './template.ts';

function parsed(source: string): Template {
  const result = parseTemplate(source);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
}

const data = {
  fields: { name: 'Ada <b>Lovelace</b> & "Co"', email: 'ada@example.com', company: '', agree: true, note: '{{fields.email}}' },
  attribution: { last: { source: 'google' }, first: {} },
};

describe('template language', () => {
  it('inserts values, escaped in HTML and as typed in plain text', () => {
    const template = parsed('<p>Hi {{fields.name}}</p>');
    expect(renderTemplate(template, data, 'html')).toBe('<p>Hi Ada &lt;b&gt;Lovelace&lt;/b&gt; &amp; &quot;Co&quot;</p>');
    expect(renderTemplate(template, data, 'text')).toBe('<p>Hi Ada <b>Lovelace</b> & "Co"</p>');
  });

  it('shows an {{#if}} part only for a value that is there, else its {{else}} part, nested too', () => {
    const template = parsed('{{#if fields.company}}at {{fields.company}}{{else}}no company{{#if fields.agree}}, agreed{{/if}}{{/if}}');
    expect(renderTemplate(template, data, 'text')).toBe('no company, agreed');
    expect(renderTemplate(template, { fields: { company: 'ACME' } }, 'text')).toBe('at ACME');
    expect(renderTemplate(parsed('{{#if attribution.last.source}}via {{attribution.last.source}}{{/if}}'), data, 'text')).toBe('via google');
  });

  it('never reads a value as a template, nor reaches a prototype', () => {
    expect(renderTemplate(parsed('{{fields.note}}'), data, 'text')).toBe('{{fields.email}}');
    for (const path of ['fields.constructor', 'fields.__proto__', 'fields.toString', 'fields.hasOwnProperty', 'constructor.name']) {
      expect(renderTemplate(parsed(`[{{${path}}}]`), data, 'text')).toBe('[]');
      expect(renderTemplate(parsed(`{{#if ${path}}}yes{{/if}}`), data, 'text')).toBe('');
    }
  });

  it('writes a header on one line, so a CR/LF in a value cannot add a header', () => {
    const template = parsed('New lead: {{fields.name}}');
    expect(renderTemplate(template, { fields: { name: 'Eve\r\nBcc: victim@example.com' } }, 'header')).toBe('New lead: Eve Bcc: victim@example.com');
  });

  it('refuses code, helpers, raw output and broken tags, naming where', () => {
    const problems = (source: string) => {
      const result = parseTemplate(source);
      return result.ok ? [] : result.problems;
    };
    expect(problems('{{fields.name.toUpperCase()}}')[0]).toMatch(/^at character 1: .* is not a value/);
    expect(problems('x {{#each fields}}{{/each}}')[0]).toMatch(/^at character 3: .* is not a value/);
    expect(problems('{{> partial}}')[0]).toMatch(/is not a value/);
    expect(problems('{{#if fields.a}}open')[0]).toBe('at character 1: {{#if fields.a}} is never closed; add {{/if}}');
    expect(problems('{{/if}}')[0]).toMatch(/closes no \{\{#if\}\}/);
    expect(problems('{{else}}')[0]).toMatch(/outside an \{\{#if\}\}/);
    expect(problems('Hi {{fields.name')[0]).toMatch(/unfinished \{\{ \}\} tag/);
    expect(problems('{{#if}}x{{/if}}')[0]).toMatch(/needs a value to test/);
    expect(problems('{{#if a}}'.repeat(9) + '{{/if}}'.repeat(9))[0]).toMatch(/more than 8/);
    expect(problems('x'.repeat(20_001))[0]).toMatch(/too long/);
  });

  it('knows which paths name something a lead has', () => {
    for (const path of ['fields.anything', 'attribution.last.source', 'attribution.first.gclid', 'attribution.touches', 'lead.receivedAt', 'adminUrl']) {
      expect(pathProblem(path), path).toBeUndefined();
    }
    for (const path of ['field.name', 'attribution.middle.source', 'attribution.last.source.x', 'lead.secret', 'adminUrl.x', 'fields.a.b']) {
      expect(pathProblem(path), path).toMatch(/is not a value a lead has/);
    }
    expect(pathProblem('fields.nmae', ['name'])).toBe('{{fields.nmae}} is not a field of the form; use one of fields.name');
  });

  it('lists the paths it reads', () => {
    expect(templatePaths(parsed('{{fields.email}}{{#if fields.company}}{{attribution.last.source}}{{/if}}'))).toEqual([
      'fields.email',
      'fields.company',
      'attribution.last.source',
    ]);
  });

  it("sees a lead's attribution with short names beside the utm_ ones, and the admin link", () => {
    const lead = sampleLead();
    const view = templateData(lead, 'https://forms.example.com/admin#submission=x');
    expect(view.attribution.last).toMatchObject({ source: 'google', medium: 'cpc', campaign: 'brand-search', utm_source: 'google' });
    expect(view.attribution.first).toMatchObject({ source: 'newsletter', landing_page: 'https://www.example.com/pricing' });
    expect(renderTemplate(parsed('{{adminUrl}} {{lead.id}}'), view, 'text')).toBe(`https://forms.example.com/admin#submission=x ${lead.id}`);
  });
});
