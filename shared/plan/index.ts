export * from './steps.js';
export { dependencyGraph, dependencyOrder, formatCycle, type DependencyGraph, type DependencyOrder, type GraphProject } from './graph.js';
export { planBatch, type BatchOptions, type BatchProject, type BatchRelease } from './batch.js';
export { planPath, type PathInput, type PathRelease } from './path.js';
export { describeSnapshotModes, recreatedByInstall, snapshotModes, type SnapshotModeSetting, type SnapshotPathMode } from './snapshot-mode.js';
