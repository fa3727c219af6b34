import { App, Aspects, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AwsSolutionsChecks as AwsSolutionsChecksV2 } from 'cdk-nag-v2';
import { IConstruct } from 'constructs';

/*
 * What an app made of this library's constructs must not have: an error, a warning of this library
 * (an example that shows one acknowledges it), or a cdk-nag 2 or 3 finding or any other warning on
 * the library's resources. Used by the README test (src/) and by the consumer check (the packed
 * library in an app of its own), so each passes in the library classes it runs with.
 */

type Class = abstract new (...args: any[]) => unknown;

export interface LibraryClasses {
  readonly ClientVpnEndpoint: Class;
  readonly IngressAuthorization: Class;
  readonly ClientVpnRoute: Class;
  readonly ClientVpnTargetNetworkAssociation: Class;
}

const NAG_FINDING = /^AwsSolutions-/;

/** Synthesizes `app` with cdk-nag 2 and 3 and returns each problem as a line; none when all is well. */
export function problemsOf(app: App, library: LibraryClasses): string[] {
  Aspects.of(app).add(new AwsSolutionsChecksV2({ reports: false }));
  const messages = app.synth().stacks.flatMap((stack) => stack.messages)
    .map(({ level, id, entry }) => ({ level, path: id.replace(/^\//, ''), text: String(entry.data) }));
  const cdkNag3Findings = new AwsSolutionsChecks().validateScope(app).violations
    .flatMap(({ ruleName, violatingResources }) => violatingResources.map((resource) => ({ ruleName, path: resource.constructPath ?? '' })));

  const libraryConstructs = libraryPaths(app, library);
  if (libraryConstructs.length === 0) {
    return ['the app has no construct of this library'];
  }
  const onLibrary = (constructPath: string) => libraryConstructs.some((prefix) => constructPath === prefix || constructPath.startsWith(`${prefix}/`));
  const format = ({ level, path, text }: { level: string; path: string; text: string }) => `${level} at ${path}: ${text}`;
  return [
    // cdk-nag 2 reports its findings as annotations; those on the app's own resources (the fixture's VPC, say) are not the library's.
    ...messages.filter((m) => m.level === 'error' && !NAG_FINDING.test(m.text)).map(format),
    ...messages.filter((m) => m.level === 'warning' && m.text.includes('[ack: cdk-client-vpn:')).map(format),
    ...messages.filter((m) => m.level !== 'info' && onLibrary(m.path) && !m.text.includes('[ack: cdk-client-vpn:')).map(format),
    ...cdkNag3Findings.filter((finding) => onLibrary(finding.path)).map(({ ruleName, path }) => `cdk-nag 3 at ${path}: ${ruleName}`),
  ];
}

/** The paths of the library's constructs: its endpoints, rules, routes, associations and each stack's settings handler. */
function libraryPaths(app: App, library: LibraryClasses): string[] {
  const isLibraryConstruct = (construct: IConstruct) => construct instanceof library.ClientVpnEndpoint
    || construct instanceof library.IngressAuthorization
    || construct instanceof library.ClientVpnRoute
    || construct instanceof library.ClientVpnTargetNetworkAssociation
    || (construct.node.scope !== undefined && Stack.isStack(construct.node.scope) && construct.node.id.startsWith('ClientVpnEndpointSettingsHandler'));
  return app.node.findAll().filter(isLibraryConstruct).map((construct) => construct.node.path);
}
