// The window's security settings in one pure function, so a unit test can pin them without starting Electron
// (only `import type` from electron here).
import type { BrowserWindowConstructorOptions } from 'electron';
import { contentSecurityPolicy } from '../../shared/csp.ts';

/** The renderer's origin: the built renderer served by our own privileged app:// protocol, never file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;
/** Videos and images by database id: media://media/<id>. */
export const MEDIA_SCHEME = 'media';

/**
 * The window's Content-Security-Policy, sent as a response header by the app:// protocol. As browser mode's, plus the
 * media: scheme for videos and images, which in the window come from media:// rather than the page's own origin.
 */
export const APP_CSP = contentSecurityPolicy(MEDIA_SCHEME);

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'cotscope',
    backgroundColor: '#ffffff',
    // shown on ready-to-show, so the window never flashes empty
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}
