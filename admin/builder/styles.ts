/** The builder's own rules, added to the admin page's when the Forms view loads. */
export const BUILDER_CSS = `
  .builder .columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) minmax(0, 1.1fr); gap: 1.25rem; align-items: start; }
  @media (max-width: 1100px) { .builder .columns { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } .builder .preview { grid-column: 1 / -1; } }
  @media (max-width: 700px) { .builder .columns { grid-template-columns: minmax(0, 1fr); } }
  .builder .preview { position: sticky; top: .5rem; border: 1px solid #d1d5db; border-radius: 8px; padding: .75rem; background: #fafafa; }
  .field-list ol { list-style: none; padding: 0; margin: .5rem 0; }
  .field-list li { display: flex; align-items: center; gap: .25rem; border: 1px solid #d1d5db; border-radius: 6px; padding: .25rem; margin-bottom: .35rem; background: #fff; }
  .field-list li.selected { border-color: #1d4ed8; box-shadow: 0 0 0 1px #1d4ed8; }
  .field-list .pick, .field-list .pick[aria-pressed="true"] { flex: 1; text-align: left; background: none; color: inherit; border: 0; min-width: 0; overflow-wrap: anywhere; }
  .field-list .pick[aria-pressed="true"] { font-weight: 600; }
  .add-field { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; }
  .add-field select { font: inherit; padding: .25rem; }
  .field-list .drag { cursor: grab; padding: 0 .35rem; color: #4b5563; user-select: none; font-size: 1.1rem; }
  .sortable-ghost { opacity: .4; }
  .panel { border-top: 1px solid #e5e7eb; padding-top: .5rem; margin-top: .75rem; }
  .control { display: flex; flex-direction: column; margin: .5rem 0; }
  .control.check { flex-direction: row; flex-wrap: wrap; align-items: center; gap: .4rem; }
  .control.check > input { margin: 0; flex: none; } .control.check > label { flex: 1; }
  .control.check > small, .control.check > p { flex-basis: 100%; }
  .control input:not([type="checkbox"]), .control select, .control textarea, .condition input, .condition select, .condition textarea { font: inherit; margin: .15rem 0 0; padding: .3rem .4rem; width: 100%; box-sizing: border-box; }
  .control input[aria-invalid="true"], .control textarea[aria-invalid="true"], .condition input[aria-invalid="true"] { border: 2px solid #b91c1c; }
  .condition label { display: block; margin-top: .35rem; }
  fieldset { border: 1px solid #e5e7eb; border-radius: 6px; margin: .75rem 0; }
  .hint { color: #4b5563; font-size: .875rem; margin: .15rem 0; }
  .toolbar { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
  .toolbar select { font: inherit; }
  .state { color: #4b5563; }
  .issues { border: 2px solid #b91c1c; border-radius: 6px; padding: .5rem 1rem; margin: .75rem 0; background: #fef2f2; }
  .issues h3 { margin: .25rem 0; color: #991b1b; }
  .issues a { color: #991b1b; }
  .restored { background: #fef3c7; padding: .5rem; border-radius: 6px; }
  dialog { max-width: 40rem; border: 1px solid #9ca3af; border-radius: 8px; }
  .diff del { color: #991b1b; } .diff ins { color: #166534; text-decoration: none; font-weight: 600; }
  .new-form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .75rem 0; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  table.forms th[scope="row"] small { display: block; font-weight: normal; }
  table.forms td:last-child { white-space: nowrap; }
  @media (max-width: 700px) { table.forms td:last-child { white-space: normal; } table.forms td button, table.forms td a { display: block; margin: .25rem 0; } }
`;
