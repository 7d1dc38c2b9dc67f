import { SOURCE_FORMATS } from '../model';
import { asArgs } from './args';
import { compareRuns, MAX_COMPARE_RUNS } from './compareTool';
import { ToolInputError, type ToolResult } from './result';
import { MAX_LIST_RUNS } from './runTable';
import { listRuns, runsForCommit, showRun } from './runTools';
import type { ToolSource } from './source';
import { MAX_SQL_ROWS, queryRuns, SQL_SCHEMA_NOTE } from './sqlTool';

export { ToolInputError, type ToolResult } from './result';
export type { ToolSource } from './source';

/** A JSON schema of a tool's input (the subset the tools use). */
export interface InputSchema {
  type: 'object';
  properties: Record<string, object>;
  required?: string[];
  additionalProperties: false;
}

/**
 * One read-only tool over the run index, the same for the MCP server and VS Code's language-model tools.
 * A "review against a base ref" tool joins this list when `runlens review` exists: it reads the index and a ref's
 * runs the same way, and needs nothing new here.
 */
export interface ToolSpec {
  /** MCP name (VS Code's is `runlens_` + this). */
  name: string;
  title: string;
  /** Written for a model: what it answers, when to call it, what comes back. */
  description: string;
  inputSchema: InputSchema;
  /** Asks the user before running in VS Code: a model's SQL can scan every table. */
  expensive: boolean;
  run(source: ToolSource, args: unknown): ToolResult | Promise<ToolResult>;
}

const RUN_REF = 'A run: its id (12 hex digits, from list_runs), a unique id prefix, its path or its exact name.';
const FILTER =
  'Optional filter. A filter expression selects by value: "params.lr < 1e-3 and metrics.val_loss.min <= 0.3", "name ~ \'sweep-*\'", "status = \'failed\' or exists params.dropout" (fields: name, experiment, format, status, commit, started, duration, params.<key>, metrics.<key>[.last|.min|.max|.best], tags.<key>). Any other text keeps runs whose name, path, experiment, format, metric names or "param=value" contain it (case-insensitive). Example: "lr=0.001" or "resnet".';
const METRIC =
  'Optional metric name (e.g. "val_loss") to show as a column and sort by, best first (lower-is-better guessed from the name: loss/error lower, accuracy/score higher).';

const LIMIT = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_LIST_RUNS,
  default: 50,
  description: `Most runs to return (default 50, max ${MAX_LIST_RUNS}).`,
};

/** Every tool, in the order a model should reach for them. */
export const TOOLS: readonly ToolSpec[] = [
  {
    name: 'list_runs',
    title: 'List runs',
    description:
      'Lists the machine-learning experiment runs found in this workspace (MLflow, TensorBoard, W&B, DVC, Lightning, Keras, YOLO, Hugging Face, Sacred, Hydra) with id, name, format, experiment, status, start time and git commit. ' +
      'Start here to find run ids. Give "metric" to rank runs by it ("which run has the best val_loss?"). Returns a Markdown table and the same rows as JSON; read-only.',
    inputSchema: {
      type: 'object',
      properties: {
        filter: { type: 'string', description: FILTER },
        format: { type: 'string', enum: [...SOURCE_FORMATS], description: 'Optional: only runs of this format.' },
        metric: { type: 'string', description: METRIC },
        order: {
          type: 'string',
          enum: ['asc', 'desc'],
          description: 'Optional sort order for "metric"; by default best first.',
        },
        limit: LIMIT,
      },
      additionalProperties: false,
    },
    expensive: false,
    run: (s, a) => listRuns(s, asArgs(a)),
  },
  {
    name: 'show_run',
    title: 'Show a run',
    description:
      'Shows one run in full: path, status, start time and duration, git commit/branch, every param (hyperparameters/config), every metric summary (last value and its step, min, max, number of points) and tags. Read-only.',
    inputSchema: {
      type: 'object',
      properties: { run: { type: 'string', description: RUN_REF } },
      required: ['run'],
      additionalProperties: false,
    },
    expensive: false,
    run: (s, a) => showRun(s, asArgs(a)),
  },
  {
    name: 'compare_runs',
    title: 'Compare runs',
    description:
      "Compares 2 to 8 runs: the params that differ between them, and each metric's last value with its change from the first run (the baseline), the best run marked ★. " +
      'Use it for "what changed between these runs" and "is this run a regression". Read-only.',
    inputSchema: {
      type: 'object',
      properties: {
        runs: {
          type: 'array',
          items: { type: 'string' },
          minItems: 2,
          maxItems: MAX_COMPARE_RUNS,
          description: `Runs to compare, the baseline first. ${RUN_REF}`,
        },
        allParams: { type: 'boolean', default: false, description: 'Also list params that are equal in every run.' },
      },
      required: ['runs'],
      additionalProperties: false,
    },
    expensive: false,
    run: (s, a) => compareRuns(s, asArgs(a)),
  },
  {
    name: 'runs_for_commit',
    title: 'Runs for a commit',
    description:
      'Lists the runs that recorded a given git commit (full hash or a prefix of 4+ hex digits): which experiments came from this version of the code. Only runs whose files record a commit are found (MLflow, W&B, DVC usually do). Read-only.',
    inputSchema: {
      type: 'object',
      properties: {
        commit: { type: 'string', description: 'A commit hash or prefix (at least 4 hex digits).' },
        metric: { type: 'string', description: METRIC },
        limit: LIMIT,
      },
      required: ['commit'],
      additionalProperties: false,
    },
    expensive: false,
    run: (s, a) => runsForCommit(s, asArgs(a)),
  },
  {
    name: 'query_runs',
    title: 'Query runs with SQL',
    description:
      `Runs one read-only SQLite SELECT over the run index, for questions the other tools do not answer (aggregates, joins across params and metrics). ${SQL_SCHEMA_NOTE} ` +
      `Writes, PRAGMA, ATTACH and several statements are refused. At most ${MAX_SQL_ROWS} rows. Example: SELECT r.id, r.name, p.value AS lr, m.min AS best_val_loss FROM runs r JOIN params p ON p.run_id = r.id AND p.key = 'lr' JOIN metrics m ON m.run_id = r.id AND m.key = 'val_loss' ORDER BY m.min LIMIT 10`,
    inputSchema: {
      type: 'object',
      properties: {
        sql: { type: 'string', description: 'One SELECT (or WITH … SELECT) statement.' },
        maxRows: {
          type: 'integer',
          minimum: 1,
          maximum: MAX_SQL_ROWS,
          default: 100,
          description: `Most rows to return (default 100, max ${MAX_SQL_ROWS}).`,
        },
      },
      required: ['sql'],
      additionalProperties: false,
    },
    expensive: true,
    run: (s, a) => queryRuns(s, asArgs(a)),
  },
];

/** Calls a tool by its MCP name. Unknown names and bad arguments throw ToolInputError. */
export async function callTool(source: ToolSource, name: string, args: unknown): Promise<ToolResult> {
  const tool = TOOLS.find((t) => t.name === name);
  if (!tool) throw new ToolInputError(`no tool "${name}"; the tools are ${TOOLS.map((t) => t.name).join(', ')}`);
  return tool.run(source, args);
}
