/**
 * The English words for every message the form shows; the relay uses them to explain a 422. The
 * widget loads them like every other locale (`widget/form/locales/`, one small chunk each, only
 * the one a visitor reads), and takes the functions that word a message from `wording.ts`.
 */
import type { RuleCode } from './form-keys.ts';

export { format, localize, ruleMessage } from './wording.ts';

export const EN_MESSAGES = {
  required: 'This field is required.',
  invalid_email: 'Enter a valid email address.',
  invalid_tel: 'Enter a valid phone number.',
  too_short: 'Enter at least {min} characters.',
  too_long: 'Enter at most {max} characters.',
  pattern: 'The format is not valid.',
  invalid_option: 'Choose one of the options.',
  invalid_type: 'This value is not valid.',
  submit: 'Send',
  sending: 'Sending…',
  success: "Thank you! We'll be in touch.",
  /** The heading of the sent state, above `success` (or the form's own success message). */
  success_title: 'Message sent',
  failure: 'Your message could not be sent. Please try again.',
  retry: 'Try again',
  offline: "You're offline. Your message is saved and will be sent when you're back online.",
  errors_summary: 'Please correct the highlighted fields.',
  policy: 'Privacy policy',
  close: 'Close',
  invalid_number: 'Enter a number.',
  too_small: 'Enter a number of at least {min}.',
  too_large: 'Enter a number of at most {max}.',
  step_mismatch: 'Enter a number in steps of {step}.',
  invalid_date: 'Enter a valid date.',
  too_early: 'Enter a date on or after {min}.',
  too_late: 'Enter a date on or before {max}.',
  invalid_url: 'Enter a web address starting with https://.',
  invalid_country: 'Choose a country from the list.',
  too_few: 'Choose at least {min}.',
  too_many: 'Choose at most {max}.',
  next: 'Next',
  back: 'Back',
  step_progress: 'Step {step} of {total}',
  country: 'Country',
  country_search: 'Search countries',
} satisfies Record<RuleCode | string, string>;
export type MessageKey = keyof typeof EN_MESSAGES;
export type Catalogue = Record<MessageKey, string>;
