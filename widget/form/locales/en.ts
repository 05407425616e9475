export { EN_MESSAGES as default } from '../../../src/schema/messages.ts';
