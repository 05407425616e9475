import type { Catalogue } from '../../../src/schema/messages.ts';

export default {
  required: 'Ce champ est obligatoire.',
  invalid_email: 'Saisissez une adresse e-mail valide.',
  invalid_tel: 'Saisissez un numéro de téléphone valide.',
  too_short: 'Saisissez au moins {min} caractères.',
  too_long: 'Saisissez au plus {max} caractères.',
  pattern: "Le format n'est pas valide.",
  invalid_option: "Choisissez l'une des options.",
  invalid_type: "Cette valeur n'est pas valide.",
  submit: 'Envoyer',
  sending: 'Envoi en cours…',
  success: 'Merci ! Nous vous recontacterons bientôt.',
  failure: "Votre message n'a pas pu être envoyé. Veuillez réessayer.",
  retry: 'Réessayer',
  offline: 'Vous êtes hors ligne. Votre message est enregistré et sera envoyé dès votre retour en ligne.',
  errors_summary: 'Veuillez corriger les champs signalés.',
  policy: 'Politique de confidentialité',
  close: 'Fermer',
} satisfies Catalogue;
