import { receive, type ReceivedRequest, type RecordedRequest } from "./http";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type Handler = (request: IncomingMessage, response: ServerResponse, baseUrl: string) => Promise<void>;

/**
The listening part every sandbox API shares: binds 127.0.0.1 only (a sandbox is never reachable from elsewhere),
reports its base URL, and closes without waiting for clients' kept-alive connections.
*/
export class LoopbackListener {
  private server: Server | undefined;
  private baseUrl: string | undefined;

  /**
  @param name the API, for messages ("DIDWW")
  @param basePath the API's path prefix ("/v3")
  @param handle answers one request; `baseUrl` is the one the request arrived on
  @param fail answers a request whose handler threw, so a sandbox bug shows as an answer, not a hung request
  */
  constructor(
    private readonly name: string,
    private readonly basePath: string,
    private readonly handle: Handler,
    private readonly fail: (response: ServerResponse, error: unknown) => void,
  ) {}

  get url(): string {
    if (this.baseUrl === undefined) throw new Error(`the ${this.name} sandbox is not listening; call listen() first`);
    return this.baseUrl;
  }

  listen(port = 0): Promise<string> {
    if (this.server !== undefined) return Promise.reject(new Error(`the ${this.name} sandbox is already listening`));
    // Captured per server, so requests still in flight while close() runs keep rendering absolute links.
    let baseUrl = "";
    const server = createServer((request, response) => {
      this.handle(request, response, baseUrl).catch((error: unknown) => this.fail(response, error));
    });
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        const address = server.address();
        const boundPort = typeof address === "object" && address !== null ? address.port : port;
        baseUrl = `http://127.0.0.1:${boundPort}${this.basePath}`;
        this.server = server;
        this.baseUrl = baseUrl;
        resolve(baseUrl);
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return Promise.resolve();
    this.server = undefined;
    this.baseUrl = undefined;
    return new Promise((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Clients keep connections alive; without this close() would wait for their idle timeout.
      server.closeIdleConnections();
    });
  }
}

/** What a sandbox API offers when served on its own port (`createDidwwSandbox`, `createCarrierxSandbox`). */
export interface StandaloneApi {
  /** Base URL including the API's base path, e.g. http://127.0.0.1:54321/v3 (valid after listen). */
  readonly url: string;
  /** Binds 127.0.0.1; port 0 (the default) picks a free port. Resolves to `url`. */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
  /** Every request received, in order, recorded before any check (for tests asserting the exact wire traffic). */
  readonly requests: RecordedRequest[];
  /** Answers one request as if it arrived at `baseUrl` (…/v3, …/core/v2); lets one server carry several APIs. */
  handle(request: IncomingMessage, response: ServerResponse, baseUrl: string): Promise<void>;
}

/**
The serving part of a StandaloneApi: the listener, and the request log that `receive` fills. The API answers in
`handle`, which the combined sandbox also calls directly, and says in `fail` how it answers a request whose handler
threw.
*/
export abstract class LoopbackApi implements StandaloneApi {
  readonly requests: RecordedRequest[] = [];
  private readonly listener: LoopbackListener;

  /**
  @param name the API, for messages ("DIDWW")
  @param basePath the API's path prefix ("/v3")
  */
  constructor(name: string, basePath: string) {
    this.listener = new LoopbackListener(
      name,
      basePath,
      (request, response, baseUrl) => this.handle(request, response, baseUrl),
      (response, error) => this.fail(response, error),
    );
  }

  get url(): string {
    return this.listener.url;
  }

  listen(port = 0): Promise<string> {
    return this.listener.listen(port);
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  abstract handle(request: IncomingMessage, response: ServerResponse, baseUrl: string): Promise<void>;

  protected abstract fail(response: ServerResponse, error: unknown): void;

  /** Reads the request and adds it to the log before any check, so tests can also assert on requests refused. */
  protected async receive(request: IncomingMessage): Promise<ReceivedRequest> {
    const received = await receive(request);
    this.requests.push(received.record);
    return received;
  }
}
