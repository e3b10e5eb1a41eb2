import { describe, expect, it } from 'vitest';
import { applyTheme, initialTheme, otherTheme, storedTheme, storeTheme, themeKey } from './theme';

function memoryStorage(init: Record<string, string> = {}) {
  const m = new Map(Object.entries(init));
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
  };
}

describe('theme', () => {
  it('remembers the pick', () => {
    const s = memoryStorage();
    expect(storedTheme(s)).toBeNull();
    storeTheme('dark', s);
    expect(s.getItem(themeKey)).toBe('dark');
    expect(storedTheme(s)).toBe('dark');
    expect(initialTheme(s)).toBe('dark');
  });

  it('ignores junk in storage and falls back to the system', () => {
    const s = memoryStorage({ [themeKey]: 'purple' });
    expect(storedTheme(s)).toBeNull();
    expect(initialTheme(s)).toBe('light'); // jsdom has no matchMedia: light
  });

  it('survives storage that throws', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(storedTheme(broken)).toBeNull();
    expect(() => storeTheme('dark', broken)).not.toThrow();
  });

  it('applies to the root element and toggles', () => {
    const el = document.createElement('html');
    applyTheme('dark', el);
    expect(el.dataset.theme).toBe('dark');
    expect(el.style.colorScheme).toBe('dark');
    expect(otherTheme('dark')).toBe('light');
    expect(otherTheme('light')).toBe('dark');
  });
});
