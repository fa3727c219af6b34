import { CfnParameter, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ClientVpnEndpoint, IClientVpnEndpoint } from '../src';
import { minimalProps, testStack } from './util';

function endpointAndStack() {
  const fixture = testStack();
  const endpoint = new ClientVpnEndpoint(fixture.stack, 'Endpoint', minimalProps(fixture));
  return { ...fixture, endpoint };
}

describe('metrics', () => {
  test.each<[string, (e: IClientVpnEndpoint) => cloudwatch.Metric, string, number]>([
    ['ActiveConnectionsCount', (e) => e.metricActiveConnectionsCount(), 'Average', 300],
    ['AuthenticationFailures', (e) => e.metricAuthenticationFailures(), 'Sum', 300],
    ['CrlDaysToExpiry', (e) => e.metricCrlDaysToExpiry(), 'Minimum', 3600],
    ['IngressBytes', (e) => e.metricIngressBytes(), 'Sum', 300],
    ['EgressBytes', (e) => e.metricEgressBytes(), 'Sum', 300],
    ['IngressPackets', (e) => e.metricIngressPackets(), 'Sum', 300],
    ['EgressPackets', (e) => e.metricEgressPackets(), 'Sum', 300],
    ['SelfServicePortalClientConfigurationDownloads', (e) => e.metricSelfServicePortalClientConfigurationDownloads(), 'Sum', 300],
  ])('%s: namespace, dimension, default statistic and period', (name, make, statistic, periodSeconds) => {
    const { stack, endpoint } = endpointAndStack();
    const metric = make(endpoint);
    expect(metric.namespace).toBe('AWS/ClientVPN');
    expect(metric.metricName).toBe(name);
    expect(metric.statistic).toBe(statistic);
    expect(metric.period.toSeconds()).toBe(periodSeconds);
    expect(stack.resolve(metric.dimensions)).toEqual({ Endpoint: { Ref: 'EndpointEEF1FD8F' } });
  });

  test('options override the defaults', () => {
    const { endpoint } = endpointAndStack();
    const metric = endpoint.metricIngressBytes({ statistic: 'Maximum', period: Duration.minutes(1) });
    expect(metric.statistic).toBe('Maximum');
    expect(metric.period.toSeconds()).toBe(60);
  });

  test('an imported endpoint has metrics on its id', () => {
    const { stack } = testStack();
    const imported = ClientVpnEndpoint.fromClientVpnEndpointAttributes(stack, 'Imported', { endpointId: 'cvpn-endpoint-0123456789abcdef0' });
    expect(imported.metric('ActiveConnectionsCount').dimensions).toEqual({ Endpoint: 'cvpn-endpoint-0123456789abcdef0' });
  });
});

describe('addCrlExpiryAlarm', () => {
  test('alarms below 7 days by default, on the minimum of CrlDaysToExpiry', () => {
    const { stack, endpoint } = endpointAndStack();
    endpoint.addCrlExpiryAlarm('CrlExpiry');
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ClientVPN',
      MetricName: 'CrlDaysToExpiry',
      Dimensions: [{ Name: 'Endpoint', Value: { Ref: 'EndpointEEF1FD8F' } }],
      Statistic: 'Minimum',
      Threshold: 7,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  test('takes a threshold, a name and a description', () => {
    const { stack, endpoint } = endpointAndStack();
    endpoint.addCrlExpiryAlarm('CrlExpiry', { thresholdDays: 30, alarmName: 'crl-expiry', alarmDescription: 'Rotate the CRL' });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 30,
      AlarmName: 'crl-expiry',
      AlarmDescription: 'Rotate the CRL',
    });
  });

  test.each([0, -3, 2.5])('rejects a threshold of %s days', (thresholdDays) => {
    const { endpoint } = endpointAndStack();
    expect(() => endpoint.addCrlExpiryAlarm('CrlExpiry', { thresholdDays })).toThrow(`\`thresholdDays\` must be a whole number of days, at least 1, got ${thresholdDays}`);
  });

  test('a token threshold passes', () => {
    const { stack, endpoint } = endpointAndStack();
    endpoint.addCrlExpiryAlarm('CrlExpiry', { thresholdDays: new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: { Ref: 'Days' } });
  });
});
