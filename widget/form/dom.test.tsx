// @vitest-environment happy-dom
/**
 * The widget's renderer: what it must keep (nodes, focus, the visitor's typing) and what it must
 * change (attributes, handlers, styles) from one render to the next.
 */
/** @jsxRuntime classic */
/** @jsx h */
import { afterEach, describe, expect, it } from 'vitest';
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h
import { Fragment, h, render } from './dom.ts';

let root: HTMLElement;
afterEach(() => root?.remove());
function container() {
  root = document.createElement('div');
  document.body.append(root);
  return root;
}

const field = (name: string) => (
  <Fragment key={name}>
    <label for={name}>{name}</label>
    <input id={name} />
  </Fragment>
);

describe('render', () => {
  it('draws elements, attributes and text, and removes what a later render leaves out', () => {
    const into = container();
    render(
      <div class="lf" lang="en" aria-live="polite">
        Hello <b>you</b>
        {false}
        {null}
        {0}
      </div>,
      into,
    );
    expect(into.innerHTML).toBe('<div class="lf" lang="en" aria-live="polite">Hello <b>you</b>0</div>');
    render(<div class="lf">Bye</div>, into);
    expect(into.innerHTML).toBe('<div class="lf">Bye</div>');
    render(null, into);
    expect(into.innerHTML).toBe('');
  });

  it('keeps every node it can: a keyed field inserted before a focused one moves nothing, and focus stays', () => {
    const into = container();
    render(<form>{[field('name'), field('email')]}</form>, into);
    const email = into.querySelector<HTMLInputElement>('#email')!;
    email.focus();
    render(<form>{[field('company'), field('name'), field('email')]}</form>, into);
    expect(into.querySelector('#email')).toBe(email);
    expect(document.activeElement).toBe(email);
    expect([...into.querySelectorAll('input')].map((input) => input.id)).toEqual(['company', 'name', 'email']);
    // Reordered: the same nodes, in the new order.
    const name = into.querySelector('#name');
    render(<form>{[field('email'), field('name')]}</form>, into);
    expect([...into.querySelectorAll('input')]).toEqual([email, name]);
  });

  it('matches unkeyed children by tag and place, so an optional line appearing keeps its siblings', () => {
    const into = container();
    render(
      <div>
        <input />
        <p class="hint">hint</p>
      </div>,
      into,
    );
    const input = into.querySelector('input');
    render(
      <div>
        <input aria-invalid="true" />
        <p class="hint">hint</p>
        {<p class="error">wrong</p>}
      </div>,
      into,
    );
    expect(into.querySelector('input')).toBe(input);
    expect(input!.getAttribute('aria-invalid')).toBe('true');
    expect(into.querySelector('div')!.innerHTML).toBe('<input aria-invalid="true"><p class="hint">hint</p><p class="error">wrong</p>');
  });

  it("never writes a value back over the visitor's typing, and sets a select's value once its options exist", () => {
    const into = container();
    render(<input value="ab" />, into);
    const input = into.querySelector('input')!;
    expect(input.value).toBe('ab');
    let writes = 0;
    const own = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(input), 'value')!;
    Object.defineProperty(input, 'value', {
      get: () => own.get!.call(input),
      set: (to) => {
        writes++;
        own.set!.call(input, to);
      },
    });
    input.value = 'abc';
    writes = 0;
    render(<input value="abc" />, into);
    expect(writes).toBe(0);
    render(<input value={undefined} />, into);
    expect(input.value).toBe('');

    render(
      <select value="b">
        <option value="a">A</option>
        <option value="b">B</option>
      </select>,
      into,
    );
    expect(into.querySelector('select')!.value).toBe('b');
  });

  it('calls the latest handler only, and none once it is gone', () => {
    const into = container();
    const calls: string[] = [];
    render(<button type="button" onClick={() => calls.push('first')} />, into);
    const button = into.querySelector('button')!;
    render(<button type="button" onClick={() => calls.push('second')} />, into);
    button.click();
    render(<button type="button" />, into);
    button.click();
    expect(calls).toEqual(['second']);
  });

  it('sets DOM properties where they mean the same, attributes where they do not', () => {
    const into = container();
    render(<form noValidate>{<input tabIndex={-1} autoComplete="off" required checked={true} type="checkbox" />}</form>, into);
    const form = into.querySelector('form')!;
    const input = into.querySelector('input')!;
    expect(form.noValidate).toBe(true);
    expect([input.tabIndex, input.getAttribute('autocomplete'), input.required, input.checked, input.type]).toEqual([-1, 'off', true, true, 'checkbox']);
    render(<form>{<input type="checkbox" required={false} checked={false} />}</form>, into);
    expect([form.noValidate, input.hasAttribute('tabindex'), input.hasAttribute('autocomplete'), input.required, input.checked]).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('writes a boolean aria or data attribute as "true" or "false", as preact does', () => {
    const into = container();
    render(
      <div>
        <input role="combobox" aria-controls="list" aria-expanded={false} />
        <div role="option" tabIndex={-1} aria-selected={true} data-x={false} />
      </div>,
      into,
    );
    const [input, option] = [into.querySelector('input')!, into.querySelector('[role=option]')!];
    expect([input.getAttribute('aria-expanded'), option.getAttribute('aria-selected'), option.getAttribute('data-x')]).toEqual(['false', 'true', 'false']);
    render(
      <div>
        <input role="combobox" aria-controls="list" aria-expanded={true} />
        <div role="option" tabIndex={-1} />
      </div>,
      into,
    );
    expect([input.getAttribute('aria-expanded'), option.hasAttribute('aria-selected')]).toEqual(['true', false]);
  });

  it('sets and clears style properties, custom ones included', () => {
    const into = container();
    render(<div style={{ '--lfd-radius': '4px', inlineSize: '50%' }} />, into);
    const div = into.querySelector('div')!;
    expect([div.style.getPropertyValue('--lfd-radius'), div.style.inlineSize]).toEqual(['4px', '50%']);
    render(<div style={{ inlineSize: '75%' }} />, into);
    expect([div.style.getPropertyValue('--lfd-radius'), div.style.inlineSize]).toEqual(['', '75%']);
  });

  it('draws SVG in its namespace, with its attributes as written', () => {
    const into = container();
    render(
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path d="M1 1" />
      </svg>,
      into,
    );
    const path = into.querySelector('path')!;
    expect(path.namespaceURI).toBe('http://www.w3.org/2000/svg');
    expect(into.querySelector('svg')!.getAttribute('viewBox')).toBe('0 0 24 24');
    render(
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path d="M2 2" />
      </svg>,
      into,
    );
    expect(into.querySelector('path')).toBe(path);
    expect(path.getAttribute('d')).toBe('M2 2');
  });

  it('leaves alone what it did not draw', () => {
    const into = container();
    const style = into.appendChild(document.createElement('style'));
    render(<div>a</div>, into);
    render(<p>b</p>, into);
    expect(into.firstChild).toBe(style);
    expect(into.innerHTML).toBe('<style></style><p>b</p>');
    render(null, into);
    expect(into.innerHTML).toBe('<style></style>');
  });
});
