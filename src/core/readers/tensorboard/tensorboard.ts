/**
 * TensorBoard event files (formats/tensorboard.md). A run is a directory directly holding `*tfevents*` files
 * (TensorBoard's rule); its files are merged in name order. Scalars come from `simple_value` and from TF2 0-d
 * tensor summaries; params from a Lightning `hparams.yaml` or the HParams plugin's `session_start_info`.
 */
import { NO_GIT, type ParamValue } from '../../model';
import { MAX_RECORD_BYTES, newRecordSlot, nextRecord, RecordStatus, type RecordSlot } from './tfrecord';
import { EventDecoder, initFileState, TbRunState, type TbFileState } from './tensorboardEvent';
import { paramsFromHparamsYaml } from './tensorboardHparams';
import type { DirEntry, Reader, RunDraft, Source, TailParser, TreeView } from '../types';
import { baseName as basename, joinRel as join } from '../paths';

/** TensorBoard: an event file's basename contains `tfevents`; the profiler's `*.profile-empty` files hold no data. */
export function isEventFileName(name: string): boolean {
  return name.includes('tfevents') && !name.endsWith('.profile-empty');
}

const HPARAMS_YAML = 'hparams.yaml';
/** Diagnostics per event file before the rest are only counted. */
const MAX_REPORTED = 20;

export const tensorboardReader: Reader = {
  format: 'tensorboard',

  detect(dir: string, tree: TreeView): Source[] {
    const entries = tree.list(dir);
    if (!entries) return [];
    const events: string[] = [];
    let yaml: DirEntry | undefined;
    for (const e of entries) {
      if (e.isFile && isEventFileName(e.name)) events.push(e.name);
      else if (e.isFile && e.name === HPARAMS_YAML) yaml = e;
    }
    if (events.length === 0) return [];
    // Both TensorBoard loaders read a run's files in lexicographic name order (= creation order by design).
    events.sort(byCodeUnits);
    const files = events.map((n) => join(dir, n));
    if (yaml) files.push(join(dir, HPARAMS_YAML));
    return [{ format: 'tensorboard', dir, path: dir, files }];
  },

  async read(source, ctx): Promise<RunDraft[]> {
    const run = new TbRunState();
    const eventFiles = source.files.filter((f) => isEventFileName(basename(f))).sort(byCodeUnits);
    for (const rel of eventFiles) {
      const seen: { state?: TbFileState } = {};
      const returned: unknown = await ctx.tail(rel, eventParser(rel, run, seen), source.path);
      // A read context may hand back the parser's final state (the only way to see an unchanged file's).
      const st = isFileState(returned) ? returned : seen.state;
      if (st) run.absorb(st);
    }
    let params: Record<string, ParamValue> = run.hparams ?? {};
    const yamlRel = source.files.find((f) => basename(f) === HPARAMS_YAML);
    if (yamlRel) {
      const text = await ctx.readText(yamlRel, { optional: true });
      if (text !== undefined) {
        const parsed = paramsFromHparamsYaml(text);
        if (parsed.ok === true) params = parsed.params;
        else if (parsed.ok === false) {
          ctx.problem(
            yamlRel,
            `tensorboard: hparams.yaml does not parse (${parsed.why}); params come from the HParams plugin data`,
            'warning',
          );
        }
      }
    }

    return [
      {
        path: source.path,
        format: 'tensorboard',
        // TensorBoard names a run by its directory relative to the logdir; the logdir itself is ".".
        name: source.dir === '' ? '.' : source.dir,
        experiment: null,
        status: run.status ?? 'unknown',
        startTime: run.firstTime,
        endTime: run.lastTime,
        git: { ...NO_GIT },
        params,
        tags: {},
        parentPath: null,
        deleted: false,
      },
    ];
  },
};

/**
 * The TailParser of one event file. Whole records are decoded; a half-written last record is left for the next
 * read. Framing errors follow TensorBoard (§2.2): a bad data checksum or an undecodable Event skips that one record.
 * A bad length checksum leaves no way to find the next record but to try each following byte, as TensorBoard's
 * reader skips corrupt records: framing resumes at the first position where a record frames again, searched over
 * at most RESYNC_BYTES; past that (a file broken from byte 0, e.g. all zeros) the rest of the file is skipped and
 * not even read.
 */
