import type { Catalogue } from '../../../src/schema/messages.ts';

export default {
  required: 'Este campo é obrigatório.',
  invalid_email: 'Introduza um endereço de e-mail válido.',
  invalid_tel: 'Introduza um número de telefone válido.',
  too_short: 'Introduza pelo menos {min} caracteres.',
  too_long: 'Introduza no máximo {max} caracteres.',
  pattern: 'O formato não é válido.',
  invalid_option: 'Escolha uma das opções.',
  invalid_type: 'Este valor não é válido.',
  submit: 'Enviar',
  sending: 'A enviar…',
  success: 'Obrigado! Entraremos em contacto em breve.',
  failure: 'Não foi possível enviar a sua mensagem. Tente novamente.',
  retry: 'Tentar novamente',
  offline: 'Está offline. A sua mensagem foi guardada e será enviada quando voltar a estar online.',
  errors_summary: 'Corrija os campos assinalados.',
  policy: 'Política de privacidade',
  close: 'Fechar',
} satisfies Catalogue;
