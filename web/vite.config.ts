/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The jar serves the build from the classpath folder /webapp; the SPA fallback lives in the server.
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'target/classes/webapp',
    emptyOutDir: true,
  },
  // module workers (the layout worker is started with type: 'module'): a worker's dynamic imports stay separate
  // chunks, so ELK is one lazily loaded file shared by the worker and the no-worker fallback
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8888', ws: true, changeOrigin: true },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    // vitest's 5 s default is a speed assertion in disguise: on a busy 2-core machine a 1,000-layer layout
    // takes longer. A hung test still fails; how fast things are is measured in bench/ (bench/run layout).
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
