/** A single box: `checkbox` (true or false) and `consent`, which links the policy it agrees to. */
/** @jsxRuntime classic */
/** @jsx h */
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h
import { h } from '../dom.ts';
import { controlProps, type FieldProps, labelText, notes, requiredProps } from './shared.tsx';

export function renderCheckbox(props: FieldProps) {
  const { field, id } = props;
  return (
    <div class="field">
      <div class="check">
        <input
          {...controlProps(props)}
          {...requiredProps(props)}
          type="checkbox"
          checked={props.value === true}
          onChange={(event: { currentTarget: HTMLInputElement }) => props.onInput(event.currentTarget.checked)}
        />
        <label for={id}>{labelText(props)}</label>
        {field.type === 'consent' && field.policyUrl && (
          <a href={field.policyUrl} target="_blank" rel="noopener">
            {props.t.policy}
          </a>
        )}
      </div>
      {notes(props)}
    </div>
  );
}
