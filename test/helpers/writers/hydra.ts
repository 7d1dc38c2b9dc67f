import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';

/**
 * `OmegaConf.to_yaml`: PyYAML block style, insertion order, sequences not indented under their key, single
 * quotes where quoting is needed, `null`, `{}`/`[]` for empty containers.
 */
export function omegaYaml(value: unknown): string {
  // YAML 1.1 rules decide the quoting, as in PyYAML: `'yes'`, `'on'` stay strings.
  return stringify(value, { version: '1.1', indentSeq: false, singleQuote: true, nullStr: 'null', lineWidth: 80 });
}

export interface HydraJobOptions {
  /** The composed task config (config.yaml). */
  config: Record<string, unknown> | string;
  /** overrides.yaml: the task overrides exactly as typed. */
  overrides?: string[];
  jobName?: string;
  /** Sweep index; single runs hold the MISSING literal `???`. */
  num?: number;
  mode?: 'RUN' | 'MULTIRUN';
  choices?: Record<string, string>;
  cwd?: string;
  /** `hydra.output_subdir`; `''` writes the three files into the job folder itself. */
  outputSubdir?: string;
  /** Writes `<jobName>.log` with these lines (`[asctime][name][LEVEL] - msg`). */
  log?: string[];
  /** Skip hydra.yaml / overrides.yaml (partial writes). */
  omit?: Array<'hydra' | 'overrides' | 'config'>;
}

/** The `hydra:` node as `.hydra/hydra.yaml` holds it (Hydra 1.3). */
export function hydraNode(o: HydraJobOptions): Record<string, unknown> {
  const overrides = o.overrides ?? [];
  return {
    hydra: {
      run: { dir: 'outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}' },
      sweep: { dir: 'multirun/${now:%Y-%m-%d}/${now:%H-%M-%S}', subdir: '${hydra.job.num}' },
      launcher: { _target_: 'hydra._internal.core_plugins.basic_launcher.BasicLauncher' },
      sweeper: {
        _target_: 'hydra._internal.core_plugins.basic_sweeper.BasicSweeper',
        max_batch_size: null,
        params: null,
      },
      output_subdir: o.outputSubdir ?? '.hydra',
      overrides: { hydra: [`hydra.mode=${o.mode ?? 'RUN'}`], task: overrides },
      job: {
        name: o.jobName ?? 'train',
        chdir: null,
        override_dirname: overrides.join(','),
        id: o.num === undefined ? '???' : String(o.num),
        num: o.num === undefined ? '???' : o.num,
        config_name: 'config',
        env_set: {},
        env_copy: [],
      },
      runtime: {
        version: '1.3.2',
        version_base: '1.3',
        cwd: o.cwd ?? '/home/someone/project',
        config_sources: [{ path: 'hydra.conf', schema: 'pkg', provider: 'hydra' }],
        output_dir: '/home/someone/project/outputs/2024-05-01/12-34-56',
        choices: o.choices ?? { 'hydra/launcher': 'basic', 'hydra/sweeper': 'basic' },
      },
      verbose: false,
      mode: o.mode ?? 'RUN',
    },
  };
}

/** Writes one job folder `root/rel` (config, hydra node, overrides, job log). */
export function writeHydraJob(root: string, rel: string, o: HydraJobOptions): string {
  const dir = path.join(root, rel);
  const sub = o.outputSubdir ?? '.hydra';
  const meta = sub === '' ? dir : path.join(dir, sub);
  fs.mkdirSync(meta, { recursive: true });
  const omit = new Set(o.omit ?? []);
  if (!omit.has('config'))
    fs.writeFileSync(path.join(meta, 'config.yaml'), typeof o.config === 'string' ? o.config : omegaYaml(o.config));
  if (!omit.has('hydra')) fs.writeFileSync(path.join(meta, 'hydra.yaml'), omegaYaml(hydraNode(o)));
  if (!omit.has('overrides')) fs.writeFileSync(path.join(meta, 'overrides.yaml'), omegaYaml(o.overrides ?? []));
  if (o.log) fs.writeFileSync(path.join(dir, `${o.jobName ?? 'train'}.log`), o.log.map((l) => l + '\n').join(''));
  return dir;
}

/** Writes a basic-sweeper multirun: `multirun.yaml` plus one job folder per override set (`<num>/`). */
export function writeHydraSweep(
  root: string,
  rel: string,
  base: Record<string, unknown>,
  jobs: Array<{ overrides: string[]; config: Record<string, unknown> }>,
): string[] {
  const dir = path.join(root, rel);
  fs.mkdirSync(dir, { recursive: true });
  const sweepExpr = jobs[0]?.overrides.map(
    (o) =>
      o.split('=')[0] +
      '=' +
      jobs.map((j) => j.overrides.find((x) => x.startsWith(o.split('=')[0]! + '='))?.split('=')[1]).join(','),
  );
  fs.writeFileSync(
    path.join(dir, 'multirun.yaml'),
    omegaYaml({ ...hydraNode({ config: base, mode: 'MULTIRUN', overrides: sweepExpr }), ...base }),
  );
  return jobs.map((j, num) =>
    writeHydraJob(root, `${rel}/${num}`, { config: j.config, overrides: j.overrides, num, mode: 'MULTIRUN' }),
  );
}
