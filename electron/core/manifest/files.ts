/**
 * The manifest files' names and size cap, apart from the loaders so that code which only needs to find or
 * fingerprint a manifest (manifest/memo.ts) does not load the schema, zod and the YAML parser with them.
 */

/** Names of Upshift's own manifest, in order of preference. */
export const UPSHIFT_MANIFEST_FILES = ['upshift.yml', 'upshift.yaml'] as const;

/** Manifests larger than this are refused (1 MiB); real ones are a few kilobytes. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** The seed system's (Vitruvyan `vit`) manifest file name. */
export const SEED_MANIFEST_FILE = 'vertical_manifest.yaml';
