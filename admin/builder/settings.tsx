/**
 * The form's settings and its steps: title, texts, theme, what happens after a submit, consent,
 * the origins allowed to submit, and where the leads go (chosen among the destinations the
 * relay's configuration declares, with each one's field mapping).
 */
import type { FormConfig } from '../../src/relay/config.ts';
import type { Theme } from '../../src/schema/form.ts';
import { AreaControl, CheckControl, controlProps, IssuesOf, SelectControl, TextControl } from './controls.tsx';
import { ConditionEditor } from './fields.tsx';
import { addStep, compact, controlId, type Draft, removeStep, textIn, updateStep, withText } from './model.ts';
import { destinations, draft, edit, locale } from './store.ts';

export function StepsPanel() {
  const current = draft.value!;
  const lang = locale.value;
  return (
    <section aria-labelledby="steps-heading" class="panel">
      <h3 id="steps-heading">Steps</h3>
      {!current.steps && <p class="hint">One step holds every field. Add a step to split the form into pages.</p>}
      {current.steps?.map((step, index) => (
        <fieldset key={index} class="step">
          <legend>Step {index + 1}</legend>
          <TextControl path={`steps.${index}.id`} label="Step id" value={step.id} onChange={(id) => edit(updateStep(draft.value!, index, { ...step, id }))} />
          <TextControl
            path={`steps.${index}.title`}
            label={`Step title (${lang})`}
            value={textIn(step.title, lang)}
            onChange={(text) => edit(updateStep(draft.value!, index, compact({ ...step, title: withText(step.title, lang, text) })))}
          />
          <p class="hint">Fields: {step.fields.join(', ') || '(none yet: choose this step in a field’s panel)'}</p>
          <ConditionEditor
            path={`steps.${index}.when`}
            when={step.when}
            names={current.fields.map((field) => field.name)}
            onChange={(when) => edit(updateStep(draft.value!, index, compact({ ...step, when })))}
          />
          <button type="button" onClick={() => edit(removeStep(draft.value!, index))}>
            Remove step {index + 1}
          </button>
        </fieldset>
      ))}
      <button type="button" onClick={() => edit(addStep(draft.value!))}>
        Add step
      </button>
    </section>
  );
}

const set = (changes: Partial<Draft>) => edit(compact({ ...draft.value!, ...changes }));
const setTheme = (changes: Partial<Theme>) => {
  const theme = compact({ ...draft.value!.theme, ...changes });
  set({ theme: Object.keys(theme).length ? theme : undefined });
};

export function SettingsPanel() {
  const current = draft.value!;
  const lang = locale.value;
  const chosen = current.destinations ?? (current.destination ? [current.destination] : []);
  const choose = (names: string[]) =>
    set(names.length === 1 ? { destination: names[0], destinations: undefined } : { destination: undefined, destinations: names });
  return (
    <section aria-labelledby="settings-heading" class="panel">
      <h3 id="settings-heading">Form settings</h3>
      <TextControl
        path="title"
        label={`Title (${lang})`}
        value={textIn(current.title, lang)}
        onChange={(text) => set({ title: withText(current.title, lang, text) })}
      />
      <TextControl
        path="submitLabel"
        label={`Submit button (${lang})`}
        value={textIn(current.submitLabel, lang)}
        placeholder="Send"
        onChange={(text) => set({ submitLabel: withText(current.submitLabel, lang, text) })}
      />
      <TextControl
        path="successMessage"
        label={`Success message (${lang})`}
        value={textIn(current.successMessage, lang)}
        placeholder="Thank you! We'll be in touch."
        onChange={(text) => set({ successMessage: withText(current.successMessage, lang, text) })}
      />
      <TextControl
        path="redirectUrl"
        label="Or send the visitor to this address after a submit"
        type="url"
        value={current.redirectUrl ?? ''}
        onChange={(redirectUrl) => set({ redirectUrl })}
      />
      <TextControl path="locale" label="Form language (empty: the page’s)" value={current.locale ?? ''} onChange={(value) => set({ locale: value })} />
      <SelectControl
        path="theme.preset"
        label="Theme"
        value={current.theme?.preset ?? ''}
        options={[
          ['', 'Default'],
          ['minimal', 'Minimal'],
          ['rounded', 'Rounded'],
        ]}
        onChange={(preset) => setTheme({ preset: (preset || undefined) as Theme['preset'] })}
      />
      <TextControl
        path="theme.colorPrimary"
        label="Primary colour"
        value={current.theme?.colorPrimary ?? ''}
        placeholder="#2563eb"
        onChange={(colorPrimary) => setTheme({ colorPrimary })}
      />
      <CheckControl
        path="requireConsent"
        label="Store attribution only after the visitor consents"
        checked={current.requireConsent === true}
        onChange={(requireConsent) => set({ requireConsent: requireConsent || undefined })}
      />
      <AreaControl
        path="allowedOrigins"
        label="Pages allowed to submit, one origin a line (self: this relay)"
        hint='e.g. https://www.example.com, or "self"'
        value={(current.allowedOrigins ?? ['self']).join('\n')}
        onChange={(text) =>
          set({
            allowedOrigins: text
              .split('\n')
              .map((line) => line.trim())
              .filter(Boolean),
          })
        }
      />
      <fieldset>
        <legend>Where the leads go</legend>
        {destinations.value.length === 0 && <p class="hint">The relay’s configuration declares no destination.</p>}
        {destinations.value.map(({ name, type }, index) => (
          <div class="control check" key={name}>
            <input
              type="checkbox"
              {...(index === 0 ? controlProps('destinations') : { id: `destination-${name}` })}
              checked={chosen.includes(name)}
              onChange={(event) => choose(event.currentTarget.checked ? [...chosen, name] : chosen.filter((each) => each !== name))}
            />
            <label for={index === 0 ? controlId('destinations') : `destination-${name}`}>
              {name} <small>({type ?? 'unknown type'})</small>
            </label>
          </div>
        ))}
        <IssuesOf path="destinations" />
      </fieldset>
      {chosen.map((name) => (
        <Mapping key={name} destination={name} several={chosen.length > 1} />
      ))}
      <IssuesOf path="mapping" />
    </section>
  );
}

/** The CRM field each form field goes to at `destination`; empty keeps the adapter's default. */
function Mapping({ destination, several }: { destination: string; several: boolean }) {
  const current = draft.value!;
  const mapping = (current.mapping ?? {}) as FormConfig['mapping'] & object;
  const own = (several ? mapping[destination] : mapping) as Record<string, string> | undefined;
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(own ?? {})) if (typeof value === 'string') flat[key] = value;
  const setOne = (field: string, target: string) => {
    const next = compact({ ...flat, [field]: target });
    const whole: Record<string, string | Record<string, string>> = several ? { ...mapping } : next;
    if (several) {
      if (Object.keys(next).length) whole[destination] = next;
      else delete whole[destination];
    }
    set({ mapping: Object.keys(whole).length ? whole : undefined });
  };
  return (
    <fieldset>
      <legend>Field mapping for {destination}</legend>
      <p class="hint">The destination’s field each form field goes to; leave empty for its default.</p>
      {current.fields.map((field) => (
        <TextControl
          key={field.name}
          path={`mapping-${destination}-${field.name}`}
          label={`${field.name} →`}
          value={flat[field.name] ?? ''}
          onChange={(target) => setOne(field.name, target)}
        />
      ))}
    </fieldset>
  );
}
