/** Every contributed command id; a guard test checks this list against package.json. */
export const COMMAND_IDS = [
  'runlens.refresh',
  'runlens.groupBy',
  'runlens.filter',
  'runlens.clearFilter',
  'runlens.compareRuns',
  'runlens.pickRunsToCompare',
  'runlens.compareThisRunWith',
  'runlens.setBaseline',
  'runlens.star',
  'runlens.unstar',
  'runlens.revealRun',
  'runlens.openRunFiles',
  'runlens.copyRunId',
  'runlens.queryRuns',
  'runlens.showProblems',
  'runlens.showLog',
  'runlens.openCommit',
  'runlens.compareCodeOfRuns',
  'runlens.findMetricInCode',
  'runlens.reviewAgainstBase',
  'runlens.openRunsTable',
  'runlens.saveView',
  'runlens.openView',
  'runlens.addSource',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
