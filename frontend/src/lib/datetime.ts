// Date helpers for the import form and for showing absolute times.

const localPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/**
 * localInputToRFC3339 converts the value of an <input type="datetime-local">
 * (local wall-clock time, "2026-05-01T14:30") to RFC 3339 in UTC
 * ("2026-05-01T12:30:00Z" in UTC+2). An empty value gives "" (expiry
 * unknown); a value that is not a real local date and time gives null.
 */
export function localInputToRFC3339(value: string): string | null {
  const v = value.trim();
  if (v === '') return '';
  const m = localPattern.exec(v);
  if (!m) return null;
  const [year, month, day, hour, minute, second = '0', ms = '0'] = m.slice(1);
  const d = new Date(+year, +month - 1, +day, +hour, +minute, +second, +ms.padEnd(3, '0'));
  if (Number.isNaN(d.getTime())) return null;
  // Reject dates JavaScript silently rolled over, such as February 30.
  if (d.getFullYear() !== +year || d.getMonth() !== +month - 1 || d.getDate() !== +day) return null;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** toLocalInput formats a Date for an <input type="datetime-local"> (minutes precision). */
export function toLocalInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** formatDateTime shows an RFC 3339 time in the user's locale, or "" if empty/invalid. */
export function formatDateTime(rfc3339: string, locale?: string): string {
  if (!rfc3339) return '';
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** localZoneName names the user's time zone for the hint under the picker. */
export function localZoneName(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'your local time';
  } catch {
    return 'your local time';
  }
}
