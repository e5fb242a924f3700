/** The scheduler (issue 9 §2): the loop, its leader lease, its store, and the daemon's unit files. */
export { Scheduler, decideSchedule, type DeviceSource, type SchedulerNotifier, type SchedulerOptions, type TickResult, type UnattendedObserver, type UnattendedOutcome } from './scheduler.js';
export { SchedulerLease, SCHEDULER_LEASE, DEFAULT_LEASE_TTL_MS, type LeaseHolder, type LeaseStatus } from './lease.js';
export { ApprovalStore, AUTOMATION_KEY, readAutomationSettings, writeAutomationSettings, lastEvaluatedAt } from './store.js';
export { gatherProjects, candidatesOf, approvalFindings } from './inputs.js';
export { daemonUnit, systemdUnit, launchdPlist, LAUNCHD_LABEL, SYSTEMD_UNIT_NAME, type DaemonUnitFile, type DaemonUnitInput } from './daemon-unit.js';
export { decideApproval, currentApprovals, pauseAutomation, resumeAutomation, scheduleReport, systemTimeZone, whoAmI, type ApprovalDecision, type ScheduleReport } from './decisions.js';
export { DeviceProbe, linuxOnBattery, parseNmcliMetered, parsePmsetBattery, systemDeviceDeps, type DeviceProbeDeps } from './device.js';
