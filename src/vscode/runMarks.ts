import * as vscode from 'vscode';

const STARRED = 'runlens.starred';
const BASELINE = 'runlens.baseline';

/** Stars and the baseline run: UI state, kept in workspace state — never written into the user's run files. */
export class RunMarks implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly state: vscode.Memento) {}

  isStarred(id: string): boolean {
    return this.starred().includes(id);
  }

  starred(): string[] {
    return this.state.get<string[]>(STARRED) ?? [];
  }

  async setStarred(ids: readonly string[], starred: boolean): Promise<void> {
    const now = new Set(this.starred());
    for (const id of ids) {
      if (starred) now.add(id);
      else now.delete(id);
    }
    await this.state.update(STARRED, [...now]);
    this.emitter.fire();
  }

  get baseline(): string | undefined {
    return this.state.get<string>(BASELINE);
  }

  async setBaseline(id: string | undefined): Promise<void> {
    await this.state.update(BASELINE, id);
    this.emitter.fire();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
