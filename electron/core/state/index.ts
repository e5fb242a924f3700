export * from './paths.js';
export * from './db.js';
export * from './store.js';
export * from './projects.js';
export * from './operations.js';
export * from './lock.js';
