/**
 * A `checkboxes` field: several choices of its `options`, a box each, under a legend. Its value
 * lists the ticked options in the options' order; none ticked is no value.
 */
import { choiceGroup, type FieldProps } from './shared.tsx';

export function renderCheckboxes(props: FieldProps) {
  const chosen = Array.isArray(props.value) ? props.value : [];
  return choiceGroup(
    props,
    'checkbox',
    (value) => chosen.includes(value),
    (value, on) => {
      const next = (props.field.options ?? []).map((option) => option.value).filter((option) => (option === value ? on : chosen.includes(option)));
      props.onInput(next.length ? next : undefined);
    },
  );
}
