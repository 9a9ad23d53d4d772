// Worker threads start without the parent's TypeScript loader: register it, then run the worker's own module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
