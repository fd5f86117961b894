/**
 * Vite build of the review UI: web/ → dist/web, served by `winnow serve` (src/http/static.ts). `npx vite --config
 * web/vite.config.ts` runs a dev server that proxies /api to a `winnow serve` on port 8080 (WINNOW_API to change).
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
  server: { proxy: { '/api': process.env.WINNOW_API ?? 'http://127.0.0.1:8080' } },
});
