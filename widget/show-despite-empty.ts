/**
 * A host element holds only its shadow root, which does not count as content, so a page's
 * `div:empty {display: none}` would hide it: the loader's reserved box, then the form, or a popup's
 * dialog. When emptiness is what hides it (a moment's child makes it show), it gets inline the
 * display it would have with content; a host hidden on purpose (`hidden`, a class) stays hidden,
 * and no child is left in it (a framework hydrating it expects none). One function for the loader
 * and the form bundle, each of which bundles its own copy.
 */
export function showDespiteEmpty(host: HTMLElement): void {
  if (host.hidden || getComputedStyle(host).display !== 'none') return;
  const probe = host.appendChild(document.createTextNode('.'));
  const display = getComputedStyle(host).display;
  probe.remove();
  if (display === 'none') return;
  host.style.display = display;
  if (getComputedStyle(host).display === 'none') host.style.setProperty('display', display, 'important');
}
