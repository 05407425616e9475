/**
 * A form from the builder checked as the configuration file's forms are: the same strict zod
 * schema (`FormConfig`) and the same cross-checks (`formProblems`), its destinations against
 * those the configuration declares. The problems come back as zod-style issues, a path and a
 * message each, so the builder can show each one at the control it concerns.
 */
import { FormConfig, formProblems } from '../config.ts';
import { parseChecked } from '../../schema/problems.ts';

export interface FormIssue {
  path: (string | number)[];
  message: string;
}

export type FormCheck = { ok: true; value: FormConfig } | { ok: false; issues: FormIssue[] };

/** The key problems of the form itself are put under, stripped from each issue's path. */
const ROOT = '~';

export function checkForm(input: unknown, declaredDestinations: string[], env?: Record<string, string | undefined>): FormCheck {
  const parsed = parseChecked(FormConfig, input, ROOT);
  if (!parsed.ok) return { ok: false, issues: parsed.problems.map(toIssue) };
  const problems = formProblems(parsed.value, ROOT, declaredDestinations, env);
  return problems.length ? { ok: false, issues: problems.map(toIssue) } : { ok: true, value: parsed.value };
}

/** `fields.0.pattern: not a valid …; fix it` → `{path: ["fields", 0, "pattern"], message: "not a valid …; fix it"}`. */
function toIssue(problem: string): FormIssue {
  const split = problem.indexOf(': ');
  const key = split < 0 ? ROOT : problem.slice(0, split);
  const message = split < 0 ? problem : problem.slice(split + 2);
  const dotted = key === ROOT ? '' : key.startsWith(`${ROOT}.`) ? key.slice(ROOT.length + 1) : key;
  const path = dotted === '' ? [] : dotted.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  return { path, message };
}
