import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { decideWatch, isSharedFsType, mountOf, parseMountInfo } from '../../../src/core/watch/mounts';

// /proc/self/mountinfo of this project's build container, taken with a tmpfs mounted at "/tmp/rl mnt" (the
// kernel's `\040`), followed by lines of the shared file systems as the kernel writes them on an HPC login node
// (NFSv4 home, Lustre scratch, GPFS project space, sshfs, a CIFS share with a space and a backslash, WSL's 9p).
const MOUNTINFO = `22 27 0:21 / /proc rw,relatime - proc proc rw
24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=12334792k,nr_inodes=3083698,mode=755
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534
45 27 254:0 /run/netns /run/netns rw,relatime shared:1 - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534
46 27 0:40 / /tmp/rl\\040mnt rw,relatime - tmpfs tmpfs rw
120 27 0:52 / /home rw,relatime shared:60 - nfs4 fs1.cluster:/export/home rw,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,clientaddr=10.1.0.7,local_lock=none,addr=10.1.0.2
121 27 0:53 / /scratch rw,relatime shared:61 - lustre 10.2.0.1@o2ib:/scratch rw,flock,lazystatfs
122 27 0:54 / /gpfs/projects rw,relatime shared:62 - gpfs projects rw
123 120 0:55 / /home/ana/remote rw,nosuid,nodev,relatime shared:63 - fuse.sshfs ana@gpu-box:/data rw,user_id=1000,group_id=1000
124 27 0:56 / /mnt/team\\040share/a\\134b rw,relatime shared:64 - cifs //nas/team\\040share rw,vers=3.1.1,cache=strict
125 27 0:57 / /mnt/c rw,noatime shared:65 - 9p C:\\134 rw,dirsync,aname=drvfs;path=C:\\;uid=1000;gid=1000,trans=fd
126 120 0:58 / /home/ana/local-disk rw,relatime shared:66 - ext4 /dev/sdb1 rw
`;

describe('mount table', () => {
  const mounts = parseMountInfo(MOUNTINFO);

  it('parses every line, with optional fields and octal escapes', () => {
    assert.equal(mounts.length, 12);
    assert.deepEqual(mounts[3], { mountPoint: '/run/netns', fsType: 'ext4', source: '/dev/vda' });
    assert.equal(mounts[4]!.mountPoint, '/tmp/rl mnt');
    assert.deepEqual(mounts[9], { mountPoint: '/mnt/team share/a\\b', fsType: 'cifs', source: '//nas/team share' });
    assert.equal(mounts[10]!.source, 'C:\\');
  });

  it('skips lines without the separator instead of failing', () => {
    assert.deepEqual(parseMountInfo('garbage\n\n1 2 3\n27 1 254:0 / / rw - ext4 /dev/vda rw\n'), [
      { mountPoint: '/', fsType: 'ext4', source: '/dev/vda' },
    ]);
  });

  it('finds the mount by the longest mount point that is an ancestor', () => {
    const fsOf = (p: string): string | undefined => mountOf(mounts, p)?.fsType;
    assert.equal(fsOf('/home/ana/proj/runs'), 'nfs4');
    assert.equal(fsOf('/home/ana/remote/exp1'), 'fuse.sshfs');
    assert.equal(fsOf('/home/ana/remote'), 'fuse.sshfs');
    assert.equal(fsOf('/home/ana/remotely'), 'nfs4', 'a prefix of a name is not an ancestor');
    assert.equal(fsOf('/home/ana/local-disk/x'), 'ext4');
    assert.equal(fsOf('/tmp/rl mnt/runs'), 'tmpfs');
    assert.equal(fsOf('/mnt/team share/a\\b/exp'), 'cifs');
    assert.equal(fsOf('/work'), 'ext4');
  });

  it('takes the last of mounts stacked on one point', () => {
    const stacked = parseMountInfo(`${MOUNTINFO}130 120 0:60 / /home rw - tmpfs tmpfs rw\n`);
    assert.equal(mountOf(stacked, '/home/x')?.fsType, 'tmpfs');
  });

  it('knows the shared file system types', () => {
    for (const t of ['nfs', 'nfs4', 'cifs', 'smb3', 'lustre', 'gpfs', '9p', 'fuse.sshfs', 'fuse.s3fs', 'virtiofs'])
      assert.ok(isSharedFsType(t), t);
    for (const t of ['ext4', 'xfs', 'btrfs', 'tmpfs', 'overlay', 'fuseblk', 'zfs']) assert.ok(!isSharedFsType(t), t);
  });

  it('decides: auto polls on shared mounts only; the setting wins', () => {
    const env = { platform: 'linux' as const, mountInfo: () => MOUNTINFO, realpath: (p: string) => p };
    assert.deepEqual(decideWatch('auto', '/scratch/ana/runs', env), {
      mode: 'poll',
      reason: 'lustre mount at /scratch',
    });
    assert.equal(decideWatch('auto', '/gpfs/projects/x', env).mode, 'poll');
    assert.equal(decideWatch('auto', '/mnt/c/Users', env).mode, 'poll');
    assert.equal(decideWatch('auto', '/home/ana/local-disk', env).mode, 'events');
    assert.equal(decideWatch('events', '/scratch', env).mode, 'events');
    assert.equal(decideWatch('poll', '/work', env).mode, 'poll');
    // a symlink into a shared mount: the real path decides
    const linked = { ...env, realpath: (p: string) => p.replace('/work/runs', '/home/ana/runs') };
    assert.equal(decideWatch('auto', '/work/runs', linked).mode, 'poll');
    assert.equal(decideWatch('auto', '/x', { ...env, mountInfo: () => undefined }).mode, 'events');
    assert.equal(decideWatch('auto', '\\\\nas\\runs', { platform: 'win32' }).mode, 'poll');
    assert.equal(decideWatch('auto', 'C:\\runs', { platform: 'win32' }).mode, 'events');
    assert.equal(decideWatch('auto', '/Users/ana', { platform: 'darwin' }).mode, 'events');
  });

  it('reads this machine’s own table', function () {
    if (!fs.existsSync('/proc/self/mountinfo')) this.skip();
    const own = parseMountInfo(fs.readFileSync('/proc/self/mountinfo', 'utf8'));
    assert.ok(own.some((m) => m.mountPoint === '/'));
    const d = decideWatch('auto', os.tmpdir());
    assert.match(d.reason, / mount at \//);
  });
});
