import { describe, expect, it } from 'vitest';
import type { ReportSettings } from './api';
import { reportOutcome, sameSettings } from './report';

const saved = (path: string, client = 'Acme Bakery') => ({ client_id: 'c', client_name: client, path, format: 'pdf', accounts: 2, incidents: 1 });

describe('report outcome', () => {
  it('says nothing when the dialog was cancelled', () => {
    expect(reportOutcome({ folder: '', reports: [] })).toBeNull();
  });

  it('names the file of one report; Open opens it and Show in folder its folder', () => {
    const p = '/home/jo/Downloads/Acme Bakery - connection report - November 2026.pdf';
    expect(reportOutcome({ folder: '/home/jo/Downloads', reports: [saved(p)] })).toEqual({
      text: 'Saved the report of Acme Bakery: Acme Bakery - connection report - November 2026.pdf', open: p, reveal: p,
    });
    expect(reportOutcome({ folder: 'C:\\Users\\jo', reports: [saved('C:\\Users\\jo\\r.pdf')] })?.text).toBe('Saved the report of Acme Bakery: r.pdf');
  });

  it('counts the reports of every client; Open opens the folder', () => {
    const got = reportOutcome({ folder: '/tmp/nov', reports: [saved('/tmp/nov/a.pdf'), saved('/tmp/nov/b.pdf', 'Zoë')] });
    expect(got).toEqual({ text: 'Saved 2 reports in /tmp/nov', open: '/tmp/nov', reveal: '/tmp/nov/a.pdf' });
    expect(reportOutcome({ folder: '/tmp/nov', reports: [] })?.reveal).toBe('');
  });
});

describe('report settings', () => {
  const base: ReportSettings = { sender_name: 'Jo', accent: '#2f6fde', logo: '', client_view: true, paper: 'a4' };
  it('ignores the logo, which is saved on its own', () => {
    expect(sameSettings(base, { ...base, logo: 'logo.svg' })).toBe(true);
    expect(sameSettings(base, { ...base, paper: 'letter' })).toBe(false);
    expect(sameSettings(base, { ...base, client_view: false })).toBe(false);
    expect(sameSettings(base, { ...base, sender_name: 'Jo Ltd' })).toBe(false);
    expect(sameSettings(base, { ...base, accent: '#000000' })).toBe(false);
  });
});
