import * as vscode from 'vscode';
import { callTool, TOOLS, type ToolResult, type ToolSpec } from '../core/tools';
import { CALL_TIME_LIMIT_MS, withTimeLimit } from '../core/tools/timeLimit';
import type { IndexService } from './indexService';

/** VS Code's name of a core tool: tool names are global across extensions, so they carry ours. */
export function vscodeToolName(spec: Pick<ToolSpec, 'name'>): string {
  return `runlens_${spec.name}`;
}

/** What the integration tests reach through the extension's API: the confirmation VS Code would show, and the call. */
export interface AgentTools extends vscode.Disposable {
  prepare(name: string, input: object): vscode.PreparedToolInvocation;
  invoke(name: string, input: object, token?: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult>;
}

/**
 * Registers the read-only tools of core/tools as VS Code language-model tools (declared in package.json's
 * `languageModelTools`), for Copilot's agent mode and any extension that calls `vscode.lm.invokeTool`.
 */
export function registerAgentTools(service: IndexService): AgentTools {
  const tools = new Map(TOOLS.map((spec) => [vscodeToolName(spec), new RunlensTool(spec, service)]));
  const registrations = [...tools].map(([name, tool]) => vscode.lm.registerTool(name, tool));
  const get = (name: string): RunlensTool => {
    const tool = tools.get(name);
    if (!tool) throw new Error(`no Runlens tool ${name}`);
    return tool;
  };
  return {
    prepare: (name, input) => get(name).prepareInvocation({ input }),
    invoke: (name, input, token) =>
      get(name).invoke({ input, toolInvocationToken: undefined }, token ?? new vscode.CancellationTokenSource().token),
    dispose: () => vscode.Disposable.from(...registrations).dispose(),
  };
}

class RunlensTool implements vscode.LanguageModelTool<object> {
  constructor(
    private readonly spec: ToolSpec,
    private readonly service: IndexService,
  ) {}

  /** SQL written by a model can scan every table: the user sees the statement and confirms it first. */
  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<object>): vscode.PreparedToolInvocation {
    const invocationMessage = `Runlens: ${this.spec.title.toLowerCase()}…`;
    if (!this.spec.expensive) return { invocationMessage };
    const sql = (options.input as { sql?: unknown }).sql;
    const message = new vscode.MarkdownString(
      'Runlens will run this read-only query over its run index (it cannot change your files or the index):',
    );
    message.appendCodeblock(typeof sql === 'string' ? sql : String(sql), 'sql');
    return { invocationMessage, confirmationMessages: { title: 'Run a SQL query over the runs?', message } };
  }

  async invoke(
    options: vscode.LanguageModelToolInvocationOptions<object>,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelToolResult> {
    await withTimeLimit(
      Promise.resolve(this.service.ready),
      `Runlens is still indexing the workspace after ${CALL_TIME_LIMIT_MS / 1000} s; try again shortly`,
    );
    if (token.isCancellationRequested) throw new vscode.CancellationError();
    const index = this.service.index;
    if (!index) throw new Error('Runlens has no run index: open a folder that holds experiment runs');
    // Errors (bad arguments, refused SQL) are thrown with a message written for the model; VS Code hands it over.
    const result: ToolResult = await callTool(
      { runs: () => index.runs(), store: index },
      this.spec.name,
      options.input,
    );
    return new vscode.LanguageModelToolResult([
      new vscode.LanguageModelTextPart(result.text),
      new vscode.LanguageModelTextPart(`The same as JSON:\n${JSON.stringify(result.data)}`),
    ]);
  }
}
