import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake LiteLLM proxy speaking the admin API's request and response shapes (BerriAI/litellm proxy
 * model management and health endpoints; litellm.md 1.4, 2.2 and 5): GET /model/info
 * returns {data: [{model_name, litellm_params without api_key, model_info with id and cost-map
 * keys}]}, POST /model/new honours a caller-supplied model_info.id and fails on a taken one
 * (unique model_id), POST /model/delete {id} fails with "not found" for unknown ids, GET /v1/models
 * lists model names. GET /model/info?litellm_model_id=<id> returns that one model, or 400 `Model id
 * = <id> not found on litellm proxy` as v1.100-v1.104 do. /health/liveliness and /health/readiness
 * answer without a key; everything else needs `Authorization: Bearer <master key>` and answers 401
 * otherwise. Models live as long as the object (LiteLLM keeps them in its database).
 *
 * `dropCreates = N` makes the next N creates behave like BerriAI/litellm#30771: 200 with
 * model_info.db_model false, the model kept only "in memory" (listed and served with db_model
 * false) and never stored; `loseCreates = N` answers 200 and keeps nothing.
 */
export interface StoredModel {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown>;
}

export const LITELLM_VERSION = '1.104.2';

export class FakeLiteLLM {
  models = new Map<string, StoredModel>();
  calls: string[] = [];
  /** Answer 503 to this many requests first (a proxy whose database is not connected yet). */
  unavailable = 0;
  /** Answer 200 to this many creates without storing them (BerriAI/litellm#30771): kept in memory, db_model false. */
  dropCreates = 0;
  /** Answer 200 to this many creates and keep nothing at all (a create no reader ever finds). */
  loseCreates = 0;
  server?: Server;
  port = 0;

  /** `masterKey`: the accepted key, or a function asked on every request (e.g. read from the pod's Secret). */
  constructor(private readonly masterKey: string | (() => string | undefined)) {}

  private key(): string | undefined {
    return typeof this.masterKey === 'string' ? this.masterKey : this.masterKey();
  }

  /** POST requests received, in order ("POST /model/new"). */
  mutations(): string[] {
    return this.calls.filter((c) => c.startsWith('POST'));
  }

  /** Listens on 127.0.0.1 (port 0: any free port); resolves to the port. */
  async listen(port = 0): Promise<number> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const url = new URL(req.url ?? '/', 'http://litellm');
    const path = url.pathname;
    this.calls.push(`${req.method} ${path}${url.search}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (this.unavailable > 0) {
      this.unavailable--;
      return send(503, { detail: 'Service Unhealthy (database not connected)' });
    }
    if (req.method === 'GET' && (path === '/health/liveliness' || path === '/health/liveness')) return send(200, "I'm alive!");
    if (req.method === 'GET' && path === '/health/readiness') {
      return send(200, { status: 'healthy', db: 'connected', cache: null, litellm_version: LITELLM_VERSION, success_callbacks: [], last_updated: new Date().toISOString() });
    }
    const key = this.key();
    if (!key || req.headers.authorization !== `Bearer ${key}`) {
      return send(401, { error: { message: 'Authentication Error, Invalid proxy server token passed. Received API Key = sk-...', type: 'auth_error', param: 'None', code: '401' } });
    }
    let body: Record<string, any> = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return send(422, { detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }] });
    }
    if (req.method === 'GET' && (path === '/model/info' || path === '/v1/model/info')) {
      // LiteLLM never returns api_key and adds cost-map fields to model_info.
      const shown = (m: StoredModel) => {
        const { api_key: _hidden, ...params } = m.litellm_params;
        return { model_name: m.model_name, litellm_params: params, model_info: { ...m.model_info, max_tokens: null, input_cost_per_token: 0, mode: null } };
      };
      const wanted = url.searchParams.get('litellm_model_id');
      if (wanted !== null) {
        const m = this.models.get(wanted);
        if (!m) return send(400, { detail: { error: `Model id = ${wanted} not found on litellm proxy` } });
        return send(200, { data: [shown(m)] });
      }
      return send(200, { data: [...this.models.values()].map(shown) });
    }
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      const names = [...new Set([...this.models.values()].map((m) => m.model_name))];
      return send(200, { object: 'list', data: names.map((id) => ({ id, object: 'model', created: 1677610602, owned_by: 'openai' })) });
    }
    if (req.method === 'POST' && path === '/model/new') {
      const id = body.model_info?.id ?? `uuid-${this.models.size}`;
      if (this.models.has(id)) return send(500, { error: { message: 'Unique constraint failed on the fields: (`model_id`)', type: 'internal_server_error', code: '500' } });
      if (this.loseCreates > 0) {
        this.loseCreates--;
        return send(200, { model_id: id, model_name: body.model_name, litellm_params: body.litellm_params, model_info: { ...body.model_info, id, db_model: false } });
      }
      const dropped = this.dropCreates > 0;
      if (dropped) this.dropCreates--;
      const stored: StoredModel = { model_name: body.model_name, litellm_params: body.litellm_params, model_info: { ...body.model_info, id, db_model: !dropped } };
      this.models.set(id, stored);
      return send(200, { model_id: id, ...stored, created_by: 'default_user_id' });
    }
    if (req.method === 'POST' && path === '/model/delete') {
      if (!this.models.delete(body.id)) return send(400, { error: { message: `Model with id=${body.id} not found in db`, type: 'bad_request_error', code: '400' } });
      return send(200, { message: `Model: ${body.id} deleted successfully` });
    }
    return send(404, { detail: 'Not Found' });
  }
}
