/**
 * The git layer: one entry point (`runGit`) and one small module per verb. Every function takes the repository
 * directory first and an options object with an optional AbortSignal last; failures are `GitError`s.
 */
export * from './core.js';
export * from './refname.js';
export * from './ls-remote.js';
export * from './rev-parse.js';
export * from './status.js';
export * from './fetch.js';
export * from './checkout.js';
export * from './stash.js';
export * from './stash-return.js';
export * from './merge-tree.js';
export * from './refs.js';
export * from './log.js';
export * from './diffstat.js';
export * from './describe.js';
export * from './show.js';
export * from './ref-files.js';
