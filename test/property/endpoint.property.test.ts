/**
 * Property-based tests of ClientVpnEndpoint.
 *
 * - a valid configuration always synthesizes, into a template that satisfies every documented constraint;
 * - a valid configuration with one fault from a table of invalid values always throws an Error
 *   naming the offending prop;
 * - any prop replaced by a value of the wrong type throws an Error naming that prop, or (when the
 *   value happens to be usable) synthesizes a valid template; never a TypeError.
 *
 * 1,000 runs each (FC_NUM_RUNS overrides). A failure prints the seed and a replay command:
 * FC_SEED=<seed> FC_PATH=<path> npx jest test/property/endpoint.property.test.ts --coverage=false
 */
import * as fc from 'fast-check';
import { invalidEndpointMutation, invalidOutcome, wrongTypeArb, wrongTypeOutcome } from './endpoint-faults';
import { createEndpoint, endpointProps, endpointTemplateViolations, fixtureFor, reflectsSpecViolations, validEndpointSpec } from './endpoint-spec';
import { assertProperty, failIf, releaseCdkGlobals } from './support';

const TIMEOUT = 300_000;

afterAll(() => releaseCdkGlobals());

test('a valid configuration always synthesizes into a template that satisfies every documented constraint', () => {
  assertProperty(fc.property(validEndpointSpec(), (spec) => {
    const fx = fixtureFor(spec);
    createEndpoint(fx, endpointProps(spec, fx), spec.tags);
    const artifact = fx.app.synth().getStackArtifact(fx.stack.artifactId);
    const errors = artifact.messages.filter((m) => m.level === 'error').map((m) => `error annotation: ${String(m.entry.data)}`);
    failIf([...errors, ...endpointTemplateViolations(artifact.template), ...reflectsSpecViolations(artifact.template, spec)]);
  }), __filename);
}, TIMEOUT);

test('a configuration with one invalid value always throws an Error naming the offending prop', () => {
  assertProperty(fc.property(invalidEndpointMutation(), (mutation) => {
    failIf(invalidOutcome(mutation));
  }), __filename);
}, TIMEOUT);

test('any prop of the wrong type throws an Error naming it, or synthesizes a valid template; never a TypeError', () => {
  assertProperty(fc.property(validEndpointSpec(), wrongTypeArb(), (spec, [prop, value]) => {
    failIf(wrongTypeOutcome(spec, prop, value));
  }), __filename);
}, TIMEOUT);
