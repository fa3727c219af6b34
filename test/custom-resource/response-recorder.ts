import * as http from 'http';
import { AddressInfo } from 'net';

/** A request CloudFormation's pre-signed response URL received. */
export interface RecordedResponse {
  readonly method?: string;
  readonly url?: string;
  readonly body: string;
}

/** Stands in for CloudFormation's pre-signed response URL on 127.0.0.1, recording every request. */
export class ResponseRecorder {
  public requests: RecordedResponse[] = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.requests.push({ method: req.method, url: req.url, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200);
      res.end();
    });
  });

  /** The URL to give events as their ResponseURL; valid once `start` has resolved. */
  public url = '';

  public async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/response`;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
