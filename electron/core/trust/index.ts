/** Release trust (issue 10 §5): tag signatures, the tag → commit record (trust on first use), the verdict's holds. */
export { readAllowedSigners, parseAllowedSigners, type AllowedSigners } from './allowed-signers.js';
export { acceptCommand, eolOfReadings, releaseHolds, type HoldInput } from './holds.js';
export { gpgAvailable, readVerifyOutput, verifyTag, type VerifySpec } from './signature.js';
export { TagCommitRecord, type TagRecord } from './tag-record.js';
export { currentReleaseEol, currentSupport } from './current-eol.js';
export { acceptMovedTag } from './accept.js';
