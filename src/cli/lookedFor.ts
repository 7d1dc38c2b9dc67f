import type { SourceFormat } from '../core/model';

/**
 * What each reader looks for, in users' words: `runlens list` prints it when a folder has no runs, so "0 runs" says
 * where Runlens looked. A Record, so adding a format without a line here does not compile.
 */
export const LOOKED_FOR: Readonly<Record<SourceFormat, string>> = {
  mlflow: 'MLflow: mlruns/<experiment>/<run>/meta.yaml, mlflow.db',
  tensorboard: 'TensorBoard: events.out.tfevents.*',
  wandb: 'Weights & Biases: wandb/run-*/, wandb/offline-run-*/ (run-<id>.wandb, files/)',
  dvc: 'DVC / DVCLive: dvclive/ (metrics.json, plots/metrics/), dvc.yaml + params.yaml',
  lightning: 'PyTorch Lightning: lightning_logs/version_*/metrics.csv (+ hparams.yaml)',
  keras: 'Keras CSVLogger: *.csv and *.log files whose header starts with epoch',
  yolo: 'Ultralytics YOLO: results.csv beside args.yaml',
  'hf-trainer': 'Hugging Face Trainer: trainer_state.json (+ checkpoint-*/)',
  sacred: 'Sacred FileStorageObserver: <id>/run.json, config.json, metrics.json',
  hydra: 'Hydra: .hydra/config.yaml (outputs/ and multirun/)',
  guild: 'Guild AI: .guild/runs/<id>/.guild/attrs/ (flags, started, exit_status)',
};

/** The hint under "0 runs". */
export function lookedForText(): string {
  return [
    'Runlens looked for the files these tools write:',
    ...Object.values(LOOKED_FOR).map((l) => `  ${l}`),
    'None were found (check the path, and --include/--exclude).',
  ].join('\n');
}
