import type { SourceFormat } from '../model';
import { dvcReader } from './dvc';
import { guildReader } from './guild';
import { hfTrainerReader } from './hfTrainer';
import { hydraReader } from './hydra';
import { kerasReader } from './keras';
import { lightningReader } from './lightning';
import { mlflowDbReader } from './mlflow/mlflowDb';
import { mlflowFilesReader } from './mlflow/mlflowFiles';
import { sacredReader } from './sacred';
import { tensorboardReader } from './tensorboard/tensorboard';
import type { Reader } from './types';
import { wandbReader } from './wandb/wandb';
import { yoloReader } from './yolo';

/** Every reader, one per format (two for MLflow's two stores). A guard test checks every format is covered. */
export const READERS: readonly Reader[] = [
  mlflowFilesReader,
  mlflowDbReader,
  tensorboardReader,
  wandbReader,
  dvcReader,
  lightningReader,
  kerasReader,
  yoloReader,
  hfTrainerReader,
  sacredReader,
  hydraReader,
  guildReader,
];

export function readersFor(formats: readonly SourceFormat[]): Reader[] {
  return READERS.filter((r) => formats.includes(r.format));
}
