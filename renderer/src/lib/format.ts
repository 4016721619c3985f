// Small formatters shared by the status bar, tables and charts, and the number fields' parser.

/** Seconds as m:ss or h:mm:ss; "—" when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), rest = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(rest).padStart(2, '0')}`;
}

/** An integer with thin thousands separators: 44426 -> "44 426". */
export function formatCount(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  return fraction == null || !Number.isFinite(fraction) ? '—' : `${(fraction * 100).toFixed(digits)} %`;
}

/** A loss, a norm or a relative error: fixed for ordinary magnitudes, exponent for tiny ones. */
export function formatNumber(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : x.toPrecision(4).replace(/\.?0+$/, '');
}

/** A tensor's value at 4 significant digits, trailing zeros kept so a column reads evenly;
 *  exponent form for tiny and huge ones. NaN and infinities as such: a student should see them. */
export function formatSignificant(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a < 1e-3 || a >= 1e5 ? x.toExponential(3) : x.toPrecision(4);
}

/** A number field's text as a whole number within [min, max]; `fallback` (the value it had) when not a number. */
export function clampInteger(text: string, min: number, max: number, fallback: number): number {
  const n = Math.floor(Number(text));
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

/** The text to show for a failed request: the services' messages are written for the user. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
