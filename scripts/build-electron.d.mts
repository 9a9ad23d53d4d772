/** Bundles main, preload and the workers into `outDir` (default out/electron). */
export function bundle(outDir?: string): Promise<void>;
/** Builds better-sqlite3 for Electron's ABI into out/electron/node_modules. */
export function buildNativeForElectron(): void;
