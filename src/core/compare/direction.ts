/** Whether a lower or a higher value of a metric is better. */
export type Direction = 'lower' | 'higher';

const LOWER =
  /(loss|error|\berr\b|_err\b|mse|mae|rmse|mape|perplexity|\bppl\b|\bwer\b|\bcer\b|latency|time|duration|regret|distance|fid\b|nll|bpd|bpc)/i;
const HIGHER =
  /(acc|accuracy|precision|recall|\bf1|f1_|auc|\bmap\b|map50|mAP|iou|dice|bleu|rouge|meteor|score|reward|return|r2|psnr|ssim|top[-_]?\d|hit|ndcg|mrr|throughput|samples_per_second|steps_per_second)/i;

/**
 * Guesses a metric's direction from its name: loss/error-like lower, accuracy-like higher. Undefined when the
 * name says nothing (then no cell is called best until the user sets a direction).
 */
export function guessDirection(key: string): Direction | undefined {
  const leaf = key.split(/[/.]/).pop() ?? key;
  if (LOWER.test(leaf)) return 'lower';
  if (HIGHER.test(leaf)) return 'higher';
  if (LOWER.test(key)) return 'lower';
  if (HIGHER.test(key)) return 'higher';
  return undefined;
}
