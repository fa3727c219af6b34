/**
 * The steps every lifecycle scenario takes: start a harness per test, deploy a version and check
 * the invariants after it, with the stack status and the failures in the same assertion so a
 * failing test shows why.
 */
import { ensureBundle, removeSynthesized } from './apps';
import { DeployOptions } from './cloudformation';
import { Harness } from './harness';
import { OperationRecord, StackStatus, SynthesizedStack } from './stack-records';

const LIFECYCLE_TIMEOUT_MS = 120_000;

/** A harness for each test of the file; `harness()` is the current one. */
export function useHarness(options: { rollbackOrder?: 'reverse' | 'forward' } = {}): () => Harness {
  // A lifecycle synthesizes and deploys several versions; a test that bounds a stall waits for it.
  jest.setTimeout(LIFECYCLE_TIMEOUT_MS);
  let current: Harness | undefined;
  beforeAll(() => ensureBundle(), 120_000);
  beforeEach(async () => {
    current = await Harness.start(options);
  });
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  afterAll(() => removeSynthesized());
  return () => current!;
}

/** Deploys and checks: the stack ends in `status`, and every invariant holds. */
export async function deployed(harness: Harness, stack: SynthesizedStack, status: StackStatus, options?: DeployOptions): Promise<OperationRecord> {
  const operation = await harness.deploy(stack, options);
  expect(summary(harness, operation)).toEqual({ status, failures: status.includes('ROLLBACK') ? operation.failures : [], violations: [] });
  return operation;
}

export async function destroyed(harness: Harness): Promise<OperationRecord> {
  const operation = await harness.destroy();
  expect(summary(harness, operation)).toEqual({ status: 'DELETE_COMPLETE', failures: [], violations: [] });
  return operation;
}

function summary(harness: Harness, operation: OperationRecord) {
  return { status: operation.status, failures: operation.failures, violations: harness.check() };
}

/** The requests of one operation to custom resources, as `phase RequestType logicalId → status`. */
export function requests(operation: OperationRecord): string[] {
  return operation.customResources.map((record) => `${record.phase} ${record.event.RequestType} ${record.logicalId} → ${record.outcome?.status}`);
}

/** API calls of these actions made while the operation ran. */
export function callsDuring(harness: Harness, operation: OperationRecord, ...actions: string[]): number {
  const started = operation.events[0]?.at ?? 0;
  const ended = operation.events[operation.events.length - 1]?.at ?? Infinity;
  return harness.fake.calls.filter((call) => actions.includes(call.action) && call.at >= started && call.at <= ended).length;
}
