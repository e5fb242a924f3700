/**
 * Manifest loading: `upshift.yml` (or `upshift.yaml`) and the seed format `vertical_manifest.yaml`, both
 * normalised into a {@link ProjectManifest}, plus the published JSON Schema. See docs/manifest.md.
 */
export type { ProjectManifest } from './types.js';
export { ManifestError, type ManifestIssue, formatManifestIssue } from './errors.js';
export { loadManifest, defaultManifest, type LoadManifestOptions, UPSHIFT_MANIFEST_FILES, MAX_MANIFEST_BYTES } from './load.js';
export { SEED_MANIFEST_FILE, SEED_SMOKE_SCRIPT, SEED_CORE_PLACEHOLDER } from './seed.js';
export {
  manifestJsonSchema,
  upshiftManifestSchema,
  type UpshiftManifestData,
  DEFAULT_GATES,
  DEFAULT_SMOKE_TIMEOUT_SECONDS,
  SMOKE_TIMEOUT_BOUNDS,
} from './schema.js';
