/** A `radio` field: a group of radio buttons, one per option. */
import { choiceGroup, type FieldProps } from './shared.tsx';

export const renderRadio = (props: FieldProps) =>
  choiceGroup(
    props,
    'radio',
    (value) => props.value === value,
    (value) => props.onInput(value),
  );
