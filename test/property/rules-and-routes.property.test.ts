/**
 * Property-based tests of IngressAuthorization and ClientVpnRoute, on endpoints defined here
 * (mutual TLS only, or with Active Directory) and imported ones.
 *
 * - valid rules and routes always synthesize, into templates that satisfy the documented constraints
 *   (a network in CIDR notation, AccessGroupId or AuthorizeAllGroups, a target that is a
 *   target network, waiting for the target network associations);
 * - one invalid value always throws an Error naming the offending prop;
 * - any prop of the wrong type throws an Error naming it, or synthesizes a valid template; never a TypeError.
 *
 * 1,000 runs each (FC_NUM_RUNS overrides). A failure prints the seed and a replay command:
 * FC_SEED=<seed> FC_PATH=<path> npx jest test/property/rules-and-routes.property.test.ts --coverage=false
 */
import * as fc from 'fast-check';
import {
  invalidRouteMutation,
  invalidRouteOutcome,
  invalidRuleMutation,
  invalidRuleOutcome,
  validRoutesOutcome,
  validRoutesSpec,
  validRulesOutcome,
  validRulesSpec,
  wrongRouteArb,
  wrongRouteOutcome,
  wrongRuleArb,
  wrongRuleOutcome,
} from './rules-and-routes-spec';
import { assertProperty, failIf, releaseCdkGlobals } from './support';

const TIMEOUT = 300_000;

afterAll(() => releaseCdkGlobals());

describe('IngressAuthorization', () => {
  test('valid rules (IPv4 and IPv6 networks, a group or all groups) always synthesize into valid rules', () => {
    assertProperty(fc.property(validRulesSpec(), (spec) => failIf(validRulesOutcome(spec))), __filename);
  }, TIMEOUT);

  test('a rule with one invalid value always throws an Error naming the offending prop', () => {
    assertProperty(fc.property(invalidRuleMutation(), (mutation) => failIf(invalidRuleOutcome(mutation))), __filename);
  }, TIMEOUT);

  test('any prop of the wrong type throws an Error naming it, or synthesizes a valid rule; never a TypeError', () => {
    assertProperty(fc.property(wrongRuleArb(), ([kind, rule, prop, value]) => failIf(wrongRuleOutcome(kind, rule, prop, value))), __filename);
  }, TIMEOUT);
});

describe('ClientVpnRoute', () => {
  test('valid routes (through a target network, local, or the transit gateway) always synthesize into valid routes', () => {
    assertProperty(fc.property(validRoutesSpec(), (spec) => failIf(validRoutesOutcome(spec))), __filename);
  }, TIMEOUT);

  test('a route with one invalid value always throws an Error naming the offending prop', () => {
    assertProperty(fc.property(invalidRouteMutation(), (mutation) => failIf(invalidRouteOutcome(mutation))), __filename);
  }, TIMEOUT);

  test('any prop of the wrong type throws an Error naming it, or synthesizes a valid route; never a TypeError', () => {
    assertProperty(fc.property(wrongRouteArb(), ([kind, route, prop, value]) => failIf(wrongRouteOutcome(kind, route, prop, value))), __filename);
  }, TIMEOUT);
});
