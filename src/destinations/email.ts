/**
 * Email: a team alert (the lead's fields, where it came from, a link to it in the admin page) or,
 * with `"to": ["{{fields.email}}"]`, an auto-reply to the visitor. On Node it goes through your
 * SMTP server (`smtpUrlEnv`, with the sender the runtime injects); on Workers, which open no
 * SMTP connections, through Postmark's HTTP API (`"provider": "postmark"`). Every message has a
 * `Message-ID` made from the lead and the destination, so a resend after a lost answer is
 * recognisably the same message, and an `X-Leadform-Lead` header naming the submission. Through
 * Postmark, a retry after a lost answer first searches the sent messages for that Message-ID
 * (kept in the message's metadata), so the message goes out once.
 *
 * An auto-reply goes to a visitor only with consent: when the form asks (a `consent` field) and
 * it was given, or when the form asks nothing and `sendWithoutConsent` says so. Otherwise the
 * lead ends as a permanent failure saying why, with no retry: the admin page shows the reason,
 * and nobody is written to who did not agree to it.
 */
import * as z from 'zod/mini';
import type { Checked } from '../schema/checked.ts';
import { LocalizedText } from '../schema/form.ts';
import type { Lead } from '../schema/lead.ts';
import { envName } from '../schema/problems.ts';
import { type DestinationDeps, defineDestination, type RoutedForm } from './define.ts';
import { classify, field, isSuccess, joinUrl, type SendContext, send, truncate } from './http.ts';
import { leadFieldText } from './mapping.ts';
import {
  adminLink,
  escapeHtml,
  oneLine,
  parseTemplate,
  pathProblem,
  renderTemplate,
  type Template,
  type TemplateData,
  templateData,
  templatePaths,
} from './template.ts';
import type { DeliveryOutcome, MailMessage, MailResult, SendMail } from './types.ts';

