/**
 * The widget's view layer: `h`, `Fragment` and `render`, as preact spells them, for what the
 * widget asks of a renderer and no more. The form re-renders its whole tree from the state model
 * on every change (state.ts) and its field renderers are plain functions of their props, so it
 * needs no components with state, hooks, context or refs: only a diff that patches the DOM in
 * place and never moves a node it can keep (moving a focused input would blur it). That is
 * about 0.9 KB gzip where preact was 4.2 KB of form.js (issue 13's 12 KB budget); the admin
 * pages keep preact. JSX types are preact's (type-only), so the widget's markup type-checks as
 * before and `import { h } from 'preact'` can come back without touching a renderer.
 *
 * How children are matched: a child with a `key` by that key, any other by its tag and its
 * place among siblings of that tag, so `{error && <p>}` appearing adds one node and keeps the
 * rest. A keyed Fragment lends its key to what it holds (each form field is one).
 * Nodes the renderer did not create (a fallback `<style>` in the shadow root) are left alone.
 */
import type { JSX as PreactJSX } from 'preact';

type Props = Record<string, unknown>;

/** An element to draw: a tag name, or a function of props (a Fragment) that is called at once. */
export interface VNode {
  t: string | ((props: Props) => Child);
  p: Props;
  k?: unknown;
}

export type Child = VNode | string | number | bigint | boolean | null | undefined | Child[];

/** What the renderer keeps on a node it made: its key among its siblings, and the props it was last given. */
type Drawn = (Element | Text) & { _k?: string; _p?: Props; _l?: Record<string, (event: Event) => void> };

export function h(type: VNode['t'], props: Props | null, ...children: Child[]): VNode {
  const p: Props = { ...props };
  if (children.length) p.children = children;
  return { t: type, p, k: p.key };
}

// biome-ignore lint/suspicious/noExplicitAny: JSX takes a function as a tag only if it returns an element; this one returns its children, which the renderer flattens
export const Fragment = (props: { children?: Child }): any => props.children;

/** Draws `child` into `container`, patching what an earlier call drew there; `null` removes it. */
export function render(child: Child, container: Element | ShadowRoot | DocumentFragment): void {
  drawChildren(container, child, false);
}

/** Flattens arrays and Fragments into `[key, vnode]` pairs; text becomes a `'#'` vnode. */
function flatten(child: Child, out: [string, VNode][], prefix: string, counts: Record<string, number>): void {
  if (child == null || typeof child === 'boolean') return;
  if (Array.isArray(child)) {
    for (const each of child) flatten(each, out, prefix, counts);
    return;
  }
  const node: VNode = typeof child === 'object' ? child : { t: '#', p: { v: String(child) } };
  if (typeof node.t === 'function') {
    flatten(node.t(node.p), out, node.k == null ? prefix : `${prefix}${node.k}/`, counts);
    return;
  }
  const slot = prefix + node.t;
  out.push([node.k == null ? `${slot}:${(counts[slot] = (counts[slot] ?? 0) + 1)}` : `${slot}=${node.k}`, node]);
}

function drawChildren(parent: ParentNode, children: Child, svg: boolean): void {
  const wanted: [string, VNode][] = [];
  flatten(children, wanted, '', {});
  const old = new Map<string, Drawn>();
  for (const node of parent.childNodes as NodeListOf<Drawn>) if (node._k) old.set(node._k, node);
  const nodes = wanted.map(([key, node]) => {
    const kept = old.get(key);
    old.delete(key);
    return draw(kept, node, key, svg);
  });
  // Removed first, so that no node that stays has to move past one that goes.
  for (const node of old.values()) node.remove();
  let next = parent.firstChild as Drawn | null;
  for (const node of nodes) {
    while (next && !next._k) next = next.nextSibling as Drawn | null;
    if (node === next) next = next.nextSibling as Drawn | null;
    else parent.insertBefore(node, next);
  }
}

function draw(kept: Drawn | undefined, node: VNode, key: string, svg: boolean): Drawn {
  const props = node.p;
  if (node.t === '#') {
    const value = props.v as string;
    const text = (kept ?? document.createTextNode(value)) as Text & Drawn;
    if (text.data !== value) text.data = value;
    text._k = key;
    return text;
  }
  const tag = node.t as string;
  svg ||= tag === 'svg';
  const element = (kept ?? (svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag))) as Element & Drawn & Props;
  const before = element._p ?? {};
  for (const name in before) if (!(name in props)) setProp(element, name, undefined, before[name], svg);
  for (const name in props) if (name !== 'value' && name !== 'checked' && props[name] !== before[name]) setProp(element, name, props[name], before[name], svg);
  drawChildren(element, props.children as Child, svg && tag !== 'foreignObject');
  // After the children: a <select>'s value needs its options. Compared with the live value, which
  // the visitor changes, so a keystroke already in the input is never written back over the caret.
  if ('value' in props && element.value !== (props.value ?? '')) element.value = props.value ?? '';
  if ('checked' in props && element.checked !== props.checked) element.checked = props.checked;
  element._k = key;
  element._p = props;
  return element;
}

/** Attributes that must not go through the DOM property of the same name (read-only, or a different meaning there). */
const ATTRIBUTE_ONLY = /^(list|form|tabIndex|href|width|height|role|download)$/;

function setProp(element: Element & Drawn & Props, name: string, value: unknown, before: unknown, svg: boolean): void {
  if (name === 'children' || name === 'key') return;
  if (name === 'style') {
    const style = (element as unknown as HTMLElement).style;
    const setStyle = (property: string, to: string) =>
      property[0] === '-' ? style.setProperty(property, to) : ((style as unknown as Record<string, string>)[property] = to);
    const [from, to] = [before, value] as (Record<string, string> | undefined)[];
    for (const property in from) if (!to?.[property]) setStyle(property, '');
    for (const property in to) if (to[property] !== from?.[property]) setStyle(property, to[property]!);
  } else if (name[0] === 'o' && name[1] === 'n') {
    // One listener per event type for the node's life; each render only swaps the handler it calls.
    const type = name.slice(2).toLowerCase();
    (element._l ??= {})[type] = value as (event: Event) => void;
    if (value) element.addEventListener(type, dispatch);
  } else if (!svg && value != null && name in element && !ATTRIBUTE_ONLY.test(name)) {
    element[name] = value;
  } else if (value == null || (value === false && name[4] !== '-')) {
    // As preact has it: `aria-expanded={false}` (and `data-*`) says "false"; any other false attribute is absent.
    element.removeAttribute(name);
  } else {
    element.setAttribute(name, String(value));
  }
}

function dispatch(this: Drawn, event: Event): void {
  this._l?.[event.type]?.(event);
}

// The types JSX is checked against are preact's: the classic pragma (`@jsx h`) looks for `h.JSX`.
export declare namespace h {
  namespace JSX {
    type Element = VNode;
    interface IntrinsicElements extends PreactJSX.IntrinsicElements {}
    interface IntrinsicAttributes {
      key?: unknown;
    }
    type TargetedEvent<Target extends EventTarget = EventTarget, TypedEvent extends Event = Event> = PreactJSX.TargetedEvent<Target, TypedEvent>;
  }
}
