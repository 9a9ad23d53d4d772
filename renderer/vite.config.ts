// Builds the renderer once for both shells: the Electron window loads it from app://, browser mode serves it from
// http://127.0.0.1. Relative asset URLs (base './') make one build work under both; no inline scripts, so the CSP can
// stay at script-src 'self'.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * video.js's stylesheet embeds its icon font as a data: URL, which the CSP (font-src 'self') refuses with a console
 * error. Drop that @font-face; styles.css declares the same font from the package's .woff file, bundled as an asset.
 */
function videojsFontAsFile(): Plugin {
  return {
    name: 'cotscope:videojs-font-as-file',
    enforce: 'pre',
    transform(code, id) {
      if (!/video\.js[\\/]dist[\\/]video-js(\.min)?\.css$/.test(id.split('?')[0])) return null;
      return { code: code.replace(/@font-face\s*\{[^}]*\}/g, ''), map: null };
    },
  };
}

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react(), videojsFontAsFile()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Fonts, images and icons become files next to the bundle rather than data: URLs, which a strict CSP may refuse.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
  server: { port: 5173, strictPort: false },
});
