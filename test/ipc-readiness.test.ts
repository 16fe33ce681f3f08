import { spawnSync, execFileSync } from 'child_process';
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration } from 'cdk8s';
import { IpcReadiness } from '../src';

// The wait commands are run for real with /bin/sh (dash here, as in Debian images): they are
// what the consumer executes. `before` runs first, in the background (e.g. the producer).
function runWait(readiness: IpcReadiness, command: string[] = [], before?: string) {
  const argv = readiness.waitCommand(command);
  if (before) spawnSync('/bin/sh', ['-c', `(${before}) >/dev/null 2>&1 &`]);
  return spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 20_000 });
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
    expect(IpcReadiness.command(' ').problem).toBe('the condition is empty, received " "');
    expect(IpcReadiness.file('/x', { timeout: Duration.seconds(1), pollInterval: Duration.seconds(2) }).problem).toBe('pollInterval must be a positive Duration and at most timeout, received pollInterval 2000 ms and timeout 1000 ms');
  });

  test('rejects names and conditions that cannot be written as they are (YAML, NUL)', () => {
    expect(IpcReadiness.posixMessageQueue('/q\u2028x').problem).toContain('"[ -e \'/dev/mqueue/q\\u2028x\' ]" cannot be written');
    expect(IpcReadiness.command('test -e /x\0').problem).toContain('NUL character');
    expect(IpcReadiness.posixSharedMemory('/OS').problem).toBeUndefined();
  });

  test('quotes paths for the shell', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipc-'));
    const path = join(dir, "it's ready; rm -rf x");
    writeFileSync(path, '');
    expect(runWait(IpcReadiness.file(path, fast), ['echo', 'started']).stdout).toBe('started\n');
  });
});

describe('IpcReadiness.waitCommand', () => {
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

describe('hostile readiness conditions cannot change what the wrapper does', () => {
  // Each runs for real: the command runs once the condition (evaluated in a shell of its own)
  // holds, and never otherwise; a condition that does not parse stops the wrapper with exit 1.
  test.each([
    ['a comment', '# nothing to test', 'runs'],
    ['exit 0', 'exit 0', 'runs'],
    ['exit 1', 'exit 1', 'times out'],
    ['a trailing backslash', 'false \\', 'times out'],
    ['a command substitution', '$(echo false)', 'times out'],
    ['closing the loop and exiting 0', 'false; done; exit 0; while false; do', 'does not parse'],
    ['closing a brace group', 'false\n}; exit 0; {', 'does not parse'],
    ['an unbalanced quote', 'test -e "/x', 'does not parse'],
    ['an unbalanced quote hiding the rest', "' ; exit 0 ; '", 'times out'],
    // Code can kill its parent; the container then fails visibly, it never exits 0 unrun.
    ['killing the wrapper', 'kill -9 $PPID; false', 'killed'],
  ])('%s', (_name, condition, outcome) => {
    const result = runWait(IpcReadiness.command(condition, fast), ['echo', 'consumer ran']);
    if (outcome === 'killed') {
      expect(result.signal).toBe('SIGKILL');
      expect(result.stdout).toBe('');
    } else if (outcome === 'runs') {
      expect(result.status).toBe(0);
      expect(result.stdout).toBe('consumer ran\n');
    } else {
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(outcome === 'does not parse' ? 'cdk8s-multicontainer: the readiness condition does not parse: ' : 'cdk8s-multicontainer: gave up after 1 second');
    }
  });

  test('the wrapper script itself parses (sh -n), and every factory\'s condition too', () => {
    expect(spawnSync('/bin/sh', ['-n', '-c', IpcReadiness.WAIT_SCRIPT]).status).toBe(0);
    for (const r of [IpcReadiness.posixMessageQueue('/q'), IpcReadiness.posixSharedMemory("/it's"), IpcReadiness.sysvMessageQueue(7), IpcReadiness.sysvSharedMemory(-7), IpcReadiness.file('/a b')]) {
      expect(spawnSync('/bin/sh', ['-n', '-c', r.condition!]).status).toBe(0);
    }
  });
});
