/**
 * The "minimal" theme (`"theme": {"preset": "minimal"}`): no boxes, only an underline under each
 * field, square corners, quieter labels. It is added after the default sheet and overrides only
 * what differs; the definition's own colours and radius still win over its defaults.
 */
export default `.lf{--_r:var(--lf-radius,var(--lfd-radius,0px))}input:not([type=checkbox],[type=radio]),select,textarea{background:transparent;border:0;border-block-end:1px solid #6b7280;border-radius:0;padding-inline:2px}input:not([type=checkbox],[type=radio])[aria-invalid=true],select[aria-invalid=true],textarea[aria-invalid=true]{border:0;border-block-end:2px solid var(--_e)}.field>label,legend{font-weight:500;font-size:.875em;letter-spacing:.02em;color:#374151}h2{font-weight:500;font-size:1.375em}button{border-radius:0}form:has([aria-invalid=true],.retry)~.status{background:transparent;border-radius:0}`;
