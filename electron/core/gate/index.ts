/**
 * The release gate (`upshift ci`) and the compatibility matrix (`upshift matrix`) over shared/compat, judged with
 * the product's one verdict (engine/verdict.ts). See docs/ci-gate.md.
 */
export type * from './types.js';
export { coreAt, localReleases, type GateCore } from './core-project.js';
export { resolveCandidate, readCandidate, previousRelease, WORKTREE, type Candidate, type CandidateReading } from './candidate.js';
export { findVerticalManifests, loadVerticalManifest, loadVerticalManifests, manifestsInvalidError, type VerticalManifest, type VerticalLoadFailure } from './verticals.js';
export { requirementOnCore, judgeReleases, type VerticalVerdict } from './judge.js';
export { runCiGate, type CiOptions } from './ci.js';
export { runMatrix, smokeFailed, type MatrixOptions } from './matrix.js';
export { runSmokeCells, type SmokeCell, type SmokeOptions } from './smoke.js';
export { watchedVerticals } from './watched.js';
export { ciJunitXml } from './junit.js';
export { matrixHtml } from './html.js';
export { escapeMarkup } from './escape.js';
