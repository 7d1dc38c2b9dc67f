import { main } from '../../src/cli/main';

/** One CLI invocation in this process, with what it wrote to stdout and stderr. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(
    args,
    (t) => (out += t + '\n'),
    (t) => (err += t + '\n'),
  );
  return { code, out, err };
}
