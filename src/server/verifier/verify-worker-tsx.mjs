// Starts the verification worker from TypeScript sources (tsx, vitest): registers tsx in this worker
// thread, then loads verify-worker.ts. Compiled builds start verify-worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./verify-worker.ts');
