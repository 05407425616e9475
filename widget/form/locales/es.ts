import type { Catalogue } from '../../../src/schema/messages.ts';

export default {
  required: 'Este campo es obligatorio.',
  invalid_email: 'Introduce una dirección de correo válida.',
  invalid_tel: 'Introduce un número de teléfono válido.',
  too_short: 'Introduce al menos {min} caracteres.',
  too_long: 'Introduce como máximo {max} caracteres.',
  pattern: 'El formato no es válido.',
  invalid_option: 'Elige una de las opciones.',
  invalid_type: 'Este valor no es válido.',
  submit: 'Enviar',
  sending: 'Enviando…',
  success: '¡Gracias! Nos pondremos en contacto contigo.',
  failure: 'No se pudo enviar tu mensaje. Inténtalo de nuevo.',
  retry: 'Reintentar',
  offline: 'Estás sin conexión. Tu mensaje está guardado y se enviará cuando vuelvas a estar en línea.',
  errors_summary: 'Corrige los campos marcados.',
  policy: 'Política de privacidad',
  close: 'Cerrar',
} satisfies Catalogue;
