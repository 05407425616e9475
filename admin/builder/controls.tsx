/**
 * The builder's inputs: each one labelled, with an id from the draft path it edits (`controlId`),
 * so the relay's issue for that path is shown under it, tied with aria-describedby and marked
 * aria-invalid, and the list of issues at the top can move focus to it.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { controlId } from './model.ts';
import { issuesAt } from './store.ts';

/** What a control needs from the path it edits: its id, and the attributes its issues set. */
export function controlProps(path: string, hintId?: string) {
  const id = controlId(path);
  const found = issuesAt(path);
  const described = [hintId, found.length ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return { id, 'aria-invalid': found.length ? ('true' as const) : undefined, 'aria-describedby': described || undefined };
}

/** The issues of `path`, under its control. */
export function IssuesOf({ path }: { path: string }) {
  const found = issuesAt(path);
  if (!found.length) return null;
  return (
    <p class="error" id={`${controlId(path)}-error`}>
      {found.map((issue) => issue.message).join(' ')}
    </p>
  );
}

interface Base {
  path: string;
  label: string;
  hint?: string;
}

function Row({ path, label, hint, children }: Base & { children: ComponentChildren }) {
  return (
    <div class="control">
      <label for={controlId(path)}>{label}</label>
      {children}
      {hint && (
        <small id={`${controlId(path)}-hint`} class="hint">
          {hint}
        </small>
      )}
      <IssuesOf path={path} />
    </div>
  );
}

const hintOf = (path: string, hint?: string) => (hint ? `${controlId(path)}-hint` : undefined);

export function TextControl(props: Base & { value: string; onChange: (value: string) => void; type?: string; placeholder?: string; list?: string }) {
  return (
    <Row {...props}>
      <input
        {...controlProps(props.path, hintOf(props.path, props.hint))}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        list={props.list}
        onInput={(event) => props.onChange(event.currentTarget.value)}
      />
    </Row>
  );
}

/** Lines as the draft keeps them: blank lines and the spaces around `|` do not count. */
const normalLines = (text: string) =>
  text
    .split('\n')
    .map((line) =>
      line
        .split('|')
        .map((part) => part.trim())
        .join('|'),
    )
    .filter(Boolean)
    .join('\n');

/**
 * A list, one item a line. The text stays as typed (a new empty line, a space before `|`) while
 * it says what the draft holds; a draft replaced from elsewhere (a restore) replaces it.
 */
export function AreaControl(props: Base & { value: string; onChange: (value: string) => void; rows?: number }) {
  const [text, setText] = useState(props.value);
  const shown = normalLines(text) === normalLines(props.value) ? text : props.value;
  return (
    <Row {...props}>
      <textarea
        {...controlProps(props.path, hintOf(props.path, props.hint))}
        rows={props.rows ?? 3}
        value={shown}
        onInput={(event) => {
          setText(event.currentTarget.value);
          props.onChange(event.currentTarget.value);
        }}
      />
    </Row>
  );
}

/** A number, or undefined when the input is empty (the key is then left out of the draft). */
export function NumberControl(props: Base & { value: number | string | undefined; onChange: (value: number | undefined) => void }) {
  return (
    <Row {...props}>
      <input
        {...controlProps(props.path, hintOf(props.path, props.hint))}
        type="number"
        value={props.value === undefined ? '' : String(props.value)}
        onInput={(event) => {
          const text = event.currentTarget.value;
          props.onChange(text === '' || Number.isNaN(Number(text)) ? undefined : Number(text));
        }}
      />
    </Row>
  );
}

export function SelectControl(props: Base & { value: string; options: [value: string, label: string][]; onChange: (value: string) => void }) {
  return (
    <Row {...props}>
      <select {...controlProps(props.path, hintOf(props.path, props.hint))} value={props.value} onChange={(event) => props.onChange(event.currentTarget.value)}>
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </Row>
  );
}

export function CheckControl(props: Base & { checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <div class="control check">
      <input
        {...controlProps(props.path, hintOf(props.path, props.hint))}
        type="checkbox"
        checked={props.checked}
        onChange={(event) => props.onChange(event.currentTarget.checked)}
      />
      <label for={controlId(props.path)}>{props.label}</label>
      {props.hint && (
        <small id={`${controlId(props.path)}-hint`} class="hint">
          {props.hint}
        </small>
      )}
      <IssuesOf path={props.path} />
    </div>
  );
}
