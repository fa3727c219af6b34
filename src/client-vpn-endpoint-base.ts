import { ArnFormat, Duration, Resource, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IDependable } from 'constructs';
import { CrlExpiryAlarmOptions, IClientVpnEndpoint } from './client-vpn-endpoint-types';
import { ClientVpnRoute, ClientVpnRouteOptions } from './client-vpn-route';
import { IngressAuthorization, IngressAuthorizationOptions } from './ingress-authorization';
import { scopeError } from './private/construct-rejection';
import { invalid, isUnresolved } from './private/validation';

const FIVE_MINUTES = Duration.minutes(5);
const DEFAULT_CRL_EXPIRY_THRESHOLD_DAYS = 7;

/**
 * What an endpoint defined in the app and an imported one have in common: rules, routes, metrics
 * and the CRL expiry alarm. Not exported from the package: its members appear on both.
 *
 * @internal
 */
export abstract class ClientVpnEndpointBase extends Resource implements IClientVpnEndpoint {
  public abstract readonly endpointId: string;
  public abstract readonly endpointArn: string;
  public abstract readonly connections: ec2.Connections;
  public abstract readonly targetNetworksAssociated: IDependable;

  /** The reference aws-cdk-lib's own Client VPN constructs take. */
  public get clientVpnEndpointRef(): ec2.ClientVpnEndpointReference {
    return { clientVpnEndpointId: this.endpointId };
  }

  public addIngressAuthorization(id: string, options: IngressAuthorizationOptions): IngressAuthorization {
    return new IngressAuthorization(this, id, { ...options, endpoint: this });
  }

  public addRoute(id: string, options: ClientVpnRouteOptions): ClientVpnRoute {
    return new ClientVpnRoute(this, id, { ...options, endpoint: this });
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ClientVPN',
      metricName,
      dimensionsMap: { Endpoint: this.endpointId },
      ...props,
    }).attachTo(this);
  }

  public metricActiveConnectionsCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ActiveConnectionsCount', { statistic: cloudwatch.Stats.AVERAGE, period: FIVE_MINUTES, ...props });
  }

  public metricAuthenticationFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('AuthenticationFailures', { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, ...props });
  }

  public metricCrlDaysToExpiry(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CrlDaysToExpiry', { statistic: cloudwatch.Stats.MINIMUM, period: Duration.hours(1), ...props });
  }

  public metricIngressBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('IngressBytes', { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, ...props });
  }

  public metricEgressBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('EgressBytes', { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, ...props });
  }

  public metricIngressPackets(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('IngressPackets', { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, ...props });
  }

  public metricEgressPackets(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('EgressPackets', { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, ...props });
  }

  public metricSelfServicePortalClientConfigurationDownloads(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('SelfServicePortalClientConfigurationDownloads', { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, ...props });
  }

  public addCrlExpiryAlarm(id: string, options: CrlExpiryAlarmOptions = {}): cloudwatch.Alarm {
    const thresholdDays = options.thresholdDays ?? DEFAULT_CRL_EXPIRY_THRESHOLD_DAYS;
    if (!isUnresolved(thresholdDays) && (!Number.isInteger(thresholdDays) || thresholdDays < 1)) {
      throw scopeError(this.node.path, invalid('thresholdDays', 'must be a whole number of days, at least 1', thresholdDays), this.addCrlExpiryAlarm);
    }
    return new cloudwatch.Alarm(this, id, {
      metric: this.metricCrlDaysToExpiry(),
      threshold: thresholdDays,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data means no CRL is imported, which is not this alarm's concern.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.alarmDescription
        ?? `The client certificate revocation list of ${this.node.path} expires in less than ${thresholdDays} days; an expired list blocks every connection`,
      alarmName: options.alarmName,
    });
  }

  protected arnFor(endpointId: string): string {
    return Stack.of(this).formatArn({
      service: 'ec2',
      resource: 'client-vpn-endpoint',
      resourceName: endpointId,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }
}
