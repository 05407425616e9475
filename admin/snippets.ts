/** The snippet a site owner pastes for each embed mode of a form, as the README's "Embed modes" section gives them. */

export interface Snippet {
  mode: 'declarative' | 'queue' | 'popup' | 'iframe';
  title: string;
  code: string;
}

const STUB = 'window.LeadForm=window.LeadForm||function(){(LeadForm.q=LeadForm.q||[]).push(arguments)};';

export function snippetsFor(relay: string, formId: string): Snippet[] {
  const script = `<script async src="${relay}/v1/leadform.js"></script>`;
  const target = `leadform-${formId}`;
  return [
    { mode: 'declarative', title: 'Declarative: a div where the form goes', code: `<div data-leadform="${formId}"></div>\n${script}` },
    {
      mode: 'queue',
      title: 'Imperative: LeadForm command queue (safe before the script loads)',
      code: `<div id="${target}"></div>\n<script>\n  ${STUB}\n  LeadForm('render', {form: '${formId}', target: '#${target}'});\n  LeadForm('on', 'success', function (event) { /* e.g. analytics */ });\n</script>\n${script}`,
    },
    {
      mode: 'popup',
      title: 'Popup: opens over the page from a button',
      // A data attribute rather than an onclick: it works on pages whose CSP forbids inline script.
      code: `<button type="button" data-leadform-open="${formId}">Contact us</button>\n${script}`,
    },
    {
      mode: 'iframe',
      title: 'Iframe: where no script is allowed',
      // Attributes rather than a style attribute, which a strict CSP refuses.
      code: `<iframe src="${relay}/v1/forms/${formId}/embed" title="Contact form" width="100%" height="640" frameborder="0" loading="lazy"></iframe>`,
    },
  ];
}
