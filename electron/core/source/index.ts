export type { ReleaseSource, ReleaseSourceProject } from './types.js';
export { GitTagSource, type GitTagSourceOptions, type Discovery } from './git-tags.js';
