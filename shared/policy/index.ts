/** Upgrade policy: kind of bump, risk, and the gate that decides who approves. Pure. */
export { bumpBetween, classifyBump, crossedBump, isUpgrade, type NumericBump } from './bump.js';
export { bumpInWords, defaultGates, gateFor, gateRequirement, gateRule, stricterGate, type GatedBump, type GateRequirement, type GateRule, type Gates } from './gates.js';
export { assessRisk, type RiskInput } from './risk.js';
export { applyStrategy, effectiveStrategy, isoDay, pinBelowCurrent, pinVariable, STRATEGIES, type StrategyExclusion, type StrategyName, type StrategyOptions, type StrategyResult } from './strategy.js';
