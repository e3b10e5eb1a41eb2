import { defineConfig, type Plugin } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// dist/ is emptied on every build, but dist/.gitkeep is committed so that
// Go's `//go:embed all:frontend/dist` compiles before the first build.
function keepGitkeep(): Plugin {
  return {
    name: 'tokenwarden-keep-gitkeep',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '.gitkeep', source: '' });
    },
  };
}

export default defineConfig({
  plugins: [svelte(), keepGitkeep(), svelteTesting()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The app is local; one small bundle is fine.
    chunkSizeWarningLimit: 800,
  },
  server: {
    strictPort: false,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    // A fixed zone with daylight saving time, so date tests do not depend on the machine.
    env: { TZ: 'Europe/Berlin' },
  },
});
