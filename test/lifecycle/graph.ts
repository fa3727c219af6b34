/**
 * CloudFormation's scheduling: a resource starts as soon as everything it depends on is done, so
 * independent resources really run at once; after a failure nothing new starts, and what runs
 * is awaited. The deploy's length is its longest chain of resources that were operated on.
 */

export interface GraphRun {
  readonly completed: Set<string>;
  readonly failed: Map<string, Error>;
  readonly notStarted: Set<string>;
  /** Nodes whose run reported that it did something (created, updated, deleted). */
  readonly operated: Set<string>;
}

/**
 * Runs `run` for every node once its dependencies (within `nodes`) completed. `run` resolves true
 * when it operated on the resource, false when there was nothing to do.
 */
export async function runGraph(
  nodes: Iterable<string>,
  dependenciesOf: (node: string) => Iterable<string>,
  run: (node: string) => Promise<boolean>,
  options: { readonly stopOnFailure: boolean },
): Promise<GraphRun> {
  const all = new Set(nodes);
  const waitingOn = new Map<string, Set<string>>();
  for (const node of all) {
    waitingOn.set(node, new Set([...dependenciesOf(node)].filter((dependency) => all.has(dependency) && dependency !== node)));
  }
  const result: GraphRun = { completed: new Set(), failed: new Map(), notStarted: new Set(all), operated: new Set() };
  const running = new Map<string, Promise<void>>();
  let stopped = false;

  const launch = () => {
    for (const node of [...result.notStarted]) {
      if (stopped || running.has(node) || waitingOn.get(node)!.size > 0) {
        continue;
      }
      result.notStarted.delete(node);
      running.set(node, run(node).then(
        (operated) => {
          result.completed.add(node);
          if (operated) {
            result.operated.add(node);
          }
          for (const waiting of waitingOn.values()) {
            waiting.delete(node);
          }
        },
        (error: unknown) => {
          result.failed.set(node, error instanceof Error ? error : new Error(String(error)));
          stopped ||= options.stopOnFailure;
        },
      ).finally(() => running.delete(node)));
    }
  };

  launch();
  while (running.size > 0) {
    await Promise.race(running.values());
    launch();
  }
  const blocked = [...result.notStarted].filter((node) => [...waitingOn.get(node)!].every((dependency) => !result.failed.has(dependency)));
  if (!stopped && result.failed.size === 0 && blocked.length > 0) {
    throw new Error(`circular dependency between ${blocked.join(', ')}`);
  }
  return result;
}

/** The longest chain through `nodes` counting `weight` per node: a deploy's length in "waves". */
export function longestChain(nodes: Iterable<string>, dependenciesOf: (node: string) => Iterable<string>, weight: (node: string) => number): number {
  const all = new Set(nodes);
  const memo = new Map<string, number>();
  const depth = (node: string, path: Set<string>): number => {
    if (memo.has(node)) {
      return memo.get(node)!;
    }
    if (path.has(node)) {
      throw new Error(`circular dependency through ${node}`);
    }
    path.add(node);
    const inside = [...dependenciesOf(node)].filter((dependency) => all.has(dependency));
    const deepest = Math.max(0, ...inside.map((dependency) => depth(dependency, path)));
    path.delete(node);
    memo.set(node, deepest + weight(node));
    return memo.get(node)!;
  };
  return Math.max(0, ...[...all].map((node) => depth(node, new Set())));
}
