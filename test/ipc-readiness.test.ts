import { spawnSync, execFileSync } from 'child_process';
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration } from 'cdk8s';
import { IpcReadiness } from '../src';

// The wait scripts are run for real with /bin/sh: they are what the consumer executes.
function runWait(readiness: IpcReadiness, command: string[] = [], before?: string) {
  const script = before ? `${before}\n${readiness.waitScript()}` : readiness.waitScript();
  return spawnSync('/bin/sh', ['-c', script, 'wait-for-producer', ...command], { encoding: 'utf8', timeout: 20_000 });
}

const fast = { timeout: Duration.seconds(1), pollInterval: Duration.millis(100) };

describe('IpcReadiness conditions', () => {
  test('posixMessageQueue tests /dev/mqueue/<name>', () => {
    expect(IpcReadiness.posixMessageQueue('/ch6_ipc').condition).toBe('[ -e \'/dev/mqueue/ch6_ipc\' ]');
    expect(IpcReadiness.posixMessageQueue('ch6_ipc').condition).toBe('[ -e \'/dev/mqueue/ch6_ipc\' ]');
  });

  test('posixSharedMemory tests /dev/shm/<name>', () => {
    expect(IpcReadiness.posixSharedMemory('/OS').condition).toBe('[ -e \'/dev/shm/OS\' ]');
  });

  test.each([['a/b'], ['/'], [''], ['/' + 'x'.repeat(256)]])('rejects the POSIX name %j', (name) => {
    expect(IpcReadiness.posixMessageQueue(name).problem).toContain('name is "/" followed by 1 to 255 characters without "/"');
  });

  test('rejects key 0 (IPC_PRIVATE) and non-integers for System V', () => {
    expect(IpcReadiness.sysvMessageQueue(0).problem).toContain('non-zero 32-bit integer');
    expect(IpcReadiness.sysvSharedMemory(1.5).problem).toContain('received 1.5');
    expect(IpcReadiness.sysvMessageQueue(1234).problem).toBeUndefined();
  });

  test('rejects a relative file path, an empty command and a poll interval above the timeout', () => {
    expect(IpcReadiness.file('ready').problem).toContain('the path must be absolute');
    expect(IpcReadiness.command(' ').problem).toBe('the condition is empty');
    expect(IpcReadiness.file('/x', { timeout: Duration.seconds(1), pollInterval: Duration.seconds(2) }).problem).toContain('pollInterval must be positive and at most timeout');
  });

  test('conditions with the default timing are shared; custom timing makes a new one', () => {
    // Immutable values: 10,000 Pods waiting for /OS hold one readiness, not 10,000.
    expect(IpcReadiness.posixSharedMemory('/OS')).toBe(IpcReadiness.posixSharedMemory('/OS'));
    expect(IpcReadiness.sysvMessageQueue(42)).toBe(IpcReadiness.sysvMessageQueue(42));
    expect(IpcReadiness.none()).toBe(IpcReadiness.none());
    // Same argument, another kind of object: not shared.
    expect(IpcReadiness.sysvMessageQueue(42)).not.toBe(IpcReadiness.sysvSharedMemory(42));
    expect(IpcReadiness.posixSharedMemory('/q')).not.toBe(IpcReadiness.posixMessageQueue('/q'));
    const custom = IpcReadiness.posixSharedMemory('/OS', fast);
    expect(custom).not.toBe(IpcReadiness.posixSharedMemory('/OS'));
    expect(custom.timeout.toSeconds()).toBe(1);
    expect(IpcReadiness.posixSharedMemory('/OS').timeout.toSeconds()).toBe(60);
    expect(IpcReadiness.posixSharedMemory('/OS', { timeout: Duration.seconds(5) }).pollInterval.toSeconds()).toBe(1);
  });

  test('quotes paths for the shell', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipc-'));
    const path = join(dir, "it's ready; rm -rf x");
    writeFileSync(path, '');
    expect(runWait(IpcReadiness.file(path, fast), ['echo', 'started']).stdout).toBe('started\n');
  });
});

describe('IpcReadiness.waitScript', () => {
  test('waits until the condition holds, then execs the command with its arguments intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipc-'));
    const marker = join(dir, 'queue');
    const result = runWait(IpcReadiness.file(marker, fast), ['sh', '-c', 'echo "consumer sees $1"', 'x', 'a b'],
      `(sleep 0.5; touch '${marker}') &`);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('consumer sees a b\n');
  });

  test('gives up after the timeout with exit 1 and says what it waited for', () => {
    const started = Date.now();
    const result = runWait(IpcReadiness.file('/nonexistent/queue', fast), ['echo', 'must not run']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('cdk8s-multicontainer: gave up after 1 second waiting for file /nonexistent/queue; is the producer running?\n');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  test('exits 0 without a command (a postStart hook)', () => {
    const result = runWait(IpcReadiness.command('true', fast));
    expect(result.status).toBe(0);
  });

  test('a custom command condition is evaluated by the shell', () => {
    expect(runWait(IpcReadiness.command('[ 1 -eq 1 ] && true', fast), ['echo', 'ok']).stdout).toBe('ok\n');
    expect(runWait(IpcReadiness.command('false', fast), ['echo', 'ok']).status).toBe(1);
  });

  test('none() only execs the command', () => {
    expect(IpcReadiness.none().condition).toBeUndefined();
    expect(runWait(IpcReadiness.none(), ['echo', 'ok']).stdout).toBe('ok\n');
  });

  // System V: a real queue created in this machine's IPC namespace with ipcmk, when available.
  const haveIpcmk = spawnSync('sh', ['-c', 'command -v ipcmk && test -r /proc/sysvipc/msg']).status === 0;
  (haveIpcmk ? test : test.skip)('sysvMessageQueue finds a real queue by its key in /proc/sysvipc/msg', () => {
    const id = /(\d+)/.exec(execFileSync('ipcmk', ['-Q'], { encoding: 'utf8' }))![1];
    try {
      const line = readFileSync('/proc/sysvipc/msg', 'utf8').split('\n').map(l => l.trim().split(/\s+/)).find(cols => cols[1] === id)!;
      const key = Number(line[0]);
      expect(runWait(IpcReadiness.sysvMessageQueue(key, fast), ['echo', 'found']).stdout).toBe('found\n');
      expect(runWait(IpcReadiness.sysvMessageQueue(key + 1, fast), ['echo', 'found']).status).toBe(1);
      // Keys above 2^31 are printed signed: the factory takes either form.
      expect(runWait(IpcReadiness.sysvMessageQueue(key < 0 ? key + 4294967296 : key, fast), ['echo', 'found']).stdout).toBe('found\n');
    } finally {
      execFileSync('ipcrm', ['-q', id]);
    }
  });

  test('sysv conditions read the right table', () => {
    expect(IpcReadiness.sysvMessageQueue(42).condition).toContain('< /proc/sysvipc/msg');
    expect(IpcReadiness.sysvSharedMemory(42).condition).toContain('< /proc/sysvipc/shm');
    expect(existsSync('/bin/sh')).toBe(true);
  });
});
