/**
 * Shared steps of the look-and-languages browser tests (`look-*.spec.ts`): axe with the WCAG 2.2
 * AA rules, the form's root inside its shadow root, and where characters are drawn.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';

const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** axe finds no WCAG 2.2 A or AA violation on the page, shadow roots and frames included. */
export async function expectNoViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** The form's root element inside a host's shadow root. */
export const rootOf = (host: Locator): Locator => host.locator('.lf');

/** Where the characters of `text` inside `element` are drawn, left to right, as their indices in the string. */
export async function visualOrder(element: Locator, text: string): Promise<number[]> {
  return element.evaluate((node, wanted) => {
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let current = walker.nextNode(); current; current = walker.nextNode()) {
      const at = current.textContent!.indexOf(wanted);
      if (at < 0) continue;
      const lefts = [...wanted].map((_, index) => {
        const range = document.createRange();
        range.setStart(current, at + index);
        range.setEnd(current, at + index + 1);
        return { index, left: range.getBoundingClientRect().left };
      });
      return lefts.sort((a, b) => a.left - b.left).map((entry) => entry.index);
    }
    throw new Error(`"${wanted}" is not in the element`);
  }, text);
}
