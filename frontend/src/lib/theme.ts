// Light and dark themes: follow the system until the user picks one; the
// pick is remembered in localStorage.

export type Theme = 'light' | 'dark';

export const themeKey = 'tokenwarden.theme';

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

function safeStorage(): StorageLike | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage can be disabled
  }
}

/** storedTheme returns the user's pick, or null if they never picked one. */
export function storedTheme(storage: StorageLike | null = safeStorage()): Theme | null {
  try {
    const v = storage?.getItem(themeKey);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

export function storeTheme(theme: Theme, storage: StorageLike | null = safeStorage()): void {
  try {
    storage?.setItem(themeKey, theme);
  } catch {
    // Not remembered; the toggle still works for this session.
  }
}

export function systemTheme(): Theme {
  if (typeof matchMedia !== 'function') return 'light';
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** initialTheme is the stored pick, else the system's. */
export function initialTheme(storage: StorageLike | null = safeStorage()): Theme {
  return storedTheme(storage) ?? systemTheme();
}

export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = theme;
  root.style.colorScheme = theme;
}

export function otherTheme(theme: Theme): Theme {
  return theme === 'dark' ? 'light' : 'dark';
}
