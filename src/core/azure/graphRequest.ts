// A small request builder for Microsoft Graph over the one Azure client (the shape the wizards' code was written
// against: api(path).filter().select().top().get()/post()/delete()), so every Graph call shares the proxy, the
// origin pinning, the retries and the deadline of src/core/azure/client.ts.
import { azureOperation, graphClient, type AzureClient, type AzureClientsOptions } from './client';

/** Each call is one wizard step: its own deadline, and the caller's cancellation when given with option('signal'). */
export const GRAPH_STEP_DEADLINE_MS = 60_000;

export class GraphRequestBuilder {
  private readonly query: Record<string, string> = {};
  private readonly headers: Record<string, string> = {};
  private signal: AbortSignal | undefined;

  constructor(private readonly client: AzureClient, private readonly path: string, private readonly deadlineMs: number) {}

  filter(value: string): this { this.query.$filter = value; return this; }
  select(value: string): this { this.query.$select = value; return this; }
  top(value: number): this { this.query.$top = String(value); return this; }
  header(name: string, value: string): this { this.headers[name] = value; return this; }
  /** Only 'signal' is understood: the caller's cancellation. */
  option(name: 'signal', value: AbortSignal | undefined): this {
    if (name === 'signal') this.signal = value;
    return this;
  }

  private async call(method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<unknown> {
    const answer = await this.client.send<unknown>(azureOperation(this.deadlineMs, this.signal), {
      method, path: this.path, query: this.query, headers: this.headers, ...(body !== undefined ? { body } : {}),
    });
    return answer.body;
  }

  get(): Promise<unknown> { return this.call('GET'); }
  post(body: unknown): Promise<unknown> { return this.call('POST', body); }
  delete(): Promise<unknown> { return this.call('DELETE'); }
}

export class GraphApi {
  readonly client: AzureClient;
  constructor(options: AzureClientsOptions, private readonly deadlineMs = GRAPH_STEP_DEADLINE_MS) {
    this.client = graphClient(options);
  }

  /** A path below /v1.0, or a next link Graph gave (on the same origin, else the request is refused). */
  api(path: string): GraphRequestBuilder {
    return new GraphRequestBuilder(this.client, path, this.deadlineMs);
  }
}
