export * from './paths.js';
export * from './db.js';
export * from './store.js';
export * from './projects.js';
export * from './operations.js';
export * from './lock.js';
export * from './decisions.js';
export type { OperationMark, ProjectMark } from './changes.js';