/** `a@b.example`: no spaces, quotes or brackets, one @, a dot in the domain. */
const ADDRESS = /^[^\s@"<>()[\],;:\\]+@[^\s@"<>()[\],;:\\]+\.[^\s@"<>()[\],;:\\.]{2,}$/u;
/** `Name <a@b.example>` or a bare address. */
const MAILBOX = /^(?:([^<>\r\n"]{0,100}?)\s*<([^<>\s]+)>|([^<>\s]+))$/u;
/** A recipient that is the visitor: exactly `{{fields.NAME}}`. */
const VISITOR = /^\{\{\s*fields\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;

export const POSTMARK_URL = 'https://api.postmarkapp.com';

export const EmailOptions = z.strictObject({
  /**
   * The environment variable holding the SMTP server's URL with its login:
   * `smtps://user:password@smtp.example.com` (implicit TLS, port 465) or
   * `smtp://user:password@smtp.example.com:587` (STARTTLS when the server offers it; add
   * `?requireTLS=true` to refuse sending without it). Node only. This or `provider` is required.
   * @default none
   */
  smtpUrlEnv: z.optional(envName('SMTP_URL')),
  /**
   * Send through an email provider's HTTP API instead of SMTP: the way on Workers.
   * @default none (SMTP)
   */
  provider: z.optional(z.enum(['postmark'])),
  /**
   * With `provider`: the environment variable holding its API token (Postmark: the server
   * token, sent as `X-Postmark-Server-Token`).
   * @default none
   */
  apiTokenEnv: z.optional(envName('POSTMARK_SERVER_TOKEN')),
  /**
   * With `provider`: its API's address, for a test double.
   * @default "https://api.postmarkapp.com"
   */
  baseUrl: z.optional(z.url({ protocol: /^https?$/ })),
  /**
   * With `provider: "postmark"`: the message stream.
   * @default "outbound"
   */
  messageStream: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  /** The sender, `team@example.com` or `Example Team <team@example.com>`. Required. */
  from: z.string(),
  /**
   * The recipients: addresses for a team alert, or `["{{fields.email}}"]` (the form's email
   * field) for an auto-reply to the visitor. Required.
   */
  to: z.array(z.string()).check(z.minLength(1), z.maxLength(50)),
  /**
   * Where a reply goes. `"{{fields.email}}"` is the visitor.
   * @default for a team alert, the visitor's address when the lead has one; none for an auto-reply
   */
  replyTo: z.optional(z.string()),
  /**
   * The subject, a template, per locale (`{"en": "…", "de": "…"}`) or one for all.
   * @default "New lead: {{fields.name}}" (alert) or "Thank you for your message" (auto-reply), per locale
   */
  subject: z.optional(LocalizedText),
  /**
   * The plain-text part, a template, per locale or one for all.
   * @default the lead's fields, attribution and link (alert), or a short thank-you (auto-reply)
   */
  text: z.optional(LocalizedText),
  /**
   * The HTML part, a template whose values are HTML-escaped. Needs `text` beside it.
   * @default the plain-text part, escaped, in a <pre>-like block (or the built-in one)
   */
  html: z.optional(LocalizedText),
  /**
   * An auto-reply to a form that asks no consent is sent only when this says so. A form with a
   * consent field always needs it given, whatever this says.
   * @default false
   */
  sendWithoutConsent: z.optional(z.boolean()),
  /**
   * The field whose tick is the visitor's consent to the auto-reply.
   * @default every `consent` field of the form
   */
  consentField: z.optional(z.string()),
  /**
   * Most messages per window, when your server or provider limits them.
   * @default no pacing
   */
  pace: z.optional(z.object({ calls: z.int().check(z.minimum(1)), perMs: z.int().check(z.minimum(1)) })),
});
export type EmailOptions = z.infer<typeof EmailOptions>;

type Localized = Readonly<Record<string, Template>>;

interface EmailSettings {
  transport: { kind: 'smtp'; sendMail: SendMail } | { kind: 'postmark'; url: string; base: string; messageStream: string };
  from: string;
  /** Fixed recipients (alert) or the visitor's email field (auto-reply). */
  to: { kind: 'team'; addresses: string[] } | { kind: 'visitor'; field: string };
  replyTo: { kind: 'none' } | { kind: 'fixed'; address: string } | { kind: 'visitor'; field: string } | { kind: 'lead' };
  subject: Localized;
  text?: Localized | undefined;
  html?: Localized | undefined;
  forms?: Readonly<Record<string, RoutedForm>> | undefined;
  formOf?: ((formId: string) => RoutedForm | undefined) | undefined;
  consentField?: string | undefined;
  sendWithoutConsent: boolean;
  publicUrl?: (() => string | undefined) | undefined;
  /** Part of every Message-ID: which destination sent it. */
  tag: string;
}

const ALERT_SUBJECT: Record<string, string> = {
  en: 'New lead: {{#if fields.name}}{{fields.name}}{{else}}{{fields.email}}{{/if}} ({{lead.formId}})',
  de: 'Neuer Lead: {{#if fields.name}}{{fields.name}}{{else}}{{fields.email}}{{/if}} ({{lead.formId}})',
  fr: 'Nouveau contact : {{#if fields.name}}{{fields.name}}{{else}}{{fields.email}}{{/if}} ({{lead.formId}})',
};

const REPLY_SUBJECT: Record<string, string> = {
  en: 'Thank you for your message',
  de: 'Danke für Ihre Nachricht',
  fr: 'Merci pour votre message',
};

const REPLY_TEXT: Record<string, string> = {
  en: 'Hello{{#if fields.name}} {{fields.name}}{{/if}},\n\nthank you for getting in touch. We have your message and will answer soon.\n\nThis is an automatic reply to the form you sent; you may answer it.\n',
  de: 'Hallo{{#if fields.name}} {{fields.name}}{{/if}},\n\ndanke für Ihre Nachricht. Sie ist bei uns angekommen, und wir antworten bald.\n\nDies ist eine automatische Antwort auf Ihr Formular; Sie können darauf antworten.\n',
  fr: 'Bonjour{{#if fields.name}} {{fields.name}}{{/if}},\n\nmerci de nous avoir écrit. Nous avons bien reçu votre message et vous répondrons bientôt.\n\nCeci est une réponse automatique au formulaire envoyé ; vous pouvez y répondre.\n',
};

/** The words of the built-in team alert, per locale. */
const ALERT_WORDS: Record<string, Record<'heading' | 'origin' | 'campaign' | 'landing' | 'referrer' | 'page' | 'first' | 'open' | 'noLink' | 'id', string>> = {
  en: {
    heading: 'New lead from form',
    origin: 'Where it came from',
    campaign: 'Source / medium / campaign',
    landing: 'Landing page',
    referrer: 'Referrer',
    page: 'Sent from',
    first: 'First visit',
    open: 'Open it in the admin page',
    noLink: 'Set "publicUrl" in the relay configuration to link this alert to the admin page.',
    id: 'Submission',
  },
  de: {
    heading: 'Neuer Lead aus dem Formular',
    origin: 'Herkunft',
    campaign: 'Quelle / Medium / Kampagne',
    landing: 'Einstiegsseite',
    referrer: 'Verweis',
    page: 'Gesendet von',
    first: 'Erster Besuch',
    open: 'Im Admin-Bereich öffnen',
    noLink: 'Setzen Sie "publicUrl" in der Konfiguration, um diese Meldung mit dem Admin-Bereich zu verknüpfen.',
    id: 'Eingang',
  },
};

/** The lead's locale, then its language, then English: the key of `values` to use. */
export function pickLocale<T>(values: Readonly<Record<string, T>>, locale: string | undefined): T | undefined {
  const wanted = (locale ?? '').toLowerCase();
  const keys = Object.keys(values);
  const exact = keys.find((key) => key.toLowerCase() === wanted);
  const language = keys.find((key) => key.toLowerCase() === wanted.split('-')[0]);
  const key = exact ?? language ?? (Object.hasOwn(values, 'en') ? 'en' : keys[0]);
  return key === undefined ? undefined : values[key];
}

/**
 * Parses a template option, and checks every value it reads against each form that delivers
 * here (a misspelt field would print nothing). The built-in templates are not checked: they test
 * what a form may lack with {{#if}}.
 */
function parseLocalized(
  key: string,
  value: LocalizedText | undefined,
  fallback?: Record<string, string>,
  forms?: Readonly<Record<string, RoutedForm>>,
): Checked<Localized | undefined> {
  const source = value === undefined ? fallback : typeof value === 'string' ? { en: value } : value;
  if (!source) return { ok: true, value: undefined };
  const parsed: Record<string, Template> = {};
  const problems: string[] = [];
  for (const [locale, text] of Object.entries(source)) {
    const result = parseTemplate(text);
    const at = typeof value === 'string' ? key : `${key}.${locale}`;
    if (!result.ok) {
      problems.push(...result.problems.map((problem) => `${at}: ${problem}`));
      continue;
    }
    parsed[locale] = result.value;
    if (value === undefined) continue;
    const checks = Object.entries(forms ?? {}).length ? Object.entries(forms ?? {}) : [['', undefined] as const];
    for (const path of new Set(templatePaths(result.value))) {
      for (const [formId, form] of checks) {
        const problem = pathProblem(
          path,
          form?.fields.map((f) => f.name),
        );
        if (problem) {
          problems.push(`${at}: ${formId ? `for form "${formId}", ` : ''}${problem}`);
          break;
        }
      }
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, value: parsed };
}

/** FNV-1a, 32 bits, as hex: a short stable tag, not a secret. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

function mailboxProblem(key: string, value: string): string | undefined {
  const match = MAILBOX.exec(value);
  const address = match?.[2] ?? match?.[3];
  if (!address || !ADDRESS.test(address))
    return `${key}: "${truncate(value, 80)}" is not an email address; write "team@example.com" or "Example Team <team@example.com>"`;
  return undefined;
}

function domainOf(mailbox: string): string {
  const match = MAILBOX.exec(mailbox);
  return (match?.[2] ?? match?.[3] ?? 'leadform.invalid').split('@')[1]!;
}

/** The visitor's email field named by `to` must be an email field of every form that delivers here. */
function visitorFieldProblems(key: string, fieldName: string, forms: Readonly<Record<string, RoutedForm>> | undefined): string[] {
  return Object.entries(forms ?? {}).flatMap(([formId, form]) => {
    const found = form.fields.find((f) => f.name === fieldName);
    if (found?.type === 'email') return [];
    const emailFields = form.fields.filter((f) => f.type === 'email').map((f) => `{{fields.${f.name}}}`);
    const fix = emailFields.length ? `use ${emailFields.join(' or ')}` : `add a field {"name": "${fieldName}", "type": "email"} to the form`;
    return [`${key}: form "${formId}" has no email field "${fieldName}" to reply to${found ? ` (it is a ${found.type} field)` : ''}; ${fix}`];
  });
}

function consentFieldsOf(form: RoutedForm | undefined, consentField: string | undefined): string[] | undefined {
  if (consentField) return [consentField];
  return form?.fields.filter((f) => f.type === 'consent').map((f) => f.name);
}

function prepare(options: EmailOptions, deps: DestinationDeps): Checked<EmailSettings> {
  const problems: string[] = [];
  let transport: EmailSettings['transport'] | undefined;
  if (options.smtpUrlEnv && options.provider) {
    problems.push('smtpUrlEnv: given together with provider; keep one: smtpUrlEnv for your SMTP server (Node), or provider with apiTokenEnv (Workers too)');
  } else if (options.smtpUrlEnv) {
    if (!deps.sendMail) {
      problems.push(
        'smtpUrlEnv: this runtime (Cloudflare Workers) opens no SMTP connections; send through an HTTP provider instead: "provider": "postmark" with "apiTokenEnv": "POSTMARK_SERVER_TOKEN"',
      );
    } else transport = { kind: 'smtp', sendMail: deps.sendMail };
  } else if (options.provider) {
    if (!options.apiTokenEnv)
      problems.push(`apiTokenEnv: missing; name the environment variable holding the ${options.provider} server token, e.g. "POSTMARK_SERVER_TOKEN"`);
    const base = options.baseUrl ?? POSTMARK_URL;
    transport = { kind: 'postmark', url: joinUrl(base, '/email'), base, messageStream: options.messageStream ?? 'outbound' };
  } else {
    problems.push(
      'smtpUrlEnv: missing; name the environment variable holding your SMTP URL (e.g. "SMTP_URL"), or send through "provider": "postmark" with "apiTokenEnv"',
    );
  }
  if (options.apiTokenEnv && !options.provider) problems.push('apiTokenEnv: only used with provider; add "provider": "postmark" or remove it');
  const fromProblem = mailboxProblem('from', options.from);
  if (fromProblem) problems.push(fromProblem);

  const visitorFields = options.to.map((entry) => VISITOR.exec(entry.trim())?.[1]);
  let to: EmailSettings['to'];
  if (visitorFields.some(Boolean)) {
    if (options.to.length > 1) problems.push('to: an auto-reply goes to the visitor alone; make the team alert a destination of its own');
    const fieldName = visitorFields[0] ?? visitorFields.find(Boolean)!;
    to = { kind: 'visitor', field: fieldName };
    problems.push(...visitorFieldProblems('to.0', fieldName, deps.forms));
    const needConsent = Object.entries(deps.forms ?? {}).filter(([, form]) => !consentFieldsOf(form, options.consentField)?.length);
    if (!options.sendWithoutConsent) {
      for (const [formId] of needConsent) {
        problems.push(
          `sendWithoutConsent: form "${formId}" asks no consent, so this auto-reply would never be sent; add a consent field to the form, or set "sendWithoutConsent": true if you may write to its visitors without it`,
        );
      }
    }
    if (options.consentField) {
      for (const [formId, form] of Object.entries(deps.forms ?? {})) {
        const found = form.fields.find((f) => f.name === options.consentField);
        if (found?.type !== 'consent' && found?.type !== 'checkbox') {
          problems.push(
            `consentField: form "${formId}" has no consent or checkbox field "${options.consentField}"; name one of its fields, or remove consentField`,
          );
        }
      }
    }
  } else {
    to = { kind: 'team', addresses: options.to };
    options.to.forEach((address, index) => {
      const problem = mailboxProblem(`to.${index}`, address);
      if (problem) problems.push(problem);
    });
  }

  let replyTo: EmailSettings['replyTo'] = to.kind === 'team' ? { kind: 'lead' } : { kind: 'none' };
  if (options.replyTo !== undefined) {
    const visitor = VISITOR.exec(options.replyTo.trim())?.[1];
    if (visitor) {
      replyTo = { kind: 'visitor', field: visitor };
      problems.push(...visitorFieldProblems('replyTo', visitor, deps.forms));
    } else {
      const problem = mailboxProblem('replyTo', options.replyTo);
      if (problem) problems.push(problem);
      replyTo = { kind: 'fixed', address: options.replyTo };
    }
  }

  if (options.html !== undefined && options.text === undefined)
    problems.push('html: given without text; add a plain-text part too ("text"), which every mail client can show');
  const autoReply = to.kind === 'visitor';
  const subject = parseLocalized('subject', options.subject, autoReply ? REPLY_SUBJECT : ALERT_SUBJECT, deps.forms);
  const text = parseLocalized('text', options.text, autoReply ? REPLY_TEXT : undefined, deps.forms);
  const html = parseLocalized('html', options.html, undefined, deps.forms);
  for (const part of [subject, text, html]) if (!part.ok) problems.push(...part.problems);
  if (problems.length || !transport || !subject.ok || !text.ok || !html.ok) return { ok: false, problems };
  return {
    ok: true,
    value: {
      transport,
      from: oneLine(options.from),
      to,
      replyTo,
      subject: subject.value!,
      text: text.value,
      html: html.value,
      forms: deps.forms,
      formOf: deps.formOf,
      consentField: options.consentField,
      sendWithoutConsent: options.sendWithoutConsent === true,
      publicUrl: deps.publicUrl,
      tag: shortHash(JSON.stringify([options.from, options.to, options.provider ?? 'smtp'])),
    },
  };
}

/** A visitor's address from a field, or undefined when it is not one (no header may be smuggled in). */
function visitorAddress(lead: Lead, fieldName: string): string | undefined {
  const value = lead.fields[fieldName];
  return typeof value === 'string' && ADDRESS.test(value.trim()) ? value.trim() : undefined;
}

/** Why an auto-reply may not go to this visitor, or undefined when it may. */
export function consentRefusal(lead: Lead, settings: Pick<EmailSettings, 'forms' | 'formOf' | 'consentField' | 'sendWithoutConsent'>): string | undefined {
  const form = formOfLead(lead, settings);
  const consentFields = consentFieldsOf(form, settings.consentField);
  if (consentFields === undefined) {
    return `form "${lead.formId}" was not known when the relay started, so whether its visitor consented is unknown; name the form's consent field in "consentField"`;
  }
  if (consentFields.length === 0) {
    return settings.sendWithoutConsent
      ? undefined
      : `form "${lead.formId}" asks no consent; set "sendWithoutConsent": true if you may write to its visitors without it`;
  }
  const missing = consentFields.filter((name) => lead.fields[name] !== true);
  if (missing.length === 0) return undefined;
  return `the visitor did not give consent (${missing.map((name) => `"${name}"`).join(', ')} not ticked); an auto-reply goes only to a visitor who agreed`;
}

/** The lead's form as it is served now, else as it was at start-up. */
function formOfLead(lead: Lead, settings: Pick<EmailSettings, 'forms' | 'formOf'>): RoutedForm | undefined {
  return settings.formOf?.(lead.formId) ?? settings.forms?.[lead.formId];
}

/** How an alert writes a box the visitor ticked, or left unticked. */
const TICKS = ['✓', '✗'] as const;

function fieldLabel(form: RoutedForm | undefined, name: string, locale: string | undefined): string {
  const label = form?.fields.find((f) => f.name === name)?.label;
  if (typeof label === 'string') return label;
  if (label) return pickLocale(label, locale) ?? name;
  return name;
}

/** The built-in team alert: every field, where the lead came from, the link. */
function alertParts(lead: Lead, data: TemplateData, settings: EmailSettings): { text: string; html: string } {
  const words = pickLocale(ALERT_WORDS, lead.locale)!;
  const form = formOfLead(lead, settings);
  const rows = Object.keys(lead.fields).map((name) => [fieldLabel(form, name, lead.locale), leadFieldText(lead, name, TICKS)] as const);
  const last = data.attribution.last;
  const first = data.attribution.first;
  const campaign = (touch: Record<string, string>) => [touch.source, touch.medium, touch.campaign].map((part) => part || '—').join(' / ');
  const origin: [string, string][] = [[words.campaign, campaign(last)]];
  const landing = first.landing_page ?? last.landing_page;
  if (landing) origin.push([words.landing, landing]);
  const referrer = last.referrer ?? first.referrer;
  if (referrer) origin.push([words.referrer, referrer]);
  if (lead.page) origin.push([words.page, lead.page]);
  if (Object.keys(first).length && campaign(first) !== campaign(last)) origin.push([words.first, campaign(first)]);
  const link = data.adminUrl;

  const textRows = (list: readonly (readonly [string, string])[]) =>
    list.map(([label, value]) => (value.includes('\n') ? `${label}:\n${value.replace(/^/gm, '  ')}` : `${label}: ${value}`)).join('\n');
  const text = [
    `${words.heading} "${lead.formId}" — ${lead.receivedAt}`,
    '',
    textRows(rows),
    '',
    words.origin,
    textRows(origin),
    '',
    link ? `${words.open}: ${link}` : words.noLink,
    `${words.id}: ${lead.id}`,
    '',
  ].join('\n');

  const htmlRows = (list: readonly (readonly [string, string])[]) =>
    list
      .map(
        ([label, value]) =>
          `<tr><th align="left" valign="top" style="padding:4px 12px 4px 0">${escapeHtml(label)}</th><td style="padding:4px 0;white-space:pre-wrap">${escapeHtml(value)}</td></tr>`,
      )
      .join('');
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111827">',
    `<p>${escapeHtml(words.heading)} <strong>${escapeHtml(lead.formId)}</strong> — ${escapeHtml(lead.receivedAt)}</p>`,
    `<table role="presentation">${htmlRows(rows)}</table>`,
    `<h3>${escapeHtml(words.origin)}</h3>`,
    `<table role="presentation">${htmlRows(origin)}</table>`,
    link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(words.open)}</a></p>` : `<p>${escapeHtml(words.noLink)}</p>`,
    `<p style="color:#6b7280">${escapeHtml(words.id)}: ${escapeHtml(lead.id)}</p>`,
    '</body></html>',
  ].join('');
  return { text, html };
}

/** The message for this lead, or why it must not be sent. */
export function composeEmail(lead: Lead, settings: EmailSettings): { ok: true; message: MailMessage } | { ok: false; reason: string } {
  const data = templateData(lead, adminLink(settings.publicUrl, lead));
  let to: string[];
  if (settings.to.kind === 'visitor') {
    const refusal = consentRefusal(lead, settings);
    if (refusal) return { ok: false, reason: `not sent, by the consent rule: ${refusal}` };
    const address = visitorAddress(lead, settings.to.field);
    if (!address) return { ok: false, reason: `not sent: the lead's "${settings.to.field}" is not an email address to reply to` };
    to = [address];
  } else to = settings.to.addresses;

  let replyTo: string | undefined;
  if (settings.replyTo.kind === 'fixed') replyTo = settings.replyTo.address;
  else if (settings.replyTo.kind === 'visitor') replyTo = visitorAddress(lead, settings.replyTo.field);
  else if (settings.replyTo.kind === 'lead') replyTo = visitorAddress(lead, 'email');

  const subject = truncate(renderTemplate(pickLocale(settings.subject, lead.locale)!, data, 'header'), 250);
  let text: string;
  let html: string;
  const textTemplate = settings.text && pickLocale(settings.text, lead.locale);
  if (textTemplate) {
    text = renderTemplate(textTemplate, data, 'text');
    const htmlTemplate = settings.html && pickLocale(settings.html, lead.locale);
    html = htmlTemplate
      ? renderTemplate(htmlTemplate, data, 'html')
      : `<!doctype html><html><body><div style="font-family:system-ui,sans-serif;white-space:pre-wrap">${escapeHtml(text)}</div></body></html>`;
  } else ({ text, html } = alertParts(lead, data, settings));

  const safeId = lead.id.replace(/[^A-Za-z0-9._-]/g, '-');
  const headers: Record<string, string> = { 'X-Leadform-Lead': safeId, 'X-Leadform-Form': lead.formId.replace(/[^A-Za-z0-9_-]/g, '-') };
  // RFC 3834: marks the reply as automatic, so the visitor's own auto-responder does not answer it.
  if (settings.to.kind === 'visitor') headers['Auto-Submitted'] = 'auto-replied';
  return {
    ok: true,
    message: { from: settings.from, to, replyTo, subject, text, html, messageId: `<${safeId}.${settings.tag}@${domainOf(settings.from)}>`, headers },
  };
}

/** An SMTP transaction's end as a delivery outcome: 5xx for good, 4xx and silence again later. */
export function classifyMail(result: MailResult, messageId: string): DeliveryOutcome {
  const replies = (list: readonly { address: string; response: string }[]) => list.map((r) => `${r.address}: ${truncate(oneLine(r.response), 200)}`).join('; ');
  switch (result.kind) {
    case 'accepted': {
      if (result.refused.length === 0) return { kind: 'delivered', remoteId: messageId };
      const sentTo = result.accepted.join(', ');
      if (result.refused.some((r) => r.code >= 500)) {
        return {
          kind: 'failed',
          reason: `email: the SMTP server took it for ${sentTo} but refused ${replies(result.refused)}; fix the address, then replay (the others get it again, with the same Message-ID)`,
        };
      }
      return { kind: 'retry', reason: `email: sent to ${sentTo}; ${replies(result.refused)} refused for now`, uncertain: true };
    }
    case 'refused': {
      const reply = truncate(oneLine(result.response), 300);
      const what =
        result.phase === 'auth'
          ? 'the SMTP server refused the login'
          : result.phase === 'connect'
            ? 'the SMTP server refused the connection'
            : result.refused.length
              ? `the SMTP server refused ${replies(result.refused)}`
              : 'the SMTP server refused the message';
      const detail = result.refused.length ? '' : `: ${reply}`;
      if (result.code >= 500) {
        const fix = result.phase === 'auth' ? '; check the user and password in the SMTP URL' : '';
        return { kind: 'failed', reason: `email: ${what}${detail}${fix}` };
      }
      return { kind: 'retry', reason: `email: ${what} for now${detail}` };
    }
    case 'lost':
      return { kind: 'retry', reason: `email: ${result.reason}`, uncertain: result.dataSent };
    case 'invalid':
      return { kind: 'failed', reason: `email: ${result.reason}` };
  }
}

/** Postmark's documented error codes that a resend can never fix, with what to do. */
const POSTMARK_FIXES: Record<number, string> = {
  10: 'the server token was refused; set the variable to a server token of this Postmark server',
  300: 'Postmark refused the message as invalid',
  400: "the sender is not a Postmark sender signature; verify the From address's domain in Postmark",
  401: 'the sender signature is not confirmed yet; confirm it in Postmark',
  406: 'the recipient is inactive at Postmark (an earlier hard bounce or spam complaint); reactivate it in Postmark, then replay',
  412: 'the Postmark account is pending approval',
  413: 'the Postmark account may not send',
};

/** The Metadata key that names one message of one destination, so a retry can search for it. */
const POSTMARK_KEY = 'leadform_message';

type AdapterSendContext = SendContext & { uncertain: boolean };

/**
 * After a lost answer, Postmark's outbound message search (`GET /messages/outbound`, filtered by
 * the message's metadata) tells whether the first attempt was taken. The found message's id,
 * undefined when there is none, or the outcome when the search itself failed.
 */
async function postmarkFind(
  message: MailMessage,
  token: string,
  transport: { base: string },
  context: SendContext,
): Promise<{ found?: string } | DeliveryOutcome> {
  const query = new URLSearchParams({ count: '1', offset: '0', tag: 'leadform', [`metadata_${POSTMARK_KEY}`]: message.messageId });
  const answer = await send(context, {
    method: 'GET',
    url: `${joinUrl(transport.base, '/messages/outbound')}?${query}`,
    headers: { 'X-Postmark-Server-Token': token },
  });
  if (!isSuccess(answer)) return classify(answer, 'email (postmark) looking for an earlier attempt', false);
  const id = field(answer.body, 'Messages', 0, 'MessageID');
  return { found: Number(field(answer.body, 'TotalCount')) > 0 && typeof id === 'string' ? id : undefined };
}

async function sendPostmark(message: MailMessage, token: string, transport: { url: string; base: string; messageStream: string }, context: AdapterSendContext) {
  if (context.uncertain) {
    const earlier = await postmarkFind(message, token, transport, context);
    if ('kind' in earlier) return earlier;
    if (earlier.found) return { kind: 'exists', remoteId: earlier.found } as const;
  }
  const answer = await send(context, {
    method: 'POST',
    url: transport.url,
    headers: { 'X-Postmark-Server-Token': token },
    json: {
      From: message.from,
      To: message.to.join(', '),
      ...(message.replyTo ? { ReplyTo: message.replyTo } : {}),
      Subject: message.subject,
      TextBody: message.text,
      HtmlBody: message.html,
      MessageStream: transport.messageStream,
      Tag: 'leadform',
      Metadata: { lead: message.headers['X-Leadform-Lead'] ?? '', [POSTMARK_KEY]: message.messageId },
      Headers: [{ Name: 'Message-ID', Value: message.messageId }, ...Object.entries(message.headers).map(([Name, Value]) => ({ Name, Value }))],
    },
  });
  const code = field(answer.body, 'ErrorCode');
  const said = field(answer.body, 'Message');
  if (isSuccess(answer) && (code === 0 || code === undefined)) {
    const id = field(answer.body, 'MessageID');
    return { kind: 'delivered', remoteId: typeof id === 'string' ? id : message.messageId } as const;
  }
  const detail = `${typeof code === 'number' ? `ErrorCode ${code}` : ''}${typeof said === 'string' ? ` ${truncate(said, 200)}` : ''}`.trim();
  if (typeof code === 'number' && POSTMARK_FIXES[code] && answer.status !== 429 && answer.status < 500) {
    return { kind: 'failed', reason: `email (postmark): HTTP ${answer.status} ${detail}; ${POSTMARK_FIXES[code]}` } as const;
  }
  return classify(answer, 'email (postmark)', true, detail);
}

export const email = defineDestination({
  type: 'email',
  options: EmailOptions,
  secrets: ['smtpUrlEnv', 'apiTokenEnv'],
  pace: (options) => options.pace,
  prepare,
  async deliver(lead, context, settings) {
    const composed = composeEmail(lead, settings);
    // Nothing to retry: the same lead is refused the same way every time.
    if (!composed.ok) return { kind: 'failed', reason: `email: ${composed.reason}` };
    const { message } = composed;
    if (settings.transport.kind === 'postmark') return sendPostmark(message, context.secrets.apiToken ?? '', settings.transport, context);
    await context.pace();
    const result = await settings.transport.sendMail(context.secrets.smtpUrl ?? '', message, context.signal);
    return classifyMail(result, message.messageId);
  },
});
