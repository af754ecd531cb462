import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A fake LiteLLM proxy for the registrar tests, speaking the admin API's request and response
 * shapes (litellm.md 2.2 and 5; BerriAI/litellm proxy model management): GET /model/info returns
 * {data: [{model_name, litellm_params without api_key, model_info with id and cost-map keys}]},
 * POST /model/new honours a caller-supplied model_info.id and fails on a taken one (unique
 * model_id), POST /model/delete {id} fails with "not found" for unknown ids, GET /v1/models lists
 * model names. Every endpoint needs `Authorization: Bearer <master key>` and answers 401 otherwise.
 */
export interface Stored { model_name: string; litellm_params: Record<string, unknown>; model_info: Record<string, unknown> }

export class FakeLiteLLM {
  models = new Map<string, Stored>();
  calls: string[] = [];
  /** Answer 503 to this many requests first (a proxy whose database is not connected yet). */
  unavailable = 0;
  server?: Server;
  port = 0;

  /** `masterKey`: the accepted key, or a function asked on every request (e.g. a generated Secret). */
  constructor(private readonly masterKey: string | (() => string | undefined)) {}

  private key(): string | undefined {
    return typeof this.masterKey === 'string' ? this.masterKey : this.masterKey();
  }

  reset(): void {
    this.models.clear();
    this.calls = [];
    this.unavailable = 0;
    // A model from LiteLLM's config file and one registered by another stack release.
    this.models.set('5f3e2a', { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o' }, model_info: { id: '5f3e2a', db_model: false } });
    this.models.set('inferctl-other-stack-chat', {
      model_name: 'chat',
      litellm_params: { model: 'hosted_vllm/chat', api_base: 'http://stack-chat-predictor.other.svc.cluster.local/v1', api_key: 'none' },
      model_info: { id: 'inferctl-other-stack-chat', inferctl_owner: 'other/stack', db_model: true },
    });
  }

  mutations(): string[] {
    return this.calls.filter((c) => c.startsWith('POST'));
  }

  async listen(port: number): Promise<void> {
    this.port = port;
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const path = (req.url ?? '').split('?')[0];
    this.calls.push(`${req.method} ${path}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (this.unavailable > 0) {
      this.unavailable--;
      return send(503, { detail: 'Service Unhealthy (database not connected)' });
    }
    const key = this.key();
    if (!key || req.headers.authorization !== `Bearer ${key}`) {
      return send(401, { error: { message: 'Authentication Error, Invalid proxy server token passed. Received API Key = sk-...', type: 'auth_error', param: 'None', code: '401' } });
    }
    const body = raw ? JSON.parse(raw) : {};
    if (req.method === 'GET' && (path === '/model/info' || path === '/v1/model/info')) {
      // LiteLLM never returns api_key and adds cost-map fields to model_info.
      const data = [...this.models.values()].map((m) => {
        const { api_key: _hidden, ...params } = m.litellm_params;
        return { model_name: m.model_name, litellm_params: params, model_info: { ...m.model_info, max_tokens: null, input_cost_per_token: 0, mode: null } };
      });
      return send(200, { data });
    }
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      const names = [...new Set([...this.models.values()].map((m) => m.model_name))];
      return send(200, { object: 'list', data: names.map((id) => ({ id, object: 'model', created: 1677610602, owned_by: 'openai' })) });
    }
    if (req.method === 'POST' && path === '/model/new') {
      const id = body.model_info?.id ?? `uuid-${this.models.size}`;
      if (this.models.has(id)) return send(500, { error: { message: 'Unique constraint failed on the fields: (`model_id`)', type: 'internal_server_error', code: '500' } });
      const stored: Stored = { model_name: body.model_name, litellm_params: body.litellm_params, model_info: { ...body.model_info, id, db_model: true } };
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

