/** Upgrade policy: kind of bump, risk, and the gate that decides who approves. Pure. */
export { bumpBetween, classifyBump, crossedBump, isUpgrade, type NumericBump } from './bump.js';
export { bumpInWords, defaultGates, gateFor, gateRequirement, gateRule, stricterGate, type GatedBump, type GateRequirement, type GateRule, type Gates } from './gates.js';
export { assessRisk, type RiskInput } from './risk.js';
export { applyStrategy, effectiveStrategy, isoDay, pinBelowCurrent, pinVariable, STRATEGIES, type StrategyExclusion, type StrategyName, type StrategyOptions, type StrategyResult } from './strategy.js';
export { approve, findApproval, reconcileApprovals, reject, type Approval, type ApprovalEvent, type ApprovalFinding, type ApprovalQueue, type ApprovalRelease, type ApprovalResult, type ApprovalState, type ApprovalTarget, type ApprovalTiming } from './approvals.js';
export { DEFAULT_AUTOMATION, DEFAULT_SECURITY_POLICY, effectivePolicy, type AutomationConfig, type AutomationPolicy, type AutomationSettings, type CatchUp, type Pause, type ProjectAutomationPolicy, type SecurityPolicy } from './automation.js';
export { schedule } from './schedule.js';
export type * from './schedule-types.js';
export { describePeriod, isOpen, nextOpening, parseClock, parseLocalDate, windowIntervals, WEEKDAYS, type Blackout, type MaintenanceWindow, type Opening, type Weekday, type WeeklyPeriod, type WindowOptions } from './windows.js';
export { formatWhen, isValidTimeZone, resolveLocal, wallTime } from './zoned.js';
export { EOL_WARNING_DAYS, lineParts, minorLine, newestMinorLines, supportStatus, supportTable, type ReleaseEol, type SupportedLine, type SupportPolicy } from './support.js';
export { mergeSecurity, securityFromMetadata, securityFromText, type SecurityFinding, type SecurityMetadata } from './security.js';
export { describeSkip, isMajorSkip, majorSkip, skippedBy } from './skips.js';
export { updateOffer, type BlockedRelease, type OfferedRelease, type UpdateOffer } from './offer.js';
