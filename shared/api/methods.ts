/**
 * The contract's method names, without zod: the preload (sandboxed, bundled alone) and the renderer's HTTP
 * transport loop over them without pulling the schemas in. contract.ts checks that its `inputs` has exactly
 * these keys, so the list cannot drift from the contract.
 */
export const METHOD_LIST = [
  'getState',
  'addProject',
  'validateProject',
  'removeProject',
  'checkNow',
  'getPlan',
  'startUpgrade',
  'cancel',
  'rollback',
  'queryHistory',
  'getOperation',
  'getSettings',
  'setSettings',
  'skipVersion',
  'unskipVersion',
  'snooze',
  'pauseChecks',
  'githubTokenStatus',
  'setGithubToken',
  'clearGithubToken',
  'getProjectConfig',
  'setProjectConfig',
  'notifyChannels',
  'testNotify',
  'listApprovals',
  'approve',
  'reject',
  'getSchedule',
  'getAbout',
  'selfUpdate',
  'acceptTag',
  'pauseAutomation',
  'resumeAutomation',
  'getBatchPlan',
  'startBatch',
  'startPath',
  'listBatches',
] as const;

export type MethodName = (typeof METHOD_LIST)[number];
