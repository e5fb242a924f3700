/** Compatibility of a target core release with the projects that depend on it. Pure. */
export type { Requirement } from './requirement.js';
export { evaluateDependents, type BreakingChange, type Dependent, type TargetRelease } from './evaluate.js';
