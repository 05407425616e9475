/**
 * The "rounded" theme (`"theme": {"preset": "rounded"}`): soft filled fields, pill-shaped
 * one-line fields and buttons, generous corners. It is added after the default sheet and
 * overrides only what differs; the definition's own colours and radius still win over its defaults.
 */
export default `.lf{--_r:var(--lf-radius,var(--lfd-radius,16px))}input:not([type=checkbox],[type=radio]),select{border-radius:999px;padding-inline:20px}input,select,textarea{background:#f3f4f6}textarea{padding-inline:16px}button{border-radius:999px;padding-inline:28px;box-shadow:0 1px 3px #1118272e}.retry{box-shadow:none}dialog{border-radius:var(--lf-radius,24px)}`;
