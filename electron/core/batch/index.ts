export { runBatch, resumeBatch, driveBatch, type BatchEvent, type BatchListener, type BatchRunOptions } from './run.js';
export { recoverBatches, type BatchRecovery } from './recover.js';
export { BatchStore, newBatchId, type NewBatch, type NewBatchMember } from './store.js';
export type { BatchEngine } from './engine.js';
export { batchSpec, pathSpec } from './spec.js';
export { batchInputs, memberNames } from './inputs.js';
