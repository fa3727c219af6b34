/**
 * The two command-line tools this suite drives, `openvpn` and `openssl`, and how it runs them:
 *
 * - `requireTools()` fails loudly when either is missing. The suite must fail, never skip, on a
 *   machine without OpenVPN: a skipped interoperability check reads as a passed one.
 * - `runTool()` runs a command to completion with a hard timeout (for `openssl`).
 * - `spawnTracked()` starts a long-running process (for `openvpn`) and remembers it, so that
 *   `stopAll()` (called from `afterEach`) and, as a last resort, the exit of the jest worker
 *   kill whatever a failed test left behind.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';

/** Where Debian puts `openvpn`: /usr/sbin is not on every user's PATH. */
const EXTRA_PATH = ['/usr/sbin', '/usr/local/sbin'];

/** PATH for the tools, with the sbin directories appended. */
export function toolPath(): string {
  return [process.env.PATH ?? '', ...EXTRA_PATH].filter(Boolean).join(':');
}

/** Throws, naming the missing tool and how CI installs it, unless `openvpn` and `openssl` both run. */
export function requireTools(): void {
  const missing: string[] = [];
  for (const [tool, versionArgs] of [['openvpn', ['--version']], ['openssl', ['version']]] as const) {
    const result = spawnSync(tool, versionArgs, { env: { ...process.env, PATH: toolPath() }, encoding: 'utf8', timeout: 10_000 });
    // `openvpn --version` exits 1 after printing its version: what matters is that it ran.
    if (result.error || !`${result.stdout}${result.stderr}`.trim()) {
      missing.push(`${tool} (${result.error?.message ?? 'printed nothing'})`);
    }
  }
  if (missing.length > 0) {
    throw new Error(`The OpenVPN interoperability tests need ${missing.join(' and ')} on PATH `
      + '(Debian/Ubuntu: apt-get install -y openvpn openssl). They fail rather than skip without them.');
  }
}

/** The first line of `openvpn --version`, e.g. "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] ...". */
export function openvpnVersion(): string {
  // It exits 1 after printing, so execFileSync throws: the output is on the error.
  try {
    return execFileSync('openvpn', ['--version'], { env: { ...process.env, PATH: toolPath() }, encoding: 'utf8', timeout: 10_000 }).split('\n')[0];
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '').split('\n')[0];
  }
}

/** What a finished command printed. */
export interface ToolResult {
  readonly status: number | null;
  readonly output: string;
}

/** Runs `command args` to completion (at most `timeoutMs`); a timeout or a failure to start throws. */
export function runTool(command: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): ToolResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, PATH: toolPath() },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 20_000,
    killSignal: 'SIGKILL',
  });
  if (result.error) {
    throw new Error(`${command} ${args.join(' ')} did not finish: ${result.error.message}\n${result.stdout}${result.stderr}`);
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A started process, its merged stdout and stderr so far, and a promise of its exit. */
export interface TrackedProcess {
  readonly child: ChildProcess;
  /** Everything printed so far (stdout and stderr interleaved as they arrived). */
  output(): string;
  /** Set once the process has exited. */
  exitCode(): number | null | undefined;
  /** Calls `listener` after every chunk of output and on exit, until the returned function is called. */
  onChange(listener: () => void): () => void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<TrackedProcess>();

/**
 * Starts `command args` in `cwd`, tracked until it exits so `stopAll()` can end it. Whatever
 * happens, it is killed after `lifetimeMs`.
 */
export function spawnTracked(command: string, args: readonly string[], cwd: string, lifetimeMs: number): TrackedProcess {
  const child = spawn(command, args, { cwd, env: { ...process.env, PATH: toolPath() }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // undefined: still running; null: ended by a signal.
  let exitCode: number | null | undefined = undefined;
  const lifetime = setTimeout(() => {
    output += `\n[driver] killed: still running after ${lifetimeMs} ms\n`;
    child.kill('SIGKILL');
  }, lifetimeMs);
  // The backstop must not keep jest waiting for it.
  lifetime.unref();
  const listeners = new Set<() => void>();
  const notify = () => [...listeners].forEach((listener) => listener());
  const exited = new Promise<void>((resolve) => {
    // 'close', not 'exit': by then stdout and stderr are drained, so output() is complete.
    child.on('close', (code) => {
      exitCode = code;
      clearTimeout(lifetime);
      live.delete(tracked);
      notify();
      resolve();
    });
  });
  child.on('error', (error) => {
    output += `\n[driver] ${command} failed to start: ${error.message}\n`;
    // 'exit' does not follow a failed spawn.
    if (exitCode === undefined) {
      exitCode = -1;
      clearTimeout(lifetime);
      live.delete(tracked);
      notify();
    }
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      output += chunk;
      notify();
    });
  }
  const tracked: TrackedProcess = {
    child,
    output: () => output,
    exitCode: () => exitCode,
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: async (graceMs = 2_000) => {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  live.add(tracked);
  return tracked;
}

/**
 * Resolves with the first non-undefined value of `check()`, evaluated now and whenever one of
 * `processes` prints or exits; rejects if `check` throws or after `timeoutMs` (with `onTimeout()`'s message).
 */
export function waitFor<T>(processes: readonly TrackedProcess[], check: () => T | undefined, timeoutMs: number, onTimeout: () => string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const unsubscribes: Array<() => void> = [];
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      unsubscribes.forEach((unsubscribe) => unsubscribe());
      settle();
    };
    const evaluate = () => {
      try {
        const value = check();
        if (value !== undefined) finish(() => resolve(value));
      } catch (error) {
        finish(() => reject(error));
      }
    };
    const timer = setTimeout(() => finish(() => reject(new Error(onTimeout()))), timeoutMs);
    processes.forEach((tracked) => unsubscribes.push(tracked.onChange(evaluate)));
    evaluate();
  });
}

/** Stops every process `spawnTracked` started that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((tracked) => tracked.stop()));
}

// Should the worker exit with processes still running (a crash, a forgotten afterEach), kill them.
process.on('exit', () => {
  for (const tracked of live) tracked.child.kill('SIGKILL');
});
