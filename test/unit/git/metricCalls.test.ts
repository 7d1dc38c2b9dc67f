import * as assert from 'node:assert/strict';
import { findMetricCalls, metricNameVariants } from '../../../src/vscode/git/metricCalls';

const lineOf = (text: string, key: string): number[] => findMetricCalls(text, key).map((h) => h.line);

describe('metric calls: where a metric is logged in Python', () => {
  const code = [
    'import mlflow, wandb',
    'mlflow.log_metric("val_loss", loss, step=epoch)', // 1
    "self.log('val_loss', loss, prog_bar=True)", // 2
    'writer.add_scalar("train/loss", l, global_step)', // 3
    'wandb.log({"acc": acc, "val_loss": vl})', // 4
    'run.log({', // 5
    '    "epoch": e,',
    '    "lr": sched.get_last_lr()[0],', // 7
    '})',
    'live.log_metric(name="f1", val=f1)', // 9
    'run.track(v, name="bleu", step=s)', // 10
    'mlflow.log_metrics(dict(rmse=r, mae=m))', // 11
    'print("val_loss is", x)', // 12: a mention, not a call
    '_run.log_scalar("training.loss", loss)', // 13
    'tf.summary.scalar("val_accuracy", acc, step=step)', // 14
  ].join('\n');

  it('finds the usual logging calls', () => {
    assert.deepEqual(lineOf(code, 'val_loss'), [1, 2, 4]);
    assert.deepEqual(lineOf(code, 'train/loss'), [3]);
    assert.deepEqual(lineOf(code, 'acc'), [4]);
    assert.deepEqual(lineOf(code, 'lr'), [7]);
    assert.deepEqual(lineOf(code, 'f1'), [9]);
    assert.deepEqual(lineOf(code, 'bleu'), [10]);
    assert.deepEqual(lineOf(code, 'rmse'), [11]);
    assert.deepEqual(lineOf(code, 'training.loss'), [13]);
    assert.deepEqual(lineOf(code, 'val_accuracy'), [14]);
  });

  it('points at the name inside its quotes', () => {
    const [hit] = findMetricCalls(code, 'train/loss');
    assert.equal(hit!.column, 'writer.add_scalar("'.length);
    assert.equal(hit!.kind, 'call');
    assert.equal(hit!.text, 'writer.add_scalar("train/loss", l, global_step)');
  });

  it('falls back to variants (Lightning _step/_epoch, HF eval_) and then to mentions', () => {
    assert.deepEqual(metricNameVariants('train_loss_step'), ['train_loss_step', 'train_loss']);
    assert.deepEqual(metricNameVariants('eval_accuracy'), ['eval_accuracy', 'accuracy']);
    const lightning = 'self.log("train_loss", loss, on_step=True, on_epoch=True)\n';
    assert.deepEqual(
      findMetricCalls(lightning, 'train_loss_epoch').map((h) => [h.line, h.name]),
      [[0, 'train_loss']],
    );
    const mentionOnly = 'x = 1\nMETRIC = "perplexity"\n';
    const hits = findMetricCalls(mentionOnly, 'perplexity');
    assert.deepEqual(
      hits.map((h) => [h.line, h.kind]),
      [[1, 'mention']],
    );
  });

  it('treats regex characters in keys literally', () => {
    assert.deepEqual(lineOf('log_metric("a.b(c)", 1)\nlog_metric("aXb(c)", 1)\n', 'a.b(c)'), [0]);
    assert.deepEqual(lineOf('log_metric("loss", 1)\n', 'los'), []);
  });
});
