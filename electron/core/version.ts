import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** cotscope's version, from package.json: recorded in exports and packs. */
export const VERSION: string = (require('../../package.json') as { version: string }).version;
