// What the window says after a report export, and which file the toast's
// Open and Show in folder buttons open. The backend wrote the files; this
// only words the outcome.
import type { ReportSettings, ReportsSaved } from './api';
import { plural } from './present';

export interface ReportOutcome {
  text: string;
  /** What Open opens: the file, or the folder of an all-clients export. */
  open: string;
  /** A written file whose folder Show in folder opens. */
  reveal: string;
}

/** reportOutcome words an export; null when the user cancelled the dialog. */
export function reportOutcome(saved: ReportsSaved): ReportOutcome | null {
  if (!saved.folder) return null;
  const rs = saved.reports;
  if (rs.length === 1) {
    const r = rs[0];
    const name = r.path.slice(Math.max(r.path.lastIndexOf('/'), r.path.lastIndexOf('\\')) + 1) || r.path;
    return { text: `Saved the report of ${r.client_name}: ${name}`, open: r.path, reveal: r.path };
  }
  if (rs.length === 0) return { text: `There are no clients: no report was written in ${saved.folder}.`, open: saved.folder, reveal: '' };
  return { text: `Saved ${plural(rs.length, 'report')} in ${saved.folder}`, open: saved.folder, reveal: rs[0].path };
}

/** sameSettings: nothing to save (the logo is saved on its own). */
export function sameSettings(a: ReportSettings, b: ReportSettings): boolean {
  return a.sender_name === b.sender_name && a.accent === b.accent && a.client_view === b.client_view && a.paper === b.paper;
}
