import type { Catalogue } from '../../../src/schema/messages.ts';

export default {
  required: 'Это поле обязательно.',
  invalid_email: 'Введите корректный e-mail.',
  invalid_tel: 'Введите корректный номер телефона.',
  too_short: 'Введите не менее {min} символов.',
  too_long: 'Введите не более {max} символов.',
  pattern: 'Неверный формат.',
  invalid_option: 'Выберите один из вариантов.',
  invalid_type: 'Недопустимое значение.',
  submit: 'Отправить',
  sending: 'Отправка…',
  success: 'Спасибо! Мы скоро с вами свяжемся.',
  failure: 'Не удалось отправить. Попробуйте ещё раз.',
  retry: 'Повторить',
  offline: 'Нет сети. Сообщение сохранено и уйдёт, когда связь вернётся.',
  errors_summary: 'Исправьте отмеченные поля.',
  policy: 'Политика конфиденциальности',
  close: 'Закрыть',
} satisfies Catalogue;
