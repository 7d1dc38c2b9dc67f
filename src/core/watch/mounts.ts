import * as fs from 'node:fs';
import * as path from 'node:path';

/** One line of /proc/self/mountinfo: where a file system is mounted and its type. */
export interface Mount {
  /** The mount point, unescaped (`\040` → space). */
  mountPoint: string;
  /** The file system type, e.g. `nfs4`, `fuse.sshfs`, `ext4`. */
  fsType: string;
  /** What is mounted (`server:/export`, `//host/share`, a device). */
  source: string;
}

/**
 * Parses Linux's /proc/<pid>/mountinfo (proc(5)): `id parent major:minor root mountpoint options [optional…] -
 * fstype source superoptions`. The kernel writes space, tab, newline and backslash in paths as octal escapes.
 * Lines that do not have that shape are skipped: a table we cannot read must not stop the extension.
 */
export function parseMountInfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (dash < 0 || fields.length < dash + 3) continue;
    mounts.push({
      mountPoint: unescapeOctal(fields[4]),
      fsType: unescapeOctal(fields[dash + 1]),
      source: unescapeOctal(fields[dash + 2]),
    });
  }
  return mounts;
}

function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * The mount holding `realPath` (an absolute path with links resolved): the longest mount point that is the path
 * or one of its ancestors. Of equal mount points the last one listed wins (it is mounted over the others).
 */
export function mountOf(mounts: readonly Mount[], realPath: string): Mount | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const mp = m.mountPoint;
    const inside = mp === '/' || realPath === mp || realPath.startsWith(mp.endsWith('/') ? mp : mp + '/');
    if (inside && (!best || mp.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

/** File systems whose changes happen elsewhere (another client, another node, the host of a VM): inotify misses them. */
const SHARED_TYPES = new Set([
  'nfs',
  'nfs4',
  'cifs',
  'smb3',
  'smbfs',
  'lustre',
  'gpfs',
  '9p',
  'virtiofs',
  'ceph',
  'glusterfs',
  'beegfs',
  'gfs2',
  'ocfs2',
  'afs',
  'panfs',
  'wekafs',
  'vboxsf',
  'vmhgfs',
  'prl_fs',
  'davfs',
  'fuse',
]);

/**
 * Whether a file system type is shared or network-backed. Any `fuse.<name>` counts (sshfs, s3fs, gcsfuse, rclone,
 * glusterfs over FUSE …): its data lives behind a user-space daemon. `fuseblk` (ntfs-3g, exfat on a local disk) does not.
 */
export function isSharedFsType(fsType: string): boolean {
  const t = fsType.toLowerCase();
  return SHARED_TYPES.has(t) || t.startsWith('fuse.');
}

export type WatchSetting = 'events' | 'poll' | 'auto';

/** How one folder is followed, and why (shown to the user). */
export interface WatchDecision {
  mode: 'events' | 'poll';
  reason: string;
}

/**
 * Events or polling for a folder. `auto` polls on a shared file system found in the mount table (Linux) or on a
 * UNC path (Windows); anywhere the table cannot be read it keeps to file events.
 */
export function decideWatch(
  setting: WatchSetting,
  folder: string,
  env: { platform?: NodeJS.Platform; mountInfo?: () => string | undefined; realpath?: (p: string) => string } = {},
): WatchDecision {
  if (setting === 'poll') return { mode: 'poll', reason: 'runlens.watch is "poll"' };
  if (setting === 'events') return { mode: 'events', reason: 'runlens.watch is "events"' };
  const platform = env.platform ?? process.platform;
  if (platform === 'win32') {
    return folder.startsWith('\\\\')
      ? { mode: 'poll', reason: 'the folder is on a network share' }
      : { mode: 'events', reason: 'a local folder' };
  }
  if (platform !== 'linux') return { mode: 'events', reason: `no mount table read on ${platform}` };
  const text = (env.mountInfo ?? readOwnMountInfo)();
  if (text === undefined) return { mode: 'events', reason: 'the mount table could not be read' };
  let real = folder;
  try {
    real = (env.realpath ?? fs.realpathSync.native)(folder);
  } catch {
    // a folder that cannot be resolved is looked up as given
  }
  const m = mountOf(parseMountInfo(text), path.resolve(real));
  if (!m) return { mode: 'events', reason: 'no mount found for the folder' };
  return isSharedFsType(m.fsType)
    ? { mode: 'poll', reason: `${m.fsType} mount at ${m.mountPoint}` }
    : { mode: 'events', reason: `${m.fsType} mount at ${m.mountPoint}` };
}

function readOwnMountInfo(): string | undefined {
  try {
    return fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return undefined;
  }
}