export function eventParser(rel: string, run: TbRunState, seen: { state?: TbFileState }): TailParser<TbFileState> {
  const decoder = new EventDecoder(run);
  const slot = newRecordSlot();
  const file = basename(rel);
  return {
    init: initFileState,
    finished: (st) => st.stopped,
    parse(chunk, st, emit, atEof, report): number {
      seen.state = st;
      run.sync(st);
      if (st.stopped) {
        st.pos += chunk.length;
        return chunk.length;
      }
      // A badly damaged file would give one diagnostic per record: report the first few, then count.
      const problem = (message: string): void => {
        if (st.reported < MAX_REPORTED) {
          st.reported++;
          report(message);
        } else st.unreported++;
      };
      decoder.begin(chunk, st, emit, problem, file);
      let p = 0;
      for (;;) {
        if (st.lost) {
          const found = resync(chunk, p, st.lost, slot);
          if (found === undefined) {
            // Out of bytes: the last 11 are offered again with the next ones (a record needs 12 to frame).
            p = Math.max(p, chunk.length - 11);
            if (atEof && !st.lost.told) {
              st.lost.told = true;
              problem(
                `tensorboard: record length at byte ${st.lost.at} of ${file} fails its checksum; no record frames after it`,
              );
            }
            break;
          }
          const lostAt = st.lost.at;
          st.lost = null;
          if (found < 0) {
            problem(
              `tensorboard: record length at byte ${lostAt} of ${file} fails its checksum; no record frames in the next ${RESYNC_BYTES / 1024 / 1024} MiB, so the rest of the file is skipped`,
            );
            st.stopped = true;
            p = chunk.length;
            break;
          }
          problem(
            `tensorboard: record length at byte ${lostAt} of ${file} fails its checksum; ${st.pos + found - lostAt} bytes skipped to the next record, at byte ${st.pos + found}`,
          );
          p = found;
        }
        nextRecord(chunk, p, slot, MAX_RECORD_BYTES);
        const at = st.pos + p;
        const status = slot.status;
        if (status === RecordStatus.Ok) {
          try {
            decoder.event(slot.dataStart, slot.dataEnd);
          } catch (err) {
            problem(
              `tensorboard: record at byte ${at} of ${file} is not a valid Event (${errText(err)}); record skipped`,
            );
          }
          p = slot.next;
        } else if (status === RecordStatus.Incomplete) {
          // The writer is still appending (or the file ends on a record boundary): wait for more bytes.
          break;
        } else if (status === RecordStatus.BadDataCrc) {
          problem(`tensorboard: record at byte ${at} of ${file} fails its data checksum; record skipped`);
          p = slot.next;
        } else if (status === RecordStatus.BadLengthCrc) {
          st.lost = { at, scanned: 0, told: false };
          p++;
        } else {
          problem(
            `tensorboard: record at byte ${at} of ${file} claims ${slot.length} bytes (over ${MAX_RECORD_BYTES}); the rest of the file is skipped`,
          );
          st.stopped = true;
          p = chunk.length;
          break;
        }
      }
      st.pos += p;
      if (atEof && st.unreported > 0) {
        report(`tensorboard: ${st.unreported} more damaged records in ${file} were skipped`);
        st.unreported = 0;
      }
      return p;
    },
  };
}

/** How far past a damaged length framing is tried again, byte by byte, before the rest of a file is given up. */
const RESYNC_BYTES = 1024 * 1024;

/**
 * The first position from `from` where a record frames (both checksums, or at least the length's with the data
 * still to come), counting the bytes tried into `lost`; -1 once RESYNC_BYTES were tried in vain; undefined when the
 * chunk ran out first.
 */
function resync(chunk: Uint8Array, from: number, lost: { scanned: number }, slot: RecordSlot): number | undefined {
  for (let q = from; q + 12 <= chunk.length; q++) {
    if (lost.scanned >= RESYNC_BYTES) return -1;
    lost.scanned++;
    nextRecord(chunk, q, slot, MAX_RECORD_BYTES);
    const s = slot.status;
    if (
      s === RecordStatus.Ok ||
      s === RecordStatus.BadDataCrc ||
      (s === RecordStatus.Incomplete && q + 12 <= chunk.length)
    )
      return q;
  }
  return undefined;
}

function isFileState(x: unknown): x is TbFileState {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as TbFileState).pos === 'number' &&
    typeof (x as TbFileState).plugins === 'object'
  );
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
