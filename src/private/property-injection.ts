import { PropertyInjectors } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

/**
 * Applies the nearest `PropertyInjectors` registered for `injectionId` on the scope
 * or any of its parents, as aws-cdk-lib's own constructs do (its helper is not public).
 */
export function applyPropertyInjectors<T>(injectionId: string, props: T, scope: Construct, id: string): T {
  for (let current: IConstruct | undefined = scope; current; current = current.node.scope) {
    if (PropertyInjectors.hasPropertyInjectors(current)) {
      const injector = PropertyInjectors.of(current).for(injectionId);
      if (injector) {
        return injector.inject(props, { scope, id });
      }
    }
  }
  return props;
}
