import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { toYamlStream } from '../../src/render/yaml-output.js';
import { isCredentialKey } from '../../src/charts/inference-infrastructure/credentials.js';
import { container, envOf, get, render } from '../helpers/render.js';

// A credential in litellm-proxy.litellm.* would land in ConfigMap <release>-litellm-proxy-config and in
// template/diff output: only os.environ/ references are accepted, set from Secrets.

const SECRET = 'sk-live-0123456789abcdef';
const models = (params: string) => `litellm-proxy:\n  litellm:\n    modelList:\n      - model_name: local\n        litellm_params: {model: openai/qwen, api_base: "http://vllm:8000/v1", api_key: none}\n      - model_name: mock\n        litellm_params: {model: openai/mock, mock_response: hi}\n      - model_name: gpt\n        litellm_params: ${params}\n`;

function refusal(files: Record<string, string>, values: string[] = []): string {
  try {
    render({ files, options: { values } });
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail('the render should have refused a literal credential');
}

test('a literal api_key in modelList is refused with its key path, its file and how to reference a Secret, never the value', () => {
  const message = refusal({ 'models.yaml': models(`{model: openai/gpt-4o, api_key: "${SECRET}"}`) });
  assert.match(message, /^key litellm-proxy\.litellm\.modelList\[2\]\.litellm_params\.api_key \(from values file models\.yaml\): a credential written here would be stored in plain text in ConfigMap infra-litellm-proxy-config/);
  assert.match(message, /write api_key: os\.environ\/OPENAI_API_KEY with litellm-proxy\.credentials: \[\{env: OPENAI_API_KEY, secretName: llm-credentials, secretKey: openai-api-key\}\]/);
  assert.match(message, /api_key: none/);
  assert.ok(!message.includes(SECRET), 'the value is never printed');
  assert.doesNotMatch(message, /\n/, 'one paragraph');
});

test('--set names the flag; every credential field LiteLLM takes is caught, nested ones too', () => {
  const viaSet = refusal({}, ['litellm-proxy.litellm.modelList[0].model_name=x', `litellm-proxy.litellm.modelList[0].litellm_params.aws_secret_access_key=${SECRET}`]);
  assert.match(viaSet, /^key litellm-proxy\.litellm\.modelList\[0\]\.litellm_params\.aws_secret_access_key \(from --set litellm-proxy\.litellm\.modelList\[0\]\.litellm_params\.aws_secret_access_key=<hidden>\)/);
  assert.ok(!viaSet.includes(SECRET), 'a --set source is shown without its value');
  let viaJson = '';
  try {
    render({ options: { jsonValues: [`litellm-proxy.litellm.modelList=[{"model_name":"x","litellm_params":{"model":"anthropic/claude","api_key":"${SECRET}"}}]`] } });
  } catch (err) {
    viaJson = (err as Error).message;
  }
  assert.match(viaJson, /\(from --set-json litellm-proxy\.litellm\.modelList=<hidden>\).*os\.environ\/ANTHROPIC_API_KEY/);
  assert.ok(!viaJson.includes(SECRET));
  assert.match(viaSet, /os\.environ\/AWS_SECRET_ACCESS_KEY/);
  for (const key of ['api_key', 'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_web_identity_token', 'azure_ad_token', 'vertex_credentials', 'client_secret', 'azure_password', 'langfuse_secret_key', 'valkey_password', 'master_key']) {
    assert.ok(isCredentialKey(key), key);
  }
  for (const key of ['api_base', 'api_version', 'model', 'max_tokens', 'input_cost_per_token', 'tpm', 'aws_region_name', 's3_encryption_key_id', 'vertex_project']) {
    assert.ok(!isCredentialKey(key), key);
  }
  // vertex_credentials as an inline service-account map is as secret as a string.
  assert.match(refusal({ 'v.yaml': models('{model: vertex_ai/gemini, vertex_credentials: {type: service_account, private_key: x}}') }), /modelList\[2\]\.litellm_params\.vertex_credentials/);
  // Settings the chart merges into config.yaml are checked too.
  assert.match(refusal({ 's.yaml': 'litellm-proxy:\n  litellm:\n    routerSettings: {redis_password: hunter2}\n' }), /^key litellm-proxy\.litellm\.routerSettings\.redis_password \(from values file s\.yaml\)/);
  assert.match(refusal({ 'g.yaml': 'litellm-proxy:\n  litellm:\n    generalSettings: {master_key: sk-1234}\n' }), /generalSettings\.master_key/);
  assert.match(refusal({ 'c.yaml': 'litellm-proxy:\n  litellm:\n    litellmSettings: {cache_params: {password: hunter2}}\n' }), /litellmSettings\.cache_params\.password/);
});

test('the documented way renders: os.environ/ in the model list, the variable from the Secret, the Secret a provided reference', () => {
  const files = {
    'models.yaml':
      models('{model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY}') +
      '  credentials:\n    - {env: OPENAI_API_KEY, secretName: llm-credentials, secretKey: openai-api-key}\n',
  };
  const r = render({ files });
  const config = parse(get(r.find('ConfigMap', 'infra-litellm-proxy-config'), 'data')['config.yaml']);
  assert.equal(config.model_list[2].litellm_params.api_key, 'os.environ/OPENAI_API_KEY');
  assert.equal(config.model_list[0].litellm_params.api_key, 'none', 'the placeholder of an unauthenticated backend stays');
  const env = envOf(container(r.find('Deployment', 'infra-litellm-proxy'), 'litellm'));
  assert.deepEqual(env.OPENAI_API_KEY, { secretKeyRef: { name: 'llm-credentials', key: 'openai-api-key' } });
  assert.ok(r.result.provided.some((p) => p.kind === 'Secret' && p.name === 'llm-credentials' && p.keys?.[0] === 'openai-api-key' && p.by === 'user (litellm-proxy.credentials[0])'));
  assert.ok(!toYamlStream(r.objects).includes(SECRET));
  // The migration Job needs no model credentials.
  assert.equal(envOf(container(r.find('Job', 'infra-litellm-proxy-migration'))).OPENAI_API_KEY, undefined);
});

test('placeholders for unauthenticated backends are accepted; a credentials name that the chart already sets is refused', () => {
  for (const placeholder of ['none', 'None', 'EMPTY', 'dummy', '""']) render({ files: { 'p.yaml': models(`{model: openai/x, api_base: "http://x:8000/v1", api_key: ${placeholder}}`) } });
  assert.throws(
    () => render({ files: { 'c.yaml': 'litellm-proxy:\n  credentials:\n    - {env: REDIS_PASSWORD, secretName: mine, secretKey: k}\n' } }),
    /: key litellm-proxy\.credentials\[0\]\.env \(from values file c\.yaml\): the proxy already has an environment variable REDIS_PASSWORD/,
  );
});

test('default output is unchanged by the credentials key', () => {
  const r = render();
  assert.equal(envOf(container(r.find('Deployment', 'infra-litellm-proxy'), 'litellm')).OPENAI_API_KEY, undefined);
  assert.ok(!r.result.provided.some((p) => p.by.includes('credentials')));
});
