import type { Catalogue } from '../../../src/schema/messages.ts';

export default {
  required: 'Dieses Feld ist erforderlich.',
  invalid_email: 'Bitte geben Sie eine gültige E-Mail-Adresse ein.',
  invalid_tel: 'Bitte geben Sie eine gültige Telefonnummer ein.',
  too_short: 'Bitte geben Sie mindestens {min} Zeichen ein.',
  too_long: 'Bitte geben Sie höchstens {max} Zeichen ein.',
  pattern: 'Das Format ist ungültig.',
  invalid_option: 'Bitte wählen Sie eine der Optionen.',
  invalid_type: 'Dieser Wert ist ungültig.',
  submit: 'Senden',
  sending: 'Wird gesendet…',
  success: 'Vielen Dank! Wir melden uns bei Ihnen.',
  failure: 'Ihre Nachricht konnte nicht gesendet werden. Bitte versuchen Sie es erneut.',
  retry: 'Erneut versuchen',
  offline: 'Sie sind offline. Ihre Nachricht ist gespeichert und wird gesendet, sobald Sie wieder online sind.',
  errors_summary: 'Bitte korrigieren Sie die markierten Felder.',
  policy: 'Datenschutzerklärung',
  close: 'Schließen',
} satisfies Catalogue;
